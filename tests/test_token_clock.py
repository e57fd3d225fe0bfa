"""Tokens are checked on the emulator's clock only: a token issued after the clock was moved forward (its iat is
in the real future) works, and expires an hour later on that clock. `make mutation` showed that letting PyJWT check
iat, exp or nbf against the machine's clock went unnoticed."""

from tests.auth_helpers import confirmed_user, otp_sign_in
from tests.conftest import error_of


def test_a_token_issued_on_a_clock_moved_forward_works_until_its_hour_is_up(emulator, cognito):
    emulator.services.clock.advance(2 * 3600)
    confirmed_user(emulator, cognito, "+15550800001")
    tokens = otp_sign_in(emulator, cognito, "+15550800001")
    assert cognito.get_user(AccessToken=tokens["AccessToken"])["Username"]
    emulator.services.clock.advance(3601)
    assert error_of(cognito.get_user, AccessToken=tokens["AccessToken"])["Message"] == "Access Token has expired"
