"""Passwords through boto3: ForgotPassword / ConfirmForgotPassword with the texted code, ChangePassword,
AdminSetUserPassword, AdminResetUserPassword, password history, and the triggers they run."""

import pytest
import requests

from tests.auth_helpers import CLIENT, PASSWORD, POOL, confirmed_user
from tests.conftest import error_of
from tests.inbox import latest_code, messages

NEW_PASSWORD = "Another-Passw0rd!"


def password_sign_in(cognito, username, password, client=CLIENT):
    return cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": username, "PASSWORD": password})


def record_triggers(emulator, cognito, *names):
    """Wire recording handlers for CustomMessage / PostConfirmation on the seeded pool; returns the events."""
    seen = []

    def handler(event, context):
        seen.append(event)
        return event

    pool = cognito.describe_user_pool(UserPoolId=POOL)["UserPool"]
    config = dict(pool["LambdaConfig"])
    for name in names:
        emulator.services.functions.register(f"record-{name}", handler)
        config[name] = f"arn:aws:lambda:us-east-1:123456789012:function:record-{name}"
    cognito.update_user_pool(UserPoolId=POOL, AutoVerifiedAttributes=["phone_number"], LambdaConfig=config)
    return seen


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §11.1:
# the old password keeps working until the reset is confirmed.
def test_forgot_password_round_trip_with_the_texted_code(emulator, cognito):
    phone = "+919878000001"
    confirmed_user(emulator, cognito, phone)
    seen = record_triggers(emulator, cognito, "CustomMessage", "PostConfirmation")
    sent = cognito.forgot_password(ClientId=CLIENT, Username=phone, ClientMetadata={"screen": "forgot"})
    assert sent["CodeDeliveryDetails"] == {"Destination": "+********0001", "DeliveryMedium": "SMS",
                                           "AttributeName": "phone_number"}
    message = messages(emulator, phone)[-1]
    assert message["origin"] == "ForgotPassword" and message["code"] in message["message"]
    # The old password works until the reset is confirmed.
    assert "AuthenticationResult" in password_sign_in(cognito, phone, PASSWORD)
    wrong = error_of(cognito.confirm_forgot_password, ClientId=CLIENT, Username=phone, ConfirmationCode="000000"
                     if message["code"] != "000000" else "111111", Password=NEW_PASSWORD)
    assert (wrong["Code"], wrong["Message"]) == ("CodeMismatchException",
                                                 "Invalid verification code provided, please try again.")
    weak = error_of(cognito.confirm_forgot_password, ClientId=CLIENT, Username=phone,
                    ConfirmationCode=message["code"], Password="short")
    assert weak["Code"] == "InvalidPasswordException"
    cognito.confirm_forgot_password(ClientId=CLIENT, Username=phone, ConfirmationCode=message["code"],
                                    Password=NEW_PASSWORD, ClientMetadata={"screen": "confirm"})
    assert error_of(password_sign_in, cognito, phone, PASSWORD)["Code"] == "NotAuthorizedException"
    assert "AuthenticationResult" in password_sign_in(cognito, phone, NEW_PASSWORD)
    again = error_of(cognito.confirm_forgot_password, ClientId=CLIENT, Username=phone,
                     ConfirmationCode=message["code"], Password="Third-Passw0rd!")
    assert again["Code"] == "ExpiredCodeException"  # a code works once
    sources = [(event["triggerSource"], event["request"].get("clientMetadata")) for event in seen]
    assert sources == [("CustomMessage_ForgotPassword", {"screen": "forgot"}),
                       ("PostConfirmation_ConfirmForgotPassword", {"screen": "confirm"})]


