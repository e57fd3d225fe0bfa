"""Lambda trigger handlers (DefineAuthChallenge, CreateAuthChallenge, VerifyAuthChallengeResponse, ...).

Plain `handler(event, context)` functions, deployable to AWS Lambda as they are.
"""
