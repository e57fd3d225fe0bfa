"""Deleting one passkey leaves the user's others registered and working. `make mutation` found that a deletion which
dropped every passkey went unnoticed (the tests deleted a user's only one)."""

from tests.passkey_authenticator import SoftwareAuthenticator
from tests.test_passkeys import answer, passkey_challenge, pool, register, signed_in_user  # noqa: F401  (pool: a fixture)

import json


def test_deleting_one_passkey_keeps_the_others(cognito, pool):
    _, client_id = pool
    token = signed_in_user(cognito, pool)
    kept_authenticator, dropped_authenticator = SoftwareAuthenticator(), SoftwareAuthenticator()
    _, kept = register(cognito, token, kept_authenticator)
    _, dropped = register(cognito, token, dropped_authenticator)
    cognito.delete_web_authn_credential(AccessToken=token, CredentialId=dropped["id"])
    listed = cognito.list_web_authn_credentials(AccessToken=token)["Credentials"]
    assert [credential["CredentialId"] for credential in listed] == [kept["id"]]
    challenge = passkey_challenge(cognito, client_id, "+919813000001")
    options = json.loads(challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    assert [entry["id"] for entry in options["allowCredentials"]] == [kept["id"]]
    result = answer(cognito, client_id, "+919813000001", challenge, kept_authenticator.assert_(options))
    assert result["AuthenticationResult"]["AccessToken"]
