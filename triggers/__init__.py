"""Lambda trigger handlers (DefineAuthChallenge, CreateAuthChallenge, VerifyAuthChallengeResponse, ...), installed as
the package `emulator.triggers` (the repository keeps them at the top level, as deployable Lambda code).

Plain `handler(event, context)` functions, deployable to AWS Lambda as they are.
"""
