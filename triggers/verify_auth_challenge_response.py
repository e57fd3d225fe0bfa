"""VerifyAuthChallengeResponse: the answer matches the code, compared in constant time.
Deployable to AWS Lambda as is."""

import hmac


def handler(event, context):
    request = event["request"]
    expected = (request.get("privateChallengeParameters") or {}).get("answer") or ""
    answer = (request.get("challengeAnswer") or "").strip()
    event["response"]["answerCorrect"] = bool(expected) and hmac.compare_digest(answer.encode(), expected.encode())
    return event
