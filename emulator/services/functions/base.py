"""What every runtime's functions share: the errors an invocation can end in, and Lambda's names for things."""

from __future__ import annotations


class FunctionNotFound(Exception):
    pass


class FunctionImportError(Exception):
    """A function that cannot be loaded: found at start where possible."""


class FunctionError(Exception):
    """The function failed as Lambda reports it: `errorType`, `errorMessage`, `trace` (the Invoke API's payload)."""

    def __init__(self, error_type: str, message: str, trace: list[str] | None = None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = list(trace or [])


class FunctionThrottled(Exception):
    """Every execution environment of the function stayed busy for as long as the caller could wait."""


class NoAnswerInTime(Exception):
    """The caller stopped waiting (Cognito waits 5 seconds for a trigger) before the function answered."""


def timed_out(request_id: str, seconds: float) -> FunctionError:
    return FunctionError("Sandbox.Timedout", f"RequestId: {request_id} Error: Task timed out after {seconds:.2f} seconds")


def arn(region: str, account_id: str, name: str) -> str:
    return f"arn:aws:lambda:{region}:{account_id}:function:{name}"


def function_name(reference: str) -> str:
    """The function name in an ARN (`...:function:<name>[:<qualifier>]`) or a bare name."""
    if reference.startswith("arn:"):
        parts = reference.split(":")
        if len(parts) >= 7 and parts[5] == "function":
            return parts[6]
    return reference
