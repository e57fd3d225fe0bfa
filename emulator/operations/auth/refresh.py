"""REFRESH_TOKEN_AUTH (and its older name REFRESH_TOKEN): new ID and access tokens for a refresh token.
No trigger but PreTokenGeneration runs. (docs/cognito-behaviour.md §7.10)"""

from __future__ import annotations

from emulator.operations import token_issue
from emulator.operations.auth.steps import AuthCall, SignedIn, Step
from emulator.operations.users import check_secret_hash


def start(call: AuthCall, flow: str) -> Step:
    record, user = token_issue.use_refresh_token(call.services, call.pool, call.client, call.required("REFRESH_TOKEN"))
    # The SECRET_HASH may be made with the username or with an alias the user signs in with.
    names = [user["Username"], *(user["Attributes"].get(a) for a in ("phone_number", "email"))]
    check_secret_hash(call.client, [name for name in names if name], call.parameters.get("SECRET_HASH"))
    return SignedIn(user, source="TokenGeneration_RefreshTokens", refresh=record)
