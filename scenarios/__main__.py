"""`python -m emulator.scenarios [NAME ...] --endpoint URL`: run scenarios against a running emulator.

`--demo` starts an emulator of its own (in memory, on a free port), runs them, and stops it; scenarios that need
another configuration (node-triggers: triggers/js/emulator.json) get an emulator started with it.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time

import requests

from . import stories  # noqa: F401  (registers the scenarios)
from .app import Emulator
from .story import SCENARIOS, Printer, run_scenario

DEFAULT_ENDPOINT = os.environ.get("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "http://127.0.0.1:9229")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emulator.scenarios", description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help="scenarios to run (default: all)")
    parser.add_argument("--endpoint", default=DEFAULT_ENDPOINT, help=f"the emulator (default {DEFAULT_ENDPOINT})")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("--demo", action="store_true", help="start an emulator of its own, run, stop it")
    args = parser.parse_args(argv)
    if args.list:
        width = max(len(name) for name in SCENARIOS)
        for scenario in SCENARIOS.values():
            print(f"{scenario.name:<{width}}  {scenario.summary}")
        return 0
    unknown = [name for name in args.names if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}; see --list")
    chosen = [SCENARIOS[name] for name in args.names] if args.names else list(SCENARIOS.values())
    printer = Printer(sys.stdout, color=sys.stdout.isatty())
    if not args.demo:
        try:
            app = Emulator(args.endpoint)
            app.cognito.list_user_pools(MaxResults=1)
        except Exception as error:  # most often: nothing listening there
            print(f"cannot use the emulator at {args.endpoint}: {error}", file=sys.stderr)
            return 2
        results = [run_scenario(scenario, app, printer) for scenario in chosen]
        print(f"SMS inbox: {args.endpoint}/   trigger trace: {args.endpoint}/trace")
    else:
        results = []
        for config in dict.fromkeys(scenario.config for scenario in chosen):
            process, endpoint = start_emulator(config)
            try:
                app = Emulator(endpoint)
                results += [run_scenario(scenario, app, printer) for scenario in chosen if scenario.config == config]
            finally:
                process.terminate()
                process.wait(10)
    printer.summary(results)
    return 0 if all(result.passed for result in results) else 1


def start_emulator(config: str | None = None) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([sys.executable, "-m", "emulator", "--data", ":memory:", "--port", str(port),
                                "--log-level", "WARNING", *(["--config", config] if config else [])],
                               stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{endpoint}/_emulator/health", timeout=1).ok:
                print(f"emulator started at {endpoint}" + (f" with {config}" if config else ""))
                return process, endpoint
        except requests.ConnectionError:
            time.sleep(0.1)
        if process.poll() is not None:
            raise SystemExit(f"the emulator did not start (exit status {process.returncode})")
    process.kill()
    raise SystemExit("the emulator did not start within 30 seconds")


if __name__ == "__main__":
    raise SystemExit(main())
