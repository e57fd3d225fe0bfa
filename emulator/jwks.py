"""`<emulator>/<pool id>/.well-known/jwks.json` and `openid-configuration`: the keys that verify the pool's tokens.

The discovery document's `issuer` is the `iss` the tokens carry (AWS's form by default, so it does not match the
URL the document came from; with the "emulator" issuer setting it does) and its `jwks_uri` is always this emulator's
JWKS URL. See docs/cognito-behaviour.md §8.12."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from emulator.protocol.dispatch import current_services

jwks = Blueprint("jwks", __name__)


def _pool_or_404(pool_id: str):
    services = current_services()
    if services.store.get_pool(pool_id) is None:
        return services, (jsonify({"__type": "ResourceNotFoundException",
                                   "message": f"User pool {pool_id} does not exist."}), 404)
    return services, None


@jwks.get("/<pool_id>/.well-known/jwks.json")
def keys(pool_id: str):
    services, missing = _pool_or_404(pool_id)
    return missing or jsonify(services.tokens.jwks(pool_id))


@jwks.get("/<pool_id>/.well-known/openid-configuration")
def openid_configuration(pool_id: str):
    services, missing = _pool_or_404(pool_id)
    if missing:
        return missing
    issuer = services.tokens.issuer(pool_id)
    pool = services.store.get_pool(pool_id)
    document = {"authorization_endpoint": issuer, "id_token_signing_alg_values_supported": ["RS256"],
                "issuer": issuer, "jwks_uri": f"{services.tokens.emulator_url(pool_id)}/.well-known/jwks.json",
                "response_types_supported": ["code", "id_token", "token id_token", "none"],
                "subject_types_supported": ["public"]}
    if pool.get("Domain") or pool.get("CustomDomain"):
        # With a domain, the managed login's endpoints, which the emulator serves at its own root (docs/cognito-behaviour.md §16.7),
        # at the address the document was asked for (the HTTPS listener's, when asked there).
        root = request.url_root.rstrip("/")
        document.update({
            "authorization_endpoint": f"{root}/oauth2/authorize", "token_endpoint": f"{root}/oauth2/token",
            "userinfo_endpoint": f"{root}/oauth2/userInfo", "revocation_endpoint": f"{root}/oauth2/revoke",
            "end_session_endpoint": f"{root}/logout", "response_types_supported": ["code", "token"],
            "scopes_supported": ["openid", "email", "phone", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        })
    return jsonify(document)
