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
