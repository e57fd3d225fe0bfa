"""DefineAuthChallenge: the custom flow's referee, asked after every round what comes next
(DefineAuthChallenge_Authentication).

Request: userAttributes (with cognito:user_status), session (the rounds so far, oldest first: challengeName,
challengeResult, challengeMetadata), clientMetadata, userNotFound when the client hides user existence.
Response: challengeName, issueTokens, failAuthentication. (docs/cognito-behaviour.md §6.3, §7.4)
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.services.triggers.runner import TriggerRunner, auth_user_attributes, with_user_not_found

EMPTY_RESPONSE = {"challengeName": None, "issueTokens": None, "failAuthentication": None}


@dataclass(frozen=True)
class DefineAuthChallengeResponse:
    challenge_name: str | None
    issue_tokens: bool
    fail_authentication: bool


def session_entry(challenge_name: str, result: bool, metadata: str | None = None) -> dict:
    """One round of the `session` list, as the custom auth triggers see it."""
    return {"challengeName": challenge_name, "challengeResult": result, "challengeMetadata": metadata}


def define_auth_challenge(triggers: TriggerRunner, pool: dict, *, username: str, user: dict | None, session: list,
                          client: dict, client_metadata: dict,
                          user_not_found: bool | None) -> DefineAuthChallengeResponse:
    request = with_user_not_found({"userAttributes": auth_user_attributes(pool, user), "session": session,
                                   "clientMetadata": client_metadata}, user_not_found)
    response = triggers.invoke(pool, "DefineAuthChallenge", "DefineAuthChallenge_Authentication", username, request,
                               client, empty_response=EMPTY_RESPONSE, required=True)
    name = response.get("challengeName")
    return DefineAuthChallengeResponse(challenge_name=name if isinstance(name, str) else None,
                                       issue_tokens=response.get("issueTokens") is True,
                                       fail_authentication=bool(response.get("failAuthentication")))
