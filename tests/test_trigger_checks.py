"""What the emulator chose where Cognito's documentation is silent about triggers: a response field of the wrong type
(docs/cognito-behaviour.md §6.3), PreAuthentication's validationData when the caller sent no ClientMetadata (§6.5),
and a custom auth trigger that is missing later in the flow (§6.9)."""

import pytest

from tests.conftest import error_of

ARN = "arn:aws:lambda:us-east-1:123456789012:function:"
PASSWORD = "Checks-Passw0rd!"
UNRECOGNIZABLE = {"Code": "InvalidLambdaResponseException", "Status": 400, "Message": "Unrecognizable lambda output"}
NOT_CONFIGURED = {"Code": "InvalidParameterException", "Status": 400,
                  "Message": "Custom auth lambda trigger is not configured for the user pool."}


def define(event, context):
    """One CUSTOM_CHALLENGE; tokens when it was answered right."""
    session = event["request"]["session"]
    done = bool(session) and session[-1]["challengeName"] == "CUSTOM_CHALLENGE"
    event["response"].update(challengeName="CUSTOM_CHALLENGE", issueTokens=done and session[-1]["challengeResult"],
                             failAuthentication=done and not session[-1]["challengeResult"])
    return event


def create(event, context):
    event["response"].update(publicChallengeParameters={"question": "6 x 7"},
                             privateChallengeParameters={"answer": "42"}, challengeMetadata="sum")
    return event


def verify(event, context):
    event["response"]["answerCorrect"] = event["request"]["challengeAnswer"] == "42"
    return event


def message(event, context):
    event["response"]["emailMessage"] = f"Welcome! Your code is {event['request']['codeParameter']}"
    return event


def pre_token(event, context):
    event["response"]["claimsOverrideDetails"] = {"claimsToAddOrOverride": {"plan": "gold"},
                                                  "claimsToSuppress": ["email"]}
    return event


def answering(handler, **fields):
    """`handler`, then `fields` written over its response."""
    def changed(event, context):
        event = handler(event, context)
        event["response"].update(fields)
        return event
    return changed


def pool_with(emulator, cognito, **handlers):
    """A pool whose triggers (LambdaConfig name → function) are `handlers`, email auto-verified; an app client
    allowing password and custom sign-in; and the confirmed user "noor": (pool id, client id)."""
    for trigger, handler in handlers.items():
        emulator.services.functions.register(f"checks-{trigger}", handler)
    pool_id = cognito.create_user_pool(PoolName="checks", AutoVerifiedAttributes=["email"], LambdaConfig={
        trigger: ARN + f"checks-{trigger}" for trigger in handlers})["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=[
        "ALLOW_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool_id, Username="noor", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "email", "Value": "noor@example.com"}, {"Name": "email_verified", "Value": "true"}])
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="noor", Password=PASSWORD, Permanent=True)
    return pool_id, client_id


def custom_sign_in(cognito, client_id, **extra):
    challenge = cognito.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "noor"},
                                      **extra)
    return cognito.respond_to_auth_challenge(ClientId=client_id, ChallengeName="CUSTOM_CHALLENGE",
                                             Session=challenge["Session"],
                                             ChallengeResponses={"USERNAME": "noor", "ANSWER": "42"}, **extra)


def password_sign_in(cognito, client_id, **extra):
    return cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": "noor", "PASSWORD": PASSWORD}, **extra)


def sign_up(cognito, client_id):
    return cognito.sign_up(ClientId=client_id, Username="omar", Password=PASSWORD,
                           UserAttributes=[{"Name": "email", "Value": "omar@example.com"}])


CUSTOM = {"DefineAuthChallenge": define, "CreateAuthChallenge": create, "VerifyAuthChallengeResponse": verify}


