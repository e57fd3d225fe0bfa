"""Time-based one-time passwords (RFC 6238) as authenticator apps make them, computed with pyotp at the emulator's
clock, so moving the clock moves the code.

Cognito's software tokens: a base32 secret, HMAC-SHA1, 6 digits, 30-second steps, a code accepted from one step
before to one step after. (docs/cognito-behaviour.md §14.4)
"""

from __future__ import annotations

import pyotp

STEP = 30
DIGITS = 6
TOLERANCE_STEPS = 1  # codes up to 30 seconds before or after are accepted
SECRET_LENGTH = 52  # base32 characters; what real secrets usually measure (32 bytes)


def new_secret() -> str:
    return pyotp.random_base32(SECRET_LENGTH)


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP)


def step_at(now: float) -> int:
    return int(now // STEP)


def code_at(secret: str, now: float) -> str:
    """The code an authenticator app shows at `now`."""
    return _totp(secret).at(int(now))


def seconds_left(now: float) -> int:
    """How long the code shown at `now` keeps being the current one."""
    return STEP - int(now) % STEP


def matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step `code` belongs to, within the tolerance around `now`; None when it matches none."""
    if not code.isdigit() or len(code) != DIGITS:
        return None
    totp, current = _totp(secret), step_at(now)
    for step in range(current - TOLERANCE_STEPS, current + TOLERANCE_STEPS + 1):
        if pyotp.utils.strings_equal(totp.at(step * STEP), code):
            return step
    return None
