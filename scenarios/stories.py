"""The stories. Each reads top to bottom as what an app and its user do, and what must come back."""

from __future__ import annotations

import json
import secrets
import threading

from .app import NATIVE_POOL_NAME, NODE_CONFIG, NODE_POOL_NAME
from .story import Story, scenario

INCORRECT = "Incorrect username or password."


# -- the moves an app makes -------------------------------------------------------------


def sign_up(story: Story, phone: str, client_id: str | None = None) -> str:
    """Sign up with a generated password; returns the password (the app keeps it, the user never sees it)."""
    password = story.app.generated_password()
    with story.step(f"sign up {phone} with a generated password"):
        response = story.app.cognito.sign_up(ClientId=client_id or story.app.client_id, Username=phone,
                                             Password=password)
        story.expect(response["UserConfirmed"], False, "UserConfirmed")
        story.expect(response["CodeDeliveryDetails"]["DeliveryMedium"], "SMS", "delivery medium")
    return password


def confirm_with_texted_code(story: Story, phone: str, pool_id: str | None = None,
                             client_id: str | None = None) -> None:
    with story.step("read the confirmation code from the SMS inbox"):
        code = story.app.latest_code(phone)
    with story.step("confirm the sign-up with it"):
        story.app.cognito.confirm_sign_up(ClientId=client_id or story.app.client_id, Username=phone,
                                          ConfirmationCode=code)
        user = story.app.cognito.admin_get_user(UserPoolId=pool_id or story.app.pool_id, Username=phone)
        story.expect(user["UserStatus"], "CONFIRMED", "status")
        verified = {a["Name"]: a["Value"] for a in user["UserAttributes"]}["phone_number_verified"]
        story.expect(verified, "true", "phone_number_verified")


def start_otp_sign_in(story: Story, phone: str, client_id: str | None = None) -> dict:
    with story.step(f"start an OTP sign-in for {phone}"):
        challenge = story.app.cognito.initiate_auth(ClientId=client_id or story.app.client_id, AuthFlow="CUSTOM_AUTH",
                                                    AuthParameters={"USERNAME": phone})
        story.expect(challenge["ChallengeName"], "CUSTOM_CHALLENGE", "challenge")
    return challenge


def otp_challenge(story: Story, phone: str, client_id: str | None = None) -> tuple[dict, str]:
    """Start an OTP sign-in and read the code it texts: (challenge, code)."""
    before = story.app.last_text_id(phone)
    challenge = start_otp_sign_in(story, phone, client_id)
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


# -- Cognito's own sign-in methods: passwordless SMS (USER_AUTH) and authenticator apps (TOTP MFA) ------------


@scenario("native-passwordless", "Cognito's own SMS sign-in: sign up, confirm, signed in by the confirmation; "
                                 "later an SMS_OTP sign-in")
