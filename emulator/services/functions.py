"""Lambda functions the emulator can run in-process: name → `handler(event, context)`.

Functions are declared in the configuration:

    "functions": {"define-auth-challenge": {"handler": "emulator.triggers.define_auth_challenge.handler",
                                             "environment": {"KEY": "value"}}}

A pool's LambdaConfig names them by ARN (`arn:aws:lambda:<region>:<account>:function:<name>`)
or by bare name.
"""

from __future__ import annotations

import copy
import importlib
import os
import sys
import time
import traceback
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from emulator.services import lambda_env

Handler = Callable[[dict, Any], Any]


class FunctionNotFound(Exception):
    pass


class FunctionImportError(Exception):
    pass


@dataclass
class LambdaFunction:
    name: str
    handler: str | Handler
    environment: dict[str, str] = field(default_factory=dict)
    timeout_seconds: float = 5.0  # Cognito gives a trigger 5 seconds
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


class LambdaContext:
    """The attributes a Python Lambda handler's `context` has."""

    def __init__(self, function: LambdaFunction, region: str, account_id: str):
        self.function_name = function.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = function_arn(region, account_id, function.name)
        self.memory_limit_in_mb = 128
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function.name}"
        self.log_stream_name = f"emulator/{self.aws_request_id}"
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + function.timeout_seconds

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


def function_arn(region: str, account_id: str, name: str) -> str:
    return f"arn:aws:lambda:{region}:{account_id}:function:{name}"


def function_name(reference: str) -> str:
    """The function name in an ARN (`...:function:<name>[:<qualifier>]`) or a bare name."""
    if reference.startswith("arn:"):
        parts = reference.split(":")
        if len(parts) >= 7 and parts[5] == "function":
            return parts[6]
    return reference


# An invocation, as recorded for /_emulator/triggers.
Recorder = Callable[[dict], None]


class FunctionRegistry:
    def __init__(self, region: str, account_id: str, endpoint: Callable[[], str] = lambda: "",
                 recorder: Recorder | None = None, clock: Callable[[], float] = time.time):
        self._functions: dict[str, LambdaFunction] = {}
        self.region = region
        self.account_id = account_id
        self._endpoint = endpoint
        self._recorder = recorder
        self._clock = clock

    def register(self, name: str, handler: str | Handler, environment: dict[str, str] | None = None) -> None:
        self._functions[name] = LambdaFunction(name, handler, dict(environment or {}))

    def load(self, declarations: dict, replace: bool = False) -> None:
        """Register the configuration's `functions` map; `replace` forgets every other function first."""
        if replace:
            self._functions.clear()
        for name, declaration in declarations.items():
            if isinstance(declaration, str):
                declaration = {"handler": declaration}
            self.register(name, declaration["handler"], declaration.get("environment"))

    def resolve_all(self) -> None:
        """Import every registered handler now, so a missing one is found at start, not by a client later."""
        for function in self._functions.values():
            try:
                function.resolve()
            except FunctionImportError as error:
                raise FunctionImportError(
                    f'function "{function.name}": {error}. Handlers are imported from the configuration file\'s '
                    f"directory and the Python path ({', '.join(_search_path())})") from None

    def get(self, reference: str) -> LambdaFunction:
        name = function_name(reference)
        if name not in self._functions:
            raise FunctionNotFound(name)
        return self._functions[name]

    def names(self) -> list[str]:
        return sorted(self._functions)

    def environment(self, function: LambdaFunction) -> dict[str, str | None]:
        """What a handler sees in os.environ: Lambda's variables, dummy credentials, boto3 pointed back
        at this emulator, then the function's own variables."""
        endpoint = self._endpoint()
        variables: dict[str, str | None] = {
            "AWS_REGION": self.region, "AWS_DEFAULT_REGION": self.region,
            "AWS_ACCESS_KEY_ID": "AKIAEMULATOR", "AWS_SECRET_ACCESS_KEY": "emulator-secret",
            "AWS_SESSION_TOKEN": None, "AWS_PROFILE": None, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": None,
            "AWS_ENDPOINT_URL": endpoint, "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": endpoint,
            "AWS_ENDPOINT_URL_SNS": endpoint, "AWS_ENDPOINT_URL_LAMBDA": endpoint,
            "AWS_LAMBDA_FUNCTION_NAME": function.name, "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
            "AWS_EXECUTION_ENV": f"AWS_Lambda_python{sys.version_info.major}.{sys.version_info.minor}",
        }
        variables.update(function.environment)
        return variables

    def invoke(self, reference: str, event: Any, trigger: dict | None = None) -> Any:
        """Run a function's handler with a Lambda-like context and environment; its exceptions propagate.

        `trigger` ({"trigger", "pool_id", "username"}) describes the Cognito trigger the call is for,
        for the invocation record.
        """
        function = self.get(reference)
        record = {"function": function.name, **(trigger or {}), "event": copy.deepcopy(event), "response": None,
                  "error": None,
                  "started_at": self._clock()}
        started = time.perf_counter()
        try:
            with lambda_env.overlaid(self.environment(function)):
                handler = function.resolve()
                result = handler(event, LambdaContext(function, self.region, self.account_id))
            record["response"] = result
            return result
        except BaseException as error:
            record["error"] = {"errorType": type(error).__name__, "errorMessage": str(error),
                               "stackTrace": traceback.format_exception(error)[-6:]}
            raise
        finally:
            record["duration_ms"] = round((time.perf_counter() - started) * 1000, 3)
            if self._recorder is not None:
                self._recorder(record)
