"""Every scenario, under pytest and from the command line."""

import subprocess
import sys

import pytest

import emulator.scenarios.stories  # noqa: F401  (registers the scenarios)
from emulator.embedded import EmbeddedEmulator
from emulator.scenarios.app import Emulator
from emulator.scenarios.story import SCENARIOS, run_scenario
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def live():
    with EmbeddedEmulator() as running:
        yield running


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario(live, name):
    result = run_scenario(SCENARIOS[name], Emulator(live.url))
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
