"""Python functions, run in the emulator's process: `handler(event, context)` imported by dotted path."""

from __future__ import annotations

import importlib
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from emulator.services.functions import python_environment
from emulator.services.functions.base import FunctionImportError, NoAnswerInTime, arn, timed_out

Handler = Callable[[dict, Any], Any]


@dataclass
class PythonFunction:
    name: str
    handler: str | Handler
    environment: dict[str, str] = field(default_factory=dict)
    # None: not limited, so a debugger pause does not fail a sign-in (docs/cognito-behaviour.md §6.8); the context
    # then counts down from Cognito's 5 seconds.
    timeout_seconds: float | None = None
    runtime: str = f"python{sys.version_info.major}.{sys.version_info.minor}"
    _resolved: Handler | None = None

    def resolve(self) -> Handler:
        if self._resolved is None:
            if callable(self.handler):
                self._resolved = self.handler
            else:
                module_name, _, attribute = self.handler.rpartition(".")
                try:
                    self._resolved = getattr(importlib.import_module(module_name), attribute)
                except Exception as error:  # not found, or the module itself fails as it is imported
                    raise FunctionImportError(f"cannot import {self.handler}: {error}") from error
        return self._resolved

    def check(self) -> None:
        try:
            self.resolve()
        except FunctionImportError as error:
            raise FunctionImportError(
                f'function "{self.name}": {error}. Handlers are imported from the configuration file\'s '
                f"directory and the Python path ({', '.join(_search_path())})") from None

    def run(self, event: Any, *, variables: dict[str, str | None], logs: list[str], request_id: str, region: str,
            account_id: str, wait_limit: float | None = None) -> Any:
        """The handler's result; its exceptions propagate. Its prints go to the emulator's own output, not `logs`.

        A handler cannot be stopped in the emulator's process, so a function with a declared timeout has its time
        judged when it returns: past `wait_limit` (the caller stopped waiting) or past its timeout, its result is
        not used, as Lambda's would not be. One without is not limited."""
        context = LambdaContext(self, request_id, region, account_id)
        started = time.monotonic()
        try:
            with python_environment.overlaid(variables):
                handler = self.resolve()
                result = handler(event, context)
        finally:
            elapsed = time.monotonic() - started
            if self.timeout_seconds is not None:
                if wait_limit is not None and elapsed > wait_limit:
                    raise NoAnswerInTime()  # noqa: B012 (time's verdict replaces the handler's own outcome)
                if elapsed > self.timeout_seconds:
                    raise timed_out(context.aws_request_id, self.timeout_seconds)
        return result

    def close(self) -> None:
        pass


class LambdaContext:
    """The attributes a Python Lambda handler's `context` has."""

    def __init__(self, function: PythonFunction, request_id: str, region: str, account_id: str):
        self.function_name = function.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = arn(region, account_id, function.name)
        self.memory_limit_in_mb = 128
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{function.name}"
        self.log_stream_name = f"emulator/{self.aws_request_id}"
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + (function.timeout_seconds or 5.0)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def add_search_path(directory: str) -> None:
    """Let handlers be imported from `directory` (the configuration file's), as from the current directory."""
    directory = os.path.abspath(directory)
    if directory not in sys.path:
        sys.path.insert(0, directory)


def _search_path() -> list[str]:
    """Where handlers are looked for, as a person would name it: directories, then installed packages."""
    shown = [os.path.abspath(entry or ".") for entry in sys.path
             if not entry.endswith((".zip", "site-packages", "dist-packages")) and "/lib/python" not in entry
             and "__editable__" not in entry]
    return [*dict.fromkeys(shown), "installed packages"]
