"""Who is calling: the SDK a request's user agent names, which the triggers' `callerContext.awsSdkVersion` reports.

Set by the protocol layer for the length of one call; read by the trigger runner. A context variable, so concurrent
requests (and a trigger calling back in) each see their own. (docs/cognito-behaviour.md §6.1)
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

UNKNOWN = "aws-sdk-unknown-unknown"  # what Cognito reports for browsers and Amplify
# "aws-sdk-js/3.1169.0", "aws-sdk-java/2.20.0", "aws-sdk-nodejs/2.856.0", and boto3's "Boto3/1.35.0".
_SDK = re.compile(r"(?:^|\s)(aws-sdk-[A-Za-z0-9-]+?|Boto3)/([0-9][\w.-]*)")

_caller_sdk: ContextVar[str] = ContextVar("caller_sdk", default=UNKNOWN)


def sdk_version(*user_agents: str | None) -> str:
    """`aws-sdk-<name>-<version>` for the first user agent naming an AWS SDK (X-Amz-User-Agent before User-Agent,
    as browsers cannot set the latter); boto3 reads as `aws-sdk-boto3-<version>`."""
    for agent in user_agents:
        match = _SDK.search(agent or "")
        if match:
            name = "aws-sdk-boto3" if match.group(1) == "Boto3" else match.group(1)
            return f"{name}-{match.group(2)}"
    return UNKNOWN


def current_sdk() -> str:
    return _caller_sdk.get()


@contextmanager
def calling_from(*user_agents: str | None) -> Iterator[None]:
    token = _caller_sdk.set(sdk_version(*user_agents))
    try:
        yield
    finally:
        _caller_sdk.reset(token)
