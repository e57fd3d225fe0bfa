"""MFA_SETUP answered with an EMAIL (as Amplify sets up email MFA in a sign-in): the address is checked, the code
goes to that address, and only its right code turns email MFA on. Found untested by `make mutation`."""

import requests

from tests.conftest import error_of

PASSWORD = "Setup-Passw0rd!"
EMAIL = {"EmailSendingAccount": "DEVELOPER", "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/a@b.c"}


def required_mfa_pool(cognito, email_mfa=True, **pool):
    pool_id = cognito.create_user_pool(PoolName="setup", EmailConfiguration=EMAIL, **pool)["UserPool"]["Id"]
    config = {"SoftwareTokenMfaConfiguration": {"Enabled": True}}
    if email_mfa:
        config["EmailMfaConfiguration"] = {"Message": "Code {####}"}
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON", **config)
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=[
        "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool_id, Username="eve", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="eve", Password=PASSWORD, Permanent=True)
    return pool_id, client_id


def sign_in(cognito, client_id):
    return cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": "eve", "PASSWORD": PASSWORD})


def respond(cognito, client_id, challenge, **responses):
    return cognito.respond_to_auth_challenge(ClientId=client_id, ChallengeName=challenge["ChallengeName"],
                                             Session=challenge["Session"],
                                             ChallengeResponses={"USERNAME": "eve", **responses})


def emails(emulator, address):
    return requests.get(f"{emulator.url}/_emulator/email", params={"email": address}, timeout=5).json()["messages"]


def test_mfa_setup_by_email_sends_the_code_to_that_address_and_turns_email_mfa_on(emulator, cognito):
    pool_id, client_id = required_mfa_pool(cognito)
    setup = sign_in(cognito, client_id)
    assert setup["ChallengeName"] == "MFA_SETUP"
    challenge = respond(cognito, client_id, setup, EMAIL="eve@example.com")
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    sent = emails(emulator, "eve@example.com")
    assert len(sent) == 1
    # Nothing is on before the code comes back.
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="eve").get("UserMFASettingList", []) == []
    wrong = "000000" if sent[0]["code"] != "000000" else "111111"
    assert error_of(respond, cognito, client_id, challenge, EMAIL_OTP_CODE=wrong)["Code"] == "CodeMismatchException"
    tokens = respond(cognito, client_id, challenge, EMAIL_OTP_CODE=sent[0]["code"])
    assert tokens["AuthenticationResult"]["AccessToken"]
    stored = cognito.admin_get_user(UserPoolId=pool_id, Username="eve")
    assert stored["UserMFASettingList"] == ["EMAIL_OTP"]
    assert {"Name": "email", "Value": "eve@example.com"} in stored["UserAttributes"]
    # The next sign-in asks for the emailed code.
    assert sign_in(cognito, client_id)["ChallengeName"] == "EMAIL_OTP"


def test_mfa_setup_refuses_a_malformed_address_and_sends_nothing(emulator, cognito):
    _, client_id = required_mfa_pool(cognito)
    for address in ("not-an-address", "eve@", "eve@example.com trailing"):
        error = error_of(respond, cognito, client_id, sign_in(cognito, client_id), EMAIL=address)
        assert (error["Code"], error["Message"]) == ("InvalidParameterException", "Invalid email address format.")
    assert requests.get(f"{emulator.url}/_emulator/email", timeout=5).json()["messages"] == []


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §14.3:
# an MFA_SETUP answer that sets nothing up is InvalidParameterException, in the emulator's own words.
NOT_SET_UP = ("MFA is not set up yet: verify a software token (AssociateSoftwareToken and VerifySoftwareToken with this "
              "Session) or answer with an EMAIL the pool can send codes to.")


def test_mfa_setup_by_email_needs_the_pool_to_send_mfa_codes_by_email(emulator, cognito):
    """An EMAIL answer to MFA_SETUP in a pool that does not send MFA codes by email, or an answer with neither an
    EMAIL nor a verified software token, sets nothing up: InvalidParameterException naming both ways."""
    pool_id, client_id = required_mfa_pool(cognito, email_mfa=False)
    error = error_of(respond, cognito, client_id, sign_in(cognito, client_id), EMAIL="eve@example.com")
    assert (error["Code"], error["Message"]) == ("InvalidParameterException", NOT_SET_UP)
    assert emails(emulator, "eve@example.com") == []
    # Without an EMAIL at all, the same answer.
    error = error_of(respond, cognito, client_id, sign_in(cognito, client_id))
    assert (error["Code"], error["Message"]) == ("InvalidParameterException", NOT_SET_UP)


