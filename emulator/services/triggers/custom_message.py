"""CustomMessage: before Cognito texts or emails a code or an invitation, to rewrite the message.

Sources: CustomMessage_SignUp, _ResendCode, _UpdateUserAttribute, _AdminCreateUser (and, later, _ForgotPassword,
_VerifyUserAttribute, _Authentication). Request: userAttributes, codeParameter (the placeholder the message must
contain), usernameParameter, clientMetadata. Response: smsMessage, emailMessage, emailSubject; one left null keeps
the pool's own template. (docs/cognito-behaviour.md §6.3)
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.services.triggers.runner import TriggerRunner, text_or_none

EMPTY_RESPONSE = {"smsMessage": None, "emailMessage": None, "emailSubject": None}


@dataclass(frozen=True)
class CustomMessageResponse:
    sms_message: str | None = None
    email_message: str | None = None
    email_subject: str | None = None


def custom_message(triggers: TriggerRunner, pool: dict, *, source: str, user: dict, code_parameter: str,
                   username_parameter: str | None, client_metadata: dict,
                   client: dict | None = None) -> CustomMessageResponse:
    request = {"userAttributes": dict(user["Attributes"]), "codeParameter": code_parameter,
               "usernameParameter": username_parameter, "clientMetadata": client_metadata}
    response = triggers.invoke(pool, "CustomMessage", source, user["Username"], request, client,
                               empty_response=EMPTY_RESPONSE)
    # An empty string keeps the template too, as a null does.
    return CustomMessageResponse(sms_message=text_or_none(response, "smsMessage") or None,
                                 email_message=text_or_none(response, "emailMessage") or None,
                                 email_subject=text_or_none(response, "emailSubject") or None)
