"""PostConfirmation: after a user is confirmed (PostConfirmation_ConfirmSignUp; SignUp when PreSignUp
auto-confirms; AdminConfirmSignUp) and after a password reset (PostConfirmation_ConfirmForgotPassword). Request: userAttributes, clientMetadata. Its response is not read.
(docs/cognito-behaviour.md §6.3)
"""

from __future__ import annotations

from emulator.services.triggers.runner import TriggerRunner

EMPTY_RESPONSE: dict = {}


def post_confirmation(triggers: TriggerRunner, pool: dict, *, user: dict, client_metadata: dict,
                      client: dict | None = None, source: str = "PostConfirmation_ConfirmSignUp") -> None:
    request = {"userAttributes": dict(user["Attributes"]), "clientMetadata": client_metadata}
    triggers.invoke(pool, "PostConfirmation", source, user["Username"], request, client,
                    empty_response=EMPTY_RESPONSE)
