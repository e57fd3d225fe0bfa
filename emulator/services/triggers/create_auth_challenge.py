"""CreateAuthChallenge: makes the challenge DefineAuthChallenge asked for (CreateAuthChallenge_Authentication).

Request: userAttributes (with cognito:user_status), challengeName, session, clientMetadata, userNotFound when the
client hides user existence. Response: publicChallengeParameters (to the client), privateChallengeParameters (to
VerifyAuthChallengeResponse only), challengeMetadata (to later rounds' triggers only). (docs/cognito-behaviour.md §6.3)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from emulator.services.triggers.runner import (
    TriggerRunner, auth_user_attributes, text_or_none, unrecognizable, with_user_not_found,
)

EMPTY_RESPONSE = {"publicChallengeParameters": None, "privateChallengeParameters": None, "challengeMetadata": None}


@dataclass(frozen=True)
class CreateAuthChallengeResponse:
    public_parameters: dict = field(default_factory=dict)
    private_parameters: dict = field(default_factory=dict)
    metadata: str | None = None


def create_auth_challenge(triggers: TriggerRunner, pool: dict, *, username: str, user: dict | None,
                          challenge_name: str, session: list, client: dict, client_metadata: dict,
                          user_not_found: bool | None) -> CreateAuthChallengeResponse:
    request = with_user_not_found({"userAttributes": auth_user_attributes(pool, user), "session": session,
                                   "clientMetadata": client_metadata}, user_not_found)
    request["challengeName"] = challenge_name
    response = triggers.invoke(pool, "CreateAuthChallenge", "CreateAuthChallenge_Authentication", username, request,
                               client, empty_response=EMPTY_RESPONSE, required=True)
    public = response.get("publicChallengeParameters") or {}
    private = response.get("privateChallengeParameters") or {}
    if not isinstance(public, dict) or not isinstance(private, dict):
        raise unrecognizable()
    return CreateAuthChallengeResponse(public_parameters=public, private_parameters=private,
                                       metadata=text_or_none(response, "challengeMetadata"))
