"""Request hygiene for the whole app: one log line per request, and the control token.

The log line (logger `emulator.requests`, level INFO) names the operation, the status, the
duration and the error type: `op=SignUp status=400 ms=3.1 error=UsernameExistsException`.
Bodies are never logged, so neither are passwords or codes.

The control token: an emulator bound beyond loopback can be reached by other machines, so its own
state-changing endpoints (`/_emulator/*` writes and the dashboard's actions) then require the token
printed at start-up, as the `X-Emulator-Token` header or `?token=`. Opening the dashboard with
`?token=...` stores it in a same-site cookie, so its buttons work. Cognito's own API stays open, as
on AWS any SigV4 credentials are accepted.
"""

from __future__ import annotations

import hmac
import logging
import time

from flask import Flask, g, jsonify, request

from emulator.settings import Settings

log = logging.getLogger("emulator.requests")
COOKIE = "emulator_token"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def init_app(app: Flask, settings: Settings) -> None:
    @app.before_request
    def start_clock():
        g.request_started = time.perf_counter()

    @app.before_request
    def require_control_token():
        token = settings.control_token
        if not token or request.method not in WRITES:
            return None
        if not (request.path.startswith("/_emulator/") or request.blueprint == "web"):
            return None
        if _given_token() and hmac.compare_digest(_given_token(), token):
            return None
        return jsonify({"__type": "AccessDeniedException",
                        "message": "This emulator is reachable from other machines: send the token it printed at "
                                   "start-up as the X-Emulator-Token header or ?token=, or open the dashboard with "
                                   "?token=<token>."}), 403

    @app.after_request
    def remember_token_and_log(response):
        token = settings.control_token
        given = request.args.get("token")
        if token and given and hmac.compare_digest(given, token) and request.method == "GET":
            response.set_cookie(COOKIE, token, httponly=True, samesite="Strict")
        if log.isEnabledFor(logging.INFO):
            target = request.headers.get("X-Amz-Target", "")
            operation = target.rpartition(".")[2] if target else f"{request.method} {request.path}"
            log_request(operation, response.status_code, g.get("request_started", time.perf_counter()),
                        response.headers.get("x-amzn-ErrorType"))
        return response


def log_request(operation: str, status: int, started: float, error_type: str | None) -> None:
    if log.isEnabledFor(logging.INFO):
        error = (error_type or "").split(":")[0] or "-"
        log.info("op=%s status=%d ms=%.1f error=%s", operation, status, (time.perf_counter() - started) * 1000, error)


def _given_token() -> str:
    return request.headers.get("X-Emulator-Token") or request.args.get("token") or request.cookies.get(COOKIE) or ""
