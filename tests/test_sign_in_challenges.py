"""Challenges in the middle of a password sign-in that `make mutation` found untested: NEW_PASSWORD_REQUIRED's policy
wording and its userAttributes.*, and SELECT_MFA_TYPE answered with a factor that sends a code (SMS_MFA, and
EMAIL_MFA, the model's name for EMAIL_OTP)."""

import json

import requests

from tests.conftest import error_of
from tests.inbox import messages

PASSWORD = "Challenge-Passw0rd!"
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
SMS = {"SnsCallerArn": "arn:aws:iam::123456789012:role/cognito-sms"}
EMAIL = {"EmailSendingAccount": "DEVELOPER", "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/a@b.c"}


def pool_and_client(cognito, **pool):
    pool_id = cognito.create_user_pool(PoolName="challenges", **pool)["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="app",
                                                ExplicitAuthFlows=FLOWS)["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def sign_in(cognito, client_id, name, password=PASSWORD):
    return cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": name, "PASSWORD": password})


def respond(cognito, client_id, challenge, name, **responses):
    return cognito.respond_to_auth_challenge(ClientId=client_id, ChallengeName=challenge["ChallengeName"],
                                             Session=challenge["Session"],
                                             ChallengeResponses={"USERNAME": name, **responses})


def test_new_password_required_names_the_policy_and_sets_the_attributes_given(emulator, cognito):
    pool_id, client_id = pool_and_client(cognito)
    cognito.admin_create_user(UserPoolId=pool_id, Username="ines", TemporaryPassword="Temp-Passw0rd!",
                              MessageAction="SUPPRESS")
    challenge = sign_in(cognito, client_id, "ines", "Temp-Passw0rd!")
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    error = error_of(respond, cognito, client_id, challenge, "ines", NEW_PASSWORD="short")
    assert (error["Code"], error["Message"]) == (
        "InvalidPasswordException", "Password does not conform to policy: Password not long enough")
    challenge = sign_in(cognito, client_id, "ines", "Temp-Passw0rd!")
    emulator.services.clock.advance(120)
    tokens = respond(cognito, client_id, challenge, "ines", NEW_PASSWORD=PASSWORD,
                     **{"userAttributes.name": "Inès", "userAttributes.family_name": "Q"})
    assert tokens["AuthenticationResult"]["AccessToken"]
    attributes = {a["Name"]: a["Value"] for a in
                  cognito.admin_get_user(UserPoolId=pool_id, Username="ines")["UserAttributes"]}
    assert attributes["name"] == "Inès" and attributes["family_name"] == "Q"
    assert "userAttributes.name" not in attributes
    stored = cognito.admin_get_user(UserPoolId=pool_id, Username="ines")
    assert stored["UserLastModifiedDate"].timestamp() >= stored["UserCreateDate"].timestamp() + 120
    # The new password is the user's own now: it signs in straight to tokens, the temporary one no longer does.
    assert sign_in(cognito, client_id, "ines")["AuthenticationResult"]["AccessToken"]
    assert error_of(sign_in, cognito, client_id, "ines", "Temp-Passw0rd!")["Code"] == "NotAuthorizedException"


def choosing_pool(cognito):
    """A pool offering texted and emailed MFA codes, and a user with both turned on and neither preferred."""
    pool_id, client_id = pool_and_client(cognito, SmsConfiguration=SMS, EmailConfiguration=EMAIL)
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OPTIONAL",
                                     SmsMfaConfiguration={"SmsAuthenticationMessage": "Code {####}"},
                                     EmailMfaConfiguration={"Message": "Code {####}"})
    cognito.admin_create_user(UserPoolId=pool_id, Username="kai", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "phone_number", "Value": "+15550300001"}, {"Name": "phone_number_verified", "Value": "true"},
        {"Name": "email", "Value": "kai@example.com"}, {"Name": "email_verified", "Value": "true"}])
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="kai", Password=PASSWORD, Permanent=True)
    cognito.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="kai", SMSMfaSettings={"Enabled": True},
                                          EmailMfaSettings={"Enabled": True})
    challenge = sign_in(cognito, client_id, "kai")
    assert challenge["ChallengeName"] == "SELECT_MFA_TYPE"
    # Compact JSON, as Cognito writes it.
    assert challenge["ChallengeParameters"]["MFAS_CAN_CHOOSE"] == '["SMS_MFA","EMAIL_OTP"]'
    assert json.loads(challenge["ChallengeParameters"]["MFAS_CAN_CHOOSE"]) == ["SMS_MFA", "EMAIL_OTP"]
    return client_id, challenge


def emails(emulator, address):
    return requests.get(f"{emulator.url}/_emulator/email", params={"email": address}, timeout=5).json()["messages"]


def test_choosing_sms_mfa_texts_a_code_that_signs_in(emulator, cognito):
    client_id, challenge = choosing_pool(cognito)
    chosen = respond(cognito, client_id, challenge, "kai", ANSWER="SMS_MFA")
    assert chosen["ChallengeName"] == "SMS_MFA"
    texted = messages(emulator, "+15550300001")
    assert len(texted) == 1 and emails(emulator, "kai@example.com") == []
    assert respond(cognito, client_id, chosen, "kai", SMS_MFA_CODE=texted[0]["code"])["AuthenticationResult"]


