"""The Cognito endpoint: POST on any path with `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`.

Every answer is AWS JSON 1.1: 200 with the operation's output, or a 4xx
(500 only for InternalErrorException) with `{"__type", "message"}` and the
same name in `x-amzn-ErrorType`.
"""

from __future__ import annotations

import json
import logging
import time
from http import HTTPStatus

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from emulator import errors, guards
from emulator.protocol import sns
from emulator.protocol.dispatch import Dispatcher, current_dispatcher
from emulator.protocol.model import TARGET_PREFIX, operation_model
from emulator.services import ids
from emulator.services.caller import calling_from

log = logging.getLogger("emulator.api")
CONTENT_TYPE = "application/x-amz-json-1.1"
ERROR_HEADER_LIMIT = 1024  # characters of x-amzn-ErrorMessage (docs/cognito-behaviour.md §1.3)

cognito_api = Blueprint("cognito_api", __name__)


@cognito_api.post("/", defaults={"path": ""})
@cognito_api.post("/<path:path>")
def dispatch(path: str) -> Response:
    target = request.headers.get("X-Amz-Target")
    if not target and sns.is_sns_request():
        return sns.answer(current_dispatcher().services.outbox, request.form)
    try:
        raw = request.get_data(cache=False)
    except RequestEntityTooLarge:
        too_large = errors.RequestEntityTooLargeException(
            f"Request body is larger than {current_app.config['MAX_CONTENT_LENGTH']} bytes.")
        status, headers, body = error_answer(too_large, ids.request_id())
    else:
        status, headers, body = answer(current_dispatcher(), target, raw,
                                       (request.headers.get("X-Amz-User-Agent"), request.headers.get("User-Agent")))
    return Response(body, status=status, headers=headers)


def answer(dispatcher: Dispatcher, target: str | None, raw: bytes,
           user_agents: tuple[str | None, ...] = ()) -> tuple[int, dict, bytes]:
    """One Cognito call, without a web framework: (status, headers, body) for an X-Amz-Target and a body.
    The HTTP route above and the in-process client of emulator.embedded both answer through this.
    `user_agents`: the X-Amz-User-Agent and User-Agent headers, which name the caller's SDK to triggers."""
    request_id = ids.request_id()
    try:
        with calling_from(*user_agents):
            result = dispatcher.call(_operation_name(target), _json_body(raw))
        return 200, _headers(request_id), _json(result)
    except errors.CognitoError as error:
        return error_answer(error, request_id)
    except Exception:
        log.exception("request %s failed", request_id)
        return error_answer(errors.InternalErrorException("Internal server error."), request_id)


class CognitoCalls:
    """WSGI middleware: a plain Cognito call (POST / with a cognito-idp X-Amz-Target and a body within the
    limit) is answered by `answer` without Flask, whose per-request work (routing, request and response objects,
    hooks) was a sixth of the server's busy time under load (py-spy). Every other request, preflights and odd
    cases included (no Content-Length, a body too large, another path), goes on to the Flask app unchanged."""

    def __init__(self, app, dispatcher: Dispatcher, max_bytes: int, cors_headers):
        self.app = app
        self.dispatcher = dispatcher
        self.max_bytes = max_bytes
        self.cors_headers = cors_headers  # Origin header (or None) → the CORS headers the Flask hooks would add

    def handles(self, method: str, path: str, target: str | None, length: str | None) -> bool:
        """Whether a request is a plain Cognito call this answers itself (length: the Content-Length header)."""
        return (method == "POST" and path == "/" and (target or "").startswith(TARGET_PREFIX)
                and (length or "").isdigit() and int(length) <= self.max_bytes)

    def call(self, target: str, body: bytes, origin: str | None,
             user_agents: tuple[str | None, ...] = ()) -> tuple[int, list[tuple[str, str]], bytes]:
        """(status, headers, body) for a plain Cognito call, logged as the Flask app logs its requests."""
        started = time.perf_counter()
        status, headers, data = answer(self.dispatcher, target, body, user_agents)
        guards.log_request(target.rpartition(".")[2], status, started, headers.get("x-amzn-ErrorType"))
        return status, [*headers.items(), ("Content-Length", str(len(data))), *self.cors_headers(origin)], data

    def __call__(self, environ, start_response):
        target, length = environ.get("HTTP_X_AMZ_TARGET"), environ.get("CONTENT_LENGTH")
        if not self.handles(environ["REQUEST_METHOD"], environ.get("PATH_INFO"), target, length):
            return self.app(environ, start_response)
        status, headers, body = self.call(target, environ["wsgi.input"].read(int(length)), environ.get("HTTP_ORIGIN"),
                                          (environ.get("HTTP_X_AMZ_USER_AGENT"), environ.get("HTTP_USER_AGENT")))
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [body]


def _operation_name(target: str | None) -> str:
    if not target:
        raise errors.UnknownOperationException(
            f"Missing X-Amz-Target header: expected {TARGET_PREFIX}<Operation>."
        )
    prefix, _, name = target.strip().rpartition(".")
    if prefix + "." != TARGET_PREFIX or operation_model(name) is None:
        raise errors.UnknownOperationException(f"{target} is not an operation of Cognito user pools.")
    return name


def _json_body(raw: bytes) -> dict:
    if not raw.strip():
        return {}  # Coral reads an empty body as an empty request
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: absurdly deep nesting
        raise errors.SerializationException("Request body is not valid JSON.") from None
    if isinstance(body, list):
        raise errors.SerializationException("Start of list found where not expected")
    if not isinstance(body, dict):
        raise errors.SerializationException("Expected map or null")
    return body


def _json(body: dict) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


def _headers(request_id: str) -> dict:
    return {"Content-Type": CONTENT_TYPE, "x-amzn-RequestId": request_id}


def error_answer(error: errors.CognitoError, request_id: str) -> tuple[int, dict, bytes]:
    headers = {**_headers(request_id), "x-amzn-ErrorType": f"{error.code}:"}
    header_message = " ".join(error.message.split())
    if len(header_message) > ERROR_HEADER_LIMIT:
        # A message quoting a huge value would make a header line clients refuse (http.client: 64 KB), and
        # they would see a dropped connection instead of the 400. The body keeps the whole message.
        header_message = header_message[:ERROR_HEADER_LIMIT - 3] + "..."
    if header_message.isascii():  # a header can't carry every message a body can
        headers["x-amzn-ErrorMessage"] = header_message
    return error.status, headers, _json(error.body())
