"""Tokens are checked on the emulator's clock only: a token issued after the clock was moved forward (its iat is
in the real future) works, and expires an hour later on that clock. `make mutation` showed that letting PyJWT check
iat, exp or nbf against the machine's clock went unnoticed."""

import jwt
import requests

from tests.auth_helpers import PASSWORD, confirmed_user, otp_sign_in
from tests.conftest import error_of
from tests.test_oauth import code_flow, live, user  # noqa: F401  (live and user: fixtures)


def test_a_token_issued_on_a_clock_moved_forward_works_until_its_hour_is_up(emulator, cognito):
    emulator.services.clock.advance(2 * 3600)
    confirmed_user(emulator, cognito, "+15550800001")
    tokens = otp_sign_in(emulator, cognito, "+15550800001")
    assert cognito.get_user(AccessToken=tokens["AccessToken"])["Username"]
    emulator.services.clock.advance(3601)
    assert error_of(cognito.get_user, AccessToken=tokens["AccessToken"])["Message"] == "Access Token has expired"


# A JWT is accepted only while now < exp (RFC 7519 §4.1.4): at exp itself it has expired. The clock is frozen at a
# whole second so that the tests land on the last second of a lifetime, then on its end.

def test_get_user_takes_an_access_token_until_the_second_before_its_exp_and_not_at_it(emulator, cognito):
    """GetUser accepts an access token at exp − 1 and refuses it at exp exactly: "Access Token has expired"."""
    emulator.services.clock.freeze()
    confirmed_user(emulator, cognito, "+15550800002")
    token = otp_sign_in(emulator, cognito, "+15550800002")["AccessToken"]
    exp = jwt.decode(token, options={"verify_signature": False})["exp"]
    emulator.services.clock.advance(exp - emulator.services.clock.now() - 1)
    assert cognito.get_user(AccessToken=token)["Username"]
    emulator.services.clock.advance(1)
    error = error_of(cognito.get_user, AccessToken=token)
    assert (error["Code"], error["Message"]) == ("NotAuthorizedException", "Access Token has expired")


def test_user_info_takes_an_access_token_until_the_second_before_its_exp_and_not_at_it(live, user):
    """/oauth2/userInfo answers for a managed-login access token at exp − 1 and refuses it at exp exactly with
    401 invalid_token."""
    live.services.clock.freeze()
    _, _, tokens, _ = code_flow(live, user)
    exp = jwt.decode(tokens["access_token"], options={"verify_signature": False})["exp"]

    def user_info():
        return requests.get(f"{live.url}/oauth2/userInfo", timeout=5,
                            headers={"Authorization": f"Bearer {tokens['access_token']}"})

    live.services.clock.advance(exp - live.services.clock.now() - 1)
    answer = user_info()
    assert answer.status_code == 200 and answer.json()["email"] == user
    live.services.clock.advance(1)
    answer = user_info()
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_token"


def test_a_refresh_token_works_until_the_second_before_its_expiry_and_not_at_it(emulator, cognito):
    """A refresh token of a client whose RefreshTokenValidity is 60 minutes refreshes 3599 seconds after the
    sign-in, and 3600 seconds after it is refused: "Refresh Token has expired"."""
    emulator.services.clock.freeze()
    pool_id = cognito.create_user_pool(PoolName="refresh-clock")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", RefreshTokenValidity=60, TokenValidityUnits={"RefreshToken": "minutes"},
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool_id, Username="rui", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="rui", Password=PASSWORD, Permanent=True)
    refresh_token = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": "rui", "PASSWORD": PASSWORD})["AuthenticationResult"]["RefreshToken"]

    def refresh():
        return cognito.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                                     AuthParameters={"REFRESH_TOKEN": refresh_token})

    emulator.services.clock.advance(3599)
    assert refresh()["AuthenticationResult"]["AccessToken"]
    emulator.services.clock.advance(1)
    error = error_of(refresh)
    assert (error["Code"], error["Message"]) == ("NotAuthorizedException", "Refresh Token has expired")
