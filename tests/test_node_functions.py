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
    "typescript-fails": node("fails.handler", os.path.join(HANDLERS, "typescript")),
    "blue": node("index.environment", environment={"STAGE": "blue"}),
    "green": node("index.environment", environment={"STAGE": "green"}),
    "counter": node("index.counter"), "logs": node("index.logs"), "fails": node("index.fails"),
    "fails-with-callback": node("index.failsWithCallback"), "not-an-event": node("index.notAnEvent"),
    "hangs": node("index.hangs", timeout=1), "spins": node("index.spins", timeout=1),
    "hangs-6s": node("index.hangs", timeout=6), "exits": node("index.exits"),
    "forgets-async": node("index.forgetsAsync"), "forgets": node("index.forgets"),
    "callback-then-timer": node("index.callbackThenTimer"), "throws-after-answering": node("index.throwsAfterAnswering"),
    "rejects-unawaited": node("index.rejectsUnawaited"), "bigint": node("index.bigint"),
    "error-shaped": node("index.errorShaped"),
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


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §6.10:
# TypeScript compiled with esbuild on load, whatever the Node.js version.
def test_typescript_is_compiled_on_load_and_keeps_naming_its_source(live):
    result = result_of(live, "typescript", {"name": "asha"})
    folder = os.path.join(HANDLERS, "typescript")
    assert result == {"text": "hello asha", "ready": True, "functionName": "typescript",
                      "url": "file://" + os.path.join(folder, "handler.ts"), "dirname": folder}


def test_a_typescript_stack_trace_names_the_typescript_source(live):
    _, error = invoke(live, "typescript-fails")
    assert error["errorMessage"] == "typed failure"
    assert os.path.join(HANDLERS, "typescript", "fails.ts") + ":3" in error["stackTrace"][1]


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

# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §6.10:
# AWS_ENDPOINT_URL added, so a handler's SDK clients call the emulator.
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
            "AWS_CONFIG_FILE": os.devnull, "AWS_PROFILE": None,  # not the ~/.aws of whoever runs the emulator
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


def logged_pid(call):
    """The pid a fixture handler logged (`pid <n>`) in a trace entry."""
    return next(int(line.rsplit(" ", 1)[1]) for line in call["logs"] if "pid " in line)


def test_a_function_that_exits_fails_as_lambda_reports_it_and_the_next_call_gets_a_fresh_environment(live):
    response, error = invoke(live, "exits", {"exit": True})
    assert response["FunctionError"] == "Unhandled" and error["errorType"] == "Runtime.ExitError"
    assert error["errorMessage"] == (f"RequestId: {response['ResponseMetadata']['RequestId']} "
                                     "Error: Runtime exited with error: exit status 3")
    crashed = latest_trace(live, "exits")
    assert "dying words" in crashed["logs"]  # what it wrote to its stderr on the way out
    assert result_of(live, "exits")["pid"] != logged_pid(crashed)


def test_an_uncaught_exception_fails_the_call_and_ends_the_environment(live):
    response, error = invoke(live, "uncaught")
    assert response["FunctionError"] == "Unhandled"
    assert (error["errorType"], error["errorMessage"]) == ("RangeError", "thrown later")
    response, error = invoke(live, "rejects-unawaited")
    assert (error["errorType"], error["errorMessage"]) == ("Runtime.UnhandledPromiseRejection", "Error: nobody waits")


def test_an_environment_that_ends_after_answering_is_not_handed_the_next_call(live):
    first = result_of(live, "throws-after-answering")
    time.sleep(0.3)  # its timer has thrown by now, ending it
    assert result_of(live, "throws-after-answering") != first  # answered, by a fresh environment


