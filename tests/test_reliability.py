"""Concurrency, crash safety, exposure and operations hygiene."""

import json
import os
import signal
import sqlite3
import threading
import time

import pytest
import requests

from emulator.embedded import EmbeddedEmulator
from emulator.services.store import DB_FILENAME
from emulator.settings import Settings
from tests.auth_helpers import CLIENT, PASSWORD, POOL, confirmed_user, latest_code, start_otp
from tests.conftest import client_for_url, error_of


def run_threads(target, count):
    threads = [threading.Thread(target=target, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)


def test_colliding_sign_ups_have_exactly_one_winner_per_number(emulator):
    numbers = [f"+91981000{index:04d}" for index in range(40)]
    outcomes, lock = [], threading.Lock()

    def sign_up_many(worker):
        cognito = emulator.client()
        for attempt in range(100):
            phone = numbers[(attempt * 7 + worker) % len(numbers)]
            try:
                cognito.sign_up(ClientId=CLIENT, Username=phone, Password=PASSWORD)
                result = "ok"
            except cognito.exceptions.UsernameExistsException:
                result = "exists"
            except Exception as error:  # collected: anything else fails the test
                result = repr(error)
            with lock:
                outcomes.append((phone, result))

    run_threads(sign_up_many, 8)
    assert len(outcomes) == 800
    assert {result for _, result in outcomes} <= {"ok", "exists"}, {r for _, r in outcomes}
    winners = {}
    for phone, result in outcomes:
        winners[phone] = winners.get(phone, 0) + (result == "ok")
    assert winners == {phone: 1 for phone in numbers}
    users = emulator.client().list_users(UserPoolId=POOL, Filter='phone_number ^= "+91981000"')["Users"]
    assert len(users) == 40
    assert emulator.services.store.integrity_check() == "ok"


def test_a_session_is_used_at_most_once_under_concurrency(emulator, cognito):
    phone = "+919810010001"
    confirmed_user(emulator, cognito, phone)
    challenge = start_otp(cognito, phone)
    code = latest_code(emulator, phone)
    results = []

    def answer(_):
        client = emulator.client()
        try:
            client.respond_to_auth_challenge(ClientId=CLIENT, ChallengeName="CUSTOM_CHALLENGE", Session=challenge["Session"],
                                             ChallengeResponses={"USERNAME": phone, "ANSWER": code})
            results.append("tokens")
        except client.exceptions.NotAuthorizedException as error:
            results.append(error.response["Error"]["Message"])

    run_threads(answer, 8)
    assert sorted(results) == ["Invalid session for the user."] * 7 + ["tokens"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §4.4:
# one of two concurrent confirmations wins, the other gets ExpiredCodeException.
def test_a_confirmation_code_works_once_under_concurrency(emulator, cognito):
    phone = "+919810010002"
    cognito.sign_up(ClientId=CLIENT, Username=phone, Password=PASSWORD)
    code = latest_code(emulator, phone)
    results = []

    def confirm(_):
        client = emulator.client()
        try:
            client.confirm_sign_up(ClientId=CLIENT, Username=phone, ConfirmationCode=code)
            results.append("confirmed")
        except client.exceptions.ClientError as error:
            results.append(error.response["Error"]["Code"])

    calls = []
    emulator.services.functions.register("count-post", lambda event, context: calls.append(1) or event)
    pool = cognito.describe_user_pool(UserPoolId=POOL)["UserPool"]
    cognito.update_user_pool(UserPoolId=POOL, AutoVerifiedAttributes=["phone_number"], LambdaConfig={
        **pool["LambdaConfig"], "PostConfirmation": "arn:aws:lambda:us-east-1:123456789012:function:count-post"})
    run_threads(confirm, 8)
    assert results.count("confirmed") == 1
    assert set(results) - {"confirmed"} <= {"ExpiredCodeException", "NotAuthorizedException"}
    assert len(calls) == 1  # PostConfirmation ran once


def test_every_acknowledged_write_survives_kill_9(spawn, tmp_path):
    data = str(tmp_path / "data")
    server = spawn("--data", data, "--log-level", "WARNING").wait_ready()
    acknowledged, confirmed, stop = [], [], threading.Event()

    def load(worker):
        cognito = client_for_url(server.url)
        index = 0
        while not stop.is_set():
            phone = f"+9198200{worker}{index:05d}"
            index += 1
            try:
                cognito.sign_up(ClientId=CLIENT, Username=phone, Password=PASSWORD)
                acknowledged.append(phone)
                cognito.admin_confirm_sign_up(UserPoolId=POOL, Username=phone)
                confirmed.append(phone)
            except Exception:  # the server died under us: expected
                return

    workers = [threading.Thread(target=load, args=(worker,)) for worker in range(4)]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 25 and time.monotonic() < deadline:  # well into the load, by what it has done
        time.sleep(0.01)
    server.kill()  # SIGKILL in the middle of the load
    stop.set()
    for worker in workers:
        worker.join(30)
    assert len(acknowledged) > 20

    restarted = spawn("--data", data, "--log-level", "WARNING").wait_ready()
    cognito = client_for_url(restarted.url)
    for phone in acknowledged:
        user = cognito.admin_get_user(UserPoolId=POOL, Username=phone)
        attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
        assert attributes["phone_number"] == phone and attributes["sub"] == user["Username"]
        if phone in confirmed:
            assert user["UserStatus"] == "CONFIRMED"
    # Nothing half-written: whatever the database holds is whole.
    stored = cognito.list_users(UserPoolId=POOL, Filter='phone_number ^= "+9198200"')
    assert all(u["UserStatus"] in ("UNCONFIRMED", "CONFIRMED") for u in stored["Users"])
    with sqlite3.connect(os.path.join(data, DB_FILENAME)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    restarted.stop()


@pytest.mark.parametrize("http_server", ["granian", "waitress"])
def test_sigterm_lets_requests_in_flight_finish(spawn, tmp_path, http_server):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"functions": {"slow": {"handler": "tests.handlers.slow"}}, "user_pools": []}))
    server = spawn("--data", str(tmp_path / "data"), "--config", str(config), "--http-server", http_server).wait_ready()
    answer = {}

    started = tmp_path / "started"

    def slow_call():
        response = requests.post(f"{server.url}/2015-03-31/functions/slow/invocations", timeout=30,
                                 json={"seconds": 1.5, "started": str(started)})
        answer["status"], answer["body"] = response.status_code, response.json()

    caller = threading.Thread(target=slow_call)
    caller.start()
    deadline = time.monotonic() + 30
    while not started.exists() and time.monotonic() < deadline:  # the request is in flight: the handler runs
        time.sleep(0.01)
    server.process.send_signal(signal.SIGTERM)
    caller.join(30)
    assert answer == {"status": 200, "body": {"slept": 1.5}}
    assert server.process.wait(15) == 0
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{server.url}/_emulator/health", timeout=2)