def test_reset_code_lives_an_hour_and_a_new_one_replaces_it(emulator, cognito):
    phone = "+919878000002"
    confirmed_user(emulator, cognito, phone)
    cognito.forgot_password(ClientId=CLIENT, Username=phone)
    first = latest_code(emulator, phone)
    emulator.services.clock.advance(3601)
    expired = error_of(cognito.confirm_forgot_password, ClientId=CLIENT, Username=phone, ConfirmationCode=first,
                       Password=NEW_PASSWORD)
    assert (expired["Code"], expired["Message"]) == ("ExpiredCodeException",
                                                     "Invalid code provided, please request a code again.")
    cognito.forgot_password(ClientId=CLIENT, Username=phone)
    second = latest_code(emulator, phone)
    if second != first:
        assert error_of(cognito.confirm_forgot_password, ClientId=CLIENT, Username=phone, ConfirmationCode=first,
                        Password=NEW_PASSWORD)["Code"] == "ExpiredCodeException"
    cognito.confirm_forgot_password(ClientId=CLIENT, Username=phone, ConfirmationCode=second, Password=NEW_PASSWORD)


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §11.1:
# at most 5 ForgotPassword calls per user per hour.
def test_forgot_password_allows_five_calls_an_hour(emulator, cognito):
    phone = "+919878000015"
    confirmed_user(emulator, cognito, phone)
    for _ in range(5):
        cognito.forgot_password(ClientId=CLIENT, Username=phone)
    limited = error_of(cognito.forgot_password, ClientId=CLIENT, Username=phone)
    assert (limited["Code"], limited["Message"]) == ("LimitExceededException",
                                                     "Attempt limit exceeded, please try after some time.")
    assert [m["origin"] for m in messages(emulator, phone)].count("ForgotPassword") == 5
    confirmed_user(emulator, cognito, "+919878000016")  # the limit is the user's, not the pool's
    cognito.forgot_password(ClientId=CLIENT, Username="+919878000016")
    emulator.services.clock.advance(3601)
    assert cognito.forgot_password(ClientId=CLIENT, Username=phone)["CodeDeliveryDetails"]["DeliveryMedium"] == "SMS"