@pytest.mark.parametrize("name", ["hangs", "spins"])
def test_a_function_past_its_timeout_is_stopped_and_the_next_call_starts_afresh(live, name):
    pids = []
    for _ in range(2):  # the second call gets a new environment, not the stopped one
        response, error = invoke(live, name)
        assert response["FunctionError"] == "Unhandled" and error["errorType"] == "Sandbox.Timedout"
        assert error["errorMessage"] == (f"RequestId: {response['ResponseMetadata']['RequestId']} "
                                         "Error: Task timed out after 1.00 seconds")
        pids.append(logged_pid(latest_trace(live, name)))
    assert pids[0] != pids[1] and not _alive(pids[0])


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §6.10:
# the wording of Runtime.NodeJsExit.
@pytest.mark.parametrize("name, error_type, message", [
    ("forgets-async", "Runtime.NodeJsExit", "Error: Runtime exited without providing a reason"),
    ("bigint", "Error", "Unable to stringify response body"),
    ("error-shaped", "Shaped", "like an error"),
])
def test_lambda_runtime_failures(live, name, error_type, message):
    response, error = invoke(live, name)
    assert response["FunctionError"] == "Unhandled"
    assert (error["errorType"], error["errorMessage"]) == (error_type, message)


def test_a_promise_nothing_settles_from_a_plain_function_is_answered_null(live):
    assert result_of(live, "forgets") is None


@pytest.mark.parametrize("wait", [True, False])
def test_a_callback_answer_waits_for_the_event_loop_unless_told_not_to(live, wait):
    response, result = invoke(live, "callback-then-timer", {"wait": wait}, LogType="Tail")
    assert result == "answered"
    assert ("the timer ran" in base64.b64decode(response["LogResult"]).decode()) is wait
    if not wait:  # the line logged after the answer goes with the environment's next invocation, as in its log stream
        time.sleep(0.4)
        response, _ = invoke(live, "callback-then-timer", {"wait": True}, LogType="Tail")
        assert base64.b64decode(response["LogResult"]).decode().count("the timer ran") == 2


@pytest.mark.parametrize("name, error_type, message", [
    ("syntax-error", "Runtime.UserCodeSyntaxError", "SyntaxError: Unexpected token '}'"),
    ("throws-on-load", "Error", "configuration missing"),
])
def test_a_function_that_fails_to_load_reports_it_on_each_call(live, name, error_type, message):
    for _ in range(2):
        response, error = invoke(live, name)
        assert response["FunctionError"] == "Unhandled"
        assert (error["errorType"], error["errorMessage"]) == (error_type, message)


def test_a_failed_load_is_tried_again_in_a_fresh_environment_and_its_output_goes_with_the_call(live):
    loaded_in = []
    for _ in range(2):
        invoke(live, "throws-on-load")
        (line,) = [line for line in latest_trace(live, "throws-on-load")["logs"] if "loading in" in line]
        loaded_in.append(int(line.rsplit(" ", 1)[1]))
    assert loaded_in[0] != loaded_in[1]


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
    started = time.monotonic()
    error = sign_up_error(live, "+919811000002")
    assert time.monotonic() - started < 3  # a 1-second timeout ends the wait, not Cognito's 5 seconds
    assert (error["Code"], error["Status"]) == (code, 400)
    assert error["Message"].endswith(message) if function == "hangs" else error["Message"] == message
    assert error_of(live.client().admin_get_user, UserPoolId=POOL, Username="+919811000002")["Code"] == \
        "UserNotFoundException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §6.8:
# no retry after Cognito stops waiting.
def test_cognito_stops_waiting_for_a_trigger_after_five_seconds_and_the_function_stops_at_its_own_timeout(live):
    """Here the function's own timeout is 6 s: Cognito gives up first, and the function runs on until then."""
    wire_pre_sign_up(live, "hangs-6s")
    started = time.monotonic()
    error = sign_up_error(live, "+919811000003")
    assert error["Code"] == "UnexpectedLambdaException"
    assert error["Message"] == "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function."
    assert 4.5 < time.monotonic() - started < 5.8
    pid = logged_pid(latest_trace(live, "hangs-6s"))
    assert _alive_now(pid)  # still running, as the Lambda function would be
    time.sleep(max(0.0, started + 6.3 - time.monotonic()))
    assert not _alive(pid)


