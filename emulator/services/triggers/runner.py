"""Invoking a pool's trigger: the event envelope Cognito sends, and what Cognito makes of a failure.

The modules beside this one build each trigger's `request` and read its `response`; this one invokes, and holds
the few helpers those modules share (the sign-in triggers' `userAttributes` and `userNotFound`, response field
checks). Callers never hold a store lock here: a trigger may call back into the emulator.
"""

from __future__ import annotations

import copy
import json
import logging

from emulator import errors
from emulator.services.caller import current_sdk
from emulator.services.functions import FunctionImportError, FunctionNotFound, FunctionRegistry, NoAnswerInTime

log = logging.getLogger("emulator.triggers")

NOT_CONFIGURED = "Custom auth lambda trigger is not configured for the user pool."
WAIT_SECONDS = 5  # how long Cognito waits for a trigger (docs/cognito-behaviour.md §6.8)


class TriggerRunner:
    def __init__(self, functions: FunctionRegistry):
        self.functions = functions

    @staticmethod
    def wired(pool: dict, trigger: str) -> str | None:
        """The function reference the pool's LambdaConfig names for `trigger`, if any."""
        reference = (pool.get("LambdaConfig") or {}).get(trigger)
        return reference if isinstance(reference, str) and reference else None

    def invoke(self, pool: dict, trigger: str, source: str, username: str | None, request: dict, client: dict | None, *,
               empty_response: dict, reference: str | None = None, version: str = "1",
               required: bool = False) -> dict:
        """Invoke the pool's `trigger` with Cognito's event and return the event's `response`.

        A trigger that is not wired answers `empty_response`, as a function that returns the event unchanged
        would: Cognito goes on as without it. The custom auth triggers have no such default: `required` makes
        an unwired one Cognito's "not configured" error (docs/cognito-behaviour.md §6.9).
        A raising function (or one past its own timeout) → UserLambdaValidationException "<trigger> failed with
        error <message>."; one that has not answered in 5 seconds → UnexpectedLambdaException (Socket timeout);
        output that is not an event → InvalidLambdaResponseException; a function that cannot be found or
        imported → UnexpectedLambdaException.
        """
        reference = reference or self.wired(pool, trigger)
        if not reference:
            if required:
                raise errors.InvalidParameterException(NOT_CONFIGURED)
            return copy.deepcopy(empty_response)
        if not request.get("clientMetadata"):
            # Cognito leaves the key out when the caller sent none (docs/cognito-behaviour.md §6.5).
            request.pop("clientMetadata", None)
        event = {
            "version": version,
            "region": pool["Id"].split("_", 1)[0],
            "userPoolId": pool["Id"],
            "userName": username,
            "callerContext": {"awsSdkVersion": current_sdk(), "clientId": client["ClientId"] if client else None},
            "triggerSource": source,
            "request": request,
            "response": copy.deepcopy(empty_response),
        }
        try:
            result = self.functions.invoke(reference, event, {"trigger": trigger, "trigger_source": source,
                                                              "pool_id": pool["Id"], "username": username},
                                           wait_limit=WAIT_SECONDS)
        except (FunctionNotFound, FunctionImportError) as error:
            log.error("%s: cannot invoke %s: %s", trigger, reference, error)
            raise errors.UnexpectedLambdaException(
                f"{trigger} invocation failed due to error ResourceNotFoundException.") from None
        except NoAnswerInTime:
            log.info("%s: no answer within %s seconds", trigger, WAIT_SECONDS)
            raise errors.UnexpectedLambdaException(
                f"{trigger} invocation failed due to error Socket timeout while invoking Lambda function.") from None
        except Exception as error:  # the function's own failure, reported as Cognito reports it
            log.info("%s raised %s: %s", trigger, type(error).__name__, error)
            raise errors.UserLambdaValidationException(f"{trigger} failed with error {error}.") from None
        try:
            result = json.loads(json.dumps(result))  # what a real invocation would carry over the wire
        except (TypeError, ValueError):
            raise errors.InvalidLambdaResponseException("Invalid lambda function output : Invalid JSON") from None
        if not isinstance(result, dict) or not isinstance(result.get("response", {}), dict):
            raise errors.InvalidLambdaResponseException("Unrecognizable lambda output")
        return result.get("response") or {}


def unrecognizable() -> errors.CognitoError:
    """A response field of the wrong type."""
    return errors.InvalidLambdaResponseException("Unrecognizable lambda output")


def text_or_none(response: dict, name: str) -> str | None:
    """A response field that must be a string when given."""
    value = response.get(name)
    if value is not None and not isinstance(value, str):
        raise unrecognizable()
    return value


def auth_user_attributes(pool: dict, user: dict | None) -> dict:
    """`userAttributes` as the sign-in triggers get them: the attributes plus `cognito:user_status` and, in an
    AliasAttributes pool, `cognito:phone_number_alias` / `cognito:email_alias` for a verified alias."""
    if user is None:
        return {}
    attributes = dict(user["Attributes"])
    attributes["cognito:user_status"] = user["UserStatus"]
    for alias in pool.get("AliasAttributes") or []:
        if alias in ("phone_number", "email") and user["Attributes"].get(f"{alias}_verified") == "true":
            attributes[f"cognito:{alias}_alias"] = user["Attributes"][alias]
    return attributes


def with_user_not_found(request: dict, user_not_found: bool | None) -> dict:
    """`userNotFound` is in the sign-in triggers' request only for a client with PreventUserExistenceErrors
    ENABLED; None means the client does not hide user existence."""
    if user_not_found is not None:
        request["userNotFound"] = user_not_found
    return request
