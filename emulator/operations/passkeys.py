"""Passkeys (WEB_AUTHN): StartWebAuthnRegistration, CompleteWebAuthnRegistration, ListWebAuthnCredentials,
DeleteWebAuthnCredential, and what a passkey sign-in (operations/auth/user_auth.py) needs: the relying party, the
request options and the assertion check (docs/cognito-behaviour.md §17).

Registration and assertions are verified by py_webauthn (the `webauthn` package): challenge, origin, RP ID hash,
signature, attestation (`none`, `packed` and the other formats it knows), sign count and user verification.

A user keeps `WebAuthnCredentials`: [{CredentialId, PublicKey (COSE, base64url), SignCount, RelyingPartyId,
AuthenticatorAttachment, AuthenticatorTransports, FriendlyCredentialName, CreatedAt, LastUsedAt}], and while a
registration is under way `WebAuthnRegistration`: {challenge, client_id, expires_at}.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import urlsplit

from emulator import errors
from emulator.operations import pagination, token_issue
from emulator.operations.registry import operation
from emulator.services import Services

# py_webauthn (and the pyOpenSSL it brings) is imported where a passkey is handled, not at start: a tenth of a
# second and 15 MB that most runs never use.

CREDENTIALS = "WebAuthnCredentials"
REGISTRATION = "WebAuthnRegistration"
CHALLENGE_SECONDS = 300  # how long a registration's challenge waits (Cognito's is undocumented)
MAX_CREDENTIALS = 20  # per user (Cognito's limit is undocumented; its list pages hold 20)
TIMEOUT_MS = 180000


def base64url_to_bytes(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def bytes_to_base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def webauthn_configuration(pool: dict) -> dict:
    return ((pool.get("MfaTypes") or {}).get("WebAuthnConfiguration")) or {}


def enabled(pool: dict) -> bool:
    factors = ((pool.get("Policies") or {}).get("SignInPolicy") or {}).get("AllowedFirstAuthFactors") or []
    return "WEB_AUTHN" in factors


def relying_party_id(pool: dict) -> str:
    """The configured RelyingPartyId, else the pool's custom domain, else its prefix domain's full name."""
    configured = webauthn_configuration(pool).get("RelyingPartyId")
    if configured:
        return configured
    if pool.get("CustomDomain"):
        return pool["CustomDomain"]
    if pool.get("Domain"):
        return f"{pool['Domain']}.auth.{pool['Id'].split('_', 1)[0]}.amazoncognito.com"
    raise errors.WebAuthnConfigurationMissingException(
        "The user pool doesn't have a configured relying party id or a user pool domain.")


def user_verification(pool: dict) -> str:
    return webauthn_configuration(pool).get("UserVerification") or "preferred"


def origin_of(client_data_json: str) -> str:
    """The origin the browser wrote into clientDataJSON (unchecked; the verification compares it)."""
    try:
        return str(json.loads(base64url_to_bytes(client_data_json)).get("origin") or "")
    except (ValueError, TypeError, AttributeError):
        raise errors.InvalidParameterException("The credential's clientDataJSON is not valid.") from None


def check_origin(origin: str, rp_id: str) -> None:
    """The origin must be the relying party or a subdomain of it, over HTTPS (or HTTP for localhost, which
    browsers treat as secure)."""
    parts = urlsplit(origin)
    host = parts.hostname or ""
    secure = parts.scheme == "https" or (parts.scheme == "http" and host == "localhost")
    if not secure or not (host == rp_id or host.endswith("." + rp_id)):
        raise errors.WebAuthnOriginNotAllowedException(f"The origin {origin} is not allowed for relying party {rp_id}.")


def _credential_object(value) -> dict:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise errors.InvalidParameterException("The credential is not valid JSON.") from None
    if not isinstance(value, dict) or not isinstance(value.get("response"), dict):
        raise errors.InvalidParameterException("The credential is not a WebAuthn public key credential.")
    return value


def _signed_in_user(services: Services, access_token: str) -> tuple[dict, dict, dict]:
    pool, user, claims = token_issue.user_of_access_token(services, access_token, user_gone=True)
    if not enabled(pool):
        raise errors.WebAuthnNotEnabledException("Passkeys are not enabled for this user pool.")
    return pool, user, claims


@operation("StartWebAuthnRegistration")
def start_registration(services: Services, request: dict) -> dict:
    from webauthn import generate_registration_options, options_to_json
    from webauthn.helpers.structs import (AuthenticatorSelectionCriteria, ResidentKeyRequirement,
                                          UserVerificationRequirement)

    pool, user, claims = _signed_in_user(services, request["AccessToken"])
    rp_id = relying_party_id(pool)
    credentials = user.get(CREDENTIALS) or []
    if len(credentials) >= MAX_CREDENTIALS:
        raise errors.LimitExceededException(f"A user can register at most {MAX_CREDENTIALS} passkeys.")
    name = user["Attributes"].get("email") or user["Attributes"].get("phone_number") or user["Username"]
    options = generate_registration_options(
        rp_id=rp_id, rp_name=pool["Name"], user_id=user["Attributes"]["sub"].encode(), user_name=name,
        user_display_name=name, timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED, require_resident_key=True,
            user_verification=UserVerificationRequirement(user_verification(pool))),
        exclude_credentials=[_descriptor(credential) for credential in credentials])
    user[REGISTRATION] = {"challenge": bytes_to_base64url(options.challenge), "client_id": claims.get("client_id"),
                          "expires_at": services.clock.now() + CHALLENGE_SECONDS}
    services.store.replace_user(pool["Id"], user)
    return {"CredentialCreationOptions": json.loads(options_to_json(options))}


def _descriptor(credential: dict):
    from webauthn.helpers.structs import AuthenticatorTransport, PublicKeyCredentialDescriptor

    transports = []
    for name in credential.get("AuthenticatorTransports") or []:
        try:
            transports.append(AuthenticatorTransport(name))
        except ValueError:
            pass
    return PublicKeyCredentialDescriptor(id=base64url_to_bytes(credential["CredentialId"]), transports=transports)


@operation("CompleteWebAuthnRegistration")
def complete_registration(services: Services, request: dict) -> dict:
    from webauthn import verify_registration_response
    from webauthn.helpers.exceptions import InvalidRegistrationResponse

    pool, user, claims = _signed_in_user(services, request["AccessToken"])
    pending = user.pop(REGISTRATION, None)
    if pending is None or pending["expires_at"] <= services.clock.now():
        raise errors.WebAuthnChallengeNotFoundException("The registration's challenge was not found or has expired.")
    if pending.get("client_id") != claims.get("client_id"):
        raise errors.WebAuthnClientMismatchException("The registration was started by another app client.")
    services.store.replace_user(pool["Id"], user)  # a challenge answers once
    credential = _credential_object(request["Credential"])
    rp_id = relying_party_id(pool)
    origin = origin_of(str(credential["response"].get("clientDataJSON", "")))
    check_origin(origin, rp_id)
    try:
        verified = verify_registration_response(
            credential=credential, expected_challenge=base64url_to_bytes(pending["challenge"]), expected_rp_id=rp_id,
            expected_origin=origin, require_user_verification=user_verification(pool) == "required")
    except InvalidRegistrationResponse as error:
        raise _registration_error(str(error)) from None
    credential_id = bytes_to_base64url(verified.credential_id)
    credentials = user.get(CREDENTIALS) or []
    if any(existing["CredentialId"] == credential_id for existing in credentials):
        raise errors.WebAuthnCredentialNotSupportedException("This passkey is already registered.")
    transports = credential["response"].get("transports") or []
    now = services.clock.now()
    credentials.append({
        "CredentialId": credential_id, "PublicKey": bytes_to_base64url(verified.credential_public_key),
        "SignCount": verified.sign_count, "RelyingPartyId": rp_id,
        "AuthenticatorAttachment": credential.get("authenticatorAttachment"),
        "AuthenticatorTransports": [t for t in transports if isinstance(t, str)],
        "FriendlyCredentialName": _friendly_name(credential, len(credentials) + 1), "CreatedAt": now,
    })
    user[CREDENTIALS] = credentials
    services.store.replace_user(pool["Id"], user)
    return {}


def _friendly_name(credential: dict, number: int) -> str:
    attachment = credential.get("authenticatorAttachment")
    return f"{'Security key' if attachment == 'cross-platform' else 'Passkey'} {number}"


def _registration_error(message: str) -> errors.CognitoError:
    lowered = message.lower()
    if "rp id" in lowered or "rp_id" in lowered or "relying party" in lowered:
        return errors.WebAuthnRelyingPartyMismatchException(message)
    if "origin" in lowered:
        return errors.WebAuthnOriginNotAllowedException(message)
    if "unsupported" in lowered or "not supported" in lowered or "algorithm" in lowered:
        return errors.WebAuthnCredentialNotSupportedException(message)
    if "challenge" in lowered:
        return errors.WebAuthnChallengeNotFoundException(message)
    return errors.InvalidParameterException(f"The passkey could not be verified: {message}")


@operation("ListWebAuthnCredentials")
def list_credentials(services: Services, request: dict) -> dict:
    _, user, _ = token_issue.user_of_access_token(services, request["AccessToken"], user_gone=True)
    credentials = user.get(CREDENTIALS) or []
    start = pagination.decode("passkeys", request.get("NextToken"))
    limit = request.get("MaxResults") or MAX_CREDENTIALS
    page = credentials[start:start + limit]
    shown = [{key: value for key, value in credential.items()
              if key in ("CredentialId", "FriendlyCredentialName", "RelyingPartyId", "AuthenticatorAttachment",
                         "AuthenticatorTransports", "CreatedAt") and value is not None} for credential in page]
    cursor = start + limit if start + limit < len(credentials) else None
    return pagination.listing("Credentials", shown, "passkeys", cursor)


@operation("DeleteWebAuthnCredential")
def delete_credential(services: Services, request: dict) -> dict:
    pool, user, _ = token_issue.user_of_access_token(services, request["AccessToken"], user_gone=True)
    delete(services, pool, user, request["CredentialId"])
    return {}


def delete(services: Services, pool: dict, user: dict, credential_id: str) -> None:
    credentials = user.get(CREDENTIALS) or []
    kept = [credential for credential in credentials if credential["CredentialId"] != credential_id]
    if len(kept) == len(credentials):
        raise errors.ResourceNotFoundException("The passkey was not found.")
    user[CREDENTIALS] = kept
    services.store.replace_user(pool["Id"], user)


# -- signing in with a passkey ---------------------------------------------------------------------------------

def request_options(pool: dict, user: dict) -> tuple[str, str]:
    """(CREDENTIAL_REQUEST_OPTIONS as the JSON string Cognito sends, its challenge)."""
    from webauthn import generate_authentication_options, options_to_json
    from webauthn.helpers.structs import UserVerificationRequirement

    options = generate_authentication_options(
        rp_id=relying_party_id(pool), timeout=TIMEOUT_MS,
        allow_credentials=[_descriptor(credential) for credential in user.get(CREDENTIALS) or []],
        user_verification=UserVerificationRequirement(user_verification(pool)))
    return options_to_json(options), bytes_to_base64url(options.challenge)


class AssertionRefused(Exception):
    pass


def verify_assertion(services: Services, pool: dict, user: dict, credential_json, challenge: str) -> dict:
    """Check a sign-in's CREDENTIAL against the user's passkey: the challenge of this sign-in, the origin, the RP ID,
    the signature, a rising sign count, user verification as configured. Returns the user with the passkey's count
    and last use updated (stored); raises AssertionRefused or a Cognito error."""
    from webauthn import verify_authentication_response
    from webauthn.helpers.exceptions import InvalidAuthenticationResponse

    credential = _credential_object(credential_json)
    credential_id = str(credential.get("id") or "")
    stored = next((c for c in user.get(CREDENTIALS) or [] if c["CredentialId"] == credential_id), None)
    if stored is None:
        raise AssertionRefused("not one of the user's passkeys")
    rp_id = relying_party_id(pool)
    if stored["RelyingPartyId"] != rp_id:
        raise errors.WebAuthnRelyingPartyMismatchException("The passkey was registered for another relying party.")
    origin = origin_of(str(credential["response"].get("clientDataJSON", "")))
    check_origin(origin, rp_id)
    try:
        verified = verify_authentication_response(
            credential=credential, expected_challenge=base64url_to_bytes(challenge), expected_rp_id=rp_id,
            expected_origin=origin, credential_public_key=base64url_to_bytes(stored["PublicKey"]),
            credential_current_sign_count=stored["SignCount"],
            require_user_verification=user_verification(pool) == "required")
    except (InvalidAuthenticationResponse, ValueError, KeyError, TypeError) as error:
        raise AssertionRefused(str(error)) from None
    stored["SignCount"] = verified.new_sign_count
    stored["LastUsedAt"] = services.clock.now()
    services.store.replace_user(pool["Id"], user)
    return user
