"""Identifiers shaped like Cognito's, drawn from `secrets`."""

import secrets
import string
import uuid

_ALNUM = string.ascii_letters + string.digits
_LOWER_ALNUM = string.ascii_lowercase + string.digits


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def user_pool_id(region: str) -> str:
    """`<region>_<9 alphanumerics>`, like `us-east-1_AbC123xyZ`."""
    return f"{region}_{_random(_ALNUM, 9)}"


def client_id() -> str:
    """26 lowercase alphanumerics."""
    return _random(_LOWER_ALNUM, 26)


def client_secret() -> str:
    """51 lowercase alphanumerics, the length real Cognito secrets have."""
    return _random(_LOWER_ALNUM, 51)


def request_id() -> str:
    return str(uuid.uuid4())
