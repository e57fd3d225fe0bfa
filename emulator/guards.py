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

from urllib.parse import urlsplit

from flask import Flask, abort, g, jsonify, request

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
        return control_token_refusal(settings.control_token)

    @app.after_request
    def remember_token_and_log(response):
        remember_token(response, settings.control_token)
        if log.isEnabledFor(logging.INFO):
            target = request.headers.get("X-Amz-Target", "")
            operation = target.rpartition(".")[2] if target else f"{request.method} {request.path}"
            log_request(operation, response.status_code, g.get("request_started", time.perf_counter()),
                        response.headers.get("x-amzn-ErrorType"))
        return response


# The checks are module-level functions (not closures in init_app) so that `make mutation` can mutate them.
def control_token_refusal(token: str | None):
    """The 403 answer to a write to the emulator's own endpoints without the control token (None: let it pass)."""
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


def remember_token(response, token: str | None) -> None:
    """A GET with the right `?token=` stores it in a same-site, script-proof cookie, so the dashboard's buttons work."""
    given = request.args.get("token")
    if token and given and hmac.compare_digest(given, token) and request.method == "GET":
        response.set_cookie(COOKIE, token, httponly=True, samesite="Strict")


def refuse_cross_site_post() -> None:
    """The dashboard's guard (registered on its blueprint): a page's POST must come from the emulator's own pages,
    not from another site in the browser."""
    if request.method == "POST":
        origin = request.headers.get("Origin") or request.headers.get("Referer")
        if origin and urlsplit(origin).netloc != request.host:
            abort(403, "Cross-site form posts are refused.")


def log_request(operation: str, status: int, started: float, error_type: str | None) -> None:
    # pragma: no mutate block (logging, not a check: docs/mutation-survivors.md)
    if log.isEnabledFor(logging.INFO):
        error = (error_type or "").split(":")[0] or "-"
        log.info("op=%s status=%d ms=%.1f error=%s", operation, status, (time.perf_counter() - started) * 1000, error)


def _given_token() -> str:
    return request.headers.get("X-Emulator-Token") or request.args.get("token") or request.cookies.get(COOKIE) or ""
