"""The checks of /oauth2/userInfo on the access token it is given, each alone: the tokens here are signed with the
pool's own access-token key (so the signature passes) and differ from a good one in one claim only.
`make mutation` found these checks untested beyond expiry and a disabled user."""

import jwt
import pytest
import requests

from tests.auth_helpers import CLIENT, POOL, confirmed_user, otp_sign_in

NAME = "+15550500001"


@pytest.fixture
def signed_in(emulator, cognito):
    confirmed_user(emulator, cognito, NAME)
    return otp_sign_in(emulator, cognito, NAME)


@pytest.fixture
def good_claims(signed_in):
    """A real sign-in's access token claims (its origin is a live sign-in), with the openid scope."""
    claims = jwt.decode(signed_in["AccessToken"], options={"verify_signature": False})
    return {**claims, "scope": "openid phone"}


def user_info(emulator, claims, use="access"):
    token = emulator.services.tokens.sign(POOL, use, claims)
    return requests.get(f"{emulator.url}/oauth2/userInfo", headers={"Authorization": f"Bearer {token}"}, timeout=5)


def test_a_good_token_gets_the_users_claims(emulator, good_claims):
    answer = user_info(emulator, good_claims)
    assert answer.status_code == 200
    assert answer.json()["sub"] == good_claims["sub"] and answer.json()["phone_number"] == NAME


@pytest.mark.parametrize("change", [
    {"token_use": "id"},  # an ID token's claims, even under the access key
    {"exp": "9999999999"},  # an expiry that is not a number
    {"exp": None},
    {"scope": "phone"},  # no openid
    {"sub": "00000000-0000-0000-0000-000000000000"},  # the name of the user, the sub of another
    {"username": "+15550509999"},  # a user that does not exist
    {"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_nothere00"},
])
def test_a_token_differing_in_one_claim_is_refused(emulator, good_claims, change):
    claims = {**good_claims, **change}
    answer = user_info(emulator, claims)
    assert answer.status_code == 401, change
    assert answer.json()["error"] == "invalid_token"


def test_a_token_without_its_claims_is_refused(emulator, good_claims):
    for missing in ("username", "scope", "exp"):
        claims = {k: v for k, v in good_claims.items() if k != missing}
        assert user_info(emulator, claims).status_code == 401, missing


def test_an_expired_token_or_one_of_a_revoked_sign_in_is_refused(emulator, cognito, signed_in, good_claims):
    assert user_info(emulator, {**good_claims, "exp": int(emulator.services.clock.now()) - 1}).status_code == 401
    # A token of no live sign-in (an origin no refresh token has) is refused.
    assert user_info(emulator, {**good_claims, "origin_jti": "no-such-sign-in"}).status_code == 401
    # Revoking the sign-in's refresh token revokes all it issued.
    cognito.revoke_token(Token=signed_in["RefreshToken"], ClientId=CLIENT)
    assert user_info(emulator, good_claims).status_code == 401


def test_a_key_of_the_wrong_use_is_refused(emulator, good_claims):
    assert user_info(emulator, good_claims, use="id").status_code == 401


def test_attributes_other_than_email_and_phone_need_the_profile_scope(emulator, cognito, good_claims):
    cognito.admin_update_user_attributes(UserPoolId=POOL, Username=NAME, UserAttributes=[
        {"Name": "name", "Value": "Ravi"}, {"Name": "locale", "Value": "en-IN"}])
    without = user_info(emulator, good_claims).json()
    assert "name" not in without and "locale" not in without and without["phone_number"] == NAME
    shown = user_info(emulator, {**good_claims, "scope": "openid profile"}).json()
    assert shown["name"] == "Ravi" and shown["locale"] == "en-IN" and "phone_number" not in shown
