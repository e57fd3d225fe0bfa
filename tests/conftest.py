"""Fixtures: a real emulator on a free port, and boto3 clients pointed at it."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
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


class EmulatorProcess:
    """The emulator as users run it: `python -m emulator ...` in its own process."""

    def __init__(self, *args: str, port: int | None = None):
        # Without a port asked for, the server binds any free one and says which in its banner: no window in which
        # another process could take a port chosen here.
        self.port = port
        self.url = f"http://127.0.0.1:{port}" if port else None
        self.printed: list[str] = []  # what wait_ready read of the output, given back by stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "emulator", "--port", str(port or 0), *args],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )

    def _read_port(self, deadline: float) -> None:
        """The port from the banner's first line, read from the pipe's file descriptor itself (a buffered read
        would hold back lines that stop()'s communicate() then never sees)."""
        chunks: queue.Queue = queue.Queue()
        descriptor = self.process.stdout.fileno()

        def read_some():
            chunks.put(os.read(descriptor, 4096))

        seen = b""
        while not re.search(rb"Cognito emulator listening on [^\n]*\n", seen):
            threading.Thread(target=read_some, daemon=True).start()
            try:
                chunk = chunks.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError("the emulator printed no banner") from None
            if not chunk:
                raise RuntimeError(f"emulator exited with {self.process.wait()}: {seen.decode(errors='replace')}")
            seen += chunk
        self.printed.append(seen.decode(errors="replace"))
        self.url = re.search(r"Cognito emulator listening on (http://[^ \n]+)", self.printed[0]).group(1)
        self.port = int(self.url.rsplit(":", 1)[1])

    def wait_ready(self, timeout: float = 20) -> "EmulatorProcess":
        deadline = time.monotonic() + timeout
        if self.url is None:
            self._read_port(deadline)
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
        return "".join(self.printed) + output


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


MISSING_TOOLS = {"Chromium": ("Chromium", "playwright"), "Node.js": ("node and npm",)}


def pytest_terminal_summary(terminalreporter):
    """Say loudly when tests were skipped for a missing tool: a green run without them proves much less. Then the
    fuzzer's reach, per operation, when tests/test_fuzz_reach.py ran."""
    _missing_tools_summary(terminalreporter)
    _fuzz_reach_summary(terminalreporter)


def _missing_tools_summary(terminalreporter):
    reasons = [str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
               for report in terminalreporter.stats.get("skipped", [])]
    for tool, markers in MISSING_TOOLS.items():
        matching = [reason for reason in reasons if any(marker in reason for marker in markers)]
        if matching:
            terminalreporter.write_sep("!", f"{len(matching)} tests needing {tool} were SKIPPED "
                                            f"({matching[0].removeprefix('Skipped: ')})", red=True, bold=True)


def _fuzz_reach_summary(terminalreporter):
    """One compact table: per operation, of the requests tests/test_fuzz_reach.py sent, how many got past input
    validation and how many succeeded (issue 23), the weakest first named in the heading line."""
    reach = {}
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            for name, value in getattr(report, "user_properties", ()):
                if name == "fuzz_reach":
                    operation, tally = value
                    reach[operation] = tally
    if not reach:
        return
    sent = sum(tally["sent"] for tally in reach.values())
    past = sum(tally["past validation"] for tally in reach.values())
    succeeded = sum(tally["succeeded"] for tally in reach.values())
    weakest = sorted(reach, key=lambda operation: (reach[operation]["past validation"], operation))[:3]
    terminalreporter.write_sep("-", f"fuzz reach: {len(reach)} operations, {sent} requests, {past} past validation "
                                    f"({past * 100 // max(sent, 1)} %), {succeeded} succeeded")
    terminalreporter.write_line("past validation/succeeded of the requests sent per operation; fewest past "
                                "validation: " + ", ".join(f"{operation} {reach[operation]['past validation']}"
                                                           for operation in weakest))
    cells = [f"{operation} {tally['past validation']}/{tally['succeeded']}" for operation, tally in sorted(reach.items())]
    width = max(len(cell) for cell in cells) + 2
    columns = max(1, (terminalreporter._tw.fullwidth or 120) // width)
    rows = -(-len(cells) // columns)
    for row in range(rows):
        terminalreporter.write_line("".join(cell.ljust(width) for cell in cells[row::rows]).rstrip())
