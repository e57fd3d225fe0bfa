"""Cognito's Lambda triggers, one module per trigger: each builds its event's `request` as Cognito documents it
and reads the function's `response` into a typed answer. `runner.py` invokes a function with the event envelope.

    services.triggers.pre_sign_up(pool, source="PreSignUp_SignUp", username=..., ...) -> PreSignUpResponse

A trigger that is not wired answers its empty response; the custom auth triggers instead raise Cognito's
"Custom auth lambda trigger is not configured" (see runner.TriggerRunner.invoke).
"""

from emulator.services.triggers.create_auth_challenge import create_auth_challenge
from emulator.services.triggers.custom_message import custom_message
from emulator.services.triggers.define_auth_challenge import define_auth_challenge, session_entry
from emulator.services.triggers.post_authentication import post_authentication
from emulator.services.triggers.post_confirmation import post_confirmation
from emulator.services.triggers.pre_authentication import pre_authentication
from emulator.services.triggers.pre_sign_up import pre_sign_up
from emulator.services.triggers.pre_token_generation import pre_token_generation, pre_token_generation_for_client
from emulator.services.triggers.runner import TriggerRunner
from emulator.services.triggers.verify_auth_challenge_response import verify_auth_challenge_response


class Triggers(TriggerRunner):
    """The pool's triggers by name; each method is the function of the same name in its own module."""

    pre_sign_up = pre_sign_up
    custom_message = custom_message
    post_confirmation = post_confirmation
    pre_authentication = pre_authentication
    post_authentication = post_authentication
    define_auth_challenge = define_auth_challenge
    create_auth_challenge = create_auth_challenge
    verify_auth_challenge_response = verify_auth_challenge_response
    pre_token_generation = pre_token_generation
    pre_token_generation_for_client = pre_token_generation_for_client


__all__ = ["Triggers", "TriggerRunner", "session_entry"]
