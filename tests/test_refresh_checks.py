"""REFRESH_TOKEN_AUTH for an app client with a secret: the SECRET_HASH is checked, made with the username or with an
alias the user signs in with (phone number, email), and nothing else passes. `make mutation` found it untested."""

import base64
import hashlib
import hmac

import requests

from tests.conftest import error_of
from tests.test_oauth import WEB, claims, code_flow, live, user  # noqa: F401  (live and user are fixtures)

PASSWORD = "Refresh-Passw0rd!"
PHONE, EMAIL = "+15550400001", "rae@example.com"


def secret_hash(secret, name, client_id):
    return base64.b64encode(hmac.new(secret.encode(), (name + client_id).encode(), hashlib.sha256).digest()).decode()


def signed_in_with_a_secret(cognito):
    """A pool whose users sign in by email or phone number (the username is a generated id), a client with a secret,
    and the refresh token of one signed-in user: (client id, secret, username, refresh token)."""
    pool_id = cognito.create_user_pool(PoolName="refresh", UsernameAttributes=["email", "phone_number"])["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="secret", GenerateSecret=True,
                                             ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH",
                                                                "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]
    client_id, secret = client["ClientId"], client["ClientSecret"]
    username = cognito.admin_create_user(UserPoolId=pool_id, Username=EMAIL, MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "phone_number", "Value": PHONE}, {"Name": "email", "Value": EMAIL}])["User"]["Username"]
    assert username not in (EMAIL, PHONE)
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
    tokens = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": EMAIL, "PASSWORD": PASSWORD, "SECRET_HASH": secret_hash(secret, EMAIL, client_id)})
    return client_id, secret, username, tokens["AuthenticationResult"]["RefreshToken"]


def refresh(cognito, client_id, token, **parameters):
    return cognito.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                                 AuthParameters={"REFRESH_TOKEN": token, **parameters})


def test_refreshing_for_a_client_with_a_secret_needs_the_secret_hash(cognito):
    client_id, secret, username, token = signed_in_with_a_secret(cognito)
    error = error_of(refresh, cognito, client_id, token)
    assert (error["Code"], error["Message"]) == (
        "NotAuthorizedException", f"Client {client_id} is configured for secret but secret was not received")
    for wrong in (secret_hash(secret, "someone-else", client_id), secret_hash("not-the-secret", username, client_id)):
        error = error_of(refresh, cognito, client_id, token, SECRET_HASH=wrong)
        assert (error["Code"], error["Message"]) == (
            "NotAuthorizedException", f"Unable to verify secret hash for client {client_id}")


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §3.8:
# the names a refresh's SECRET_HASH may be made with.
def test_the_secret_hash_may_be_made_with_the_username_or_an_alias(cognito):
    client_id, secret, username, token = signed_in_with_a_secret(cognito)
    for name in (username, PHONE, EMAIL):
        result = refresh(cognito, client_id, token, SECRET_HASH=secret_hash(secret, name, client_id))
        assert result["AuthenticationResult"]["AccessToken"], name


def test_refreshed_tokens_of_a_hosted_sign_in_keep_version_2(live, user):
    """The managed login's access tokens carry `version: 2`, and so do those its refresh token gets, through the
    token endpoint and through the API alike."""
    _, endpoints, tokens, _ = code_flow(live, user)
    refreshed = requests.post(endpoints["token_endpoint"], timeout=10, data={
        "grant_type": "refresh_token", "client_id": WEB, "refresh_token": tokens["refresh_token"]}).json()
    through_api = live.client().get_tokens_from_refresh_token(RefreshToken=tokens["refresh_token"], ClientId=WEB)
    assert claims(refreshed["access_token"])["version"] == 2
    assert claims(through_api["AuthenticationResult"]["AccessToken"])["version"] == 2
