"""NextToken / PaginationToken values: opaque to clients, a store cursor inside."""

import base64
import binascii

from emulator import errors


def encode(kind: str, cursor: int | None) -> str | None:
    if cursor is None:
        return None
    return base64.urlsafe_b64encode(f"{kind}:{cursor}".encode()).decode()


def listing(items_key: str, items: list, kind: str, cursor: int | None, token_key: str = "NextToken") -> dict:
    """A listing's response: the items, and the token of the next page when there is one."""
    response = {items_key: items}
    token = encode(kind, cursor)
    if token:
        response[token_key] = token
    return response


def decode(kind: str, token: str | None) -> int:
    if not token:
        return 0
    try:
        prefix, _, cursor = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        if prefix == kind:
            return int(cursor)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    # Wording undocumented (docs/cognito-behaviour.md §2.11).
    raise errors.InvalidParameterException("Invalid pagination token.")