def test_forgot_password_refusals(emulator, cognito):
    unknown = error_of(cognito.forgot_password, ClientId=CLIENT, Username="+919878000999")
    assert (unknown["Code"], unknown["Message"]) == ("UserNotFoundException",
                                                     "Username/client id combination not found.")
    # Signed up but never confirmed: the phone is not verified, so there is nowhere to send a code.
    cognito.sign_up(ClientId=CLIENT, Username="+919878000003", Password=PASSWORD)
    nowhere = error_of(cognito.forgot_password, ClientId=CLIENT, Username="+919878000003")
    assert (nowhere["Code"], nowhere["Message"]) == (
        "InvalidParameterException",
        "Cannot reset password for the user as there is no registered/verified email or phone_number")
    assert error_of(cognito.confirm_forgot_password, ClientId=CLIENT, Username="+919878000003",
                    ConfirmationCode="123456", Password=NEW_PASSWORD)["Code"] == "ExpiredCodeException"
    cognito.admin_create_user(UserPoolId=POOL, Username="+919878000004", MessageAction="SUPPRESS")
    forced = error_of(cognito.forgot_password, ClientId=CLIENT, Username="+919878000004")
    assert (forced["Code"], forced["Message"]) == ("NotAuthorizedException",
                                                   "User password cannot be reset in the current state.")
    confirmed_user(emulator, cognito, "+919878000005")
    cognito.admin_disable_user(UserPoolId=POOL, Username="+919878000005")
    disabled = error_of(cognito.forgot_password, ClientId=CLIENT, Username="+919878000005")
    assert (disabled["Code"], disabled["Message"]) == ("NotAuthorizedException", "User is disabled.")


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §11.2:
# the simulated destination is masked from a phone-number username.
def test_forgot_password_hides_user_existence_when_the_client_asks(emulator, cognito):
    client = cognito.create_user_pool_client(UserPoolId=POOL, ClientName="hiding",
                                             PreventUserExistenceErrors="ENABLED")["UserPoolClient"]["ClientId"]
    sent = cognito.forgot_password(ClientId=client, Username="+919878000998")
    # The made-up destination is masked from the username (undocumented, chosen: docs/cognito-behaviour.md §11.2).
    assert sent["CodeDeliveryDetails"] == {"Destination": "+********0998", "DeliveryMedium": "SMS",
                                           "AttributeName": "phone_number"}
    assert messages(emulator, "+919878000998") == []
    assert error_of(cognito.confirm_forgot_password, ClientId=client, Username="+919878000998",
                    ConfirmationCode="123456", Password=NEW_PASSWORD)["Code"] == "CodeMismatchException"
    # A username that is neither: a masked address by the pool's first recovery mechanism (§11.2).
    by_email = cognito.create_user_pool(PoolName="hiding-by-email", AccountRecoverySetting={"RecoveryMechanisms": [
        {"Priority": 2, "Name": "verified_phone_number"}, {"Priority": 1, "Name": "verified_email"}]})["UserPool"]["Id"]
    hiding = cognito.create_user_pool_client(UserPoolId=by_email, ClientName="hiding",
                                             PreventUserExistenceErrors="ENABLED")["UserPoolClient"]["ClientId"]
    assert cognito.forgot_password(ClientId=hiding, Username="nobody")["CodeDeliveryDetails"] == {
        "Destination": "x***@x***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §11.1:
# admin_only recovery gives the same error as nowhere to send a code.
def test_recovery_follows_the_account_recovery_setting(emulator, cognito):
    pool = cognito.create_user_pool(
        PoolName="recovery", AutoVerifiedAttributes=["email"], UsernameAttributes=["email"],
        AccountRecoverySetting={"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"},
                                                       {"Priority": 2, "Name": "verified_phone_number"}]},
    )["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="web",
                                             ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH",
                                                                "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="ana@example.com", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "email_verified", "Value": "true"}, {"Name": "phone_number", "Value": "+919878000006"},
        {"Name": "phone_number_verified", "Value": "true"}])
    cognito.admin_set_user_password(UserPoolId=pool, Username="ana@example.com", Password=PASSWORD, Permanent=True)
    sent = cognito.forgot_password(ClientId=client, Username="ana@example.com")["CodeDeliveryDetails"]
    assert sent == {"Destination": "a***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    inbox = requests.get(f"{emulator.url}/_emulator/email", params={"email": "ana@example.com"}, timeout=5).json()
    assert inbox["messages"][-1]["origin"] == "ForgotPassword"
    cognito.update_user_pool(UserPoolId=pool, AutoVerifiedAttributes=["email"], AccountRecoverySetting={
        "RecoveryMechanisms": [{"Priority": 1, "Name": "admin_only"}]})
    assert error_of(cognito.forgot_password, ClientId=client,
                    Username="ana@example.com")["Code"] == "InvalidParameterException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §11.4:
# PreviousPassword left out is InvalidParameterException, and tokens already issued stay valid.
def test_change_password(emulator, cognito):
    phone = "+919878000007"
    confirmed_user(emulator, cognito, phone)
    token = password_sign_in(cognito, phone, PASSWORD)["AuthenticationResult"]["AccessToken"]
    wrong = error_of(cognito.change_password, AccessToken=token, PreviousPassword="Wrong-Passw0rd!",
                     ProposedPassword=NEW_PASSWORD)
    assert (wrong["Code"], wrong["Message"]) == ("NotAuthorizedException", "Incorrect username or password.")
    missing = error_of(cognito.change_password, AccessToken=token, ProposedPassword=NEW_PASSWORD)
    assert (missing["Code"], missing["Message"]) == ("InvalidParameterException",
                                                     "Missing required parameter PreviousPassword")
    assert error_of(cognito.change_password, AccessToken=token, PreviousPassword=PASSWORD,
                    ProposedPassword="weak")["Code"] == "InvalidPasswordException"
    cognito.change_password(AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword=NEW_PASSWORD)
    assert "AuthenticationResult" in password_sign_in(cognito, phone, NEW_PASSWORD)
    assert cognito.get_user(AccessToken=token)["Username"]  # the session that changed it goes on
    assert error_of(cognito.change_password, AccessToken="not-a-token", PreviousPassword=NEW_PASSWORD,
                    ProposedPassword=PASSWORD)["Code"] == "NotAuthorizedException"


def test_change_password_allows_five_tries_an_hour(emulator, cognito):
    phone = "+919878000008"
    confirmed_user(emulator, cognito, phone)
    token = password_sign_in(cognito, phone, PASSWORD)["AuthenticationResult"]["AccessToken"]
    for _ in range(5):
        error_of(cognito.change_password, AccessToken=token, PreviousPassword="Wrong-Passw0rd!",
                 ProposedPassword=NEW_PASSWORD)
    limited = error_of(cognito.change_password, AccessToken=token, PreviousPassword=PASSWORD,
                       ProposedPassword=NEW_PASSWORD)
    assert limited["Code"] == "LimitExceededException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §11.6:
# the message of PasswordHistoryPolicyViolationException.
def test_password_history(emulator, cognito):
    cognito.update_user_pool(UserPoolId=POOL, AutoVerifiedAttributes=["phone_number"],
                             LambdaConfig=cognito.describe_user_pool(UserPoolId=POOL)["UserPool"]["LambdaConfig"],
                             Policies={"PasswordPolicy": {"MinimumLength": 8, "PasswordHistorySize": 2}})
    phone = "+919878000009"
    confirmed_user(emulator, cognito, phone)
    token = password_sign_in(cognito, phone, PASSWORD)["AuthenticationResult"]["AccessToken"]
    same = error_of(cognito.change_password, AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword=PASSWORD)
    assert (same["Code"], same["Message"]) == ("PasswordHistoryPolicyViolationException",
                                               "Password has previously been used.")
    cognito.change_password(AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword=NEW_PASSWORD)
    assert error_of(cognito.change_password, AccessToken=token, PreviousPassword=NEW_PASSWORD,
                    ProposedPassword=PASSWORD)["Code"] == "PasswordHistoryPolicyViolationException"
    cognito.change_password(AccessToken=token, PreviousPassword=NEW_PASSWORD, ProposedPassword="Third-Passw0rd!")
    # Two remembered (the current one and the one before): the first is allowed again.
    cognito.change_password(AccessToken=token, PreviousPassword="Third-Passw0rd!", ProposedPassword=PASSWORD)


@pytest.mark.parametrize("permanent", [True, False])
def test_admin_set_user_password(emulator, cognito, permanent):
    phone = "+919878000010" if permanent else "+919878000011"
    cognito.sign_up(ClientId=CLIENT, Username=phone, Password=PASSWORD)  # unconfirmed
    cognito.admin_set_user_password(UserPoolId=POOL, Username=phone, Password=NEW_PASSWORD, Permanent=permanent)
    status = cognito.admin_get_user(UserPoolId=POOL, Username=phone)["UserStatus"]
    signed_in = password_sign_in(cognito, phone, NEW_PASSWORD)
    if permanent:
        assert status == "CONFIRMED" and "AuthenticationResult" in signed_in
    else:
        assert status == "FORCE_CHANGE_PASSWORD" and signed_in["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert error_of(cognito.admin_set_user_password, UserPoolId=POOL, Username=phone,
                    Password="weak", Permanent=True)["Code"] == "InvalidPasswordException"
    assert error_of(cognito.admin_set_user_password, UserPoolId=POOL, Username="+919878000997",
                    Password=NEW_PASSWORD)["Code"] == "UserNotFoundException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §11.5:
# AdminResetUserPassword's code goes through CustomMessage_ForgotPassword.
def test_admin_reset_then_sign_in_asks_for_a_reset(emulator, cognito):
    phone = "+919878000012"
    confirmed_user(emulator, cognito, phone)
    seen = record_triggers(emulator, cognito, "CustomMessage")
    cognito.admin_reset_user_password(UserPoolId=POOL, Username=phone, ClientMetadata={"by": "admin"})
    assert [(event["triggerSource"], event["request"].get("clientMetadata")) for event in seen] == [
        ("CustomMessage_ForgotPassword", {"by": "admin"})]
    assert cognito.admin_get_user(UserPoolId=POOL, Username=phone)["UserStatus"] == "RESET_REQUIRED"
    message = messages(emulator, phone)[-1]
    assert message["origin"] == "AdminResetUserPassword"
    for flow in ("USER_PASSWORD_AUTH", "CUSTOM_AUTH"):
        reset = error_of(cognito.initiate_auth, ClientId=CLIENT, AuthFlow=flow,
                         AuthParameters={"USERNAME": phone, "PASSWORD": PASSWORD})
        assert (reset["Code"], reset["Message"]) == ("PasswordResetRequiredException",
                                                     "Password reset required for the user")
    cognito.confirm_forgot_password(ClientId=CLIENT, Username=phone, ConfirmationCode=message["code"],
                                    Password=NEW_PASSWORD)
    assert cognito.admin_get_user(UserPoolId=POOL, Username=phone)["UserStatus"] == "CONFIRMED"
    assert "AuthenticationResult" in password_sign_in(cognito, phone, NEW_PASSWORD)


def test_a_reset_user_cannot_change_the_password_with_an_old_token(emulator, cognito):
    phone = "+919878000013"
    confirmed_user(emulator, cognito, phone)
    token = password_sign_in(cognito, phone, PASSWORD)["AuthenticationResult"]["AccessToken"]
    cognito.admin_reset_user_password(UserPoolId=POOL, Username=phone)
    refused = error_of(cognito.change_password, AccessToken=token, PreviousPassword=PASSWORD,
                       ProposedPassword=NEW_PASSWORD)
    assert refused["Code"] == "PasswordResetRequiredException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §11.5:
# AdminResetUserPassword refuses an UNCONFIRMED user as it does a FORCE_CHANGE_PASSWORD one.
def test_an_unconfirmed_users_password_cannot_be_reset(emulator, cognito):
    cognito.sign_up(ClientId=CLIENT, Username="+919878000014", Password=PASSWORD)
    refused = error_of(cognito.admin_reset_user_password, UserPoolId=POOL, Username="+919878000014")
    assert (refused["Code"], refused["Message"]) == ("NotAuthorizedException",
                                                     "User password cannot be reset in the current state.")
    assert cognito.admin_get_user(UserPoolId=POOL, Username="+919878000014")["UserStatus"] == "UNCONFIRMED"
