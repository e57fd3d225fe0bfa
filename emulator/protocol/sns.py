"""The one SNS action trigger code needs: Publish to a phone number (SMS), recorded in the inbox.

boto3's SNS client speaks the query protocol: a form-encoded POST with `Action=Publish`,
answered in XML. Handlers point it here exactly as they would point it at AWS.
"""

from __future__ import annotations

import re
import uuid
from html import escape

from flask import Response, current_app, request

from emulator.operations.users import PHONE_NUMBER

NAMESPACE = "http://sns.amazonaws.com/doc/2010-03-31/"
# A code in a text someone else composed: the only run of 4 to 8 digits in it.
CODE_IN_TEXT = re.compile(r"(?<!\d)\d{4,8}(?!\d)")


def is_sns_request() -> bool:
    return request.mimetype == "application/x-www-form-urlencoded" and "Action" in request.form


def handle() -> Response:
    request_id = str(uuid.uuid4())
    form = request.form
    action = form.get("Action")
    if action != "Publish":
        return _error(request_id, "InvalidAction", f"The action {action} is not valid for this web service.")
    if form.get("TopicArn") or form.get("TargetArn"):
        return _error(request_id, "InvalidParameter",
                      "Invalid parameter: the emulator delivers only SMS; publish with PhoneNumber.")
    phone_number = form.get("PhoneNumber")
    if not phone_number:
        return _error(request_id, "InvalidParameter",
                      "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter")
    message = form.get("Message")
    if message is None:
        return _error(request_id, "ValidationError", "1 validation error detected: Value null at 'message' failed "
                      "to satisfy constraint: Member must not be null")
    if not PHONE_NUMBER.fullmatch(phone_number):
        return _error(request_id, "InvalidParameter",
                      f"Invalid parameter: PhoneNumber Reason: {phone_number} is not valid to publish to")
    codes = CODE_IN_TEXT.findall(message)
    services = current_app.extensions["cognito_emulator"]
    services.outbox.send_sms(phone_number, message, "SNS Publish", code=codes[0] if len(codes) == 1 else None)
    message_id = str(uuid.uuid4())
    body = (f'<PublishResponse xmlns="{NAMESPACE}"><PublishResult><MessageId>{message_id}</MessageId>'
            f"</PublishResult><ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
            "</PublishResponse>")
    return Response(body, status=200, content_type="text/xml", headers={"x-amzn-RequestId": request_id})


def _error(request_id: str, code: str, message: str) -> Response:
    body = (f'<ErrorResponse xmlns="{NAMESPACE}"><Error><Type>Sender</Type><Code>{escape(code)}</Code>'
            f"<Message>{escape(message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>")
    return Response(body, status=400, content_type="text/xml", headers={"x-amzn-RequestId": request_id})
