"""Lambda's Invoke API for the registered functions: what `boto3.client("lambda").invoke(...)` sends.

    POST /2015-03-31/functions/<name or ARN>/invocations

RequestResponse returns the function's JSON result; a function that fails answers 200 with
`X-Amz-Function-Error: Unhandled` and Lambda's error payload; Event runs it in the background (202).
`X-Amz-Log-Type: Tail` adds the end of the invocation's log (a Node.js function's console output) as
`X-Amz-Log-Result`, base64, as Lambda does.
"""

from __future__ import annotations

import base64
import json
import threading
import traceback
import uuid

from flask import Blueprint, Response, request

from emulator.protocol.dispatch import current_services
from emulator.services.functions import (FunctionError, FunctionImportError, FunctionNotFound, FunctionThrottled,
                                        function_arn, function_name)

lambda_api = Blueprint("lambda_api", __name__)


def _error(status: int, code: str, message: str) -> Response:
    body = json.dumps({"Type": "User", "message": message, "__type": code})
    return Response(body, status=status, content_type="application/json",
                    headers={"x-amzn-ErrorType": code, "x-amzn-RequestId": str(uuid.uuid4())})


@lambda_api.post("/2015-03-31/functions/<path:reference>/invocations")
def invoke(reference: str) -> Response:
    services = current_services()
    registry = services.functions
    name = function_name(reference)
    try:
        registry.get(name)
    except FunctionNotFound:
        return _error(404, "ResourceNotFoundException",
                      f"Function not found: {function_arn(registry.region, registry.account_id, name)}")
    raw = request.get_data()
    try:
        payload = json.loads(raw, parse_constant=_not_json) if raw.strip() else {}
    except (ValueError, UnicodeDecodeError):
        return _error(400, "InvalidRequestContentException", "Could not parse request body into json")
    invocation_type = request.headers.get("X-Amz-Invocation-Type", "RequestResponse")
    if invocation_type == "DryRun":
        return Response(status=204)
    if invocation_type == "Event":
        threading.Thread(target=_run_quietly, args=(registry, name, payload), daemon=True).start()
        return Response(status=202, headers={"x-amzn-RequestId": str(uuid.uuid4())})
    headers = {"X-Amz-Executed-Version": "$LATEST", "x-amzn-RequestId": str(uuid.uuid4())}
    records: list[dict] = []

    def record(entry: dict) -> None:
        records.append(entry)
        headers["x-amzn-RequestId"] = entry["request_id"]  # the id the function's context and log carry

    try:
        result = registry.invoke(name, payload, record_to=record)
        body = json.dumps(result)
    except FunctionImportError as error:
        return _function_error(headers, "Runtime.ImportModuleError", str(error), [], records)
    except FunctionThrottled:
        body = json.dumps({"Reason": "ConcurrentInvocationLimitExceeded", "Type": "User", "message": "Rate Exceeded.",
                           "__type": "TooManyRequestsException"})
        return Response(body, status=429, content_type="application/json",
                        headers={**headers, "x-amzn-ErrorType": "TooManyRequestsException"})
    except FunctionError as error:
        return _function_error(headers, error.error_type, error.message, error.trace, records)
    except Exception as error:  # the function's own failure: Lambda reports it in the payload
        return _function_error(headers, type(error).__name__, str(error), traceback.format_exception(error)[1:],
                               records)
    return Response(body, status=200, content_type="application/json", headers={**headers, **_log_tail(records)})


def _not_json(constant: str):
    """NaN and Infinity, which Python's json accepts and JSON (and a Node.js function's JSON.parse) does not."""
    raise ValueError(f"{constant} is not JSON")


def _log_tail(records: list[dict]) -> dict:
    """Lambda's X-Amz-Log-Result: the last 4 KB of the invocation's log, base64, when the caller asked for it."""
    if request.headers.get("X-Amz-Log-Type") != "Tail" or not records:
        return {}
    record = records[-1]
    lines = [f"START RequestId: {record.get('request_id', '')} Version: $LATEST", *record.get("logs", []),
             f"END RequestId: {record.get('request_id', '')}",
             f"REPORT RequestId: {record.get('request_id', '')}\tDuration: {record.get('duration_ms', 0):.2f} ms"]
    tail = ("\n".join(lines) + "\n").encode()[-4096:]
    return {"X-Amz-Log-Result": base64.b64encode(tail).decode()}


def _function_error(headers: dict, error_type: str, message: str, stack: list[str], records: list[dict]) -> Response:
    body = json.dumps({"errorMessage": message, "errorType": error_type, "requestId": headers["x-amzn-RequestId"],
                       "stackTrace": [line.rstrip() for line in stack]})
    return Response(body, status=200, content_type="application/json",
                    headers={**headers, "X-Amz-Function-Error": "Unhandled", **_log_tail(records)})


def _run_quietly(registry, name: str, payload) -> None:
    try:
        registry.invoke(name, payload)
    except Exception:  # recorded by the registry; an Event invocation has nobody to tell
        pass
