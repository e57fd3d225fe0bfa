"""PreSignUp, CustomMessage and PostConfirmation, run in-process with Cognito's event shapes."""

import pytest
import requests

from tests.conftest import error_of
from tests.inbox import latest_code, messages

ARN = "arn:aws:lambda:us-east-1:123456789012:function:{}"


@pytest.fixture
def calls():
    return []


@pytest.fixture
def wired(emulator, cognito, calls):
    """A phone-number pool whose triggers are small test functions that record their events."""

    def recorder(name, respond=None):
        def handler(event, context):
            calls.append((name, event, context))
            if respond:
                respond(event)
            return event
        return handler

    def register(name, respond=None):
        emulator.services.functions.register(name, recorder(name, respond))
        return ARN.format(name)

    def make_pool(**lambda_config):
        pool = cognito.create_user_pool(PoolName="wired", UsernameAttributes=["phone_number"],
                                        AutoVerifiedAttributes=["phone_number"], LambdaConfig=lambda_config)["UserPool"]
        client = cognito.create_user_pool_client(UserPoolId=pool["Id"], ClientName="app")["UserPoolClient"]["ClientId"]
        return pool["Id"], client

    return register, make_pool


def test_pre_sign_up_event_shape(wired, cognito, calls):
    register, make_pool = wired
    pool, client = make_pool(PreSignUp=register("pre"))
    cognito.sign_up(ClientId=client, Username="+919844000001", Password="Passw0rd-123!",
                    UserAttributes=[{"Name": "given_name", "Value": "Asha"}],
                    ValidationData=[{"Name": "captcha", "Value": "ok"}], ClientMetadata={"campaign": "diwali"})
    [(name, event, context)] = calls
    assert set(event) == {"version", "region", "userPoolId", "userName", "callerContext", "triggerSource", "request", "response"}
    assert (event["version"], event["region"], event["userPoolId"]) == ("1", "us-east-1", pool)
    assert event["triggerSource"] == "PreSignUp_SignUp"
    assert event["callerContext"]["clientId"] == client
    user = cognito.admin_get_user(UserPoolId=pool, Username="+919844000001")
    assert event["userName"] == user["Username"]
    # Only what was submitted (the username is the phone number): no sub, no verified flags.
    assert event["request"]["userAttributes"] == {"phone_number": "+919844000001", "given_name": "Asha"}
    assert event["request"]["validationData"] == {"captcha": "ok"}
    assert event["request"]["clientMetadata"] == {"campaign": "diwali"}
    assert event["response"] == {"autoConfirmUser": False, "autoVerifyPhone": False, "autoVerifyEmail": False}
    assert context.function_name == "pre" and context.get_remaining_time_in_millis() > 0


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §4.2:
# an auto-confirmed sign-up runs PostConfirmation with SignUp's ClientMetadata.
def test_pre_sign_up_auto_confirms_and_verifies(wired, emulator, cognito, calls):
    register, make_pool = wired

    def confirm(event):
        event["response"].update(autoConfirmUser=True, autoVerifyPhone=True)

    pool, client = make_pool(PreSignUp=register("pre", confirm), PostConfirmation=register("post"))
    response = cognito.sign_up(ClientId=client, Username="+919844000002", Password="Passw0rd-123!",
                               ClientMetadata={"campaign": "diwali"})
    assert response["UserConfirmed"] is True
    assert "CodeDeliveryDetails" not in response
    assert messages(emulator, "+919844000002") == []
    user = cognito.admin_get_user(UserPoolId=pool, Username="+919844000002")
    assert user["UserStatus"] == "CONFIRMED"
    assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}["phone_number_verified"] == "true"
    assert [name for name, _, _ in calls] == ["pre", "post"]
    post = calls[1][1]
    assert post["triggerSource"] == "PostConfirmation_ConfirmSignUp"
    assert post["request"]["clientMetadata"] == {"campaign": "diwali"}
    assert post["request"]["userAttributes"]["phone_number_verified"] == "true"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §4.2:
