"""Lambda functions the emulator runs: name → a Python handler run in-process, or a Node.js handler run in a warm
`node` worker.

Functions are declared in the configuration, in Lambda's own terms:

    "functions": {"pre-sign-up": {"handler": "myapp.triggers.pre_sign_up", "environment": {"KEY": "value"}},
                  "define-auth-challenge": {"runtime": "nodejs20.x", "code": "./lambdas", "handler": "define.handler",
                                            "timeout": 6}}

A pool's LambdaConfig names them by ARN (`arn:aws:lambda:<region>:<account>:function:<name>`) or by bare name.
"""

from __future__ import annotations

import copy
import os
import sys
import time
import traceback
import uuid
from typing import Any, Callable

from emulator.services.functions.base import (FunctionError, FunctionImportError, FunctionNotFound,
                                              FunctionThrottled, NoAnswerInTime, arn, function_name)
from emulator.services.functions.node import RUNTIME_MODULES, NodeFunction
from emulator.services.functions.python import Handler, PythonFunction, add_search_path

__all__ = ["FunctionError", "FunctionImportError", "FunctionNotFound", "FunctionRegistry", "FunctionThrottled",
           "NoAnswerInTime",
           "add_search_path", "function_arn", "function_name", "DECLARATION_KEYS"]

function_arn = arn
DECLARATION_KEYS = ("handler", "environment", "runtime", "code", "timeout")
MAX_TIMEOUT = 900  # Lambda's limit, in seconds

LambdaFunction = PythonFunction | NodeFunction

# An invocation, as recorded for /_emulator/triggers.
Recorder = Callable[[dict], None]


