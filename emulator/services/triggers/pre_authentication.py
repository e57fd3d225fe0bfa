"""PreAuthentication: before a sign-in checks anything secret (PreAuthentication_Authentication).

Request: userAttributes (with cognito:user_status), validationData and clientMetadata (both the call's
ClientMetadata), userNotFound when the client hides user existence. A function that raises refuses the sign-in.
(docs/cognito-behaviour.md §6.3)
"""

from __future__ import annotations

from emulator import errors
from emulator.services.triggers.runner import TriggerRunner, auth_user_attributes, with_user_not_found

EMPTY_RESPONSE: dict = {}


def pre_authentication(triggers: TriggerRunner, pool: dict, *, username: str, user: dict | None, client: dict,
                       client_metadata: dict, user_not_found: bool | None) -> None:
    request = with_user_not_found({"userAttributes": auth_user_attributes(pool, user),
                                   "validationData": client_metadata or None, "clientMetadata": client_metadata},
                                  user_not_found)
    try:
        triggers.invoke(pool, "PreAuthentication", "PreAuthentication_Authentication", username, request, client,
                        empty_response=EMPTY_RESPONSE)
    except errors.UserLambdaValidationException as error:
        # Recent reports of real AWS show NotAuthorizedException carrying the trigger's message (older ones
        # UserLambdaValidationException); docs/cognito-behaviour.md §6.7 says which was chosen.
        raise errors.NotAuthorizedException(error.message) from None