def test_passwords_never_reach_the_log_or_the_disk(spawn, tmp_path):
    data = tmp_path / "data"
    server = spawn("--data", str(data), "--log-level", "DEBUG").wait_ready()
    cognito = client_for_url(server.url)
    secret = "Unmistakable-Passw0rd-42!"
    cognito.sign_up(ClientId=CLIENT, Username="+919820100001", Password=secret)
    cognito.admin_confirm_sign_up(UserPoolId=POOL, Username="+919820100001")
    cognito.initiate_auth(ClientId=CLIENT, AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": "+919820100001", "PASSWORD": secret})
    error_of(cognito.initiate_auth, ClientId=CLIENT, AuthFlow="USER_PASSWORD_AUTH",
             AuthParameters={"USERNAME": "+919820100001", "PASSWORD": secret + "x"})
    log = server.stop()
    assert "op=InitiateAuth status=200" in log and "op=SignUp status=200" in log
    assert secret not in log
    for name in os.listdir(data):
        assert secret.encode() not in (data / name).read_bytes()


def test_one_log_line_per_request(emulator, cognito, caplog):
    caplog.set_level("INFO", logger="emulator.requests")
    error_of(cognito.describe_user_pool, UserPoolId="us-east-1_nothere00")
    cognito.list_user_pools(MaxResults=1)
    lines = [record.getMessage() for record in caplog.records if record.name == "emulator.requests"]
    assert lines[0].startswith("op=DescribeUserPool status=400 ms=") and lines[0].endswith("error=ResourceNotFoundException")
    assert lines[1].startswith("op=ListUserPools status=200 ms=") and lines[1].endswith("error=-")


@pytest.fixture
def exposed():
    """An emulator bound beyond loopback (all addresses of this machine), as --host 0.0.0.0 starts it."""
    with EmbeddedEmulator(Settings(host="0.0.0.0", data=":memory:", port=0, control_token="s3cret-token")) as running:
        yield running


def test_beyond_loopback_writes_need_the_control_token(exposed):
    url = exposed.url
    assert requests.post(f"{url}/_emulator/clock", json={"seconds": 5}, timeout=5).status_code == 403
    assert requests.delete(f"{url}/_emulator/sms", timeout=5).status_code == 403
    assert requests.post(f"{url}/clock", data={"seconds": "5"}, timeout=5).status_code == 403
    assert requests.post(f"{url}/_emulator/clock", json={"seconds": 5}, headers={"X-Emulator-Token": "wrong"},
                         timeout=5).status_code == 403
    assert requests.post(f"{url}/_emulator/clock", json={"seconds": 5}, headers={"X-Emulator-Token": "s3cret-token"},
                         timeout=5).status_code == 200
    # Reading stays open, and so does Cognito's own API.
    assert requests.get(f"{url}/_emulator/sms", timeout=5).status_code == 200
    assert exposed.client().list_user_pools(MaxResults=1)["UserPools"]
    # Opening the dashboard with ?token= lets its buttons work.
    with requests.Session() as browser:
        assert browser.get(f"{url}/clock?token=s3cret-token", timeout=5).status_code == 200
        assert browser.post(f"{url}/clock", data={"seconds": "5"}, timeout=5).status_code == 200


def test_beyond_loopback_cors_never_reflects_credentials(exposed):
    response = requests.post(exposed.url + "/", data="{}", timeout=5, headers={
        "Origin": "https://evil.example", "X-Amz-Target": "AWSCognitoIdentityProviderService.ListUserPools"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_the_command_line_prints_a_token_beyond_loopback(spawn):
    server = spawn("--data", ":memory:", "--host", "0.0.0.0").wait_ready()
    output = server.stop()
    assert "control token" in output and "?token=" in output
    insecure = spawn("--data", ":memory:", "--host", "0.0.0.0", "--insecure").wait_ready()
    assert requests.post(f"{insecure.url}/_emulator/clock", json={"seconds": 1}, timeout=5).status_code == 200


def test_a_killed_emulator_leaves_no_worker_serving(spawn, tmp_path):
    """granian serves from a worker process the emulator forks: SIGKILL of the emulator must end it too, or it would
    go on answering on the port and writing to the data directory."""
    server = spawn("--data", str(tmp_path / "data")).wait_ready()
    assert requests.get(f"{server.url}/_emulator/health", timeout=5).status_code == 200
    server.process.kill()
    server.process.wait(10)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            requests.get(f"{server.url}/_emulator/health", timeout=1)
        except requests.ConnectionError:
            return
        time.sleep(0.05)
    pytest.fail("the port still answers 5 s after the emulator was killed")


def test_a_worker_that_dies_ends_the_emulator_with_a_reason(spawn, tmp_path):
    """If granian's worker ends on its own (here: killed), the command ends too, non-zero and saying why, rather than
    going on holding a port nothing answers on."""
    server = spawn("--data", str(tmp_path / "data"), "--http-server", "granian").wait_ready()
    with open(f"/proc/{server.process.pid}/task/{server.process.pid}/children") as handle:
        worker = int(handle.read().split()[0])
    os.kill(worker, signal.SIGKILL)
    assert server.process.wait(15) == 1
    assert "error: the HTTP worker process ended unexpectedly" in server.process.stdout.read()
