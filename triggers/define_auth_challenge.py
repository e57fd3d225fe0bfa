"""DefineAuthChallenge for SMS one-time-code sign-in.

One custom challenge (the code); a correct answer issues tokens; a wrong one gets another
try, up to three answers in all, then the sign-in fails. When the client starts with SRP
(Amplify's CUSTOM_WITH_SRP), the password is checked first. Deployable to AWS Lambda as is.
"""

MAX_ANSWERS = 3


def handler(event, context):
    session = event["request"].get("session") or []
    response = event["response"]
    last = session[-1] if session else None
    if last and last["challengeName"] == "SRP_A":
        _decide(response, challenge="PASSWORD_VERIFIER")
    elif last and last["challengeName"] == "PASSWORD_VERIFIER" and last.get("challengeResult") is not True:
        _decide(response, fail=True)
    else:
        answers = [entry for entry in session if entry["challengeName"] == "CUSTOM_CHALLENGE"]
        if answers and answers[-1].get("challengeResult") is True:
            _decide(response, tokens=True)
        elif len(answers) >= MAX_ANSWERS:
            _decide(response, fail=True)
        else:
            _decide(response, challenge="CUSTOM_CHALLENGE")
    return event


def _decide(response, challenge=None, tokens=False, fail=False):
    response["challengeName"] = challenge
    response["issueTokens"] = tokens
    response["failAuthentication"] = fail
