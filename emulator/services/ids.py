"""Identifiers shaped like Cognito's, drawn from `secrets`, or pinned by the seed configuration.

The seed creates its pools and clients through the same CreateUserPool(Client) operations a client calls, with
ids it chose: `with ids.pinned(user_pool_id="us-east-1_otpDemo01"): ...` makes the next id of that kind, in this
thread only, the pinned one.
"""

import contextvars
import secrets
import string
import uuid
from contextlib import contextmanager
from typing import Iterator

_ALNUM = string.ascii_letters + string.digits
_LOWER_ALNUM = string.ascii_lowercase + string.digits
_pins: contextvars.ContextVar[dict[str, str]] = contextvars.ContextVar("pinned_ids", default={})


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


@contextmanager
def pinned(**ids: str | None) -> Iterator[None]:
    """Within the block, `user_pool_id()` / `client_id()` answer the given ids (None: draw one as usual)."""
    reset = _pins.set({**_pins.get(), **{kind: value for kind, value in ids.items() if value}})
    try:
        yield
    finally:
        _pins.reset(reset)


def user_pool_id(region: str) -> str:
    """`<region>_<9 alphanumerics>`, like `us-east-1_AbC123xyZ`."""
    return _pins.get().get("user_pool_id") or f"{region}_{_random(_ALNUM, 9)}"


def client_id() -> str:
    """26 lowercase alphanumerics."""
    return _pins.get().get("client_id") or _random(_LOWER_ALNUM, 26)


def client_secret() -> str:
    """51 lowercase alphanumerics, the length real Cognito secrets have."""
    return _random(_LOWER_ALNUM, 51)


def request_id() -> str:
    return str(uuid.uuid4())
