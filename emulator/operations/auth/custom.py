"""Custom authentication (CUSTOM_AUTH): Lambda functions run the sign-in, round by round.

DefineAuthChallenge decides what comes next from the rounds so far; CreateAuthChallenge makes a CUSTOM_CHALLENGE;
VerifyAuthChallengeResponse judges the answer, and DefineAuthChallenge is asked again. A client that starts with
SRP_A (Amplify's CUSTOM_WITH_SRP) has a PASSWORD_VERIFIER round first, when DefineAuthChallenge asks for it.
(docs/cognito-behaviour.md §7.4, §7.5)
"""

from __future__ import annotations

from emulator import errors
from emulator.operations.auth import lockout, mfa, srp
from emulator.operations.auth.sessions import AuthSession, new_session
from emulator.operations.auth.steps import INCORRECT, AuthCall, Challenge, SignedIn, Step, check_user_can_sign_in
from emulator.operations.users import find_user, hides_user_existence
from emulator.services.triggers import session_entry
from emulator.services.triggers.runner import NOT_CONFIGURED

CUSTOM_AUTH = "CUSTOM_AUTH"
CUSTOM_CHALLENGE = "CUSTOM_CHALLENGE"


def start(call: AuthCall, flow: str) -> Step:
    given = call.username()
    services, pool = call.services, call.pool
    if not services.triggers.wired(pool, "DefineAuthChallenge"):
        raise errors.InvalidParameterException(NOT_CONFIGURED)
    user = find_user(services, pool, given)
    if user is None and not hides_user_existence(call.client):
        raise errors.UserNotFoundException("User does not exist.")
    if user is not None:
        check_user_can_sign_in(user)
    username = user["Username"] if user else given
    services.triggers.pre_authentication(pool, username=username, user=user, client=call.client,
                                         client_metadata=call.pre_authentication_metadata,
                                         user_not_found=call.user_not_found(user))
    if call.parameters.get("CHALLENGE_NAME") == "SRP_A":
        srp_a = call.required("SRP_A")
        return next_round(call, user, username, [session_entry("SRP_A", True)], srp_a=srp_a)
    return next_round(call, user, username, [])


def next_round(call: AuthCall, user: dict | None, username: str, rounds: list, srp_a: str | None = None) -> Step:
    """Ask DefineAuthChallenge what comes next, and do it."""
    triggers, pool = call.services.triggers, call.pool
    decision = triggers.define_auth_challenge(pool, username=username, user=user, session=rounds, client=call.client,
                                              client_metadata=call.client_metadata,
                                              user_not_found=call.user_not_found(user))
    if decision.fail_authentication:
        raise errors.NotAuthorizedException(INCORRECT)
    if decision.issue_tokens:
        if user is None:
            raise errors.NotAuthorizedException(INCORRECT)
        return SignedIn(user)
    if decision.challenge_name == srp.PASSWORD_VERIFIER and srp_a is not None:
        if user is None:
            raise errors.NotAuthorizedException(INCORRECT)
        return srp.challenge(call, user, srp_a, CUSTOM_AUTH, rounds)
    if decision.challenge_name != CUSTOM_CHALLENGE:
        raise errors.InvalidLambdaResponseException("Unrecognizable lambda output")
    created = triggers.create_auth_challenge(pool, username=username, user=user, challenge_name=CUSTOM_CHALLENGE,
                                             session=rounds, client=call.client, client_metadata=call.client_metadata,
                                             user_not_found=call.user_not_found(user))
    parameters = {str(name): str(value) for name, value in created.public_parameters.items()}
    parameters["USERNAME"] = username
    session = new_session(pool, call.client, username, user, CUSTOM_AUTH, CUSTOM_CHALLENGE, rounds=rounds,
                          private=created.private_parameters, metadata=created.metadata)
    return Challenge(CUSTOM_CHALLENGE, parameters, session)


def respond(call: AuthCall, session: AuthSession, user: dict | None) -> Step:
    """CUSTOM_CHALLENGE answered: VerifyAuthChallengeResponse judges ANSWER, then the next round."""
    correct = call.services.triggers.verify_auth_challenge_response(
        call.pool, username=session.username, user=user, private_parameters=session.private,
        answer=call.required("ANSWER"), client=call.client, client_metadata=call.client_metadata,
        user_not_found=call.user_not_found(user))
    rounds = [*session.rounds, session_entry(CUSTOM_CHALLENGE, correct, session.metadata)]
    return next_round(call, user, session.username, rounds)


def respond_password_verifier(call: AuthCall, session: AuthSession, user: dict | None) -> Step:
    """The SRP round of CUSTOM_WITH_SRP answered: a wrong password ends the sign-in (undocumented whether Cognito
    instead tells DefineAuthChallenge with challengeResult false: docs/cognito-behaviour.md §7.5); a right one is
    a passed round, and DefineAuthChallenge decides what follows."""
    srp.verify_claim(call, session, user)
    user = lockout.clear_failures(call.services, call.pool, user)
    # A user with a second factor is asked for it now, and its answer ends the sign-in: DefineAuthChallenge is not
    # asked again (reported, docs/cognito-behaviour.md §14.3).
    second = mfa.second_factor(call, user, CUSTOM_AUTH)
    if isinstance(second, Challenge):
        return second
    rounds = [*session.rounds, session_entry(srp.PASSWORD_VERIFIER, True)]
    return next_round(call, user, user["Username"], rounds)