def test_well_typed_answers_are_used(emulator, cognito):
    """The baseline for the next test: the same functions, answering with the right types, work."""
    _, client_id = pool_with(emulator, cognito, **CUSTOM, CustomMessage=message, PreTokenGeneration=pre_token)
    assert custom_sign_in(cognito, client_id)["AuthenticationResult"]["IdToken"]
    assert password_sign_in(cognito, client_id)["AuthenticationResult"]["IdToken"]
    assert sign_up(cognito, client_id)["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §6.3:
# a response field of the wrong type is InvalidLambdaResponseException: Unrecognizable lambda output.
@pytest.mark.parametrize("handlers, act", [
    ({**CUSTOM, "CreateAuthChallenge": answering(create, publicChallengeParameters=["question"])}, custom_sign_in),
    ({**CUSTOM, "CreateAuthChallenge": answering(create, privateChallengeParameters="42")}, custom_sign_in),
    ({**CUSTOM, "CreateAuthChallenge": answering(create, challengeMetadata=7)}, custom_sign_in),
    ({**CUSTOM, "VerifyAuthChallengeResponse": answering(verify, answerCorrect="true")}, custom_sign_in),
    ({"CustomMessage": answering(message, emailMessage=["Your code is {####}"])}, sign_up),
    ({"CustomMessage": answering(message, emailSubject=5)}, sign_up),
    ({"PreTokenGeneration": answering(pre_token, claimsOverrideDetails="plan=gold")}, password_sign_in),
    ({"PreTokenGeneration": answering(pre_token, claimsOverrideDetails={"claimsToSuppress": "email"})},
     password_sign_in),
], ids=["create-public-list", "create-private-string", "create-metadata-number", "verify-answer-string",
        "message-text-list", "message-subject-number", "pre-token-details-string", "pre-token-suppress-string"])
def test_a_response_field_of_the_wrong_type(emulator, cognito, handlers, act):
    _, client_id = pool_with(emulator, cognito, **handlers)
    assert error_of(act, cognito, client_id) == UNRECOGNIZABLE


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §6.5:
# PreAuthentication's validationData is null when the caller sent no ClientMetadata.
def test_pre_authentication_without_client_metadata(emulator, cognito):
    events = []

    def pre_authentication(event, context):
        events.append(event)
        return event

    _, client_id = pool_with(emulator, cognito, PreAuthentication=pre_authentication)
    password_sign_in(cognito, client_id)
    password_sign_in(cognito, client_id, ClientMetadata={})
    password_sign_in(cognito, client_id, ClientMetadata={"screen": "login"})
    without, empty, given = (event["request"] for event in events)
    assert without["validationData"] is None and "clientMetadata" not in without
    assert empty["validationData"] is None and "clientMetadata" not in empty
    assert given["validationData"] == given["clientMetadata"] == {"screen": "login"}
    assert without["userAttributes"]["email"] == "noor@example.com"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §6.9:
# a missing CreateAuthChallenge is the error of a missing DefineAuthChallenge.
def test_create_auth_challenge_missing(emulator, cognito):
    _, client_id = pool_with(emulator, cognito, DefineAuthChallenge=define, VerifyAuthChallengeResponse=verify)
    # DefineAuthChallenge has run and asked for a challenge nobody can make.
    assert error_of(cognito.initiate_auth, ClientId=client_id, AuthFlow="CUSTOM_AUTH",
                    AuthParameters={"USERNAME": "noor"}) == NOT_CONFIGURED


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §6.9:
# a missing VerifyAuthChallengeResponse is the error of a missing DefineAuthChallenge.
def test_verify_auth_challenge_response_missing(emulator, cognito):
    _, client_id = pool_with(emulator, cognito, DefineAuthChallenge=define, CreateAuthChallenge=create)
    challenge = cognito.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "noor"})
    assert challenge["ChallengeParameters"]["question"] == "6 x 7"  # asked, but nobody can judge the answer
    assert error_of(cognito.respond_to_auth_challenge, ClientId=client_id, ChallengeName="CUSTOM_CHALLENGE",
                    Session=challenge["Session"],
                    ChallengeResponses={"USERNAME": "noor", "ANSWER": "42"}) == NOT_CONFIGURED
