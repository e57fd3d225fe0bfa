"""PostAuthentication: after a sign-in succeeded, before tokens (PostAuthentication_Authentication).

Request: userAttributes (with cognito:user_status), newDeviceUsed, clientMetadata. Its response is not read;
a function that raises fails the sign-in. (docs/cognito-behaviour.md §6.3)
"""

from __future__ import annotations

from emulator.services.triggers.runner import TriggerRunner, auth_user_attributes

EMPTY_RESPONSE: dict = {}


def post_authentication(triggers: TriggerRunner, pool: dict, *, user: dict, client: dict,
                        client_metadata: dict) -> None:
    request = {"userAttributes": auth_user_attributes(pool, user), "newDeviceUsed": False,
               "clientMetadata": client_metadata}
    triggers.invoke(pool, "PostAuthentication", "PostAuthentication_Authentication", user["Username"], request,
                    client, empty_response=EMPTY_RESPONSE)
