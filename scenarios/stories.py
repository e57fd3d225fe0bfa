"""The stories. Each reads top to bottom as what an app and its user do, and what must come back."""

from __future__ import annotations

import threading

from .story import Story, scenario

INCORRECT = "Incorrect username or password."


# -- the moves an app makes -------------------------------------------------------------


def sign_up(story: Story, phone: str) -> str:
    """Sign up with a generated password; returns the password (the app keeps it, the user never sees it)."""
    password = story.app.generated_password()
    with story.step(f"sign up {phone} with a generated password"):
        response = story.app.cognito.sign_up(ClientId=story.app.client_id, Username=phone, Password=password)
        story.expect(response["UserConfirmed"], False, "UserConfirmed")
        story.expect(response["CodeDeliveryDetails"]["DeliveryMedium"], "SMS", "delivery medium")
    return password


def confirm_with_texted_code(story: Story, phone: str) -> None:
    with story.step("read the confirmation code from the SMS inbox"):
        code = story.app.latest_code(phone)
    with story.step("confirm the sign-up with it"):
        story.app.cognito.confirm_sign_up(ClientId=story.app.client_id, Username=phone, ConfirmationCode=code)
        user = story.app.cognito.admin_get_user(UserPoolId=story.app.pool_id, Username=phone)
        story.expect(user["UserStatus"], "CONFIRMED", "status")
        verified = {a["Name"]: a["Value"] for a in user["UserAttributes"]}["phone_number_verified"]
        story.expect(verified, "true", "phone_number_verified")


def start_otp_sign_in(story: Story, phone: str, client_id: str | None = None) -> dict:
    with story.step(f"start an OTP sign-in for {phone}"):
        challenge = story.app.cognito.initiate_auth(ClientId=client_id or story.app.client_id, AuthFlow="CUSTOM_AUTH",
                                                    AuthParameters={"USERNAME": phone})
        story.expect(challenge["ChallengeName"], "CUSTOM_CHALLENGE", "challenge")
    return challenge


def otp_challenge(story: Story, phone: str) -> tuple[dict, str]:
    """Start an OTP sign-in and read the code it texts: (challenge, code)."""
    before = story.app.last_text_id(phone)
    challenge = start_otp_sign_in(story, phone)
    with story.step("read the sign-in code from the SMS inbox"):
        _, code = story.app.wait_for_code(phone, after=before)
    return challenge, code