def test_choosing_email_mfa_by_the_models_name_emails_a_code(emulator, cognito):
    client_id, challenge = choosing_pool(cognito)
    # A factor not offered is refused, and sends nothing.
    assert error_of(respond, cognito, client_id, challenge, "kai", ANSWER="SOFTWARE_TOKEN_MFA")["Code"] == \
        "InvalidParameterException"
    challenge = sign_in(cognito, client_id, "kai")
    chosen = respond(cognito, client_id, challenge, "kai", ANSWER="EMAIL_MFA")
    assert chosen["ChallengeName"] == "EMAIL_OTP"
    sent = emails(emulator, "kai@example.com")
    assert len(sent) == 1 and messages(emulator, "+15550300001") == []
    assert respond(cognito, client_id, chosen, "kai", EMAIL_OTP_CODE=sent[0]["code"])["AuthenticationResult"]


def test_a_code_sent_in_answer_to_a_challenge_tells_custom_message_the_client_and_the_answers_metadata(emulator,
                                                                                                     cognito):
    """A code texted because AdminRespondToAuthChallenge chose SMS_MFA goes through CustomMessage with triggerSource
    CustomMessage_Authentication, told the user (userName), the app client (callerContext.clientId) and that call's
    ClientMetadata as request.clientMetadata: the API reference lists custom message among the triggers
    AdminRespondToAuthChallenge hands its ClientMetadata to."""
    events = []

    def custom_message(event, context):
        events.append(event)
        return event

    emulator.services.functions.register("challenge-message", custom_message)
    pool_id = cognito.create_user_pool(PoolName="told", SmsConfiguration=SMS, EmailConfiguration=EMAIL, LambdaConfig={
        "CustomMessage": "arn:aws:lambda:us-east-1:123456789012:function:challenge-message"})["UserPool"]["Id"]
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OPTIONAL",
                                     SmsMfaConfiguration={"SmsAuthenticationMessage": "Code {####}"},
                                     EmailMfaConfiguration={"Message": "Code {####}"})
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=[
        "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool_id, Username="kim", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "phone_number", "Value": "+15550300002"}, {"Name": "email", "Value": "kim@example.com"}])
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="kim", Password=PASSWORD, Permanent=True)
    cognito.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="kim", SMSMfaSettings={"Enabled": True},
                                          EmailMfaSettings={"Enabled": True})
    challenge = cognito.admin_initiate_auth(UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                            AuthParameters={"USERNAME": "kim", "PASSWORD": PASSWORD})
    assert challenge["ChallengeName"] == "SELECT_MFA_TYPE"
    events.clear()  # only what the answer below sends
    chosen = cognito.admin_respond_to_auth_challenge(
        UserPoolId=pool_id, ClientId=client_id, ChallengeName="SELECT_MFA_TYPE", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "kim", "ANSWER": "SMS_MFA"}, ClientMetadata={"screen": "checkout"})
    assert chosen["ChallengeName"] == "SMS_MFA"
    assert [event["triggerSource"] for event in events] == ["CustomMessage_Authentication"]
    event = events[0]
    assert event["userName"] == "kim"
    assert event["callerContext"]["clientId"] == client_id
    assert event["request"]["clientMetadata"] == {"screen": "checkout"}
    assert event["request"]["codeParameter"] == "{####}"


def test_a_passwordless_code_sign_in_is_told_to_pre_token_generation_as_an_authentication(emulator, cognito):
    """USER_AUTH with an emailed (EMAIL_OTP) or texted (SMS_OTP) first-factor code ends in PreTokenGeneration with
    triggerSource TokenGeneration_Authentication, the source of every completed sign-in that is not a refresh, a
    new-password challenge or the hosted UI (DG pre token generation trigger sources)."""
    sources = []

    def pre_token_generation(event, context):
        sources.append(event["triggerSource"])
        return event

    emulator.services.functions.register("passwordless-pre-token", pre_token_generation)
    pool_id = cognito.create_user_pool(
        PoolName="passwordless", SmsConfiguration=SMS, EmailConfiguration=EMAIL,
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]}},
        LambdaConfig={"PreTokenGeneration": "arn:aws:lambda:us-east-1:123456789012:function:passwordless-pre-token"},
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=[
        "ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool_id, Username="pia", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "email", "Value": "pia@example.com"}, {"Name": "email_verified", "Value": "true"},
        {"Name": "phone_number", "Value": "+15550300003"}, {"Name": "phone_number_verified", "Value": "true"}])
    for factor, read_code in (("EMAIL_OTP", lambda: emails(emulator, "pia@example.com")[-1]["code"]),
                              ("SMS_OTP", lambda: messages(emulator, "+15550300003")[-1]["code"])):
        challenge = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_AUTH",
                                          AuthParameters={"USERNAME": "pia", "PREFERRED_CHALLENGE": factor})
        assert challenge["ChallengeName"] == factor
        tokens = respond(cognito, client_id, challenge, "pia", **{f"{factor}_CODE": read_code()})
        assert tokens["AuthenticationResult"]["AccessToken"], factor
    assert sources == ["TokenGeneration_Authentication", "TokenGeneration_Authentication"]


