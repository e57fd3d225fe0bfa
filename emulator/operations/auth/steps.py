"""What a sign-in call has in hand, what each of its steps may end in, and the one function that answers either.

A flow's `start` (for InitiateAuth) or `respond` (for RespondToAuthChallenge) returns `SignedIn` (tokens) or
`Challenge` (the next challenge, with the session that carries the sign-in to the next call); `answer` makes the
response from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from emulator import errors
from emulator.operations import token_issue
from emulator.operations.mfa_settings import MFA_GRACE
from emulator.operations.auth.sessions import AuthSession, open_session
from emulator.operations.users import RESET_REQUIRED, UNCONFIRMED, check_secret_hash, hides_user_existence
from emulator.services import Services

INCORRECT = "Incorrect username or password."


@dataclass
class AuthCall:
    """One InitiateAuth / RespondToAuthChallenge call (or its Admin twin): where, and with what."""

    services: Services
    pool: dict
    client: dict
    parameters: dict  # AuthParameters, or ChallengeResponses
    client_metadata: dict  # what the call's triggers are told: none of InitiateAuth's (docs/cognito-behaviour.md §6.5)
    session: str | None = None  # InitiateAuth's Session: USER_AUTH's sign-in straight after sign-up
    # The ClientMetadata PreAuthentication is told: InitiateAuth's reaches it and no later trigger.
    pre_authentication_metadata: dict = field(default_factory=dict)

    def required(self, name: str) -> str:
        value = self.parameters.get(name)
        if not value:
            raise errors.InvalidParameterException(f"Missing required parameter {name}")
        return value

    def username(self) -> str:
        """The USERNAME signing in, once the client's SECRET_HASH for it (if the client has a secret) checks out."""
        username = self.required("USERNAME")
        check_secret_hash(self.client, username, self.parameters.get("SECRET_HASH"))
        return username

    def user_not_found(self, user: dict | None) -> bool | None:
        """The triggers' `userNotFound`: told only to a client that hides whether users exist."""
        return (user is None) if hides_user_existence(self.client) else None


@dataclass
class SignedIn:
    user: dict
    source: str = "TokenGeneration_Authentication"  # PreTokenGeneration's triggerSource
    refresh: dict | None = None  # the stored refresh token used, for REFRESH_TOKEN_AUTH


@dataclass
class Challenge:
    name: str
    parameters: dict
    session: AuthSession
    session_in_answer: bool = True  # False: the client names the sign-in otherwise (SRP's SECRET_BLOCK)
    available: list[str] | None = None  # SELECT_CHALLENGE's AvailableChallenges


Step = SignedIn | Challenge


def answer(call: AuthCall, step: Step) -> dict:
    """The response to a sign-in call: tokens after PostAuthentication (none for a refresh), or the challenge."""
    if isinstance(step, Challenge):
        token = open_session(call.services, call.client, step.session)
        response = {"ChallengeName": step.name, "ChallengeParameters": step.parameters}
        if step.session_in_answer:
            response["Session"] = token
        if step.available is not None:
            response["AvailableChallenges"] = step.available
        return response
    if step.refresh is None:
        end_first_sign_in(call, step.user)
        call.services.triggers.post_authentication(call.pool, user=step.user, client=call.client,
                                                   client_metadata=call.client_metadata)
    result = token_issue.issue_tokens(call.services, call.pool, call.client, step.user, source=step.source,
                                      client_metadata=call.client_metadata, refresh=step.refresh)
    return {"AuthenticationResult": result, "ChallengeParameters": {}}


def end_first_sign_in(call: AuthCall, user: dict) -> None:
    """A sign-in ends the first-sign-in pass from MFA a code-confirmed user has (docs/cognito-behaviour.md §14.3)."""
    if user.get(MFA_GRACE):
        user = fresh(call.services, call.pool, user)
        user.pop(MFA_GRACE, None)
        call.services.store.replace_user(call.pool["Id"], user)


def check_user_can_sign_in(user: dict) -> None:
    if user["UserStatus"] == UNCONFIRMED:
        raise errors.UserNotConfirmedException("User is not confirmed.")
    if not user["Enabled"]:
        raise errors.NotAuthorizedException("User is disabled.")
    if user["UserStatus"] == RESET_REQUIRED:
        # Said whatever PreventUserExistenceErrors is (docs/cognito-behaviour.md §11.5).
        raise errors.PasswordResetRequiredException("Password reset required for the user")


def fresh(services: Services, pool: dict, user: dict) -> dict:
    """The user as stored now: a trigger may have changed it since it was read."""
    return services.store.get_user(pool["Id"], user["Key"]) or user
