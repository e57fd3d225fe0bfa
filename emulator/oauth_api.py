"""Cognito's OAuth 2.0 machine endpoints, at the emulator's root as on a pool's domain:

    POST /oauth2/token      authorization_code (with PKCE), refresh_token, client_credentials
    GET|POST /oauth2/userInfo
    POST /oauth2/revoke

Errors are OAuth's `{"error": "<code>"}` with Cognito's statuses (docs/cognito-behaviour.md §16.5); what the grants
mean is in emulator/operations/oauth.py. The browser pages (authorize, login, logout) are emulator/hosted_login.py.
"""

from __future__ import annotations

import base64
from urllib.parse import unquote

from flask import Blueprint, Response, jsonify, request

from emulator import errors
from emulator.operations import oauth
from emulator.protocol.dispatch import current_services

oauth_api = Blueprint("oauth_api", __name__)

FORM = "application/x-www-form-urlencoded"


def _error(error: errors.OAuthError) -> Response:
    response = jsonify({"error": error.error})
    response.status_code = error.status
    response.headers["Content-Type"] = "application/json;charset=UTF-8"
    return response


@oauth_api.errorhandler(errors.OAuthError)
def oauth_error(error: errors.OAuthError):
    return _error(error)


def _client_credentials() -> tuple[str | None, str | None]:
    """(client_id, client_secret) from HTTP Basic, else from the form."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except ValueError:  # not base64 (binascii.Error), not ASCII, not UTF-8
            raise errors.OAuthError("invalid_client") from None
        client_id, separator, secret = decoded.partition(":")
        if not separator:
            raise errors.OAuthError("invalid_client")
        return unquote(client_id), unquote(secret)
    return request.form.get("client_id"), request.form.get("client_secret")


def _form_only() -> None:
    if request.mimetype != FORM:
        raise errors.OAuthError("invalid_request")


@oauth_api.post("/oauth2/token")
def token():
    _form_only()
    services = current_services()
    grant_type = request.form.get("grant_type")
    if grant_type not in ("authorization_code", "refresh_token", "client_credentials"):
        raise errors.OAuthError("unsupported_grant_type" if grant_type else "invalid_request")
    client = oauth.authenticated_client(services, *_client_credentials())
    if grant_type == "authorization_code":
        if "code" not in (client.client.get("AllowedOAuthFlows") or []):
            raise errors.OAuthError("unauthorized_client")
        tokens = oauth.redeem_code(services, client, request.form.get("code"), request.form.get("redirect_uri"),
                                   request.form.get("code_verifier"))
    elif grant_type == "refresh_token":
        tokens = oauth.refresh_grant(services, client, request.form.get("refresh_token"))
    else:
        tokens = oauth.client_credentials_grant(services, client, request.form.get("scope"))
    response = jsonify(tokens)
    response.headers["Cache-Control"] = "no-store"
    return response


@oauth_api.route("/oauth2/userInfo", methods=["GET", "POST"])
def user_info():
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer ") or not header[7:].strip():
        response = Response(status=400)
        response.headers["WWW-Authenticate"] = ('error="invalid_request", '
                                                'error_description="Bad OAuth2 request at UserInfo Endpoint"')
        return response
    try:
        return jsonify(oauth.user_info(current_services(), header[7:].strip()))
    except errors.OAuthError as error:
        description = error.description or ("Access token is expired, disabled, or deleted, or the user has "
                                             "globally signed out.")
        response = jsonify({"error": error.error, "error_description": description})
        response.status_code = error.status
        response.headers["WWW-Authenticate"] = f'error="{error.error}", error_description="{description}"'
        return response


@oauth_api.post("/oauth2/revoke")
def revoke():
    _form_only()
    services = current_services()
    try:
        client = oauth.authenticated_client(services, *_client_credentials())
    except errors.OAuthError as error:
        error.status = 401
        raise
    oauth.revoke(services, client, request.form.get("token"))
    return Response(status=200)