def test_initiate_auths_client_metadata_reaches_pre_authentication_only(emulator, cognito):
    """InitiateAuth hands its ClientMetadata to PreAuthentication (and pre sign-up and user migration) only; the
    CustomMessage of a code it sends, PostAuthentication and PreTokenGeneration are invoked without it. A
    RespondToAuthChallenge's ClientMetadata reaches them all (model InitiateAuthRequest and
    RespondToAuthChallengeRequest ClientMetadata; docs/cognito-behaviour.md §6.5)."""
    told = []

    def telling(event, context):
        told.append((event["triggerSource"], event["request"].get("clientMetadata")))
        return event

    triggers = ("PreAuthentication", "CustomMessage", "PostAuthentication", "PreTokenGeneration")
    for trigger in triggers:
        emulator.services.functions.register(f"metadata-{trigger}", telling)
    pool_id, client_id = pool_and_client(cognito, SmsConfiguration=SMS, LambdaConfig={
        trigger: f"arn:aws:lambda:us-east-1:123456789012:function:metadata-{trigger}" for trigger in triggers})
    cognito.admin_create_user(UserPoolId=pool_id, Username="lena", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "phone_number", "Value": "+15550300003"}, {"Name": "phone_number_verified", "Value": "true"}])
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="lena", Password=PASSWORD, Permanent=True)
    started = {"ClientMetadata": {"from": "initiate"}}
    tokens = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", **started,
                                   AuthParameters={"USERNAME": "lena", "PASSWORD": PASSWORD})["AuthenticationResult"]
    assert told == [("PreAuthentication_Authentication", {"from": "initiate"}),
                    ("PostAuthentication_Authentication", None), ("TokenGeneration_Authentication", None)]
    told.clear()
    cognito.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", **started,
                          AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
    assert told == [("TokenGeneration_RefreshTokens", None)]
    told.clear()
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON",
                                     SmsMfaConfiguration={"SmsAuthenticationMessage": "Code {####}"})
    challenge = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", **started,
                                      AuthParameters={"USERNAME": "lena", "PASSWORD": PASSWORD})
    assert told == [("PreAuthentication_Authentication", {"from": "initiate"}), ("CustomMessage_Authentication", None)]
    told.clear()
    cognito.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="SMS_MFA", Session=challenge["Session"], ClientMetadata={"from": "respond"},
        ChallengeResponses={"USERNAME": "lena", "SMS_MFA_CODE": messages(emulator, "+15550300003")[-1]["code"]})
    assert told == [("PostAuthentication_Authentication", {"from": "respond"}),
                    ("TokenGeneration_Authentication", {"from": "respond"})]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §5.4:
# a sign-in that changes nothing leaves UserLastModifiedDate; a code that verifies its attribute moves it.
def test_a_texted_code_sign_in_moves_last_modified_only_when_it_verifies_the_phone(emulator, cognito):
    emulator.services.clock.freeze()
    pool_id, client_id = pool_and_client(cognito, SmsConfiguration=SMS)
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON",
                                     SmsMfaConfiguration={"SmsAuthenticationMessage": "Code {####}"})
    cognito.admin_create_user(UserPoolId=pool_id, Username="omar", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "phone_number", "Value": "+15550300004"}])
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="omar", Password=PASSWORD, Permanent=True)

    def texted_sign_in():
        challenge = sign_in(cognito, client_id, "omar")
        emulator.services.clock.advance(60)
        respond(cognito, client_id, challenge, "omar", SMS_MFA_CODE=messages(emulator, "+15550300004")[-1]["code"])
        got = cognito.admin_get_user(UserPoolId=pool_id, Username="omar")
        return {a["Name"]: a["Value"] for a in got["UserAttributes"]}, got["UserLastModifiedDate"].timestamp()

    attributes, modified = texted_sign_in()
    assert attributes["phone_number_verified"] == "true" and modified == emulator.services.clock.now()
    attributes, again = texted_sign_in()
    assert again == modified and emulator.services.clock.now() == modified + 60


def test_post_authentication_is_told_the_app_client_signed_in_with(emulator, cognito):
    """PostAuthentication's event names the app client of the sign-in as callerContext.clientId (DG Lambda trigger
    common parameters), with triggerSource PostAuthentication_Authentication and the user as userName."""
    events = []

    def post_authentication(event, context):
        events.append(event)
        return event

    emulator.services.functions.register("told-post-authentication", post_authentication)
    pool_id, client_id = pool_and_client(cognito, LambdaConfig={
        "PostAuthentication": "arn:aws:lambda:us-east-1:123456789012:function:told-post-authentication"})
    cognito.admin_create_user(UserPoolId=pool_id, Username="noor", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="noor", Password=PASSWORD, Permanent=True)
    assert sign_in(cognito, client_id, "noor")["AuthenticationResult"]["AccessToken"]
    assert [(event["triggerSource"], event["userName"], event["callerContext"]["clientId"]) for event in events] == [
        ("PostAuthentication_Authentication", "noor", client_id)]
