"""PreSignUp: before a user is created, by SignUp (PreSignUp_SignUp) or AdminCreateUser (PreSignUp_AdminCreateUser).

Request: userAttributes, validationData, clientMetadata. Response: autoConfirmUser, autoVerifyPhone, autoVerifyEmail.
(docs/cognito-behaviour.md §6.3, §4.2)
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.services.triggers.runner import TriggerRunner

EMPTY_RESPONSE = {"autoConfirmUser": False, "autoVerifyPhone": False, "autoVerifyEmail": False}


@dataclass(frozen=True)
class PreSignUpResponse:
    auto_confirm_user: bool = False
    auto_verify_phone: bool = False
    auto_verify_email: bool = False


def pre_sign_up(triggers: TriggerRunner, pool: dict, *, source: str, username: str, user_attributes: dict,
                validation_data: dict, client_metadata: dict, client: dict | None = None) -> PreSignUpResponse:
    # userAttributes: what the caller submitted (and what its username implies), not the sub or verified flags
    # the emulator adds; validationData null when none was sent (docs/cognito-behaviour.md §6.3).
    request = {"userAttributes": dict(user_attributes), "validationData": validation_data or None,
               "clientMetadata": client_metadata}
    response = triggers.invoke(pool, "PreSignUp", source, username, request, client, empty_response=EMPTY_RESPONSE)
    return PreSignUpResponse(auto_confirm_user=bool(response.get("autoConfirmUser")),
                             auto_verify_phone=bool(response.get("autoVerifyPhone")),
                             auto_verify_email=bool(response.get("autoVerifyEmail")))
