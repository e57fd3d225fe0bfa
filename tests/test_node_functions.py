"""Node.js functions run as Lambda runs them: each handler style and module format, TypeScript, the environment,
timeouts, crashes, console output, and Cognito's view of all of it, through boto3 against a running emulator.

The handlers are the files under tests/node_functions/."""

import base64
import json
import os
import subprocess
import sys
import threading
import time

import pytest
import requests

from emulator.embedded import EmbeddedEmulator
from emulator.settings import Settings
from emulator.scenarios.app import NODE_CONFIG
from tests.conftest import ROOT, error_of
from tests.test_js_clients import node_clients, run_client  # noqa: F401  (node_clients is a fixture)

HANDLERS = os.path.join(ROOT, "tests", "node_functions")
STYLES = os.path.join(HANDLERS, "styles")
ARN = "arn:aws:lambda:us-east-1:123456789012:function:"


def node(handler, folder=STYLES, **extra):
    return {"runtime": "nodejs20.x", "code": folder, "handler": handler, **extra}


FUNCTIONS = {
    "callback": node("index.callback"), "promise": node("index.promise"), "sync": node("index.sync"),
    "nested": node("index.handlers.nested"), "context": node("index.context", timeout=7),
    "esm": node("module.handler"), "cjs": node("legacy.handler"),
    "type-module": node("index.handler", os.path.join(HANDLERS, "type-module")),
    "typescript": node("handler.handler", os.path.join(HANDLERS, "typescript")),
    "mts": node("module.handler", os.path.join(HANDLERS, "typescript")),
    "blue": node("index.environment", environment={"STAGE": "blue"}),
    "green": node("index.environment", environment={"STAGE": "green"}),
    "counter": node("index.counter"), "logs": node("index.logs"), "fails": node("index.fails"),
    "fails-with-callback": node("index.failsWithCallback"), "not-an-event": node("index.notAnEvent"),
    "hangs": node("index.hangs", timeout=1), "slow": node("index.slow", timeout=8), "exits": node("index.exits"),
    "uncaught": node("index.uncaught"), "looks-up": node("index.preSignUpLooksUp"),
    "syntax-error": node("syntax.handler", os.path.join(HANDLERS, "broken")),
    "throws-on-load": node("throws-on-load.handler", os.path.join(HANDLERS, "broken")),
    "amplify-pre-sign-up": node("handler.handler", os.path.join(HANDLERS, "amplify", "auth", "pre-sign-up"),
                                environment={"ALLOWED_COUNTRY_CODE": "+91"}),
}
CONFIG = {
    "functions": FUNCTIONS,
    "user_pools": [{
        "Id": "us-east-1_nodeTrig01", "PoolName": "node-triggers", "UsernameAttributes": ["phone_number"],
        "LambdaConfig": {"PreSignUp": ARN + "amplify-pre-sign-up"},
        "Clients": [{"ClientId": "nodetriggersclient00000001", "ClientName": "web",
                     "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}],
    }],
}
POOL, CLIENT = "us-east-1_nodeTrig01", "nodetriggersclient00000001"
PASSWORD = "Generated-Passw0rd!"


@pytest.fixture(scope="module")
def live(node_functions):
    os.environ["EMULATOR_ONLY_VARIABLE"] = "the emulator's own"  # must not reach a function
    try:
        with EmbeddedEmulator(Settings(data=":memory:", port=0, check_responses=True), seed_config=CONFIG) as running:
            yield running
    finally:
        del os.environ["EMULATOR_ONLY_VARIABLE"]


def invoke(live, name, payload=None, **extra):
    response = live.client("lambda").invoke(FunctionName=name, Payload=json.dumps(payload or {}), **extra)
    return response, json.load(response["Payload"])


def result_of(live, name, payload=None):
    response, result = invoke(live, name, payload)
    assert "FunctionError" not in response, result
    return result


def wire_pre_sign_up(live, function):
    live.client().update_user_pool(UserPoolId=POOL, LambdaConfig={"PreSignUp": ARN + function})


def sign_up_error(live, phone):
    return error_of(live.client().sign_up, ClientId=CLIENT, Username=phone, Password=PASSWORD)


def latest_trace(live, function):
    calls = requests.get(f"{live.url}/_emulator/triggers", params={"latest": 50}, timeout=10).json()["invocations"]
    return [call for call in calls if call["function"] == function][-1]


# -- handler styles and module formats ------------------------------------------------------------------------

@pytest.mark.parametrize("name, style", [("callback", "callback"), ("promise", "promise"), ("esm", "esm"),
                                         ("cjs", "cjs"), ("type-module", "type-module")])
def test_each_handler_style_and_module_format_answers_with_its_result(live, name, style):
    assert result_of(live, name, {"n": 1}) == {"style": style, "event": {"n": 1},
                                               **({"loadedAt": "init"} if name == "esm" else {}),
                                               **({"isModule": True} if name == "type-module" else {})}


def test_a_handler_that_neither_returns_a_promise_nor_calls_back_answers_null_as_lambda_does(live):
    assert result_of(live, "sync", {"n": 1}) is None


def test_a_nested_export_is_found_as_lambda_finds_it(live):
    assert result_of(live, "nested") == {"style": "nested"}


def test_typescript_is_compiled_on_load_and_keeps_naming_its_source(live):
    result = result_of(live, "typescript", {"name": "asha"})
    folder = os.path.join(HANDLERS, "typescript")
    assert result == {"text": "hello asha", "ready": True, "functionName": "typescript",
                      "url": "file://" + os.path.join(folder, "handler.ts"), "dirname": folder}


def test_an_mts_handler_gets_the_runtimes_aws_sdk_when_its_folder_has_none(live):
    assert result_of(live, "mts") == {"region": "us-east-1"}


@pytest.mark.parametrize("file", ["handler.ts", "handler.mjs", "handler.js"])
def test_packages_come_from_node_modules_in_or_above_the_code_folder(node_functions, tmp_path, file):
    package = tmp_path / "node_modules" / "greeter"
    package.mkdir(parents=True)
    (package / "package.json").write_text('{"name": "greeter", "main": "index.js"}')
    (package / "index.js").write_text("exports.greet = (name) => `hello ${name} from ${__dirname}`;")
    code = tmp_path / "services" / "auth"
    code.mkdir(parents=True)
    source = ("const { greet } = require('greeter');\nexports.handler = async (event) => greet(event.name);"
              if file.endswith(".js") else
              "import { greet } from 'greeter';\nexport const handler = async (event) => greet(event.name);")
    (code / file).write_text(source)
    config = {"functions": {"greets": node("handler.handler", str(code))}, "user_pools": []}
    with EmbeddedEmulator(Settings(data=":memory:", port=0), seed_config=config) as running:
        assert result_of(running, "greets", {"name": "asha"}) == f"hello asha from {package}"


def test_the_context_has_lambdas_fields(live):
    context = result_of(live, "context")
    assert context["functionName"] == "context" and context["functionVersion"] == "$LATEST"
    assert context["invokedFunctionArn"] == ARN + "context"
    assert context["memoryLimitInMB"] == "128" and context["logGroupName"] == "/aws/lambda/context"
    assert len(context["awsRequestId"]) == 36 and context["callbackWaitsForEmptyEventLoop"] is True
    assert 5000 < context["remaining"] <= 7000  # its own timeout, 7 s


# -- environment ----------------------------------------------------------------------------------------------

def test_two_functions_running_at_once_each_see_only_their_own_environment(live):
    results = {}

    def call(name):
        results[name] = result_of(live, name, {"pause": 200})

    threads = [threading.Thread(target=call, args=(name,)) for name in ("blue", "green")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for name in ("blue", "green"):
        assert results[name] == {
            "STAGE": name, "AWS_LAMBDA_FUNCTION_NAME": name, "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": live.url, "AWS_EXECUTION_ENV": "AWS_Lambda_nodejs20.x", "LAMBDA_TASK_ROOT": STYLES,
            "_HANDLER": "index.environment", "EMULATOR_ONLY_VARIABLE": None,
        }


# -- warm workers, concurrency, crashes ---------------------------------------------------------------------

def test_a_warm_worker_is_reused_and_concurrent_calls_get_workers_of_their_own(live):
    first, second = result_of(live, "counter"), result_of(live, "counter")
    assert second == {"pid": first["pid"], "invocations": first["invocations"] + 1}  # one environment, kept warm
    results = []
    threads = [threading.Thread(target=lambda: results.append(result_of(live, "counter", {"pause": 300})))
               for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len({result["pid"] for result in results}) == 3  # one invocation per environment at a time, as Lambda


def test_a_function_that_exits_fails_as_lambda_reports_it_and_the_next_call_gets_a_fresh_environment(live):
    response, error = invoke(live, "exits")
    assert response["FunctionError"] == "Unhandled" and error["errorType"] == "Runtime.ExitError"
    assert error["errorMessage"].endswith("Error: Runtime exited with error: exit status 3")
    response, error = invoke(live, "uncaught")
    assert response["FunctionError"] == "Unhandled"
    assert (error["errorType"], error["errorMessage"]) == ("Runtime.UncaughtException", "RangeError: thrown later")
    assert result_of(live, "callback", {"again": True})["event"] == {"again": True}


def test_a_function_past_its_timeout_is_stopped_and_the_next_call_starts_afresh(live):
    response, error = invoke(live, "hangs")
    assert response["FunctionError"] == "Unhandled" and error["errorType"] == "Sandbox.Timedout"
    assert error["errorMessage"].endswith("Task timed out after 1.00 seconds")
    assert error["errorMessage"].startswith(f"RequestId: {response['ResponseMetadata']['RequestId']} ")
    response, error = invoke(live, "hangs")  # a new environment, timed out again: not a dead worker reused
    assert error["errorType"] == "Sandbox.Timedout"


@pytest.mark.parametrize("name, error_type, message", [
    ("syntax-error", "Runtime.UserCodeSyntaxError", "SyntaxError: Unexpected token '}'"),
    ("throws-on-load", "Error", "configuration missing"),
])
def test_a_function_that_fails_to_load_reports_it_on_each_call(live, name, error_type, message):
    for _ in range(2):
        response, error = invoke(live, name)
        assert response["FunctionError"] == "Unhandled"
        assert (error["errorType"], error["errorMessage"]) == (error_type, message)


# -- console output -----------------------------------------------------------------------------------------

def test_console_output_goes_to_the_trace_the_invoke_log_tail_and_the_emulators_log(live, caplog):
    caplog.set_level("INFO", logger="emulator.functions")
    response, _ = invoke(live, "logs", {"n": 1}, LogType="Tail")
    request_id = response["ResponseMetadata"]["RequestId"]
    logs = latest_trace(live, "logs")["logs"]
    assert [line.split("\t")[1:] for line in logs[:2]] == [
        [request_id, "INFO", "hello { from: 'logs' }"], [request_id, "ERROR", "something went sideways"]]
    assert logs[2] == "a raw line"
    tail = base64.b64decode(response["LogResult"]).decode()
    assert tail.startswith(f"START RequestId: {request_id}") and "hello { from: 'logs' }" in tail
    assert "something went sideways" in caplog.text
    page = requests.get(f"{live.url}/trace", params={"username": ""}, timeout=10).text
    assert f"{request_id}\tINFO\thello {{ from: &#39;logs&#39; }}" in page  # the trace page shows the log


# -- what Cognito makes of it ---------------------------------------------------------------------------------

def test_an_amplify_gen2_typescript_pre_sign_up_confirms_the_user(live):
    wire_pre_sign_up(live, "amplify-pre-sign-up")
    cognito = live.client()
    assert cognito.sign_up(ClientId=CLIENT, Username="+919811000001", Password=PASSWORD)["UserConfirmed"] is True
    user = cognito.admin_get_user(UserPoolId=POOL, Username="+919811000001")
    assert user["UserStatus"] == "CONFIRMED"
    assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}["phone_number_verified"] == "true"
    assert latest_trace(live, "amplify-pre-sign-up")["logs"][0].endswith("auto-confirming +919811000001")
    # Its own environment variable, read through Amplify's `$amplify/env/<function>` module, decides:
    assert sign_up_error(live, "+14155550100") == {
        "Code": "UserLambdaValidationException", "Status": 400,
        "Message": "PreSignUp failed with error only +91 numbers may sign up."}


@pytest.mark.parametrize("function, code, message", [
    ("fails", "UserLambdaValidationException", "PreSignUp failed with error the number is not allowed."),
    ("fails-with-callback", "UserLambdaValidationException", "PreSignUp failed with error a plain string."),
    ("not-an-event", "InvalidLambdaResponseException", "Unrecognizable lambda output"),
    ("hangs", "UserLambdaValidationException", "Task timed out after 1.00 seconds."),
])
def test_a_failing_trigger_is_reported_as_cognito_reports_a_lambdas_failure(live, function, code, message):
    wire_pre_sign_up(live, function)
    error = sign_up_error(live, "+919811000002")
    assert (error["Code"], error["Status"]) == (code, 400)
    assert error["Message"].endswith(message) if function == "hangs" else error["Message"] == message
    assert error_of(live.client().admin_get_user, UserPoolId=POOL, Username="+919811000002")["Code"] == \
        "UserNotFoundException"


def test_cognito_stops_waiting_for_a_trigger_after_five_seconds(live):
    """Here the function's own timeout is 8 s: Cognito gives up first."""
    wire_pre_sign_up(live, "slow")
    started = time.monotonic()
    error = error_of(live.client().sign_up, ClientId=CLIENT, Username="+919811000003", Password=PASSWORD,
                     ClientMetadata={"ms": "6500"})
    assert error["Code"] == "UnexpectedLambdaException"
    assert error["Message"] == "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function."
    assert 4.5 < time.monotonic() - started < 6.5


def test_a_trigger_that_calls_back_into_the_emulator_does_not_block_it(live):
    wire_pre_sign_up(live, "looks-up")
    cognito = live.client()
    before = len(cognito.list_users(UserPoolId=POOL)["Users"])
    confirmed = cognito.sign_up(ClientId=CLIENT, Username="+919811000004", Password=PASSWORD)["UserConfirmed"]
    assert confirmed is (before == 0)  # decided from ListUsers, called by the function through the runtime's SDK


# -- life cycle -------------------------------------------------------------------------------------------------

def test_workers_stop_with_the_emulator_and_reset_loads_code_afresh(node_functions, tmp_path):
    (tmp_path / "index.js").write_text("exports.handler = async () => ({ version: 1, pid: process.pid });")
    config = {"functions": {"edited": node("index.handler", str(tmp_path))}, "user_pools": []}
    with EmbeddedEmulator(Settings(data=":memory:", port=0), seed_config=config) as running:
        first = result_of(running, "edited")
        (tmp_path / "index.js").write_text("exports.handler = async () => ({ version: 2, pid: process.pid });")
        assert result_of(running, "edited")["version"] == 1  # a warm environment keeps the code it loaded
        running.reset()
        second = result_of(running, "edited")
        assert second["version"] == 2
        assert not _alive(first["pid"])
    assert not _alive(second["pid"])


def _alive(pid):
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.05)
    return True


# -- the configuration ------------------------------------------------------------------------------------------

def check_config(tmp_path, functions, env=None):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"functions": functions, "user_pools": []}))
    return subprocess.run([sys.executable, "-m", "emulator", "--check-config", "--config", str(config)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})})


