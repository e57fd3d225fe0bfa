"""CreateAuthChallenge: a 6-digit code, texted through SNS, known only to VerifyAuthChallengeResponse.

The code travels in privateChallengeParameters (never to the client) and in challengeMetadata
("CODE-123456"), which Cognito shows only to the triggers: a second or third try of the same
sign-in re-uses the code instead of texting a new one. For a user who does not exist (the
client hides that), a challenge is made but nothing is sent. Deployable to AWS Lambda as is.

Environment: OTP_MESSAGE, the text with {code} in it (default "Your sign-in code is {code}").
"""

import os
import secrets

from .clients import client

CODE_PREFIX = "CODE-"


def handler(event, context):
    request = event["request"]
    if request.get("challengeName") != "CUSTOM_CHALLENGE":
        return event
    earlier = [entry.get("challengeMetadata") or "" for entry in request.get("session") or []
               if entry["challengeName"] == "CUSTOM_CHALLENGE"]
    codes = [metadata[len(CODE_PREFIX):] for metadata in earlier if metadata.startswith(CODE_PREFIX)]
    phone_number = (request.get("userAttributes") or {}).get("phone_number")
    if codes:
        code = codes[-1]
    else:
        code = f"{secrets.randbelow(10 ** 6):06d}"
        if not request.get("userNotFound"):
            if not phone_number:
                raise ValueError("the user has no phone_number to text a code to")
            message = os.environ.get("OTP_MESSAGE", "Your sign-in code is {code}").format(code=code)
            client("sns").publish(PhoneNumber=phone_number, Message=message)
    event["response"] = {
        "publicChallengeParameters": {"deliveryMedium": "SMS", "destination": _masked(phone_number)},
        "privateChallengeParameters": {"answer": code},
        "challengeMetadata": CODE_PREFIX + code,
    }
    return event


def _masked(phone_number):
    if not phone_number:
        return ""
    return "+" + "*" * max(0, len(phone_number) - 5) + phone_number[-4:]
