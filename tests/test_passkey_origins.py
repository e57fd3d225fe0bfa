"""Which origins may register a passkey for a relying party: the party itself or a subdomain of it, over HTTPS (HTTP
only for localhost); not a look-alike domain that merely ends the same. `make mutation` found the subdomain and the
HTTP rules untested (tests/test_passkeys.py uses localhost and one foreign origin)."""

import pytest

from tests.conftest import error_of
from tests.passkey_authenticator import SoftwareAuthenticator
from tests.test_passkeys import signed_in_user


@pytest.fixture
def example_pool(cognito):
    pool_id = cognito.create_user_pool(
        PoolName="example", UsernameAttributes=["phone_number"], UserPoolTier="ESSENTIALS",
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}})["UserPool"]["Id"]
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OFF", WebAuthnConfiguration={
        "RelyingPartyId": "example.com", "UserVerification": "required"})
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=[
        "ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def register_from(cognito, token, origin):
    options = cognito.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    credential = SoftwareAuthenticator(origin=origin).register(options, origin=origin)
    return cognito.complete_web_authn_registration(AccessToken=token, Credential=credential)


@pytest.mark.parametrize("origin", ["https://example.com", "https://app.example.com", "https://example.com:8443"])
def test_the_party_or_its_subdomain_over_https_may_register(cognito, example_pool, origin):
    token = signed_in_user(cognito, example_pool)
    register_from(cognito, token, origin)
    assert len(cognito.list_web_authn_credentials(AccessToken=token)["Credentials"]) == 1


@pytest.mark.parametrize("origin", ["http://example.com", "http://app.example.com", "https://notexample.com",
                                    "https://example.com.evil.example"])
def test_plain_http_or_a_look_alike_domain_may_not(cognito, example_pool, origin):
    token = signed_in_user(cognito, example_pool)
    assert error_of(register_from, cognito, token, origin)["Code"] == "WebAuthnOriginNotAllowedException"
    assert cognito.list_web_authn_credentials(AccessToken=token)["Credentials"] == []