def test_code_is_relative_to_the_configuration_file(tmp_path, node_functions):
    (tmp_path / "lambdas").mkdir()
    (tmp_path / "lambdas" / "define.mjs").write_text("export const handler = async (event) => event;")
    result = check_config(tmp_path, {"f": {"runtime": "nodejs22.x", "code": "./lambdas", "handler": "define.handler"}})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("declaration, env, says", [
    ({"runtime": "nodejs20.x", "code": STYLES, "handler": "index.handler"}, {"PATH": "/nonexistent"},
     'function "f" (nodejs20.x) needs Node.js, and no `node` was found on PATH'),
    ({"runtime": "nodejs20.x", "code": STYLES, "handler": "missing.handler"}, None,
     'handler "missing.handler" names missing, but none of missing.js, missing.mjs, missing.cjs, missing.ts'),
    ({"runtime": "nodejs20.x", "code": "./nowhere", "handler": "index.handler"}, None, "nowhere\" does not exist"),
    ({"runtime": "nodejs20.x", "code": STYLES, "handler": "index"}, None, 'is not "<file>.<export>"'),
    ({"runtime": "java21", "handler": "Handler::handle"}, None, 'runtime "java21" is not one the emulator runs'),
    ({"runtime": "nodejs20.x", "code": STYLES, "handler": "index.callback", "timeout": 0}, None,
     "timeout must be a number of seconds from 1 to 900"),
])
def test_a_function_that_cannot_run_stops_the_start_saying_why(tmp_path, declaration, env, says):
    result = check_config(tmp_path, {"f": declaration}, env)
    assert result.returncode == 2
    assert says in result.stderr


# -- the shipped JavaScript handlers, driven by Amplify ------------------------------------------------------------

def test_amplify_signs_in_with_a_texted_code_through_the_shipped_javascript_handlers(node_clients):
    with EmbeddedEmulator(Settings(data=":memory:", port=0, config=NODE_CONFIG)) as running:
        results = run_client(node_clients, "amplify-node-triggers.mjs", running, "+919811000009",
                             POOL_ID="us-east-1_otpNodeJs1", CLIENT_ID="otpnodewebclient0000000001")
        phone_texts = requests.get(f"{running.url}/_emulator/sms", params={"phone_number": "+919811000009"},
                                   timeout=10).json()["messages"]
    assert results.pop("publicParameters")["phone"] == "+919811000009"  # createAuthChallenge's, beside USERNAME
    assert results == {"signUp": "CONFIRM_SIGN_UP", "confirmSignUp": "DONE",
                       "signInStep": "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE",
                       "afterWrongCode": "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE", "signedIn": True,
                       "idTokenPhone": "+919811000009"}
    assert [text["origin"] for text in phone_texts] == ["SignUp", "SNS Publish"]  # one sign-in text, by the handler
