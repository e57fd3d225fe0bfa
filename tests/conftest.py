"""Fixtures: a real emulator on a free port, and boto3 clients pointed at it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import boto3
import botocore.exceptions
import pytest
import requests

from emulator.embedded import EmbeddedEmulator
from emulator.settings import Settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def emulator():
    """A fresh emulator (in-memory state, the default seed) served on its own port."""
    with EmbeddedEmulator(Settings(data=":memory:", port=0, check_responses=True)) as running:
        yield running


@pytest.fixture(scope="session")
def node_functions():
    """node, ready to run Node.js functions (or a skip where it is missing and not required)."""
    from tests.node_setup import node_functions_ready
    return node_functions_ready()


@pytest.fixture
def cognito(emulator):
    return emulator.client("cognito-idp")


@pytest.fixture
def raw_cognito(emulator):
    """A boto3 client that skips botocore's own parameter validation, to send what a buggy client might."""
    return emulator.client("cognito-idp", parameter_validation=False)


def error_of(call, *args, **kwargs) -> dict:
    """The Cognito error a boto3 call raised: {"Code", "Message"} plus the status."""
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call(*args, **kwargs)
    response = caught.value.response
    return {**response["Error"], "Status": response["ResponseMetadata"]["HTTPStatusCode"]}


def client_for_url(url: str):
    """A boto3 client for an emulator started some other way, configured only by endpoint URL."""
    return boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="x", aws_secret_access_key="x")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EmulatorProcess:
    """The emulator as users run it: `python -m emulator ...` in its own process."""

    def __init__(self, *args: str, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "emulator", "--port", str(self.port), *args],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )

    def wait_ready(self, timeout: float = 20) -> "EmulatorProcess":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"emulator exited with {self.process.returncode}: {self.process.stdout.read()}")
            try:
                if requests.get(f"{self.url}/_emulator/health", timeout=1).ok:
                    return self
            except requests.ConnectionError:
                time.sleep(0.05)
        raise TimeoutError("emulator did not become ready")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()

    def stop(self) -> str:
        """Stop gracefully and return everything it printed."""
        self.process.terminate()
        try:
            output, _ = self.process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        return output


@pytest.fixture
def spawn():
    """Start emulator processes; all are killed at the end of the test."""
    started: list[EmulatorProcess] = []

    def start(*args: str, port: int | None = None) -> EmulatorProcess:
        process = EmulatorProcess(*args, port=port)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.process.poll() is None:
            process.kill()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium through Playwright (skips without it; see tests/browser.py)."""
    from tests.browser import launch, require_browser

    sync_playwright = require_browser()
    with sync_playwright() as playwright:
        running = launch(playwright)
        yield running
        running.close()
