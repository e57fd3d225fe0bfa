"""The authenticator-code window exactly: one 30-second step either side of now, not two, and only six digits.
(tests/test_mfa.py tries ±30 and ±90 seconds; `make mutation` showed a window of two steps ahead went unnoticed.)"""

import pyotp
import requests

from tests.conftest import error_of
from tests.test_mfa import advance, mfa_pool, now, password_sign_in, respond, with_totp


def test_a_code_two_steps_away_is_refused_and_one_step_away_is_not(emulator, cognito):
    pool_id, client_id = mfa_pool(cognito, mfa="OPTIONAL", sms=False)
    totp = pyotp.TOTP(with_totp(emulator, cognito, pool_id, client_id, "ada"))
    advance(emulator, 30)
    at = int(now(emulator))
    for offset in (60, -60):
        challenge = password_sign_in(cognito, client_id, "ada")
        assert error_of(respond, cognito, client_id, challenge, "ada",
                        SOFTWARE_TOKEN_MFA_CODE=totp.at(at + offset))["Code"] == "CodeMismatchException", offset
    challenge = password_sign_in(cognito, client_id, "ada")
    assert respond(cognito, client_id, challenge, "ada", SOFTWARE_TOKEN_MFA_CODE=totp.at(at + 30))[
        "AuthenticationResult"]


def test_the_control_api_shows_the_current_code_and_the_seconds_it_has_left(emulator, cognito):
    """/_emulator/totp answers the code an authenticator app would show at the emulator's clock and how many of its
    30 seconds are left, which the dashboard counts down."""
    pool_id, client_id = mfa_pool(cognito, mfa="OPTIONAL", sms=False)
    totp = pyotp.TOTP(with_totp(emulator, cognito, pool_id, client_id, "bea"))
    emulator.services.clock.freeze()
    start = int(emulator.services.clock.now())
    for step_into in (0, 7, 29):
        at = start - start % 30 + 30 + step_into
        emulator.services.clock.advance(at - emulator.services.clock.now())
        shown = requests.get(f"{emulator.url}/_emulator/totp", params={"username": "bea", "pool_id": pool_id},
                             timeout=10).json()
        assert shown == {"username": "bea", "code": totp.at(at), "seconds_left": 30 - step_into, "verified": True}
