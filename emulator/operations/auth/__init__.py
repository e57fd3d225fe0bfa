"""Sign-in: InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge and AdminRespondToAuthChallenge.

`entry_points.py` holds the four operations and their dispatch tables: AuthFlow → the flow's `start`,
ChallengeName → the flow's `respond`. One module per flow: `custom.py` (Lambda-driven custom auth), `srp.py`
(PASSWORD_VERIFIER), `password.py` (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH and NEW_PASSWORD_REQUIRED),
`refresh.py` (REFRESH_TOKEN_AUTH). MFA challenges (`mfa.py`) and choice-based sign-in (`user_auth.py`) go beside
them, each registered in the tables.

Every step of every flow returns `steps.SignedIn` or `steps.Challenge`, and `steps.answer` turns either into the
response; the state a challenge carries to the next call is a `sessions.AuthSession`, made and taken only in
`sessions.py`. (docs/cognito-behaviour.md §7)
"""
