"""Pool settings given non-default values through boto3 (temporary password validity, invitation and verification
templates, MFA from CreateUserPool alone) and the sign-ins and messages they shape."""

from tests.conftest import error_of
from tests.inbox import mails, messages
from tests.test_mfa import FLOWS, PASSWORD, SMS, password_sign_in, respond, user

DAY = 24 * 60 * 60


def app_client(cognito, pool_id):
    return cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="app",
                                           ExplicitAuthFlows=FLOWS)["UserPoolClient"]["ClientId"]


# The exact-second boundary is the emulator's choice: docs/cognito-behaviour.md §5.3.
def test_temporary_password_validity_days_from_the_pool(emulator, cognito):
    emulator.services.clock.freeze()
    pool_id = cognito.create_user_pool(PoolName="short-invites",
                                       Policies={"PasswordPolicy": {"TemporaryPasswordValidityDays": 2}})["UserPool"]["Id"]
    assert cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Policies"]["PasswordPolicy"][
        "TemporaryPasswordValidityDays"] == 2
    client_id = app_client(cognito, pool_id)
    cognito.admin_create_user(UserPoolId=pool_id, Username="tara", TemporaryPassword="Temp-Passw0rd!",
                              MessageAction="SUPPRESS")

    emulator.services.clock.advance(DAY)
    challenge = password_sign_in(cognito, client_id, "tara", password="Temp-Passw0rd!")
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    emulator.services.clock.advance(DAY)  # the last second of the second day still counts
    assert password_sign_in(cognito, client_id, "tara", password="Temp-Passw0rd!")["ChallengeName"] == \
        "NEW_PASSWORD_REQUIRED"

    emulator.services.clock.advance(1)
    assert error_of(password_sign_in, cognito, client_id, "tara", password="Temp-Passw0rd!") == {
        "Code": "NotAuthorizedException", "Status": 400,
        "Message": "Temporary password has expired and must be reset by an administrator."}


def test_invite_message_template_shapes_the_sms_and_the_email(emulator, cognito):
    pool_id = cognito.create_user_pool(PoolName="invites", AdminCreateUserConfig={"InviteMessageTemplate": {
        "SMSMessage": "Hi {username}, your SMS password is {####}",
        "EmailMessage": "<p>Welcome {username}. Password: {####}</p>",
        "EmailSubject": "Your Acme account"}})["UserPool"]["Id"]
    cognito.admin_create_user(UserPoolId=pool_id, Username="nia", DesiredDeliveryMediums=["SMS", "EMAIL"],
                              UserAttributes=[{"Name": "phone_number", "Value": "+15550142001"},
                                              {"Name": "email", "Value": "nia@example.com"}])
    [sms] = messages(emulator, "+15550142001")
    [mail] = mails(emulator, "nia@example.com")
    assert sms["origin"] == mail["origin"] == "AdminCreateUser"
    assert sms["code"] == mail["code"] and len(sms["code"]) >= 8  # one temporary password, in both
    assert sms["message"] == f"Hi nia, your SMS password is {sms['code']}"
    assert mail["message"] == f"<p>Welcome nia. Password: {mail['code']}</p>"
    assert mail["subject"] == "Your Acme account"
    # The password the messages carry is the one that signs in.
    client_id = app_client(cognito, pool_id)
    assert password_sign_in(cognito, client_id, "nia", password=sms["code"])["ChallengeName"] == \
        "NEW_PASSWORD_REQUIRED"


def test_verification_message_template_shapes_the_sign_up_email(emulator, cognito):
    for address, username, pool in (
            ("ezra@example.com", "ezra@example.com", {"UsernameAttributes": ["email"]}),
            ("odin@example.com", "odin", {})):
        pool_id = cognito.create_user_pool(PoolName="mail-codes", AutoVerifiedAttributes=["email"], **pool,
                                           VerificationMessageTemplate={
                                               "DefaultEmailOption": "CONFIRM_WITH_CODE",
                                               "EmailMessage": "Your Acme code is {####}, valid for a day.",
                                               "EmailSubject": "Confirm your Acme account"})["UserPool"]["Id"]
        client_id = app_client(cognito, pool_id)
        response = cognito.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                                   UserAttributes=[{"Name": "email", "Value": address}])
        assert response["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
        [mail] = mails(emulator, address)
        assert (mail["origin"], mail["pool_id"]) == ("SignUp", pool_id)
        assert mail["message"] == f"Your Acme code is {mail['code']}, valid for a day."
        assert mail["subject"] == "Confirm your Acme account"
        cognito.confirm_sign_up(ClientId=client_id, Username=username, ConfirmationCode=mail["code"])


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §2.2:
# the legacy EmailVerificationMessage / EmailVerificationSubject mirror VerificationMessageTemplate.
def test_legacy_email_verification_fields_shape_the_sign_up_email(emulator, cognito):
    pool = cognito.create_user_pool(PoolName="legacy-mail", AutoVerifiedAttributes=["email"],
                                    EmailVerificationMessage="Legacy code {####} here",
                                    EmailVerificationSubject="Legacy subject")["UserPool"]
    template = pool["VerificationMessageTemplate"]
    assert (template["EmailMessage"], template["EmailSubject"]) == ("Legacy code {####} here", "Legacy subject")
    client_id = app_client(cognito, pool["Id"])
    cognito.sign_up(ClientId=client_id, Username="lena", Password=PASSWORD,
                    UserAttributes=[{"Name": "email", "Value": "lena@example.com"}])
    [mail] = mails(emulator, "lena@example.com")
    assert mail["message"] == f"Legacy code {mail['code']} here"
    assert mail["subject"] == "Legacy subject"


def test_mfa_on_from_create_user_pool_alone_texts_the_sms_template(emulator, cognito):
    pool = cognito.create_user_pool(PoolName="mfa-at-birth", MfaConfiguration="ON", SmsConfiguration=SMS,
                                    AutoVerifiedAttributes=["phone_number"],
                                    SmsAuthenticationMessage="Acme sign-in code {####}. Do not share it.")["UserPool"]
    assert cognito.get_user_pool_mfa_config(UserPoolId=pool["Id"])["MfaConfiguration"] == "ON"
    client_id = app_client(cognito, pool["Id"])
    user(cognito, pool["Id"], "omar", phone_number="+15550142002")
    challenge = password_sign_in(cognito, client_id, "omar")
    assert challenge["ChallengeName"] == "SMS_MFA"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "+*******2002"
    [sms] = messages(emulator, "+15550142002")
    assert sms["message"] == f"Acme sign-in code {sms['code']}. Do not share it."
    tokens = respond(cognito, client_id, challenge, "omar", SMS_MFA_CODE=sms["code"])
    assert tokens["AuthenticationResult"]["AccessToken"]
