"""What the custom auth triggers are told, and what a CUSTOM_AUTH that starts with SRP_A does when DefineAuthChallenge
asks for a custom challenge instead of the password: `make mutation` found these untested (the seeded OTP flow's
triggers never look at the caller or the session)."""

from pycognito.aws_srp import AWSSRP

from tests.conftest import error_of
from tests.test_mfa import FLOWS, PASSWORD, mfa_pool, user

ARN = "arn:aws:lambda:us-east-1:123456789012:function:"


def custom_pool(emulator, cognito, events, rounds=1, pre_authentication=False):
    """A pool whose custom auth asks `rounds` CUSTOM_CHALLENGEs (answer "42") and records every trigger event
    (PreAuthentication's too, when asked to wire one)."""
    pool_id, client_id = mfa_pool(cognito, mfa="OFF", sms=False, totp=False)

    def define(event, context):
        events.append(("define", event))
        session = event["request"]["session"]
        answered = [entry for entry in session if entry["challengeName"] == "CUSTOM_CHALLENGE"]
        failed = any(not entry["challengeResult"] for entry in answered)
        done = failed or len(answered) >= rounds
        passed = bool(done and not failed)
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

    def pre(event, context):
        events.append(("pre", event))
        return event

    for name, function in (("ca-define", define), ("ca-create", create), ("ca-verify", verify), ("ca-pre", pre)):
        emulator.services.functions.register(name, function)
    cognito.update_user_pool(UserPoolId=pool_id, LambdaConfig={
        "DefineAuthChallenge": ARN + "ca-define", "CreateAuthChallenge": ARN + "ca-create",
        "VerifyAuthChallengeResponse": ARN + "ca-verify",
        **({"PreAuthentication": ARN + "ca-pre"} if pre_authentication else {})})
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


def answer_42(cognito, client_id, challenge, username="quinn", **extra):
    return cognito.respond_to_auth_challenge(ClientId=client_id, ChallengeName="CUSTOM_CHALLENGE",
                                             Session=challenge["Session"],
                                             ChallengeResponses={"USERNAME": username, "ANSWER": "42"}, **extra)


def test_pre_authentication_before_custom_auth_gets_the_user_the_client_and_the_client_metadata(emulator, cognito):
    """PreAuthentication (triggerSource PreAuthentication_Authentication) runs before the first DefineAuthChallenge
    with the user's name and attributes, the app client, and InitiateAuth's ClientMetadata (as clientMetadata and
    validationData); InitiateAuth's ClientMetadata is not passed to DefineAuthChallenge or CreateAuthChallenge."""
    events = []
    _, client_id = custom_pool(emulator, cognito, events, pre_authentication=True)
    cognito.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "quinn"},
                          ClientMetadata={"app": "web"})
    assert [kind for kind, _ in events] == ["pre", "define", "create"]
    pre = events[0][1]
    assert pre["triggerSource"] == "PreAuthentication_Authentication"
    assert pre["userName"] == "quinn"
    assert pre["callerContext"]["clientId"] == client_id
    assert pre["request"]["userAttributes"]["email"] == "quinn@example.com"
    assert pre["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"
    assert pre["request"]["clientMetadata"] == {"app": "web"}
    assert pre["request"]["validationData"] == {"app": "web"}
    assert "userNotFound" not in pre["request"]  # only for a client that hides whether users exist
    for kind, event in events[1:]:
        assert "clientMetadata" not in event["request"], kind


def test_respond_to_auth_challenge_client_metadata_reaches_verify_define_and_create(emulator, cognito):
    """RespondToAuthChallenge's ClientMetadata is passed to VerifyAuthChallengeResponse and to the
    DefineAuthChallenge and CreateAuthChallenge calls of the next round, each told the client and the user."""
    events = []
    _, client_id = custom_pool(emulator, cognito, events, rounds=2)
    first = cognito.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "quinn"})
    events.clear()
    second = answer_42(cognito, client_id, first, ClientMetadata={"step": "two"})
    assert second["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert [kind for kind, _ in events] == ["verify", "define", "create"]
    for kind, event in events:
        assert event["request"]["clientMetadata"] == {"step": "two"}, kind
        assert event["callerContext"]["clientId"] == client_id, kind
        assert event["userName"] == "quinn", kind
    assert events[2][1]["request"]["session"] == [
        {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": True, "challengeMetadata": "sum"}]
    assert answer_42(cognito, client_id, second)["AuthenticationResult"]["AccessToken"]


def hiding_client(cognito, pool_id):
    """An app client of the pool with PreventUserExistenceErrors ENABLED."""
    return cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="hiding", ExplicitAuthFlows=FLOWS,
                                           PreventUserExistenceErrors="ENABLED")["UserPoolClient"]["ClientId"]


def test_a_client_hiding_user_existence_tells_every_trigger_the_user_was_found(emulator, cognito):
    """With PreventUserExistenceErrors ENABLED, PreAuthentication, DefineAuthChallenge, CreateAuthChallenge and
    VerifyAuthChallengeResponse get request.userNotFound, false for a user who exists."""
    events = []
    pool_id, _ = custom_pool(emulator, cognito, events, pre_authentication=True)
    client_id = hiding_client(cognito, pool_id)
    challenge = cognito.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "quinn"})
    assert answer_42(cognito, client_id, challenge)["AuthenticationResult"]["AccessToken"]
    assert [kind for kind, _ in events] == ["pre", "define", "create", "verify", "define"]
    for kind, event in events:
        assert event["request"]["userNotFound"] is False, kind
        assert event["userName"] == "quinn", kind


def test_a_client_hiding_user_existence_tells_the_triggers_of_an_unknown_user(emulator, cognito):
    """With PreventUserExistenceErrors ENABLED, a CUSTOM_AUTH sign-in for a username that matches no user still
    runs the triggers, with userName as given and request.userNotFound true, so the functions can answer as for
    a real user; the sign-in never ends in tokens."""
    events = []
    pool_id, _ = custom_pool(emulator, cognito, events, pre_authentication=True)
    client_id = hiding_client(cognito, pool_id)
    challenge = cognito.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "nobody"})
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    error = error_of(answer_42, cognito, client_id, challenge, username="nobody")
    assert (error["Code"], error["Message"]) == ("NotAuthorizedException", "Incorrect username or password.")
    assert [kind for kind, _ in events] == ["pre", "define", "create", "verify", "define"]
    for kind, event in events:
        assert event["request"]["userNotFound"] is True, kind
        assert event["userName"] == "nobody", kind
        assert event["callerContext"]["clientId"] == client_id, kind
