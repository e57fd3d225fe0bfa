"""Codes sent during sign-in: the SMS_MFA and EMAIL_OTP second factors and the SMS_OTP and EMAIL_OTP first factors.

The code lives in the challenge's session and dies with it (the app client's AuthSessionValidity). It goes out in
the pool's authentication message (SmsAuthenticationMessage, EmailMfaConfiguration), through CustomMessage with
triggerSource CustomMessage_Authentication. A wrong code may be tried again in the same session; wrong codes
count toward the user's lockout as wrong passwords do. (docs/cognito-behaviour.md §14.3)
"""

from __future__ import annotations

import copy
import hmac

from emulator import errors
from emulator.operations import mfa_config, verification
from emulator.operations.auth import lockout
from emulator.operations.auth.sessions import AuthSession, put_back
from emulator.operations.auth.steps import AuthCall, SignedIn, Step
from emulator.operations.mfa_settings import enabled_factors, preferred_factor, set_factors
from emulator.operations.users import unique_attributes, user_exists_error
from emulator.services.store import AttributeTaken

# The challenges answered with a code sent here: where the code goes, and the ChallengeResponses key it comes in.
ATTRIBUTE_OF = {"SMS_MFA": "phone_number", "EMAIL_OTP": "email", "SMS_OTP": "phone_number"}
CODE_KEY = {"SMS_MFA": "SMS_MFA_CODE", "EMAIL_OTP": "EMAIL_OTP_CODE", "SMS_OTP": "SMS_OTP_CODE"}

WRONG_CODE = "Invalid code or auth state for the user."
MESSAGE_SOURCE = "CustomMessage_Authentication"


def send(call: AuthCall, user: dict, attribute: str, session: AuthSession, origin: str,
         destination: str | None = None) -> dict:
    """Send a new code to the user's phone or email (or `destination`, an address not yet stored), keeping it in
    `session`; returns the challenge's CODE_DELIVERY_* parameters."""
    destination = destination or user["Attributes"].get(attribute)
    if not destination:
        # The user lost the phone number or email since the challenge was offered (wording chosen: §14.3).
        raise errors.InvalidParameterException(f"The user has no {attribute} to send a code to.")
    code = verification.new_code()
    subject, email = mfa_config.email_message(call.pool)
    templates = (mfa_config.sms_message(call.pool), email, subject)

    def keep() -> None:
        session.private.update(code=code, sent_to=destination)

    details = verification.deliver(call.services, call.pool, user, attribute, code, templates, origin=origin,
                                   message_source=MESSAGE_SOURCE, client=call.client,
                                   client_metadata=call.client_metadata, destination=destination,
                                   before_sending=keep)
    return {"CODE_DELIVERY_DELIVERY_MEDIUM": details["DeliveryMedium"],
            "CODE_DELIVERY_DESTINATION": details["Destination"]}


def check(call: AuthCall, session: AuthSession, user: dict, submitted: str) -> dict:
    """The code must be the one sent in this session; returns the user, its failure count cleared."""
    lockout.check_not_locked_out(call.services, user)
    expected = session.private.get("code") or ""
    if not (expected and hmac.compare_digest(expected.encode(), submitted.encode())):
        wrong(call, session, user)
    return lockout.clear_failures(call.services, call.pool, user)


def wrong(call: AuthCall, session: AuthSession, user: dict, error: errors.CognitoError | None = None) -> None:
    """A wrong answer counts toward the lockout; the session is kept for the next try."""
    lockout.record_failure(call.services, call.pool, user)
    put_back(call.services, session)
    raise error or errors.CodeMismatchException(WRONG_CODE)


def respond(call: AuthCall, session: AuthSession, user: dict | None) -> Step:
    """SMS_MFA, SMS_OTP or EMAIL_OTP answered with the code sent: tokens. The phone number or email the code
    reached is verified by it, if it is still the user's. An EMAIL_OTP of MFA set-up also makes the address the
    user's and turns email MFA on."""
    user = check(call, session, user, call.required(CODE_KEY[session.challenge]))
    attribute = ATTRIBUTE_OF[session.challenge]
    before = copy.deepcopy(user)
    setup_address = session.private.get("setup_email")
    if setup_address:
        user["Attributes"]["email"] = setup_address
        set_factors(user, [*enabled_factors(user), mfa_config.EMAIL_OTP], preferred_factor(user))
    if user["Attributes"].get(attribute) == session.private.get("sent_to"):
        user["Attributes"][f"{attribute}_verified"] = "true"
    if user != before:  # a sign-in that changes nothing leaves UserLastModifiedDate (docs/cognito-behaviour.md §5.4)
        user["UserLastModifiedDate"] = call.services.clock.now()
        try:
            call.services.store.replace_user(call.pool["Id"], user, unique_attributes(call.pool))
        except AttributeTaken as taken:
            raise user_exists_error(call.pool, user["Username"], "RespondToAuthChallenge", taken.attribute) from None
    return SignedIn(user, source=session.private.get("source", "TokenGeneration_Authentication"))
