"""Functions through Lambda's Invoke API: the limbo check, errors, environments and the trace."""

import json
import threading

import pytest
import requests

from tests.auth_helpers import CLIENT, PASSWORD, POOL, confirmed_user
from tests.conftest import error_of


def invoke(emulator, name, payload, **extra):
    response = emulator.client("lambda").invoke(FunctionName=name, Payload=json.dumps(payload), **extra)
    return response, json.load(response["Payload"])


def limbo_check(emulator, phone):
    return invoke(emulator, "signup-limbo-check", {"phone_number": phone})[1]


def test_limbo_check_clears_a_never_confirmed_number(emulator, cognito):
    phone = "+919899000001"
    assert limbo_check(emulator, phone) == {"next": "SIGN_UP", "deleted": False}
    cognito.sign_up(ClientId=CLIENT, Username=phone, Password=PASSWORD)
    assert error_of(cognito.sign_up, ClientId=CLIENT, Username=phone, Password=PASSWORD)["Code"] == "UsernameExistsException"
    assert limbo_check(emulator, phone) == {"next": "SIGN_UP", "deleted": True}
    assert error_of(cognito.admin_get_user, UserPoolId=POOL, Username=phone)["Code"] == "UserNotFoundException"
    assert cognito.sign_up(ClientId=CLIENT, Username=phone, Password=PASSWORD)["UserConfirmed"] is False


def test_limbo_check_leaves_a_confirmed_user(emulator, cognito):
    confirmed_user(emulator, cognito, "+919899000002")
    assert limbo_check(emulator, "+919899000002") == {"next": "SIGN_IN", "deleted": False}
    assert cognito.admin_get_user(UserPoolId=POOL, Username="+919899000002")["UserStatus"] == "CONFIRMED"


@pytest.mark.parametrize("payload", [{}, {"phone_number": "98990"}, {"phone_number": 919899000003}, ["+919899000003"]])
def test_limbo_check_refuses_a_bad_payload(emulator, cognito, payload):
    cognito.sign_up(ClientId=CLIENT, Username="+919899000003", Password=PASSWORD)
    response, result = invoke(emulator, "signup-limbo-check", payload)
    assert "FunctionError" not in response
    assert "error" in result and "phone_number" in result["error"]
    assert cognito.admin_get_user(UserPoolId=POOL, Username="+919899000003")["UserStatus"] == "UNCONFIRMED"


def test_unknown_function(emulator):
    with pytest.raises(emulator.client("lambda").exceptions.ResourceNotFoundException):
        invoke(emulator, "nope", {})


def test_a_raising_function_is_an_unhandled_function_error(emulator):
    def broken(event, context):
        raise KeyError("phone_number")

    emulator.services.functions.register("broken", broken)
    response, payload = invoke(emulator, "broken", {"a": 1})
    assert response["StatusCode"] == 200 and response["FunctionError"] == "Unhandled"
    assert payload["errorType"] == "KeyError" and payload["errorMessage"] == "'phone_number'"
    assert payload["stackTrace"]


def test_event_invocations_run_in_the_background(emulator):
    done = threading.Event()
    emulator.services.functions.register("async", lambda event, context: done.set())
    response = emulator.client("lambda").invoke(FunctionName="async", InvocationType="Event", Payload=b"{}")
    assert response["StatusCode"] == 202
    assert done.wait(5)


def test_by_arn_and_bad_payload(emulator):
    emulator.services.functions.register("echo", lambda event, context: {"got": event})
    arn = "arn:aws:lambda:us-east-1:123456789012:function:echo"
    assert invoke(emulator, arn, {"x": 1})[1] == {"got": {"x": 1}}
    response = requests.post(f"{emulator.url}/2015-03-31/functions/echo/invocations", data=b"{not json", timeout=5)
    assert response.status_code == 400 and response.headers["x-amzn-ErrorType"] == "InvalidRequestContentException"