def native_passwordless(story: Story) -> None:
    app = story.app
    with story.step(f"the seeded {NATIVE_POOL_NAME} pool: USER_AUTH, SMS_OTP as a first factor"):
        pool_id, client_id = app.seeded_pool(NATIVE_POOL_NAME)
    phone = app.new_phone_number()
    with story.step(f"sign up {phone} with no password at all: a Session returned"):
        signed_up = app.cognito.sign_up(ClientId=client_id, Username=phone)
        story.expect((signed_up["UserConfirmed"], signed_up["CodeDeliveryDetails"]["DeliveryMedium"]),
                     (False, "SMS"), "UserConfirmed, delivery medium")
        story.expect(bool(signed_up.get("Session")), True, "a Session in SignUp's answer")
    with story.step("read the confirmation code from the SMS inbox"):
        code = app.latest_code(phone)
    with story.step("confirm with it and SignUp's Session: a Session to sign in with"):
        confirmed = app.cognito.confirm_sign_up(ClientId=client_id, Username=phone, ConfirmationCode=code,
                                                Session=signed_up["Session"])
        story.expect(bool(confirmed.get("Session")), True, "a Session in ConfirmSignUp's answer")
    with story.step("USER_AUTH with that Session: signed in at once, no code asked"):
        result = app.cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_AUTH",
                                           AuthParameters={"USERNAME": phone}, Session=confirmed["Session"])
        claims = app.verify_token(tokens_from(story, result)["IdToken"], audience=client_id, pool_id=pool_id)
        story.expect((claims["phone_number"], claims["phone_number_verified"]), (phone, True), "ID token claims")
    with story.step("exactly one SMS in total: the confirmation code"):
        story.expect([text["origin"] for text in app.texts(phone)], ["SignUp"], "texts to the number")
    before = app.last_text_id(phone)
    with story.step("another day: USER_AUTH preferring SMS_OTP texts a code"):
        challenge = app.cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_AUTH",
                                              AuthParameters={"USERNAME": phone, "PREFERRED_CHALLENGE": "SMS_OTP"})
        medium = challenge["ChallengeParameters"].get("CODE_DELIVERY_DELIVERY_MEDIUM")
        story.expect((challenge.get("ChallengeName"), medium), ("SMS_OTP", "SMS"), "challenge, delivery medium")
    with story.step("read the sign-in code from the SMS inbox"):
        _, code = app.wait_for_code(phone, after=before)
    with story.step("answer SMS_OTP with it: tokens for the same number"):
        result = app.cognito.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="SMS_OTP", Session=challenge["Session"],
            ChallengeResponses={"USERNAME": phone, "SMS_OTP_CODE": code})
        claims = app.verify_token(tokens_from(story, result)["IdToken"], audience=client_id, pool_id=pool_id)
        story.expect(claims["phone_number"], phone, "ID token phone")
    with story.step("two texts in all: the confirmation code and the sign-in code"):
        story.expect([text["origin"] for text in app.texts(phone)], ["SignUp", "SMS_OTP"], "texts to the number")


@scenario("totp-mfa", "a pool that requires an authenticator app: set it up mid-sign-in, sign in with it 30 s later")
def totp_mfa(story: Story) -> None:
    app = story.app
    pool_id = None
    try:
        with story.step("create a pool with MFA ON, authenticator apps (TOTP) only, and a client"):
            pool_id = app.cognito.create_user_pool(PoolName=f"scenario-totp-{secrets.token_hex(4)}")["UserPool"]["Id"]
            app.cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON",
                                                 SoftwareTokenMfaConfiguration={"Enabled": True})
            client_id = app.cognito.create_user_pool_client(
                UserPoolId=pool_id, ClientName="scenario-totp-mfa",
                ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            )["UserPoolClient"]["ClientId"]
        username, password = f"asha-{secrets.token_hex(3)}", app.generated_password()
        with story.step(f"an administrator adds {username} with a permanent password"):
            app.cognito.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
            app.cognito.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=password,
                                                Permanent=True)

        def sign_in() -> dict:
            return app.cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                             AuthParameters={"USERNAME": username, "PASSWORD": password})

        with story.step("sign in with the password: MFA_SETUP, an authenticator app to set up"):
            challenge = sign_in()
            story.expect(challenge.get("ChallengeName"), "MFA_SETUP", "challenge")
            story.expect(json.loads(challenge["ChallengeParameters"]["MFAS_CAN_SETUP"]), ["SOFTWARE_TOKEN_MFA"],
                         "MFAS_CAN_SETUP")
        with story.step("AssociateSoftwareToken with its Session: a secret for the app"):
            associated = app.cognito.associate_software_token(Session=challenge["Session"])
            secret = associated["SecretCode"]
        with story.step("VerifySoftwareToken with the code the authenticator app shows"):
            setup_code = app.authenticator_code(secret)
            verified = app.cognito.verify_software_token(Session=associated["Session"], UserCode=setup_code,
                                                         FriendlyDeviceName="Asha's phone")
            story.expect(verified["Status"], "SUCCESS", "status")
        with story.step("answer MFA_SETUP with the verified Session: tokens"):
            result = app.cognito.respond_to_auth_challenge(ClientId=client_id, ChallengeName="MFA_SETUP",
                                                           Session=verified["Session"],
                                                           ChallengeResponses={"USERNAME": username})
            claims = app.verify_token(tokens_from(story, result)["IdToken"], audience=client_id, pool_id=pool_id)
            story.expect(claims["cognito:username"], username, "ID token username")
        with story.step("the user's MFA settings list the authenticator app"):
            user = app.cognito.admin_get_user(UserPoolId=pool_id, Username=username)
            story.expect(user.get("UserMFASettingList"), ["SOFTWARE_TOKEN_MFA"], "UserMFASettingList")
        with story.step("sign in again with the password: SOFTWARE_TOKEN_MFA is asked"):
            challenge = sign_in()
            story.expect(challenge.get("ChallengeName"), "SOFTWARE_TOKEN_MFA", "challenge")
        with story.step("the code used at set-up is refused: each code works once"):
            story.expect_error("ExpiredCodeException", app.cognito.respond_to_auth_challenge, ClientId=client_id,
                               ChallengeName="SOFTWARE_TOKEN_MFA", Session=challenge["Session"],
                               ChallengeResponses={"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": setup_code})
        with story.step("30 s pass (emulator clock): a new code, as /_emulator/totp shows"):
            app.advance_clock(30)
            code = app.authenticator_code(secret)
            shown = app.totp(username, pool_id)
            after = app.authenticator_code(secret)
            story.expect(shown["verified"], True, "/_emulator/totp's verified")
            if shown["code"] not in (code, after):  # (the clock may tick past a 30-second step between the calls)
                story.expect(shown["code"], after, "/_emulator/totp's code")
            code = after
        with story.step("answer SOFTWARE_TOKEN_MFA with it (same Session): tokens"):
            result = app.cognito.respond_to_auth_challenge(
                ClientId=client_id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=challenge["Session"],
                ChallengeResponses={"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": code})
            claims = app.verify_token(tokens_from(story, result)["IdToken"], audience=client_id, pool_id=pool_id)
            story.expect(claims["cognito:username"], username, "ID token username")
    finally:
        if pool_id:
            app.cognito.delete_user_pool(UserPoolId=pool_id)


