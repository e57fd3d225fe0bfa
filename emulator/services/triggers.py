"""Cognito's Lambda triggers, run in-process with the event shapes Cognito sends (fact sheet §2).

Callers never hold a store lock here: a trigger may call back into the emulator.
"""

from __future__ import annotations

import copy
import json
import logging

from emulator.protocol import errors
from emulator.services.functions import FunctionImportError, FunctionNotFound, FunctionRegistry

log = logging.getLogger("emulator.triggers")

# What `response` holds before the function fills it in: every key present, set to null.
EMPTY_RESPONSES = {
    "PreSignUp": {"autoConfirmUser": False, "autoVerifyPhone": False, "autoVerifyEmail": False},
    "CustomMessage": {"smsMessage": None, "emailMessage": None, "emailSubject": None},
    "PostConfirmation": {},
    "PreAuthentication": {},
    "PostAuthentication": {},
    "DefineAuthChallenge": {"challengeName": None, "issueTokens": None, "failAuthentication": None},
    "CreateAuthChallenge": {"publicChallengeParameters": None, "privateChallengeParameters": None,
                            "challengeMetadata": None},
    "VerifyAuthChallengeResponse": {"answerCorrect": None},
    "PreTokenGeneration": {"claimsOverrideDetails": None},
}


class TriggerRunner:
    def __init__(self, functions: FunctionRegistry):
        self.functions = functions

    def configured(self, pool: dict, trigger: str) -> bool:
        return bool((pool.get("LambdaConfig") or {}).get(trigger))

    def run(self, pool: dict, trigger: str, source: str, username: str, request: dict,
            client_id: str | None = None, reference: str | None = None, version: str = "1") -> dict | None:
        """Invoke the pool's `trigger` and return the event's `response`; None when no function is wired.

        A raising function → UserLambdaValidationException "<trigger> failed with error <message>.";
        output that is not an event → InvalidLambdaResponseException.
        """
        reference = reference or (pool.get("LambdaConfig") or {}).get(trigger)
        if not reference:
            return None
        event = {
            "version": version,
            "region": pool["Id"].split("_", 1)[0],
            "userPoolId": pool["Id"],
            "userName": username,
            "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client_id},
            "triggerSource": source,
            "request": request,
            "response": copy.deepcopy(EMPTY_RESPONSES.get(trigger, {})),
        }
        try:
            result = self.functions.invoke(reference, event, {"trigger": trigger, "trigger_source": source,
                                                              "pool_id": pool["Id"], "username": username})
        except (FunctionNotFound, FunctionImportError) as error:
            log.error("%s: cannot invoke %s: %s", trigger, reference, error)
            raise errors.UnexpectedLambdaException(f"{trigger} invocation failed due to error ResourceNotFoundException.") from None
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

