"""Signing in with a passkey, beyond tests/test_passkeys.py: the request options ask for user verification and the
pool's timeout, and each sign-in stores the authenticator's new sign count, so the next sign-in is judged against it.
`make mutation` found these unchecked."""

import json

from tests.conftest import error_of
from tests.passkey_authenticator import SoftwareAuthenticator
from tests.test_passkeys import answer, assertion_for, passkey_challenge, pool, register, signed_in_user  # noqa: F401

PHONE = "+919813000001"


def test_the_request_options_ask_for_user_verification_within_three_minutes(cognito, pool):
    _, client_id = pool
    register(cognito, signed_in_user(cognito, pool), SoftwareAuthenticator())
    options = json.loads(passkey_challenge(cognito, client_id, PHONE)["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    assert options["userVerification"] == "required"
    assert options["timeout"] == 180000


def test_each_sign_in_stores_the_new_sign_count(emulator, cognito, pool):
    pool_id, client_id = pool
    authenticator = SoftwareAuthenticator()
    register(cognito, signed_in_user(cognito, pool), authenticator)
    for _ in range(3):  # each one counts up from the last
        challenge, credential = assertion_for(cognito, pool, authenticator)
        assert answer(cognito, client_id, PHONE, challenge, credential)["AuthenticationResult"]["AccessToken"]
    held = next(iter(authenticator.credentials.values()))
    assert held["count"] == 3
    # A clone that stayed at the first sign-in's count is refused: the stored count is the third one.
    held["count"] = 1
    challenge, credential = assertion_for(cognito, pool, authenticator)
    assert error_of(answer, cognito, client_id, PHONE, challenge, credential)["Code"] == "NotAuthorizedException"


def test_the_web_authn_challenge_names_the_user(cognito, pool):
    """The WEB_AUTHN challenge's parameters carry USERNAME beside CREDENTIAL_REQUEST_OPTIONS: the internal username
    (the sub in a pool with phone-number usernames), which the client sends back with the CREDENTIAL."""
    _, client_id = pool
    authenticator = SoftwareAuthenticator()
    token = signed_in_user(cognito, pool)
    register(cognito, token, authenticator)
    internal = cognito.get_user(AccessToken=token)["Username"]
    challenge = passkey_challenge(cognito, client_id, PHONE)
    assert sorted(challenge["ChallengeParameters"]) == ["CREDENTIAL_REQUEST_OPTIONS", "USERNAME"]
    assert challenge["ChallengeParameters"]["USERNAME"] == internal
    credential = authenticator.assert_(json.loads(challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"]))
    assert answer(cognito, client_id, internal, challenge, credential)["AuthenticationResult"]["AccessToken"]


def test_the_request_options_allow_each_passkey_with_its_transports(cognito, pool):
    """The WEB_AUTHN challenge's CREDENTIAL_REQUEST_OPTIONS list every registered passkey in allowCredentials with
    the transports its authenticator reported at registration (so the browser knows where to look for it): a
    platform passkey's "internal", a security key's "usb" and "nfc"."""
    _, client_id = pool
    token = signed_in_user(cognito, pool)
    _, platform = register(cognito, token, SoftwareAuthenticator())
    options = cognito.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    key = SoftwareAuthenticator().register(options)
    key = {**key, "authenticatorAttachment": "cross-platform",
           "response": {**key["response"], "transports": ["usb", "nfc"]}}
    cognito.complete_web_authn_registration(AccessToken=token, Credential=key)
    challenge = passkey_challenge(cognito, client_id, PHONE)
    options = json.loads(challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    assert options["allowCredentials"] == [
        {"id": platform["id"], "type": "public-key", "transports": ["internal"]},
        {"id": key["id"], "type": "public-key", "transports": ["usb", "nfc"]}]