def test_handlers_see_their_own_environment_only(emulator):
    import os

    barrier = threading.Barrier(2, timeout=30)
    seen = {}

    def reader(label):
        def handler(event, context):
            barrier.wait(timeout=5)  # both run at once
            os.environ["WRITTEN_BY_HANDLER"] = label
            seen[label] = {key: os.environ.get(key) for key in
                           ("STAGE", "AWS_REGION", "AWS_ENDPOINT_URL_SNS", "AWS_ACCESS_KEY_ID", "WRITTEN_BY_HANDLER",
                            "AWS_LAMBDA_FUNCTION_NAME")}
            barrier.wait(timeout=5)
            return {}
        return handler

    emulator.services.functions.register("blue", reader("blue"), {"STAGE": "blue"})
    emulator.services.functions.register("green", reader("green"), {"STAGE": "green"})
    threads = [threading.Thread(target=invoke, args=(emulator, name, {})) for name in ("blue", "green")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    for label in ("blue", "green"):
        assert seen[label] == {"STAGE": label, "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_SNS": emulator.url,
                               "AWS_ACCESS_KEY_ID": "AKIAEMULATOR", "WRITTEN_BY_HANDLER": label,
                               "AWS_LAMBDA_FUNCTION_NAME": label}
    assert "STAGE" not in os.environ and "WRITTEN_BY_HANDLER" not in os.environ


def test_context_attributes(emulator):
    emulator.services.functions.register("ctx", lambda event, context: {
        "name": context.function_name, "arn": context.invoked_function_arn, "id": context.aws_request_id,
        "remaining": context.get_remaining_time_in_millis()})
    result = invoke(emulator, "ctx", {})[1]
    assert result["name"] == "ctx" and result["arn"].endswith(":function:ctx")
    assert len(result["id"]) == 36 and 0 < result["remaining"] <= 5000


def test_trace_lists_invocations_filtered_by_user(emulator, cognito):
    confirmed_user(emulator, cognito, "+919899000004")
    cognito.initiate_auth(ClientId=CLIENT, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "+919899000004"})
    username = cognito.admin_get_user(UserPoolId=POOL, Username="+919899000004")["Username"]
    invocations = requests.get(f"{emulator.url}/_emulator/triggers", params={"username": username}, timeout=5).json()["invocations"]
    assert [i["function"] for i in invocations] == ["define-auth-challenge", "create-auth-challenge"]
    create = invocations[1]
    assert set(create) >= {"id", "function", "trigger", "trigger_source", "event", "response", "error", "duration_ms", "pool_id"}
    assert create["event"]["response"] == {"publicChallengeParameters": None, "privateChallengeParameters": None,
                                           "challengeMetadata": None}
    assert create["response"]["response"]["challengeMetadata"].startswith("CODE-")
    assert requests.get(f"{emulator.url}/_emulator/triggers", params={"latest": 1}, timeout=5).json()["invocations"][0]["id"] == create["id"]
    assert requests.delete(f"{emulator.url}/_emulator/triggers", timeout=5).json()["deleted"] >= 2


def test_a_python_function_with_a_timeout_that_runs_past_it_fails_as_a_timed_out_lambda(emulator):
    emulator.services.functions.load({"limited": {"handler": "tests.handlers.slow", "timeout": 1},
                                      "unlimited": {"handler": "tests.handlers.slow"}})
    response, payload = invoke(emulator, "limited", {"seconds": 1.2})
    assert response["FunctionError"] == "Unhandled" and payload["errorType"] == "Sandbox.Timedout"
    assert payload["errorMessage"].endswith("Task timed out after 1.00 seconds")
    assert invoke(emulator, "limited", {"seconds": 0.1})[1] == {"slept": 0.1}
    # Without a declared timeout a Python function is not limited (a debugger pause must not fail a sign-in):
    assert invoke(emulator, "unlimited", {"seconds": 1.2})[1] == {"slept": 1.2}


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §6.8:
# a Python function without a timeout is not limited.
def test_cognito_stops_waiting_for_a_python_trigger_with_a_timeout_but_not_for_one_without(emulator, cognito,
                                                                                              monkeypatch):
    from emulator.services.triggers import runner

    monkeypatch.setattr(runner, "WAIT_SECONDS", 0.3)  # Cognito's 5 seconds, shortened
    emulator.services.functions.load({"limited": {"handler": "tests.handlers.slow_pre_sign_up", "timeout": 10},
                                      "unlimited": {"handler": "tests.handlers.slow_pre_sign_up"}})
    arn = "arn:aws:lambda:us-east-1:123456789012:function:"
    cognito.update_user_pool(UserPoolId=POOL, LambdaConfig={"PreSignUp": arn + "limited"})
    error = error_of(cognito.sign_up, ClientId=CLIENT, Username="+919899000011", Password=PASSWORD,
                     ClientMetadata={"seconds": "0.5"})
    assert (error["Code"], error["Message"]) == (
        "UnexpectedLambdaException", "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function.")
    cognito.update_user_pool(UserPoolId=POOL, LambdaConfig={"PreSignUp": arn + "unlimited"})
    assert cognito.sign_up(ClientId=CLIENT, Username="+919899000012", Password=PASSWORD,
                           ClientMetadata={"seconds": "0.5"})["UserConfirmed"] is False
