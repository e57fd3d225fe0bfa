"""Every scenario, under pytest and from the command line."""

import re
import subprocess
import sys

import pytest
import requests

import emulator.scenarios.stories  # noqa: F401  (registers the scenarios)
from emulator.embedded import EmbeddedEmulator
from emulator.scenarios.app import NODE_CONFIG, Emulator
from emulator.settings import Settings
from emulator.scenarios.story import SCENARIOS, run_scenario
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def live():
    with EmbeddedEmulator() as running:
        yield running


@pytest.fixture(scope="module")
def node_live(node_functions):
    with EmbeddedEmulator(Settings(data=":memory:", port=0, config=NODE_CONFIG)) as running:
        yield running


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario(request, name):
    scenario = SCENARIOS[name]
    live = request.getfixturevalue({None: "live", NODE_CONFIG: "node_live"}[scenario.config])
    result = run_scenario(scenario, Emulator(live.url))
    assert result.passed, result.failure
    assert len(result.steps) >= 3


def test_a_scenario_that_moves_the_clock_puts_it_back(live):
    live.services.clock.advance(60)  # an offset someone set before: kept, not zeroed
    try:
        result = run_scenario(SCENARIOS["session-expiry"], Emulator(live.url))
        assert result.passed, result.failure
        assert live.services.clock.offset == 60
    finally:
        live.services.clock.reset()


def step_names(result):
    return [step.name for step in result.steps]


NATIVE_POOL = "us-east-1_otpNative1"


def test_native_passwordless_signs_in_by_the_confirmation_with_one_text_then_by_sms_otp(live):
    result = run_scenario(SCENARIOS["native-passwordless"], Emulator(live.url))
    assert result.passed, result.failure
    names = step_names(result)
    assert "USER_AUTH with that Session: signed in at once, no code asked" in names
    assert "answer SMS_OTP with it: tokens for the same number" in names
    phone = next(re.search(r"\+\d+", name).group() for name in names if name.startswith("sign up +"))
    (user,) = live.services.store.find_users(NATIVE_POOL, "phone_number", phone)
    assert (user["UserStatus"], user["Attributes"]["phone_number_verified"]) == ("CONFIRMED", "true")
    texts = requests.get(f"{live.url}/_emulator/sms", params={"phone_number": phone}, timeout=10).json()["messages"]
    assert [(text["pool_id"], text["origin"]) for text in texts] == [(NATIVE_POOL, "SignUp"), (NATIVE_POOL, "SMS_OTP")]


def test_native_passwordless_fails_when_the_confirmation_session_does_not_sign_in(live, monkeypatch):
    from emulator import errors
    from emulator.operations.auth import user_auth

    def refused(call, username):
        raise errors.NotAuthorizedException("Invalid session for the user.")

    monkeypatch.setattr(user_auth, "_signed_up", refused)
    result = run_scenario(SCENARIOS["native-passwordless"], Emulator(live.url))
    assert not result.passed
    assert result.steps[-1].name == "USER_AUTH with that Session: signed in at once, no code asked"
    assert "NotAuthorizedException" in result.failure


def test_totp_mfa_sets_up_an_authenticator_and_signs_in_with_it_then_cleans_up(live):
    offset = live.services.clock.offset
    result = run_scenario(SCENARIOS["totp-mfa"], Emulator(live.url))
    assert result.passed, result.failure
    assert step_names(result)[-1] == "answer SOFTWARE_TOKEN_MFA with it (same Session): tokens"
    assert [step.name for step in result.steps if "MFA" in step.name or "Session" in step.name] == [
        "create a pool with MFA ON, authenticator apps (TOTP) only, and a client",
        "sign in with the password: MFA_SETUP, an authenticator app to set up",
        "AssociateSoftwareToken with its Session: a secret for the app",
        "answer MFA_SETUP with the verified Session: tokens",
        "the user's MFA settings list the authenticator app",
        "sign in again with the password: SOFTWARE_TOKEN_MFA is asked",
        "answer SOFTWARE_TOKEN_MFA with it (same Session): tokens",
    ]
    assert live.services.clock.offset == offset  # the 30 seconds it moved are given back
    pools = live.services.store.list_pools(60, 0)[0]
    assert not [pool for pool in pools if pool["Name"].startswith("scenario-totp-")]  # the pool it made is gone


def test_totp_mfa_fails_when_a_code_is_accepted_twice(live, monkeypatch):
    from emulator.operations import mfa_settings

    accept = mfa_settings.accept_code

    def no_replay_check(services, pool, user, code):
        outcome = accept(services, pool, user, code)
        return mfa_settings.ACCEPTED if outcome == mfa_settings.USED else outcome

    monkeypatch.setattr(mfa_settings, "accept_code", no_replay_check)
    result = run_scenario(SCENARIOS["totp-mfa"], Emulator(live.url))
    assert not result.passed
    assert result.steps[-1].name == "the code used at set-up is refused: each code works once"
    assert "expected ExpiredCodeException, but the call succeeded" in result.failure


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "emulator.scenarios", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_cli_runs_chosen_scenarios_and_summarises(live):
    result = run_cli("new-user", "resend-code", "--endpoint", live.url)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "2 passed, 0 failed" in lines
    assert any(line.startswith("new-user: ") for line in lines)
    assert any("✓ sign in with the generated password" in line and line.rstrip().endswith("ms") for line in lines)
    assert f"SMS inbox: {live.url}/   trigger trace: {live.url}/trace" in lines


def test_demo_does_not_end_with_links_to_the_emulator_it_stopped():
    result = run_cli("--demo", "new-user")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed, 0 failed" in result.stdout
    assert "SMS inbox:" not in result.stdout


def test_cli_failure_says_what_was_expected(live):
    def never_right(event, context):
        event["response"]["answerCorrect"] = False
        return event

    live.services.functions.register("verify-auth-challenge-response", never_right)
    try:
        result = run_cli("returning-user", "--endpoint", live.url)
    finally:
        live.services.functions.register("verify-auth-challenge-response",
                                         "emulator.triggers.verify_auth_challenge_response.handler")
    assert result.returncode == 1
    assert "0 passed, 1 failed" in result.stdout
    assert "✗ answer the challenge with it" in result.stdout
    assert "another challenge instead of tokens: expected None, got 'CUSTOM_CHALLENGE'" in result.stdout


def test_cli_list_and_unknown_names():
    listed = run_cli("--list")
    assert listed.returncode == 0 and all(name in listed.stdout for name in SCENARIOS)
    assert run_cli("no-such-scenario").returncode == 2


def test_cli_without_an_emulator():
    result = run_cli("--endpoint", "http://127.0.0.1:9")
    assert result.returncode == 2 and "cannot use the emulator" in result.stderr
