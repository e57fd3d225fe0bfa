"""CORS, so browser clients (Amplify, amazon-cognito-identity-js, SDK v3) can call the emulator.

Preflights are answered for any path; the headers the SDKs send are allowed by
echoing the request's list; the error headers are exposed so browser clients can
read `x-amzn-ErrorType`. Real Cognito's exact CORS values are undocumented
(docs/cognito-behaviour.md §1.8).
"""

from __future__ import annotations

from flask import Flask, Response, request

EXPOSED = "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date"
ALLOWED_HEADERS = ("Content-Type, X-Amz-Target, X-Amz-User-Agent, X-Amz-Date, X-Amz-Security-Token, "
                   "X-Amz-Content-Sha256, Authorization, Cache-Control, amz-sdk-invocation-id, amz-sdk-request")


def origin_headers(origin: str | None, loopback_only: bool) -> list[tuple[str, str]]:
    """The headers an answer to a request from `origin` carries (none without an Origin)."""
    if not origin:
        return []
    # Reflecting the origin with credentials is only safe while nobody but this machine can connect.
    if loopback_only:
        allowed = [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true"),
                   ("Vary", "Origin")]
    else:
        allowed = [("Access-Control-Allow-Origin", "*")]
    return [*allowed, ("Access-Control-Expose-Headers", EXPOSED)]


def init_app(app: Flask, loopback_only: bool) -> None:
    def add_origin(response: Response) -> Response:
        for name, value in origin_headers(request.headers.get("Origin"), loopback_only):
            if name == "Vary":
                response.vary.add(value)
            else:
                response.headers[name] = value
        return response

    @app.before_request
    def preflight():
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response = Response(status=204)
            response.headers["Access-Control-Allow-Methods"] = "POST, GET, DELETE, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = (
                request.headers.get("Access-Control-Request-Headers") or ALLOWED_HEADERS
            )
            response.headers["Access-Control-Max-Age"] = "86400"
            return response
        return None

    app.after_request(add_origin)
