"""Passkey registration details `make mutation` found untested: the name a credential is listed under (a security
key's differs from a platform passkey's), the transports of the credentials a second registration excludes, the
relying party taken from a custom domain, user verification "preferred" by default, a credential id whose
base64url ends in "X" (kept whole, not trimmed like padding), a credential object without a response, and a token
whose user was deleted."""

import base64
import os

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.conftest import error_of
from tests.passkey_authenticator import SoftwareAuthenticator
from tests.test_passkeys import pool, register, signed_in_user  # noqa: F401  (pool: a fixture)

CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/passkeys"


def test_a_security_key_and_a_platform_passkey_are_named_apart(cognito, pool):
    token = signed_in_user(cognito, pool)
    options = cognito.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    key = {**SoftwareAuthenticator().register(options), "authenticatorAttachment": "cross-platform"}
    cognito.complete_web_authn_registration(AccessToken=token, Credential=key)
    register(cognito, token, SoftwareAuthenticator())  # attachment "platform"
    listed = cognito.list_web_authn_credentials(AccessToken=token)["Credentials"]
    assert [(c["FriendlyCredentialName"], c["AuthenticatorAttachment"]) for c in listed] == [
        ("Security key 1", "cross-platform"), ("Passkey 2", "platform")]


def test_a_second_registration_excludes_the_first_with_its_transports(cognito, pool):
    token = signed_in_user(cognito, pool)
    _, first = register(cognito, token, SoftwareAuthenticator())
    options = cognito.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    assert options["excludeCredentials"] == [{"id": first["id"], "type": "public-key", "transports": ["internal"]}]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §17.1:
