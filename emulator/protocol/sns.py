"""SNS's query protocol, for the one action trigger code needs: Publish to a phone number, which the outbox keeps.

boto3's SNS client sends a form-encoded POST (`Action=Publish&PhoneNumber=...&Message=...`) and reads XML.
Handlers point it here exactly as they would point it at AWS. Each action is a function in `ACTIONS`: it checks
the form and returns its result's XML, or raises `SnsError`.
"""

from __future__ import annotations

import uuid
from html import escape
from typing import Callable, Mapping

from flask import Response, request

from emulator.services.formats import PHONE_NUMBER
from emulator.services.messages import Outbox

NAMESPACE = "http://sns.amazonaws.com/doc/2010-03-31/"


class SnsError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def publish(outbox: Outbox, form: Mapping[str, str]) -> str:
    if form.get("TopicArn") or form.get("TargetArn"):
        raise SnsError("InvalidParameter", "Invalid parameter: the emulator delivers only SMS; publish with PhoneNumber.")
    phone_number = form.get("PhoneNumber")
    if not phone_number:
        raise SnsError("InvalidParameter",
                       "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter")
    message = form.get("Message")
    if message is None:
        raise SnsError("ValidationError", "1 validation error detected: Value null at 'message' failed to satisfy "
                       "constraint: Member must not be null")
    if not PHONE_NUMBER.fullmatch(phone_number):
        raise SnsError("InvalidParameter",
                       f"Invalid parameter: PhoneNumber Reason: {phone_number} is not valid to publish to")
    outbox.publish_sms(phone_number, message)
    return f"<PublishResult><MessageId>{uuid.uuid4()}</MessageId></PublishResult>"


ACTIONS: dict[str, Callable[[Outbox, Mapping[str, str]], str]] = {"Publish": publish}


def is_sns_request() -> bool:
    """Whether the Flask request in hand is an SNS query-protocol call (a form with an Action)."""
    return request.mimetype == "application/x-www-form-urlencoded" and "Action" in request.form


def answer(outbox: Outbox, form: Mapping[str, str]) -> Response:
    request_id = str(uuid.uuid4())
    action = form.get("Action")
    try:
        function = ACTIONS.get(action)
        if function is None:
            raise SnsError("InvalidAction", f"The action {action} is not valid for this web service.")
        result = function(outbox, form)
    except SnsError as error:
        body = (f'<ErrorResponse xmlns="{NAMESPACE}"><Error><Type>Sender</Type><Code>{escape(error.code)}</Code>'
                f"<Message>{escape(error.message)}</Message></Error><RequestId>{request_id}</RequestId>"
                "</ErrorResponse>")
        return Response(body, status=400, content_type="text/xml", headers={"x-amzn-RequestId": request_id})
    body = (f'<{action}Response xmlns="{NAMESPACE}">{result}<ResponseMetadata><RequestId>{request_id}</RequestId>'
            f"</ResponseMetadata></{action}Response>")
    return Response(body, status=200, content_type="text/xml", headers={"x-amzn-RequestId": request_id})