# the wording for an auto-verify flag without the attribute.
@pytest.mark.parametrize("flag, signs_in_with, username, attribute", [
    ("autoVerifyEmail", "phone_number", "+919844000012", "email"),
    ("autoVerifyPhone", "email", "dev@example.com", "phone_number"),
])
def test_pre_sign_up_auto_verifying_a_missing_attribute_is_refused(emulator, cognito, calls, flag, signs_in_with,
                                                                  username, attribute):
    def verify(event, context):
        calls.append(event["triggerSource"])
        event["response"].update(autoConfirmUser=True, **{flag: True})
        return event

    emulator.services.functions.register("verify-missing", verify)
    pool = cognito.create_user_pool(PoolName="flags", UsernameAttributes=[signs_in_with],
                                    LambdaConfig={"PreSignUp": ARN.format("verify-missing")})["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app")["UserPoolClient"]["ClientId"]
    error = error_of(cognito.sign_up, ClientId=client, Username=username, Password="Passw0rd-123!")
    assert error == {"Code": "InvalidParameterException", "Status": 400,
                     "Message": f"{flag} is set but the user has no {attribute}."}
    assert calls == ["PreSignUp_SignUp"]
    assert error_of(cognito.admin_get_user, UserPoolId=pool, Username=username)["Code"] == "UserNotFoundException"


def test_pre_sign_up_denies_by_raising(wired, cognito):
    register, make_pool = wired

    def deny(event):
        raise ValueError("Sign-ups are closed")

    pool, client = make_pool(PreSignUp=register("pre", deny))
    error = error_of(cognito.sign_up, ClientId=client, Username="+919844000003", Password="Passw0rd-123!")
    assert error == {"Code": "UserLambdaValidationException", "Status": 400,
                     "Message": "PreSignUp failed with error Sign-ups are closed."}
    assert error_of(cognito.admin_get_user, UserPoolId=pool, Username="+919844000003")["Code"] == "UserNotFoundException"


def test_custom_message_for_sign_up_resend_and_admin_create(wired, emulator, cognito, calls):
    register, make_pool = wired

    def compose(event):
        source = event["triggerSource"]
        username = event["request"]["usernameParameter"] or ""
        event["response"]["smsMessage"] = f"[{source}] {username} code {event['request']['codeParameter']}"

    pool, client = make_pool(CustomMessage=register("message", compose))
    cognito.sign_up(ClientId=client, Username="+919844000004", Password="Passw0rd-123!")
    cognito.resend_confirmation_code(ClientId=client, Username="+919844000004")
    cognito.admin_create_user(UserPoolId=pool, Username="+919844000005")
    sent = messages(emulator)
    assert sent[0]["message"] == f"[CustomMessage_SignUp]  code {sent[0]['code']}"
    assert sent[1]["message"] == f"[CustomMessage_ResendCode]  code {sent[1]['code']}"
    invited = cognito.admin_get_user(UserPoolId=pool, Username="+919844000005")["Username"]
    assert sent[2]["message"] == f"[CustomMessage_AdminCreateUser] {invited} code {sent[2]['code']}"
    first_event = calls[0][1]
    assert first_event["request"]["codeParameter"] == "{####}"
    assert first_event["request"]["usernameParameter"] is None
    assert first_event["response"] == {"smsMessage": "[CustomMessage_SignUp]  code {####}",
                                       "emailMessage": None, "emailSubject": None}


def test_custom_message_left_empty_uses_the_template(wired, emulator, cognito):
    register, make_pool = wired
    _, client = make_pool(CustomMessage=register("message"))
    cognito.sign_up(ClientId=client, Username="+919844000006", Password="Passw0rd-123!")
    [sms] = messages(emulator)
    assert sms["message"] == f"Your verification code is {sms['code']}. "


def test_post_confirmation_after_confirm_sign_up(wired, emulator, cognito, calls):
    register, make_pool = wired

    def fail(event):
        raise RuntimeError("CRM unavailable")

    pool, client = make_pool(PostConfirmation=register("post", fail))
    cognito.sign_up(ClientId=client, Username="+919844000007", Password="Passw0rd-123!")
    error = error_of(cognito.confirm_sign_up, ClientId=client, Username="+919844000007",
                     ConfirmationCode=latest_code(emulator, "+919844000007"), ClientMetadata={"source": "web"})
    assert error["Message"] == "PostConfirmation failed with error CRM unavailable."
    [(_, event, _)] = calls
    assert event["triggerSource"] == "PostConfirmation_ConfirmSignUp"
    assert event["request"]["clientMetadata"] == {"source": "web"}
    assert event["request"]["userAttributes"]["phone_number_verified"] == "true"
    # As on AWS, the user is confirmed even though the trigger failed.
    assert cognito.admin_get_user(UserPoolId=pool, Username="+919844000007")["UserStatus"] == "CONFIRMED"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §6.6:
# UnexpectedLambdaException for a function that cannot be found or imported.
def test_unknown_function_and_bad_output(wired, emulator, cognito):
    register, make_pool = wired
    _, client = make_pool(PreSignUp=ARN.format("not-registered"))
    error = error_of(cognito.sign_up, ClientId=client, Username="+919844000008", Password="Passw0rd-123!")
    assert error == {"Code": "UnexpectedLambdaException", "Status": 400,
                     "Message": "PreSignUp invocation failed due to error ResourceNotFoundException."}
    emulator.services.functions.register("garbage", lambda event, context: "not an event")
    _, client = make_pool(PreSignUp=ARN.format("garbage"))
    assert error_of(cognito.sign_up, ClientId=client, Username="+919844000008",
                    Password="Passw0rd-123!")["Code"] == "InvalidLambdaResponseException"
    emulator.services.functions.register("unimportable", "tests.no_such_module.handler")
    _, client = make_pool(PreSignUp=ARN.format("unimportable"))
    assert error_of(cognito.sign_up, ClientId=client, Username="+919844000008",
                    Password="Passw0rd-123!")["Code"] == "UnexpectedLambdaException"


def test_functions_from_configuration(tmp_path):
    from emulator.embedded import EmbeddedEmulator
    from emulator.settings import Settings

    config = {"functions": {"auto-confirm": {"handler": "tests.handlers.auto_confirm"}},
              "user_pools": [{"PoolName": "configured", "UsernameAttributes": ["phone_number"],
                              "LambdaConfig": {"PreSignUp": ARN.format("auto-confirm")},
                              "Clients": [{"ClientId": "configuredclient0000000001", "ClientName": "c"}]}]}
    with EmbeddedEmulator(Settings(data=":memory:", port=0), seed_config=config) as running:
        response = running.client().sign_up(ClientId="configuredclient0000000001", Username="+919844000009",
                                             Password="Passw0rd-123!")
        assert response["UserConfirmed"] is True


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §6.1:
# boto3 named as aws-sdk-boto3-<version>.
def test_pre_sign_up_without_metadata_as_cognito_sends_it(wired, cognito, calls):
    # A real event for a caller that sent neither: validationData null, no clientMetadata key (docs §6.3, §6.5).
    register, make_pool = wired
    pool, client = make_pool(PreSignUp=register("pre"))
    cognito.sign_up(ClientId=client, Username="+919844000011", Password="Passw0rd-123!")
    [(_, event, _)] = calls
    assert event["request"] == {"userAttributes": {"phone_number": "+919844000011"}, "validationData": None}
    assert event["callerContext"]["awsSdkVersion"].startswith("aws-sdk-boto3-")  # boto3 called


def test_caller_sdk_is_read_from_the_user_agent(wired, emulator, calls):
    register, make_pool = wired
    pool, client = make_pool(PreSignUp=register("pre"))
    for number, headers in enumerate([
            {"User-Agent": "aws-sdk-js/3.1169.0 ua/2.1 os/linux lang/js md/nodejs#20.11.0"},
            {"X-Amz-User-Agent": "aws-amplify/6.22.1 auth/1 framework/0", "User-Agent": "Mozilla/5.0 (X11)"},
            {"User-Agent": "curl/8.5.0"}]):
        body = {"ClientId": client, "Username": f"+91984400002{number}", "Password": "Passw0rd-123!"}
        requests.post(emulator.url, json=body, timeout=5, headers={
            **headers, "X-Amz-Target": "AWSCognitoIdentityProviderService.SignUp",
            "Content-Type": "application/x-amz-json-1.1"}).raise_for_status()
    assert [event["callerContext"]["awsSdkVersion"] for _, event, _ in calls] == [
        "aws-sdk-js-3.1169.0", "aws-sdk-unknown-unknown", "aws-sdk-unknown-unknown"]


def test_sign_up_with_a_custom_attribute_the_pool_lacks(wired, cognito):
    _, make_pool = wired
    pool, client = make_pool()
    refused = error_of(cognito.sign_up, ClientId=client, Username="+919844000031", Password="Passw0rd-123!",
                       UserAttributes=[{"Name": "custom:plan", "Value": "gold"}])
    assert (refused["Code"], refused["Message"]) == ("InvalidParameterException",
                                                     "Attribute does not exist in the schema.")