@scenario("node-triggers", "the JavaScript handlers of triggers/js, run unchanged on Node.js: limbo check, sign-up, "
          "a wrong code, then the right one", config=NODE_CONFIG)
def node_triggers(story: Story) -> None:
    app = story.app
    with story.step(f"the {NODE_POOL_NAME} pool, its triggers the .js files of triggers/js"):
        pool_id, client_id = app.seeded_pool(NODE_POOL_NAME)
    phone = app.new_phone_number()
    with story.step("signup-limbo-check (an ES module) knows nothing of the number: sign up"):
        story.expect(app.invoke("signup-limbo-check", {"phone_number": phone}), {"next": "SIGN_UP", "deleted": False},
                     "limbo check")
    sign_up(story, phone, client_id)
    confirm_with_texted_code(story, phone, pool_id, client_id)
    with story.step("the limbo check now sends the number to sign-in"):
        story.expect(app.invoke("signup-limbo-check", {"phone_number": phone}), {"next": "SIGN_IN", "deleted": False},
                     "limbo check")
    challenge, code = otp_challenge(story, phone, client_id)
    with story.step("createAuthChallenge texted it through @aws-sdk/client-sns; a wrong code gets another try"):
        retry = answer(story, challenge, phone, wrong(code), client_id)
        story.expect(retry.get("ChallengeName"), "CUSTOM_CHALLENGE", "challenge after a wrong code")
    with story.step("the texted code signs in, and no second text was sent"):
        tokens = tokens_from(story, answer(story, retry, phone, code, client_id))
        story.expect(len([text for text in app.texts(phone) if text["origin"] != "SignUp"]), 1, "sign-in texts")
    with story.step("the ID token verifies against the pool's JWKS"):
        claims = app.verify_token(tokens["IdToken"], audience=client_id, pool_id=pool_id)
        story.expect(claims["phone_number"], phone, "ID token phone")
    with story.step("the trigger trace shows the three Node.js functions answering without error"):
        username = app.cognito.admin_get_user(UserPoolId=pool_id, Username=phone)["Username"]  # the user's sub
        calls = app.http.get(f"{app.endpoint}/_emulator/triggers", params={"username": username}, timeout=10).json()
        ran = {(call["function"], call["error"] is None) for call in calls["invocations"] if call.get("trigger")}
        story.expect(ran, {("define-auth-challenge", True), ("create-auth-challenge", True),
                           ("verify-auth-challenge-response", True)}, "functions run")
