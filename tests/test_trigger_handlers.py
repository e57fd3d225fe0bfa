"""The seed's handlers called as AWS Lambda calls them: plain events, no emulator."""

import pytest

from emulator.triggers import create_auth_challenge, define_auth_challenge, signup_limbo_check, verify_auth_challenge_response


def define(session):
    event = {"request": {"session": session, "userAttributes": {}},
             "response": {"challengeName": None, "issueTokens": None, "failAuthentication": None}}
    return define_auth_challenge.handler(event, None)["response"]


def entry(result, name="CUSTOM_CHALLENGE", metadata="CODE-123456"):
    return {"challengeName": name, "challengeResult": result, "challengeMetadata": metadata}


@pytest.mark.parametrize("session, decision", [
    ([], ("CUSTOM_CHALLENGE", False, False)),
    ([entry(False)], ("CUSTOM_CHALLENGE", False, False)),
    ([entry(False), entry(True)], (None, True, False)),
    ([entry(False), entry(False), entry(False)], (None, False, True)),
    ([entry(True, "SRP_A", None)], ("PASSWORD_VERIFIER", False, False)),
    ([entry(True, "SRP_A", None), entry(True, "PASSWORD_VERIFIER", None)], ("CUSTOM_CHALLENGE", False, False)),
    ([entry(True, "SRP_A", None), entry(False, "PASSWORD_VERIFIER", None)], (None, False, True)),
])
def test_define_decisions(session, decision):
    response = define(session)
    assert (response["challengeName"], response["issueTokens"], response["failAuthentication"]) == decision


class FakeSns:
    def __init__(self):
        self.sent = []

    def publish(self, PhoneNumber, Message):
        self.sent.append((PhoneNumber, Message))
        return {"MessageId": "fake"}


@pytest.fixture
def sns(monkeypatch):
    fake = FakeSns()
    monkeypatch.setattr(create_auth_challenge, "client", lambda service: fake)
    return fake


def create(session, user_not_found=False, phone="+919876543210"):
    event = {"request": {"challengeName": "CUSTOM_CHALLENGE", "session": session, "userNotFound": user_not_found,
                         "userAttributes": {"phone_number": phone} if phone else {}},
             "response": {"publicChallengeParameters": None, "privateChallengeParameters": None, "challengeMetadata": None}}
    return create_auth_challenge.handler(event, None)["response"]


def test_create_texts_a_fresh_code_once(sns):
    response = create([])
    code = response["privateChallengeParameters"]["answer"]
    assert len(code) == 6 and code.isdigit()
    assert response["challengeMetadata"] == f"CODE-{code}"
    assert sns.sent == [("+919876543210", f"Your sign-in code is {code}")]
    assert code not in str(response["publicChallengeParameters"])
    again = create([entry(False, metadata=response["challengeMetadata"])])
    assert again["privateChallengeParameters"]["answer"] == code
    assert len(sns.sent) == 1


def test_create_message_from_the_environment(sns, monkeypatch):
    monkeypatch.setenv("OTP_MESSAGE", "OTP {code} for Demo")
    code = create([])["privateChallengeParameters"]["answer"]
    assert sns.sent[-1][1] == f"OTP {code} for Demo"


def test_create_sends_nothing_for_a_missing_user(sns):
    assert create([], user_not_found=True, phone=None)["privateChallengeParameters"]["answer"]
    assert sns.sent == []


def test_create_codes_are_not_repeated(sns):
    codes = {create([])["privateChallengeParameters"]["answer"] for _ in range(50)}
    assert len(codes) > 45


def verify(answer, expected):
    event = {"request": {"privateChallengeParameters": {"answer": expected}, "challengeAnswer": answer},
             "response": {"answerCorrect": None}}
    return verify_auth_challenge_response.handler(event, None)["response"]["answerCorrect"]


def test_verify():
    assert verify("123456", "123456") is True
    assert verify(" 123456 ", "123456") is True
    assert verify("123457", "123456") is False
    assert verify("", "") is False
    assert verify(None, "123456") is False


@pytest.mark.parametrize("payload", [None, {}, {"phone_number": "12345"}, {"phone_number": ["+91"]}, "text"])
def test_limbo_check_bad_payloads_touch_nothing(payload, monkeypatch):
    monkeypatch.setattr(signup_limbo_check, "client", lambda service: pytest.fail("no AWS call for a bad payload"))
    assert "error" in signup_limbo_check.handler(payload, None)
