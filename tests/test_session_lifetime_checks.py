"""How long a sign-in session lives across its steps: a session kept after a wrong code keeps its first expiry (a
retry does not buy time), while a session that carries the sign-in on to a new challenge (SELECT_MFA_TYPE answered)
starts a lifetime of its own, and SignUp's Session waits as long as the confirmation code. `make mutation` found
these untested."""

from tests.auth_helpers import answer, confirmed_user, latest_code, start_otp
from tests.conftest import error_of
from tests.inbox import messages
from tests.test_mfa import mfa_pool, password_sign_in, respond, user
from tests.test_sign_in_challenges import choosing_pool
from tests.test_sign_in_challenges import respond as respond_challenge

VALIDITY = 3 * 60  # the client's AuthSessionValidity: 3 minutes


def test_a_wrong_code_does_not_give_the_session_a_new_lifetime(emulator, cognito):
    pool_id, client_id = mfa_pool(cognito, mfa="ON", totp=False)
    user(cognito, pool_id, "dara", phone_number="+15550900001")
    challenge = password_sign_in(cognito, client_id, "dara")
    code = messages(emulator, "+15550900001")[-1]["code"]
    emulator.services.clock.advance(VALIDITY - 60)
    wrong = "000000" if code != "000000" else "111111"
    assert error_of(respond, cognito, client_id, challenge, "dara", SMS_MFA_CODE=wrong)["Code"] == \
        "CodeMismatchException"
    emulator.services.clock.advance(61)  # past the first expiry, well within a lifetime counted from the retry
    error = error_of(respond, cognito, client_id, challenge, "dara", SMS_MFA_CODE=code)
    assert (error["Code"], error["Message"]) == (
        "NotAuthorizedException", "Invalid session for the user, session is expired.")


def test_the_session_after_choosing_a_factor_has_its_own_lifetime(emulator, cognito):
    client_id, challenge = choosing_pool(cognito)
    emulator.services.clock.advance(VALIDITY - 30)
    sms = respond_challenge(cognito, client_id, challenge, "kai", ANSWER="SMS_MFA")
    assert sms["ChallengeName"] == "SMS_MFA"
    emulator.services.clock.advance(VALIDITY - 30)  # past the first session's end, within the second's
    tokens = respond_challenge(cognito, client_id, sms, "kai",
                               SMS_MFA_CODE=messages(emulator, "+15550300001")[-1]["code"])
    assert tokens["AuthenticationResult"]["AccessToken"]


def test_sign_ups_session_waits_as_long_as_the_confirmation_code(emulator, cognito):
    client = "otpnativewebclient00000001"  # seeded: a pool whose SignUp hands back a Session
    signed_up = cognito.sign_up(ClientId=client, Username="+15550900002", Password="Native-Passw0rd!")
    emulator.services.clock.advance(3600)  # long past the client's 3-minute AuthSessionValidity
    confirmed = cognito.confirm_sign_up(ClientId=client, Username="+15550900002", Session=signed_up["Session"],
                                        ConfirmationCode=messages(emulator, "+15550900002")[-1]["code"])
    assert confirmed["Session"]


def test_a_challenges_session_works_in_its_last_second_and_is_expired_at_its_end(emulator, cognito):
    """A challenge's Session lives exactly AuthSessionValidity (3 minutes): answered 179 seconds after it was
    handed out it signs the user in; 180 seconds after, it is "Invalid session for the user, session is expired."
    (two users' sign-ins started in the same frozen second, so both sessions end at the same moment)."""
    emulator.services.clock.freeze()
    challenges = {}
    for phone in ("+15550900003", "+15550900004"):
        confirmed_user(emulator, cognito, phone)
        challenges[phone] = start_otp(cognito, phone)
    emulator.services.clock.advance(VALIDITY - 1)
    tokens = answer(cognito, challenges["+15550900003"], "+15550900003", latest_code(emulator, "+15550900003"))
    assert tokens["AuthenticationResult"]["AccessToken"]
    emulator.services.clock.advance(1)
    error = error_of(answer, cognito, challenges["+15550900004"], "+15550900004",
                     latest_code(emulator, "+15550900004"))
    assert (error["Code"], error["Message"]) == (
        "NotAuthorizedException", "Invalid session for the user, session is expired.")


def test_an_mfa_setup_session_whose_app_client_was_deleted_gets_an_answer_not_a_server_error(emulator, cognito):
    """AssociateSoftwareToken with an MFA_SETUP Session names no client of its own; when the sign-in's app client has
    been deleted meanwhile, the follow-on session falls back to the default 3-minute lifetime and the call is
    answered (secret and Session), never a 500; that session lives 3 minutes to the second."""
    pool_id, client_id = mfa_pool(cognito, mfa="ON", sms=False, totp=True)
    user(cognito, pool_id, "rhea")
    challenge = password_sign_in(cognito, client_id, "rhea")
    assert challenge["ChallengeName"] == "MFA_SETUP"
    cognito.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    emulator.services.clock.freeze()
    associated = cognito.associate_software_token(Session=challenge["Session"])
    assert associated["SecretCode"] and associated["Session"]
    emulator.services.clock.advance(VALIDITY - 1)  # a wrong code in the last second: the session is still there
    assert error_of(cognito.verify_software_token, Session=associated["Session"], UserCode="000000")["Code"] == \
        "EnableSoftwareTokenMFAException"
    emulator.services.clock.advance(1)
    error = error_of(cognito.verify_software_token, Session=associated["Session"], UserCode="000000")
    assert (error["Code"], error["Message"]) == (
        "NotAuthorizedException", "Invalid session for the user, session is expired.")
