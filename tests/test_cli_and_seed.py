"""The command line, the seed configuration, and the emulator's own endpoints."""

import json
import os
import shutil
import subprocess
import sys
import time

import pytest
import requests

from emulator.embedded import EmbeddedEmulator
from emulator.settings import Settings
from tests.conftest import ROOT, client_for_url


def test_help_lists_the_options():
    result = subprocess.run([sys.executable, "-m", "emulator", "--help"], cwd=ROOT, capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 0
    for option in ("--host", "--port", "--data", "--config", "--region"):
        assert option in result.stdout


def test_start_prints_endpoint_pools_and_export_line(spawn):
    process = spawn("--data", ":memory:").wait_ready()
    output = process.stop()
    assert f"Cognito emulator listening on {process.url}" in output
    assert "user pool otp-demo: us-east-1_otpDemo01" in output
    assert "app client otp-demo-web: otpdemowebclient0000000001" in output
    assert f"export AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER={process.url}" in output


def test_region_flag_names_the_seeded_pool(spawn):
    process = spawn("--data", ":memory:", "--region", "ap-south-1").wait_ready()
    pools = client_for_url(process.url).list_user_pools(MaxResults=5)["UserPools"]
    assert sorted(pool["Id"] for pool in pools) == ["ap-south-1_otpDemo01", "ap-south-1_otpNative1"]
    created = client_for_url(process.url).create_user_pool(PoolName="mumbai")["UserPool"]
    assert created["Id"].startswith("ap-south-1_")
    assert created["Arn"].startswith("arn:aws:cognito-idp:ap-south-1:")


def test_binding_beyond_loopback_warns(spawn):
    process = spawn("--data", ":memory:", "--host", "0.0.0.0").wait_ready()
    assert "WARNING" in process.stop()


def test_health_and_clock(emulator):
    health = requests.get(f"{emulator.url}/_emulator/health", timeout=5).json()
    assert health["status"] == "ok"
    before = requests.get(f"{emulator.url}/_emulator/clock", timeout=5).json()
    after = requests.post(f"{emulator.url}/_emulator/clock", json={"seconds": 3600}, timeout=5).json()
    assert after["offset_seconds"] == before["offset_seconds"] + 3600
    assert after["now"] - before["now"] >= 3600
    assert requests.post(f"{emulator.url}/_emulator/clock?seconds=60", timeout=5).json()["offset_seconds"] == 3660


def test_clock_resets_and_its_offset_outlives_a_restart(tmp_path):
    data = str(tmp_path / "data")
    with EmbeddedEmulator(Settings(data=data, port=0)) as first:
        requests.post(f"{first.url}/_emulator/clock", json={"seconds": 7200}, timeout=5).raise_for_status()
    with EmbeddedEmulator(Settings(data=data, port=0)) as second:
        assert requests.get(f"{second.url}/_emulator/clock", timeout=5).json()["offset_seconds"] == 7200
        reset = requests.delete(f"{second.url}/_emulator/clock", timeout=5)
        assert reset.status_code == 200 and reset.json()["offset_seconds"] == 0
        assert abs(reset.json()["now"] - time.time()) < 5
    with EmbeddedEmulator(Settings(data=data, port=0)) as third:
        assert third.services.clock.offset == 0


def test_the_pytest_plugin_starts_each_test_at_wall_clock_time(request):
    session = request.getfixturevalue("cognito_emulator_session")
    session.services.clock.advance(3600)
    assert request.getfixturevalue("cognito_emulator").services.clock.offset == 0


@pytest.mark.parametrize("body", [{"seconds": -5}, {"seconds": "soon"}, {}, {"seconds": float("inf")}])
def test_clock_refuses_bad_input(emulator, body):
    response = requests.post(f"{emulator.url}/_emulator/clock", data=json.dumps(body),
                             headers={"Content-Type": "application/json"}, timeout=5)
    assert response.status_code == 400
    assert response.json()["__type"] == "InvalidParameterException"


def test_emulator_timestamps_follow_the_clock(emulator, cognito):
    emulator.services.clock.advance(10 * 86400)
    pool = cognito.create_user_pool(PoolName="future")["UserPool"]
    seeded = cognito.describe_user_pool(UserPoolId="us-east-1_otpDemo01")["UserPool"]
    assert (pool["CreationDate"] - seeded["CreationDate"]).days >= 9


def write_config(path, pools):
    path.write_text(json.dumps({"user_pools": pools}))
    return str(path)


def test_seed_with_pinned_ids_is_idempotent_and_declarative(tmp_path):
    pool = {"Id": "eu-west-1_pinned123", "PoolName": "pinned", "UsernameAttributes": ["phone_number"],
            "Clients": [{"ClientId": "pinnedclient00000000000001", "ClientName": "web"},
                        {"ClientName": "unpinned"}]}
    config = write_config(tmp_path / "seed.json", [pool])
    data = str(tmp_path / "data")
    with EmbeddedEmulator(Settings(data=data, port=0, config=config)) as first:
        cognito = first.client()
        described = cognito.describe_user_pool(UserPoolId="eu-west-1_pinned123")["UserPool"]
        unpinned = cognito.list_user_pool_clients(UserPoolId="eu-west-1_pinned123")["UserPoolClients"][1]["ClientId"]
    # Same file again: nothing new, nothing modified.
    with EmbeddedEmulator(Settings(data=data, port=0, config=config)) as second:
        cognito = second.client()
        again = cognito.describe_user_pool(UserPoolId="eu-west-1_pinned123")["UserPool"]
        assert again["LastModifiedDate"] == described["LastModifiedDate"]
        clients = cognito.list_user_pool_clients(UserPoolId="eu-west-1_pinned123")["UserPoolClients"]
        assert [c["ClientId"] for c in clients] == ["pinnedclient00000000000001", unpinned]
        assert len(cognito.list_user_pools(MaxResults=60)["UserPools"]) == 1
    # A changed file is applied to the existing pool and client.
    pool["AutoVerifiedAttributes"] = ["phone_number"]
    pool["Clients"][0]["AuthSessionValidity"] = 10
    write_config(tmp_path / "seed.json", [pool])
    with EmbeddedEmulator(Settings(data=data, port=0, config=config)) as third:
        cognito = third.client()
        assert cognito.describe_user_pool(UserPoolId="eu-west-1_pinned123")["UserPool"]["AutoVerifiedAttributes"] == ["phone_number"]
        client = cognito.describe_user_pool_client(UserPoolId="eu-west-1_pinned123",
                                                   ClientId="pinnedclient00000000000001")["UserPoolClient"]
        assert client["AuthSessionValidity"] == 10


def test_invalid_config_stops_start_with_a_clear_message(spawn, tmp_path):
    config = write_config(tmp_path / "bad.json", [{"PoolName": "p", "Clients": [{"ClientName": "c", "AuthSessionValidity": 99}]}])
    process = spawn("--data", ":memory:", "--config", config)
    process.process.wait(timeout=30)
    output = process.process.stdout.read()
    assert process.process.returncode == 2
    assert "Clients[0]" in output and "authSessionValidity" in output


def test_no_seed_starts_empty(spawn):
    process = spawn("--data", ":memory:", "--no-seed").wait_ready()
    assert client_for_url(process.url).list_user_pools(MaxResults=5)["UserPools"] == []


def test_home_page_lists_pools_and_clients(emulator, cognito):
    cognito.create_user_pool(PoolName="second pool")
    page = requests.get(emulator.url + "/pools", timeout=5)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    for text in ("otp-demo", "us-east-1_otpDemo01", "otpdemowebclient0000000001", "second pool"):
        assert text in page.text


def test_aws_cli_with_endpoint_url_and_environment(spawn):
    aws = shutil.which("aws", path=os.path.dirname(sys.executable)) or shutil.which("aws")
    if aws is None:
        pytest.skip("the AWS CLI is not installed")
    process = spawn("--data", ":memory:").wait_ready()
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1"}
    env.pop("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", None)
    by_flag = subprocess.run([aws, "cognito-idp", "list-user-pools", "--max-results", "10", "--endpoint-url", process.url],
                             capture_output=True, text=True, env=env, timeout=60)
    assert by_flag.returncode == 0, by_flag.stderr
    assert json.loads(by_flag.stdout)["UserPools"][0]["Id"] == "us-east-1_otpDemo01"
    env["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"] = process.url
    by_env = subprocess.run([aws, "cognito-idp", "create-user-pool", "--pool-name", "from-cli"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert by_env.returncode == 0, by_env.stderr
    assert json.loads(by_env.stdout)["UserPool"]["Name"] == "from-cli"
    failing = subprocess.run([aws, "cognito-idp", "describe-user-pool", "--user-pool-id", "us-east-1_nothere00"],
                             capture_output=True, text=True, env=env, timeout=60)
    assert failing.returncode != 0
    assert "ResourceNotFoundException" in failing.stderr


@pytest.mark.parametrize("where, says", [
    ("a-file", "is a file, not a directory"),
    ("/sys/kernel", "cannot open /sys/kernel/emulator.sqlite3 for writing"),  # exists, not writable even for root
    ("/proc/1/no-such-dir", "cannot make the directory"),
])
def test_an_unusable_data_directory_is_a_clear_error(tmp_path, where, says):
    if where == "a-file":
        where = str(tmp_path / "a-file")
        open(where, "w").close()
    result = subprocess.run([sys.executable, "-m", "emulator", "--port", "0", "--data", where],
                            cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: --data {where}") and says in result.stderr
    assert "Traceback" not in result.stderr


def test_the_readme_shows_the_shipped_configuration():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    block = readme.split("<!-- shipped-config -->\n```json\n", 1)[1].split("\n```", 1)[0]
    with open(os.path.join(ROOT, "emulator", "default_config.json"), encoding="utf-8") as handle:
        assert json.loads(block) == json.load(handle)


STRICT_CASES = [
    ({"userpools": []}, "unknown key userpools: did you mean user_pools?"),
    ({"user_pools": [{"PoolName": "p", "UsernameAtributes": ["phone_number"]}]},
     "unknown key user_pools[0].UsernameAtributes: did you mean UsernameAttributes?"),
    ({"user_pools": [{"PoolName": "p", "LambdaConfig": {"PreSignup": "f"}}]},
     "unknown key user_pools[0].LambdaConfig.PreSignup: did you mean PreSignUp?"),
    ({"user_pools": [{"PoolName": "p", "Clients": [{"ClientName": "c", "ExplicitAuthFlow": ["ALLOW_CUSTOM_AUTH"]}]}]},
     "unknown key user_pools[0].Clients[0].ExplicitAuthFlow: did you mean ExplicitAuthFlows?"),
    ({"functions": {"f": {"handler": "tests.handlers.auto_confirm", "enviroment": {}}}},
     "unknown key functions.f.enviroment: did you mean environment?"),
    ({"functions": {"f": {"handler": "tests.handlers.auto_confirm"}},
      "user_pools": [{"PoolName": "p", "LambdaConfig": {"PreSignUp": "arn:aws:lambda:us-east-1:1:function:nope"}}]},
     'user_pools[0] (p): LambdaConfig.PreSignUp names function "nope", which "functions" does not declare '
     "(declared: f)"),
]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §2.12:
# unknown configuration keys stop the start.
@pytest.mark.parametrize("config, says", STRICT_CASES)
def test_unknown_configuration_keys_stop_the_start(tmp_path, config, says):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    for extra in ([], ["--check-config"]):
        result = subprocess.run([sys.executable, "-m", "emulator", "--port", "0", "--data", ":memory:",
                                 "--config", str(path), *extra], cwd=ROOT, capture_output=True, text=True, timeout=30)
        assert result.returncode == 2, result.stdout
        assert says in result.stderr


def test_check_config_passes_a_valid_file_without_listening():
    result = subprocess.run([sys.executable, "-m", "emulator", "--check-config"], cwd=ROOT, capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "is valid: 2 user pool(s), 2 app client(s), 4 function(s)" in result.stdout
    assert "listening" not in result.stdout


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §2.12:
# a handler that cannot be imported stops the start.
def test_a_handler_that_cannot_be_imported_stops_the_start(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"functions": {"pre-sign-up": {"handler": "myapp.triggers.pre_sign_up"}}}))
    result = subprocess.run([sys.executable, "-m", "emulator", "--port", "0", "--data", ":memory:",
                             "--config", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert ('function "pre-sign-up": cannot import myapp.triggers.pre_sign_up: No module named \'myapp\'. Handlers '
            "are imported from the configuration file's directory and the Python path (" + str(tmp_path)
            in result.stderr)


def test_handlers_are_found_beside_the_configuration_file(tmp_path, spawn):
    (tmp_path / "myhooks.py").write_text(
        "def pre_sign_up(event, context):\n    event['response']['autoConfirmUser'] = True\n    return event\n")
    path = tmp_path / "config.json"
    path.write_text(json.dumps({
        "functions": {"pre-sign-up": {"handler": "myhooks.pre_sign_up"}},
        "user_pools": [{"PoolName": "hooks",
                        "LambdaConfig": {"PreSignUp": "arn:aws:lambda:{region}:{account_id}:function:pre-sign-up"},
                        "Clients": [{"ClientId": "hooksclient000000000000001", "ClientName": "web"}]}],
    }))
    process = spawn("--data", ":memory:", "--config", str(path)).wait_ready()  # started in the repository, not tmp_path
    try:
        answer = client_for_url(process.url).sign_up(ClientId="hooksclient000000000000001", Username="asha",
                                                     Password="Passw0rd!x")
        assert answer["UserConfirmed"] is True
    finally:
        process.stop()


def test_an_apps_own_triggers_package_does_not_shadow_the_shipped_handlers(tmp_path):
    """The shipped handlers are emulator.triggers when installed: an app's `triggers` package beside it is its own."""
    (tmp_path / "triggers").mkdir()
    (tmp_path / "triggers" / "__init__.py").write_text("")
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "__init__.py").write_text("")
    result = subprocess.run([sys.executable, "-m", "emulator", "--check-config"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "4 function(s)" in result.stdout


def test_the_console_script_finds_handlers_in_the_current_directory(tmp_path):
    """`cognito-emulator` (not `python -m`, which puts the current directory on the path by itself)."""
    (tmp_path / "myapp").mkdir()
    (tmp_path / "myapp" / "hooks.py").write_text("def pre_sign_up(event, context):\n    return event\n")
    config = tmp_path / "conf" / "config.json"
    config.parent.mkdir()
    config.write_text(json.dumps({"functions": {"pre-sign-up": {"handler": "myapp.hooks.pre_sign_up"}}}))
    script = os.path.join(os.path.dirname(sys.executable), "cognito-emulator")
    result = subprocess.run([script, "--check-config", "--config", str(config)], cwd=tmp_path, capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "1 function(s)" in result.stdout


def test_the_banner_says_when_the_clock_is_ahead(tmp_path, spawn):
    first = spawn("--data", str(tmp_path)).wait_ready()
    requests.post(f"{first.url}/_emulator/clock", data='{"seconds": 90}', timeout=5).raise_for_status()  # no JSON type
    first.stop()
    second = spawn("--data", str(tmp_path)).wait_ready()
    assert "clock: 90 seconds ahead of this machine" in second.stop()
