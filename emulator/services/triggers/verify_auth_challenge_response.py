"""VerifyAuthChallengeResponse: judges the user's answer (VerifyAuthChallengeResponse_Authentication).

Request: userAttributes (with cognito:user_status), privateChallengeParameters (from CreateAuthChallenge),
challengeAnswer, clientMetadata, userNotFound when the client hides user existence. Response: answerCorrect, which
must be a boolean. (docs/cognito-behaviour.md §6.3)
"""

from __future__ import annotations

from emulator.services.triggers.runner import (
    TriggerRunner, auth_user_attributes, unrecognizable, with_user_not_found,
)

EMPTY_RESPONSE = {"answerCorrect": None}


def verify_auth_challenge_response(triggers: TriggerRunner, pool: dict, *, username: str, user: dict | None,
                                   private_parameters: dict, answer: str, client: dict, client_metadata: dict,
                                   user_not_found: bool | None) -> bool:
    """Whether the answer is correct."""
    request = with_user_not_found({"userAttributes": auth_user_attributes(pool, user),
                                   "privateChallengeParameters": private_parameters, "challengeAnswer": answer,
                                   "clientMetadata": client_metadata}, user_not_found)
    response = triggers.invoke(pool, "VerifyAuthChallengeResponse", "VerifyAuthChallengeResponse_Authentication",
                               username, request, client, empty_response=EMPTY_RESPONSE, required=True)
    correct = response.get("answerCorrect")
    if not isinstance(correct, bool):
        raise unrecognizable()
    return correct