def test_waiting_for_a_free_environment_counts_against_cognitos_five_seconds(live, monkeypatch):
    from emulator.services.functions import node
    from emulator.services.triggers import runner

    monkeypatch.setattr(node, "MAX_WORKERS", 1)
    monkeypatch.setattr(runner, "WAIT_SECONDS", 0.5)
    wire_pre_sign_up(live, "hangs-6s")
    try:
        for phone in ("+919811000005", "+919811000006"):  # the second finds the one environment still busy
            started = time.monotonic()
            assert sign_up_error(live, phone)["Code"] == "UnexpectedLambdaException"
            assert time.monotonic() - started < 2
    finally:
        live.services.functions.get("hangs-6s").close()  # stop the environment still running


def test_the_invoke_api_throttles_a_function_whose_environments_stay_busy(live, monkeypatch):
    from emulator.services.functions import node

    monkeypatch.setattr(node, "MAX_WORKERS", 1)
    answers = []

    def call():
        response = requests.post(f"{live.url}/2015-03-31/functions/hangs/invocations", json={}, timeout=30)
        answers.append((response.status_code, response.json()))

    threads = [threading.Thread(target=call) for _ in range(3)]  # one environment, each call up to 1 s
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    throttled = [body for status, body in answers if status == 429]
    assert throttled and throttled[0] == {"Reason": "ConcurrentInvocationLimitExceeded", "Type": "User",
                                          "message": "Rate Exceeded.", "__type": "TooManyRequestsException"}


def test_the_invoke_api_refuses_what_json_does_not_allow(live):
    response = requests.post(f"{live.url}/2015-03-31/functions/callback/invocations", data=b'{"n": NaN}', timeout=10)
    assert (response.status_code, response.json()["__type"]) == (400, "InvalidRequestContentException")


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


def test_stopping_the_emulator_stops_a_function_still_running(node_functions):
    config = {"functions": {"spins": node("index.spins", timeout=60)}, "user_pools": []}
    running = EmbeddedEmulator(Settings(data=":memory:", port=0), seed_config=config)
    try:
        from emulator.services.functions import NoAnswerInTime

        with pytest.raises(NoAnswerInTime):
            running.services.functions.invoke("spins", {}, wait_limit=0.5)
        calls = requests.get(f"{running.url}/_emulator/triggers", timeout=10).json()["invocations"]
    finally:
        running.stop()
    assert not _alive(logged_pid(calls[-1]))


def test_a_function_spinning_when_the_emulator_is_killed_ends_too(node_functions, tmp_path):
    from tests.conftest import EmulatorProcess

    config = tmp_path / "config.json"
    config.write_text(json.dumps({"functions": {"spins": node("index.spins", timeout=60)}, "user_pools": []}))
    server = EmulatorProcess("--data", ":memory:", "--config", str(config)).wait_ready()
    try:
        requests.post(f"{server.url}/2015-03-31/functions/spins/invocations", json={},
                      headers={"X-Amz-Invocation-Type": "Event"}, timeout=10)
        deadline = time.monotonic() + 10
        while not (pids := _pids_in(server)) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.5)  # loaded, and spinning: its event loop will not see its input close
        assert pids and _alive_now(pids[0])
    finally:
        server.process.kill()  # no chance to stop its workers
        server.process.wait(10)
    assert not _alive(pids[0])


def _alive_now(pid):
    with open(f"/proc/{pid}/stat") as handle:
        return handle.read().rsplit(")", 1)[1].split()[0] != "Z"


def _pids_in(server):
    """Node worker processes the emulator process started, directly or from its HTTP server's worker process."""
    parents, workers = {}, []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    command = handle.read()
            except OSError:
                continue
            parents[int(entry)] = int(fields[1])
            if b"worker.cjs" in command:
                workers.append(int(entry))

    def started_by_the_emulator(pid):
        while pid in parents and pid > 1:
            pid = parents[pid]
            if pid == server.process.pid:
                return True
        return False

    return [pid for pid in workers if started_by_the_emulator(pid)]


def _alive(pid):
    """Whether the process is still there after up to 5 seconds (a zombie, ended but not yet reaped, is not)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                if handle.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return False
        except FileNotFoundError:
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
    ({"runtime": "nodejs20.x", "code": STYLES, "handler": "../styles/index.callback"}, None,
     'is not "<file>.<export>"'),
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
