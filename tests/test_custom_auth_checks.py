"""What the custom auth triggers are told, and what a CUSTOM_AUTH that starts with SRP_A does when DefineAuthChallenge
asks for a custom challenge instead of the password: `make mutation` found these untested (the seeded OTP flow's
triggers never look at the caller or the session)."""

from pycognito.aws_srp import AWSSRP

from tests.test_mfa import PASSWORD, mfa_pool, user

ARN = "arn:aws:lambda:us-east-1:123456789012:function:"


def custom_pool(emulator, cognito, events):
    """A pool whose custom auth asks one CUSTOM_CHALLENGE (answer "42") and records every trigger event."""
    pool_id, client_id = mfa_pool(cognito, mfa="OFF", sms=False, totp=False)

    def define(event, context):
        events.append(("define", event))
        session = event["request"]["session"]
        done = session and session[-1]["challengeName"] == "CUSTOM_CHALLENGE"
        passed = bool(done and session[-1]["challengeResult"])
        event["response"].update(challengeName="CUSTOM_CHALLENGE", issueTokens=passed,
                                 failAuthentication=bool(done and not passed))
        return event

    def create(event, context):
        events.append(("create", event))
        event["response"].update(publicChallengeParameters={"question": "6 x 7"},
                                 privateChallengeParameters={"answer": "42"}, challengeMetadata="sum")
        return event

    def verify(event, context):
        events.append(("verify", event))
        event["response"]["answerCorrect"] = (event["request"]["challengeAnswer"]
                                              == event["request"]["privateChallengeParameters"]["answer"])
        return event

    for name, function in (("ca-define", define), ("ca-create", create), ("ca-verify", verify)):
        emulator.services.functions.register(name, function)
    cognito.update_user_pool(UserPoolId=pool_id, LambdaConfig={
        "DefineAuthChallenge": ARN + "ca-define", "CreateAuthChallenge": ARN + "ca-create",
        "VerifyAuthChallengeResponse": ARN + "ca-verify"})
    user(cognito, pool_id, "quinn", email="quinn@example.com")
    return pool_id, client_id


def test_the_custom_triggers_are_told_the_client_and_the_user(emulator, cognito):
    events = []
    _, client_id = custom_pool(emulator, cognito, events)
    challenge = cognito.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "quinn"})
    assert challenge["ChallengeParameters"] == {"question": "6 x 7", "USERNAME": "quinn"}
    tokens = cognito.respond_to_auth_challenge(ClientId=client_id, ChallengeName="CUSTOM_CHALLENGE",
                                               Session=challenge["Session"],
                                               ChallengeResponses={"USERNAME": "quinn", "ANSWER": "42"})
    assert tokens["AuthenticationResult"]["AccessToken"]
    assert [kind for kind, _ in events] == ["define", "create", "verify", "define"]
    for kind, event in events:
        assert event["callerContext"]["clientId"] == client_id, kind
        assert event["userName"] == "quinn", kind
        assert event["request"]["userAttributes"]["email"] == "quinn@example.com", kind


def test_srp_a_first_then_a_custom_challenge_when_define_asks_for_one(emulator, cognito):
    events = []
    _, client_id = custom_pool(emulator, cognito, events)
    srp = AWSSRP(username="quinn", password=PASSWORD, pool_id="us-east-1_x", client_id=client_id, client=cognito)
    challenge = cognito.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH",
                                      AuthParameters={**srp.get_auth_params(), "CHALLENGE_NAME": "SRP_A"})
    # DefineAuthChallenge asked for CUSTOM_CHALLENGE, not PASSWORD_VERIFIER: no SRP round, though SRP_A was sent.
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    kind, define = events[0]
    assert kind == "define" and define["userName"] == "quinn"
    assert define["request"]["session"] == [
        {"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": None}]