def test_mfa_setup_by_email_cannot_take_an_address_another_user_signs_in_with(emulator, cognito):
    """In a pool where users sign in by email, MFA set-up by email cannot take another user's address: the right
    code is refused with AliasExistsException, and the user keeps no email and no email MFA."""
    pool_id = cognito.create_user_pool(PoolName="by-email", UsernameAttributes=["email", "phone_number"],
                                       EmailConfiguration=EMAIL)["UserPool"]["Id"]
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON",
                                     SoftwareTokenMfaConfiguration={"Enabled": True},
                                     EmailMfaConfiguration={"Message": "Code {####}"})
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=[
        "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool_id, Username="taken@example.com", MessageAction="SUPPRESS")
    eve = cognito.admin_create_user(UserPoolId=pool_id, Username="+15550700001", MessageAction="SUPPRESS")
    username = eve["User"]["Username"]
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
    setup = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": "+15550700001", "PASSWORD": PASSWORD})
    assert setup["ChallengeName"] == "MFA_SETUP"
    challenge = cognito.respond_to_auth_challenge(ClientId=client_id, ChallengeName="MFA_SETUP",
                                                  Session=setup["Session"], ChallengeResponses={
                                                      "USERNAME": username, "EMAIL": "taken@example.com"})
    code = emails(emulator, "taken@example.com")[-1]["code"]
    error = error_of(cognito.respond_to_auth_challenge, ClientId=client_id, ChallengeName="EMAIL_OTP",
                     Session=challenge["Session"], ChallengeResponses={"USERNAME": username, "EMAIL_OTP_CODE": code})
    # As an update to an address another user signs in with (docs/cognito-behaviour.md §12.1).
    assert (error["Code"], error["Message"]) == ("AliasExistsException",
                                                 "An account with the given email already exists.")
    stored = cognito.admin_get_user(UserPoolId=pool_id, Username=username)
    assert "email" not in {a["Name"] for a in stored["UserAttributes"]}
    assert stored.get("UserMFASettingList", []) == []


def test_email_mfa_set_up_after_a_new_password_is_told_as_the_new_password_challenge(emulator, cognito):
    """A sign-in that changes a temporary password (NEW_PASSWORD_REQUIRED), then sets up email MFA (MFA_SETUP answered
    with an EMAIL, then that address's EMAIL_OTP code), ends in PreTokenGeneration with triggerSource
    TokenGeneration_NewPasswordChallenge, as after a new password without set-up (docs/cognito-behaviour.md §7.9)."""
    sources = []

    def pre_token_generation(event, context):
        sources.append(event["triggerSource"])
        return event

    emulator.services.functions.register("setup-pre-token", pre_token_generation)
    pool_id, client_id = required_mfa_pool(cognito, LambdaConfig={
        "PreTokenGeneration": "arn:aws:lambda:us-east-1:123456789012:function:setup-pre-token"})
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="eve", Password="Temp-Passw0rd!", Permanent=False)
    challenge = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                      AuthParameters={"USERNAME": "eve", "PASSWORD": "Temp-Passw0rd!"})
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    setup = respond(cognito, client_id, challenge, NEW_PASSWORD=PASSWORD)
    assert setup["ChallengeName"] == "MFA_SETUP"
    challenge = respond(cognito, client_id, setup, EMAIL="eve@example.com")
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    tokens = respond(cognito, client_id, challenge, EMAIL_OTP_CODE=emails(emulator, "eve@example.com")[-1]["code"])
    assert tokens["AuthenticationResult"]["AccessToken"]
    assert sources == ["TokenGeneration_NewPasswordChallenge"]


def test_the_email_set_up_by_mfa_setup_marks_the_user_modified_when_the_code_comes_back(emulator, cognito):
    """The EMAIL_OTP answer that stores the set-up address changes the user: AdminGetUser's UserLastModifiedDate
    becomes the time of that answer (the clock moved on since the user was made and the code was sent)."""
    emulator.services.clock.freeze()
    pool_id, client_id = required_mfa_pool(cognito)
    created = cognito.admin_get_user(UserPoolId=pool_id, Username="eve")["UserLastModifiedDate"]
    challenge = respond(cognito, client_id, sign_in(cognito, client_id), EMAIL="eve@example.com")
    emulator.services.clock.advance(60)
    answered_at = emulator.services.clock.now()
    respond(cognito, client_id, challenge, EMAIL_OTP_CODE=emails(emulator, "eve@example.com")[-1]["code"])
    modified = cognito.admin_get_user(UserPoolId=pool_id, Username="eve")["UserLastModifiedDate"]
    assert modified.timestamp() == answered_at
    assert modified.timestamp() - created.timestamp() == 60