def answer(story: Story, challenge: dict, phone: str, code: str, client_id: str | None = None) -> dict:
    return story.app.cognito.respond_to_auth_challenge(
        ClientId=client_id or story.app.client_id, ChallengeName="CUSTOM_CHALLENGE", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": phone, "ANSWER": code})


def tokens_from(story: Story, response: dict) -> dict:
    """The AuthenticationResult of a response that must be a successful sign-in."""
    story.expect(response.get("ChallengeName"), None, "another challenge instead of tokens")
    return response["AuthenticationResult"]


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def new_confirmed_user(story: Story) -> str:
    phone = story.app.new_phone_number()
    sign_up(story, phone)
    confirm_with_texted_code(story, phone)
    return phone


# -- the stories ---------------------------------------------------------------------------


@scenario("new-user", "sign up with a generated password, confirm with the SMS code, sign in with the password")
def new_user(story: Story) -> None:
    app = story.app
    phone = app.new_phone_number()
    password = sign_up(story, phone)
    confirm_with_texted_code(story, phone)
    with story.step("sign in with the generated password"):
        result = app.cognito.initiate_auth(ClientId=app.client_id, AuthFlow="USER_PASSWORD_AUTH",
                                           AuthParameters={"USERNAME": phone, "PASSWORD": password})
        story.expect(app.verify_token(tokens_from(story, result)["IdToken"])["phone_number"], phone, "ID token phone")
    with story.step("no second SMS was sent"):
        story.expect(len(app.texts(phone)), 1, "texts to the number")


@scenario("returning-user", "sign in with the code texted to the phone; tokens verified against the JWKS")
def returning_user(story: Story) -> None:
    app = story.app
    phone = new_confirmed_user(story)
    challenge, code = otp_challenge(story, phone)
    with story.step("answer the challenge with it"):
        tokens = tokens_from(story, answer(story, challenge, phone, code))
    with story.step("verify the ID token against the pool's JWKS"):
        claims = app.verify_token(tokens["IdToken"], audience=app.client_id)
        story.expect((claims["token_use"], claims["phone_number"], claims["phone_number_verified"]),
                     ("id", phone, True), "ID token claims")
    with story.step("read the user's profile with the access token"):
        attributes = {a["Name"]: a["Value"] for a in app.cognito.get_user(AccessToken=tokens["AccessToken"])["UserAttributes"]}
        story.expect(attributes["phone_number"], phone, "GetUser phone_number")


@scenario("limbo", "a number that signed up and never confirmed: the limbo check clears it and sign-up starts afresh")
def limbo(story: Story) -> None:
    app = story.app
    phone = app.new_phone_number()
    sign_up(story, phone)
    with story.step("the user never confirms; signing up again is refused"):
        story.expect_error("UsernameExistsException", app.cognito.sign_up, ClientId=app.client_id, Username=phone,
                           Password=app.generated_password(),
                           message="An account with the given phone_number already exists.")
    with story.step("signing in says the user is not confirmed"):
        story.expect_error("UserNotConfirmedException", app.cognito.initiate_auth, ClientId=app.client_id,
                           AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": phone})
    with story.step("the app calls signup-limbo-check: the unconfirmed user is deleted"):
        story.expect(app.invoke("signup-limbo-check", {"phone_number": phone}),
                     {"next": "SIGN_UP", "deleted": True}, "limbo check")
    sign_up(story, phone)
    confirm_with_texted_code(story, phone)
    with story.step("the limbo check now sends a confirmed number to sign-in"):
        story.expect(app.invoke("signup-limbo-check", {"phone_number": phone}),
                     {"next": "SIGN_IN", "deleted": False}, "limbo check")


@scenario("wrong-codes", "three wrong codes end the sign-in; a right code on the second try succeeds")
def wrong_codes(story: Story) -> None:
    app = story.app
    phone = new_confirmed_user(story)
    before = app.last_text_id(phone)
    challenge, code = otp_challenge(story, phone)
    for attempt in (1, 2):
        with story.step(f"wrong code, attempt {attempt}: another try is offered"):
            challenge = answer(story, challenge, phone, wrong(code))
            story.expect(challenge["ChallengeName"], "CUSTOM_CHALLENGE", "challenge")
    with story.step("wrong code, attempt 3: the sign-in fails"):
        story.expect_error("NotAuthorizedException", answer, story, challenge, phone, wrong(code), message=INCORRECT)
    with story.step("only one code was texted for the three tries"):
        story.expect(len([t for t in app.texts(phone) if t["id"] > before]), 1, "texts for the sign-in")
    challenge, code = otp_challenge(story, phone)
    with story.step("a new sign-in: wrong once, then right"):
        challenge = answer(story, challenge, phone, wrong(code))
        tokens_from(story, answer(story, challenge, phone, code))


@scenario("session-expiry", "the sign-in session expires after 3 minutes and its code no longer works")
def session_expiry(story: Story) -> None:
    app = story.app
    phone = new_confirmed_user(story)
    challenge, code = otp_challenge(story, phone)
    with story.step("3 minutes and 1 second pass (emulator clock)"):
        app.advance_clock(181)
    with story.step("the right code is refused: the session has expired"):
        story.expect_error("NotAuthorizedException", answer, story, challenge, phone, code,
                           message="Invalid session for the user, session is expired.")
    challenge, new_code = otp_challenge(story, phone)
    if new_code != code:  # one chance in a million they coincide
        with story.step("the old code is wrong there: another try is offered"):
            challenge = answer(story, challenge, phone, code)
            story.expect(challenge["ChallengeName"], "CUSTOM_CHALLENGE", "challenge")
    with story.step("the new code signs in"):
        tokens_from(story, answer(story, challenge, phone, new_code))


@scenario("forgot-password", "a user who forgot their password resets it with a texted code and signs in with the new one")
def forgot_password(story: Story) -> None:
    app = story.app
    phone = new_confirmed_user(story)
    new_password = app.generated_password()
    before = app.last_text_id(phone)
    with story.step("ask for a reset: a code is texted to the verified number"):
        details = app.cognito.forgot_password(ClientId=app.client_id, Username=phone)["CodeDeliveryDetails"]
        story.expect((details["DeliveryMedium"], details["Destination"][-4:]), ("SMS", phone[-4:]), "delivery")
        _, code = app.wait_for_code(phone, after=before)
    with story.step("a wrong code is refused"):
        story.expect_error("CodeMismatchException", app.cognito.confirm_forgot_password, ClientId=app.client_id,
                           Username=phone, ConfirmationCode=wrong(code), Password=new_password,
                           message="Invalid verification code provided, please try again.")
    with story.step("the texted code sets the new password"):
        app.cognito.confirm_forgot_password(ClientId=app.client_id, Username=phone, ConfirmationCode=code,
                                            Password=new_password)
    with story.step("the code works only once"):
        story.expect_error("ExpiredCodeException", app.cognito.confirm_forgot_password, ClientId=app.client_id,
                           Username=phone, ConfirmationCode=code, Password=app.generated_password())
    with story.step("the new password signs in (USER_PASSWORD_AUTH)"):
        tokens_from(story, app.cognito.initiate_auth(ClientId=app.client_id, AuthFlow="USER_PASSWORD_AUTH",
                                                     AuthParameters={"USERNAME": phone, "PASSWORD": new_password}))


@scenario("resend-code", "a resent confirmation code replaces the first one, which then reads as expired")
def resend_code(story: Story) -> None:
    app = story.app
    phone = app.new_phone_number()
    sign_up(story, phone)
    first_id, first_code = app.wait_for_code(phone)
    with story.step("ask for the code again"):
        details = app.cognito.resend_confirmation_code(ClientId=app.client_id, Username=phone)["CodeDeliveryDetails"]
        story.expect(details["Destination"][-4:], phone[-4:], "masked destination")
    with story.step("a second code arrives"):
        _, second_code = app.wait_for_code(phone, after=first_id)
    if second_code != first_code:  # one chance in a million they coincide
        with story.step("the first code is refused as expired"):
            story.expect_error("ExpiredCodeException", app.cognito.confirm_sign_up, ClientId=app.client_id,
                               Username=phone, ConfirmationCode=first_code)
    with story.step("the second code confirms"):
        app.cognito.confirm_sign_up(ClientId=app.client_id, Username=phone, ConfirmationCode=second_code)


@scenario("unknown-number", "OTP sign-in for a number nobody signed up with, under both PreventUserExistenceErrors settings")
def unknown_number(story: Story) -> None:
    app = story.app
    phone = app.new_phone_number()
    with story.step("LEGACY (the default): the answer says there is no such user"):
        story.expect_error("UserNotFoundException", app.cognito.initiate_auth, ClientId=app.client_id,
                           AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": phone}, message="User does not exist.")
    with story.step("an app client with PreventUserExistenceErrors ENABLED"):
        hiding = app.cognito.create_user_pool_client(
            UserPoolId=app.pool_id, ClientName="scenario-hides-users", PreventUserExistenceErrors="ENABLED",
            ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    try:
        challenge = start_otp_sign_in(story, phone, client_id=hiding)
        with story.step("a challenge comes back as for anyone, but no SMS is sent"):
            story.expect(app.texts(phone), [], "texts to the number")
        for attempt in (1, 2):
            with story.step(f"guess {attempt}: another try"):
                challenge = answer(story, challenge, phone, "123456", client_id=hiding)
        with story.step("guess 3: the generic refusal"):
            story.expect_error("NotAuthorizedException", answer, story, challenge, phone, "123456", client_id=hiding,
                               message=INCORRECT)
    finally:
        app.cognito.delete_user_pool_client(UserPoolId=app.pool_id, ClientId=hiding)


@scenario("many-users", "ten users sign in at once, each receiving and using only their own code")
def many_users(story: Story) -> None:
    app = story.app
    phones = [app.new_phone_number() for _ in range(10)]
    with story.step("ten users sign up and confirm"):
        for phone in phones:
            app.cognito.sign_up(ClientId=app.client_id, Username=phone, Password=app.generated_password())
            app.cognito.confirm_sign_up(ClientId=app.client_id, Username=phone, ConfirmationCode=app.latest_code(phone))
    outcomes: dict[str, str] = {}

    def sign_in(phone: str) -> None:
        try:
            before = app.last_text_id(phone)
            challenge = app.cognito.initiate_auth(ClientId=app.client_id, AuthFlow="CUSTOM_AUTH",
                                                  AuthParameters={"USERNAME": phone})
            _, code = app.wait_for_code(phone, after=before)
            tokens = tokens_from(story, answer(story, challenge, phone, code))
            outcomes[phone] = app.verify_token(tokens["IdToken"])["phone_number"]
        except Exception as error:  # reported in the step below
            outcomes[phone] = f"{type(error).__name__}: {error}"

    with story.step("all ten sign in at the same time"):
        threads = [threading.Thread(target=sign_in, args=(phone,)) for phone in phones]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        story.expect(outcomes, {phone: phone for phone in phones}, "each user's ID token names their own number")
    with story.step("each number received exactly one sign-in code"):
        counts = {phone: len(app.texts(phone)) for phone in phones}
        story.expect(counts, {phone: 2 for phone in phones}, "texts per number (confirmation + sign-in)")