# without a RelyingPartyId the custom domain is the relying party; UserVerification unset means preferred.
def test_without_a_relying_party_id_a_custom_domain_is_the_relying_party(cognito):
    pool_id = cognito.create_user_pool(
        PoolName="custom-domain", UsernameAttributes=["phone_number"], UserPoolTier="ESSENTIALS",
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}})["UserPool"]["Id"]
    # The model's pattern for Domain allows one label only, custom domain or not.
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain="login-example",
                                    CustomDomainConfig={"CertificateArn": CERTIFICATE})
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=[
        "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    token = signed_in_user(cognito, (pool_id, client_id))
    options = cognito.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    assert options["rp"]["id"] == "login-example"  # not the prefix form, login-example.auth.<region>...
    # Nothing configured: the user is asked to verify only if the authenticator can.
    assert options["authenticatorSelection"]["userVerification"] == "preferred"


def test_a_credential_id_ending_in_x_is_kept_whole(cognito, pool):
    token = signed_in_user(cognito, pool)
    authenticator = SoftwareAuthenticator()
    credential_id = os.urandom(32) + bytes([23])  # 33 bytes: 44 base64url characters, the last one "X" (23)
    authenticator.credentials[credential_id] = {"key": ec.generate_private_key(ec.SECP256R1())}
    options = cognito.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    credential = authenticator.register(options, same_as=credential_id)
    assert credential["id"].endswith("X")
    cognito.complete_web_authn_registration(AccessToken=token, Credential=credential)
    listed = cognito.list_web_authn_credentials(AccessToken=token)["Credentials"]
    assert [c["CredentialId"] for c in listed] == [credential["id"]]


@pytest.mark.parametrize("credential", [{"id": "abc", "type": "public-key"}, {"id": "abc", "response": "text"}])
def test_a_credential_without_a_response_object_is_refused(cognito, pool, credential):
    token = signed_in_user(cognito, pool)
    cognito.start_web_authn_registration(AccessToken=token)
    error = error_of(cognito.complete_web_authn_registration, AccessToken=token, Credential=credential)
    assert (error["Code"], error["Message"]) == (
        "InvalidParameterException", "The credential is not a WebAuthn public key credential.")


def test_a_deleted_users_token_registers_nothing(cognito, pool):
    pool_id, _ = pool
    token = signed_in_user(cognito, pool)
    cognito.admin_delete_user(UserPoolId=pool_id, Username="+919813000001")
    # StartWebAuthnRegistration's model lists no UserNotFoundException: the token is refused as revoked.
    error = error_of(cognito.start_web_authn_registration, AccessToken=token)
    assert (error["Code"], error["Message"]) == ("NotAuthorizedException", "Access Token has been revoked")


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §17.2:
# the values of CredentialCreationOptions (algorithms, timeout, resident key, attestation, rp and user).
def test_the_registration_options_cognito_leaves_open(cognito, pool):
    pool_id, _ = pool
    token = signed_in_user(cognito, pool)
    options = cognito.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    sub = cognito.get_user(AccessToken=token)["Username"]  # phone-number usernames: the internal name is the sub
    assert options["rp"] == {"id": "localhost", "name": "passkeys"}
    assert options["user"] == {"id": base64.urlsafe_b64encode(sub.encode()).decode().rstrip("="),
                               "name": "+919813000001", "displayName": "+919813000001"}
    assert options["pubKeyCredParams"] == [{"type": "public-key", "alg": alg} for alg in (-8, -7, -257)]
    assert options["timeout"] == 3 * 60 * 1000
    assert options["authenticatorSelection"] == {"residentKey": "required", "requireResidentKey": True,
                                                 "userVerification": "required"}
    assert options["attestation"] == "none"


def test_without_a_relying_party_id_or_a_domain_passkeys_cannot_be_registered(cognito):
    """A pool that allows passkeys but has neither a RelyingPartyId nor a domain answers StartWebAuthnRegistration
    with WebAuthnConfigurationMissingException, in the words of the exception's API documentation."""
    pool_id = cognito.create_user_pool(
        PoolName="no-rp", UsernameAttributes=["phone_number"], UserPoolTier="ESSENTIALS",
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}})["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=[
        "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    token = signed_in_user(cognito, (pool_id, client_id))
    error = error_of(cognito.start_web_authn_registration, AccessToken=token)
    assert (error["Code"], error["Message"]) == (
        "WebAuthnConfigurationMissingException",
        "The user pool doesn't have a configured relying party id or a user pool domain.")


def start_and_create(cognito, pool, authenticator, **options_changes):
    """A signed-in user's access token and the credential the authenticator made for StartWebAuthnRegistration's
    options (changed as given, as a misbehaving browser would)."""
    token = signed_in_user(cognito, pool)
    options = cognito.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    return token, authenticator.register({**options, **options_changes})


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §17.2:
# the message of a refused registration says what was wrong.
def test_a_credential_made_for_another_challenge_is_refused(cognito, pool):
    """A credential whose clientDataJSON holds a challenge other than StartWebAuthnRegistration's is
    WebAuthnChallengeNotFoundException, with a message that says it is the challenge."""
    other = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
    token, credential = start_and_create(cognito, pool, SoftwareAuthenticator(), challenge=other)
    error = error_of(cognito.complete_web_authn_registration, AccessToken=token, Credential=credential)
    assert error["Code"] == "WebAuthnChallengeNotFoundException"
    assert "challenge" in error["Message"].lower()
    assert cognito.list_web_authn_credentials(AccessToken=token)["Credentials"] == []


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §17.2:
# the message of a refused registration says what was wrong.
def test_an_attestation_format_nobody_knows_is_not_supported(cognito, pool):
    """A credential attested in a format that is not one of WebAuthn's is WebAuthnCredentialNotSupportedException,
    naming the format."""
    token, credential = start_and_create(cognito, pool, SoftwareAuthenticator(attestation="homebrew"))
    error = error_of(cognito.complete_web_authn_registration, AccessToken=token, Credential=credential)
    assert error["Code"] == "WebAuthnCredentialNotSupportedException"
    assert "homebrew" in error["Message"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §17.2:
# the message of a refused registration says what was wrong.
def test_a_passkey_made_without_user_verification_is_refused_where_it_is_required(cognito, pool):
    """With UserVerification "required", a credential whose authenticator did not verify the user is
    InvalidParameterException "The passkey could not be verified: ..." saying it was the user verification."""
    token, credential = start_and_create(cognito, pool, SoftwareAuthenticator(user_verified=False))
    error = error_of(cognito.complete_web_authn_registration, AccessToken=token, Credential=credential)
    assert error["Code"] == "InvalidParameterException"
    assert error["Message"].startswith("The passkey could not be verified: ")
    assert "verif" in error["Message"][len("The passkey could not be verified: "):].lower()
    assert cognito.list_web_authn_credentials(AccessToken=token)["Credentials"] == []
