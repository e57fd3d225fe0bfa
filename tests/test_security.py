"""Codes from `secrets`, constant-time comparisons, and the OTP answer limit."""

import hmac

from emulator.operations import verification
from tests.auth_helpers import CLIENT, PASSWORD, confirmed_user, latest_code, start_otp
from tests.conftest import error_of
from emulator.triggers import create_auth_challenge, verify_auth_challenge_response


def test_confirmation_codes_come_from_secrets(emulator, cognito, monkeypatch):
    drawn = []

    def randbelow(limit):
        drawn.append(limit)
        return 424242

    monkeypatch.setattr(verification.secrets, "randbelow", randbelow)
    cognito.sign_up(ClientId=CLIENT, Username="+919830000001", Password=PASSWORD)
    assert drawn == [10 ** 6]
    assert latest_code(emulator, "+919830000001") == "424242"


def test_sign_in_codes_come_from_secrets(monkeypatch):
    monkeypatch.setattr(create_auth_challenge.secrets, "randbelow", lambda limit: 7)
    monkeypatch.setattr(create_auth_challenge, "client", lambda service: type("Sns", (), {"publish": lambda *a, **k: {}})())
    event = {"request": {"challengeName": "CUSTOM_CHALLENGE", "session": [], "userAttributes": {"phone_number": "+919830000002"}},
             "response": {}}
    assert create_auth_challenge.handler(event, None)["response"]["privateChallengeParameters"] == {"answer": "000007"}


def test_codes_are_compared_in_constant_time(emulator, cognito, monkeypatch):
    compared = []
    real = hmac.compare_digest

    def spy(a, b):
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(verification.hmac, "compare_digest", spy)
    monkeypatch.setattr(verify_auth_challenge_response.hmac, "compare_digest", spy)
    cognito.sign_up(ClientId=CLIENT, Username="+919830000003", Password=PASSWORD)
    code = latest_code(emulator, "+919830000003")
    cognito.confirm_sign_up(ClientId=CLIENT, Username="+919830000003", ConfirmationCode=code)
    assert (code.encode(), code.encode()) in compared
    compared.clear()
    challenge = start_otp(cognito, "+919830000003")
    otp = latest_code(emulator, "+919830000003")
    cognito.respond_to_auth_challenge(ClientId=CLIENT, ChallengeName="CUSTOM_CHALLENGE", Session=challenge["Session"],
                                      ChallengeResponses={"USERNAME": "+919830000003", "ANSWER": otp})
    assert (otp.encode(), otp.encode()) in compared


def test_at_most_three_answers_per_sign_in(emulator, cognito):
    confirmed_user(emulator, cognito, "+919830000004")
    challenge = start_otp(cognito, "+919830000004")
    code = latest_code(emulator, "+919830000004")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(2):
        challenge = cognito.respond_to_auth_challenge(
            ClientId=CLIENT, ChallengeName="CUSTOM_CHALLENGE", Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "+919830000004", "ANSWER": wrong})
    assert error_of(cognito.respond_to_auth_challenge, ClientId=CLIENT, ChallengeName="CUSTOM_CHALLENGE",
                    Session=challenge["Session"],
                    ChallengeResponses={"USERNAME": "+919830000004", "ANSWER": wrong})["Code"] == "NotAuthorizedException"
    # The failed sign-in's session is gone: not even the right code gets a fourth answer in.
    assert error_of(cognito.respond_to_auth_challenge, ClientId=CLIENT, ChallengeName="CUSTOM_CHALLENGE",
                    Session=challenge["Session"],
                    ChallengeResponses={"USERNAME": "+919830000004", "ANSWER": code})["Message"] == "Invalid session for the user."