def declared(name: str, declaration: dict | str, base_dir: str) -> LambdaFunction:
    """A function from its configuration entry; `code` is relative to `base_dir` (the configuration file's)."""
    if isinstance(declaration, str):
        declaration = {"handler": declaration}
    runtime = declaration.get("runtime") or "python"
    handler = declaration.get("handler")
    environment = declaration.get("environment") or {}
    timeout = declaration.get("timeout", 3)  # Lambda's default
    where = f'function "{name}"'
    if not isinstance(handler, str) or not handler:
        raise FunctionImportError(f"{where}: handler must be a string")
    if not isinstance(environment, dict) or not all(isinstance(v, str) for v in environment.values()):
        raise FunctionImportError(f"{where}: environment must map names to strings")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 1 <= timeout <= MAX_TIMEOUT:
        raise FunctionImportError(f"{where}: timeout must be a number of seconds from 1 to {MAX_TIMEOUT}")
    code = declaration.get("code")
    if code is not None and not isinstance(code, str):
        raise FunctionImportError(f"{where}: code must be a folder")
    code = os.path.normpath(os.path.join(base_dir, code or "."))
    if runtime.startswith("nodejs"):
        return NodeFunction(name, runtime, code, handler, dict(environment), float(timeout))
    if runtime.startswith("python"):
        if declaration.get("code") is not None:
            add_search_path(code)
        declared_timeout = float(timeout) if "timeout" in declaration else None
        return PythonFunction(name, handler, dict(environment), declared_timeout)
    raise FunctionImportError(f'{where}: runtime "{runtime}" is not one the emulator runs: nodejs* (on this '
                              "machine's node) or python* (in the emulator's process)")


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
        """A Python function, by dotted path or as a callable (tests register their own this way)."""
        self._replace(name, PythonFunction(name, handler, dict(environment or {})))

    def load(self, declarations: dict, base_dir: str = ".", replace: bool = False) -> None:
        """Register the configuration's `functions` map; `replace` forgets every other function first (and stops
        their workers: the next invocation loads the code afresh)."""
        functions = {name: declared(name, declaration, base_dir) for name, declaration in declarations.items()}
        if replace:
            self.close()
            self._functions.clear()
        for name, function in functions.items():
            self._replace(name, function)

    def _replace(self, name: str, function: LambdaFunction) -> None:
        previous = self._functions.get(name)
        self._functions[name] = function
        if previous is not None:
            previous.close()

    def resolve_all(self) -> None:
        """Check every function now (import a Python one; find node and the file of a Node.js one), so a missing
        one is found at start, not by a client later."""
        for function in self._functions.values():
            function.check()

    def get(self, reference: str) -> LambdaFunction:
        name = function_name(reference)
        if name not in self._functions:
            raise FunctionNotFound(name)
        return self._functions[name]

    def names(self) -> list[str]:
        return sorted(self._functions)

    def close(self) -> None:
        """Stop every worker; the functions stay declared."""
        for function in list(self._functions.values()):
            function.close()

    def environment(self, function: LambdaFunction) -> dict[str, str | None]:
        """What a handler sees in its environment: Lambda's variables, dummy credentials, the AWS SDKs pointed back
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
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.name}",
        }
        if isinstance(function, NodeFunction):
            # A process of its own: Lambda's environment only, nothing of the emulator's (its shell's AWS_PROFILE,
            # its ~/.aws files), and the runtime's SDK where the function has none, as Lambda's NODE_PATH gives it.
            variables.update({
                "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.runtime}", "LAMBDA_TASK_ROOT": function.code,
                "LAMBDA_RUNTIME_DIR": os.path.dirname(RUNTIME_MODULES), "_HANDLER": function.handler,
                "NODE_PATH": RUNTIME_MODULES, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "en_US.UTF-8",
                "TZ": "UTC", "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            })
        else:
            variables["AWS_EXECUTION_ENV"] = f"AWS_Lambda_python{sys.version_info.major}.{sys.version_info.minor}"
        variables.update(function.environment)
        return variables

    def invoke(self, reference: str, event: Any, trigger: dict | None = None, wait_limit: float | None = None,
               record_to: Recorder | None = None) -> Any:
        """Run a function with a Lambda-like context and environment, and return its result.

        A Python handler's exceptions propagate; a Node.js function's failure is a FunctionError; one that runs
        past its `timeout` is a FunctionError (Sandbox.Timedout); one still running after `wait_limit` seconds
        (the caller's patience) is NoAnswerInTime. `trigger` ({"trigger", "pool_id", "username"}) describes the
        Cognito trigger the call is for, for the invocation record, which also goes to `record_to`.
        """
        function = self.get(reference)
        logs: list[str] = []
        request_id = str(uuid.uuid4())
        record = {"function": function.name, **(trigger or {}), "event": copy.deepcopy(event), "response": None,
                  "error": None, "logs": logs, "request_id": request_id, "started_at": self._clock()}
        started = time.perf_counter()
        try:
            result = function.run(event, variables=self.environment(function), logs=logs, request_id=request_id,
                                  region=self.region, account_id=self.account_id, wait_limit=wait_limit)
            record["response"] = result
            return result
        except FunctionError as error:
            record["error"] = {"errorType": error.error_type, "errorMessage": error.message,
                               "stackTrace": error.trace[:8]}  # a JavaScript stack starts at the throw
            raise
        except NoAnswerInTime:
            record["error"] = {"errorType": "NoAnswerInTime",
                               "errorMessage": f"no answer within {wait_limit:g} seconds: the caller stopped waiting"}
            raise
        except FunctionThrottled:
            record["error"] = {"errorType": "TooManyRequestsException",
                               "errorMessage": "every execution environment of the function stayed busy"}
            raise
        except BaseException as error:
            record["error"] = {"errorType": type(error).__name__, "errorMessage": str(error),
                               "stackTrace": [entry.rstrip("\n") for entry in traceback.format_exception(error)[-6:]]}
            raise
        finally:
            record["duration_ms"] = round((time.perf_counter() - started) * 1000, 3)
            for recorder in (self._recorder, record_to):
                if recorder is not None:
                    recorder(record)
