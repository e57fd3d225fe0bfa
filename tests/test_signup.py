"""Sign-up and confirmation through boto3, with codes read from the SMS inbox."""

import base64
import hashlib
import hmac
import os
import re

import pytest

from emulator.embedded import EmbeddedEmulator
from emulator.settings import Settings
from tests.conftest import error_of
from tests.inbox import latest_code, messages

POOL = "us-east-1_otpDemo01"
CLIENT = "otpdemowebclient0000000001"
PASSWORD = "Generated-Passw0rd!"


def sign_up(cognito, phone, password=PASSWORD, client=CLIENT, **extra):
    return cognito.sign_up(ClientId=client, Username=phone, Password=password, **extra)


def attributes_of(cognito, username, pool=POOL):
    user = cognito.admin_get_user(UserPoolId=pool, Username=username)
    return user, {a["Name"]: a["Value"] for a in user["UserAttributes"]}


def test_sign_up_code_by_sms_then_confirm(emulator, cognito):
    phone = "+919876543210"
    response = sign_up(cognito, phone)
    assert response["UserConfirmed"] is False
    assert re.fullmatch(r"[0-9a-f-]{36}", response["UserSub"])
    assert response["CodeDeliveryDetails"] == {"Destination": "+********3210", "DeliveryMedium": "SMS",
                                               "AttributeName": "phone_number"}
    [sms] = messages(emulator, phone)
    assert re.fullmatch(r"\d{6}", sms["code"])
    assert sms["message"] == f"Your verification code is {sms['code']}. "
    assert (sms["pool_id"], sms["origin"]) == (POOL, "SignUp")

    user, attributes = attributes_of(cognito, phone)
    assert user["UserStatus"] == "UNCONFIRMED"
    assert user["Username"] == response["UserSub"] == attributes["sub"]  # phone as username: a generated one
    assert attributes["phone_number"] == phone
    assert attributes["phone_number_verified"] == "false"

    cognito.confirm_sign_up(ClientId=CLIENT, Username=phone, ConfirmationCode=sms["code"])
    user, attributes = attributes_of(cognito, phone)
    assert user["UserStatus"] == "CONFIRMED"
    assert attributes["phone_number_verified"] == "true"
    # The internal username works wherever the phone number does.
    assert cognito.admin_get_user(UserPoolId=POOL, Username=user["Username"])["UserStatus"] == "CONFIRMED"


def test_limbo_second_sign_up_is_refused_and_keeps_the_first(emulator, cognito):
    phone = "+919800000001"
    first = sign_up(cognito, phone)
    error = error_of(sign_up, cognito, phone, password="Another-Passw0rd!")
    assert error == {"Code": "UsernameExistsException", "Status": 400,
                     "Message": "An account with the given phone_number already exists."}
    user, attributes = attributes_of(cognito, phone)
    assert (user["UserStatus"], attributes["sub"]) == ("UNCONFIRMED", first["UserSub"])
    assert len(messages(emulator, phone)) == 1
    # Deleting the unconfirmed user lets the number sign up afresh.
    cognito.admin_delete_user(UserPoolId=POOL, Username=phone)
    assert sign_up(cognito, phone)["UserSub"] != first["UserSub"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §3.1:
# the 15-digit and no-leading-zero limits.
@pytest.mark.parametrize("username, message", [
    ("9876543210", "Username should be a phone number."),
    ("+91-98765-43210", "Invalid phone number format."),
    ("+0123456", "Invalid phone number format."),
    ("+1234567890123456", "Invalid phone number format."),
])
def test_username_must_be_an_e164_phone_number(cognito, username, message):
    assert error_of(sign_up, cognito, username) == {"Code": "InvalidParameterException", "Status": 400,
                                                    "Message": message}


@pytest.mark.parametrize("password, rule", [
    ("Sh0rt!", "Password not long enough"),
    ("lowercase-only-1", "Password must have uppercase characters"),
    ("UPPERCASE-ONLY-1", "Password must have lowercase characters"),
    ("No-Numbers-Here", "Password must have numeric characters"),
    ("NoSymbols123", "Password must have symbol characters"),
])
def test_password_policy(cognito, password, rule):
    error = error_of(sign_up, cognito, "+919800000002", password=password)
    assert error == {"Code": "InvalidPasswordException", "Status": 400,
                     "Message": f"Password did not conform with policy: {rule}"}


def test_pool_password_policy_is_used(cognito):
    pool = cognito.create_user_pool(PoolName="lenient", UsernameAttributes=["phone_number"],
                                    Policies={"PasswordPolicy": {"MinimumLength": 6}})["UserPool"]
    client = cognito.create_user_pool_client(UserPoolId=pool["Id"], ClientName="c")["UserPoolClient"]["ClientId"]
    assert sign_up(cognito, "+919800000003", password="simple", client=client)["UserConfirmed"] is False


def test_wrong_and_expired_codes(emulator, cognito):
    phone = "+919800000004"
    sign_up(cognito, phone)
    code = latest_code(emulator, phone)
    wrong = "000000" if code != "000000" else "111111"
    assert error_of(cognito.confirm_sign_up, ClientId=CLIENT, Username=phone, ConfirmationCode=wrong) == {
        "Code": "CodeMismatchException", "Status": 400, "Message": "Invalid verification code provided, please try again."}
    emulator.services.clock.advance(24 * 3600 + 1)
    assert error_of(cognito.confirm_sign_up, ClientId=CLIENT, Username=phone, ConfirmationCode=code) == {
        "Code": "ExpiredCodeException", "Status": 400, "Message": "Invalid code provided, please request a code again."}


def test_code_still_valid_just_before_24_hours(emulator, cognito):
    phone = "+919800000005"
    sign_up(cognito, phone)
    emulator.services.clock.advance(24 * 3600 - 60)
    cognito.confirm_sign_up(ClientId=CLIENT, Username=phone, ConfirmationCode=latest_code(emulator, phone))


def test_confirming_twice(emulator, cognito):
    phone = "+919800000006"
    sign_up(cognito, phone)
    code = latest_code(emulator, phone)
    cognito.confirm_sign_up(ClientId=CLIENT, Username=phone, ConfirmationCode=code)
    assert error_of(cognito.confirm_sign_up, ClientId=CLIENT, Username=phone, ConfirmationCode=code) == {
        "Code": "NotAuthorizedException", "Status": 400, "Message": "User cannot be confirmed. Current status is CONFIRMED"}


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §4.3:
# a resent code supersedes the older one.
def test_resend_supersedes_the_old_code(emulator, cognito):
    phone = "+919800000007"
    sign_up(cognito, phone)
    old = latest_code(emulator, phone)
    details = cognito.resend_confirmation_code(ClientId=CLIENT, Username=phone)["CodeDeliveryDetails"]
    assert details == {"Destination": "+********0007", "DeliveryMedium": "SMS", "AttributeName": "phone_number"}
    sent = messages(emulator, phone)
    assert [m["origin"] for m in sent] == ["SignUp", "ResendConfirmationCode"]
    new = sent[-1]["code"]
    while new == old:  # one chance in a million that the codes coincide: resend again rather than skip the check
        cognito.resend_confirmation_code(ClientId=CLIENT, Username=phone)
        new = latest_code(emulator, phone)
    assert error_of(cognito.confirm_sign_up, ClientId=CLIENT, Username=phone, ConfirmationCode=old)["Code"] == "ExpiredCodeException"
    cognito.confirm_sign_up(ClientId=CLIENT, Username=phone, ConfirmationCode=new)
    assert error_of(cognito.resend_confirmation_code, ClientId=CLIENT, Username=phone) == {
        "Code": "InvalidParameterException", "Status": 400, "Message": "User is already confirmed."}


def test_resend_is_limited_to_five_an_hour(emulator, cognito):
    phone = "+919800000008"
    sign_up(cognito, phone)
    for _ in range(5):
        cognito.resend_confirmation_code(ClientId=CLIENT, Username=phone)
    assert error_of(cognito.resend_confirmation_code, ClientId=CLIENT, Username=phone) == {
        "Code": "LimitExceededException", "Status": 400, "Message": "Attempt limit exceeded, please try after some time."}
    emulator.services.clock.advance(3601)
    cognito.resend_confirmation_code(ClientId=CLIENT, Username=phone)


def test_confirm_is_limited_to_fifteen_an_hour(emulator, cognito):
    phone = "+919800000009"
    sign_up(cognito, phone)
    code = latest_code(emulator, phone)
    wrong = "999999" if code != "999999" else "888888"
    for _ in range(15):
        assert error_of(cognito.confirm_sign_up, ClientId=CLIENT, Username=phone, ConfirmationCode=wrong)["Code"] == "CodeMismatchException"
    assert error_of(cognito.confirm_sign_up, ClientId=CLIENT, Username=phone, ConfirmationCode=code)["Code"] == "LimitExceededException"


def test_unknown_user_and_unknown_client(cognito):
    for call in (cognito.resend_confirmation_code,):
        assert error_of(call, ClientId=CLIENT, Username="+919800000010") == {
            "Code": "UserNotFoundException", "Status": 400, "Message": "Username/client id combination not found."}
    assert error_of(cognito.confirm_sign_up, ClientId=CLIENT, Username="+919800000010", ConfirmationCode="123456")["Code"] == "UserNotFoundException"
    assert error_of(sign_up, cognito, "+919800000010", client="nosuchclient")["Code"] == "ResourceNotFoundException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §4.7:
# ConfirmSignUp's CodeMismatchException for an unknown user.
def test_prevent_user_existence_errors_hides_unknown_users(cognito):
    client = cognito.create_user_pool_client(UserPoolId=POOL, ClientName="hiding", PreventUserExistenceErrors="ENABLED",
                                             ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    client_id = client["UserPoolClient"]["ClientId"]
    details = cognito.resend_confirmation_code(ClientId=client_id, Username="+919800000011")["CodeDeliveryDetails"]
    assert details == {"Destination": "+********0011", "DeliveryMedium": "SMS", "AttributeName": "phone_number"}
    assert error_of(cognito.confirm_sign_up, ClientId=client_id, Username="+919800000011",
                    ConfirmationCode="123456")["Code"] == "CodeMismatchException"


def secret_hash(secret, username, client_id):
    return base64.b64encode(hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()).decode()


def test_client_with_secret_needs_the_secret_hash(cognito):
    client = cognito.create_user_pool_client(UserPoolId=POOL, ClientName="server", GenerateSecret=True)["UserPoolClient"]
    client_id, secret, phone = client["ClientId"], client["ClientSecret"], "+919800000012"
    assert error_of(sign_up, cognito, phone, client=client_id) == {
        "Code": "NotAuthorizedException", "Status": 400,
        "Message": f"Client {client_id} is configured for secret but secret was not received"}
    wrong = error_of(sign_up, cognito, phone, client=client_id, SecretHash=secret_hash("nope", phone, client_id))
    assert wrong["Message"] == f"Unable to verify secret hash for client {client_id}"
    assert sign_up(cognito, phone, client=client_id, SecretHash=secret_hash(secret, phone, client_id))["UserSub"]


def test_pool_sms_templates(emulator, cognito):
    for template, expected in (({"SmsVerificationMessage": "Code: {####}"}, "Code: "),
                               ({"VerificationMessageTemplate": {"SmsMessage": "OTP {####} for the demo"},
                                 "SmsVerificationMessage": "ignored {####}"}, "OTP ")):
        pool = cognito.create_user_pool(PoolName="templated", UsernameAttributes=["phone_number"],
                                        AutoVerifiedAttributes=["phone_number"], **template)["UserPool"]
        client = cognito.create_user_pool_client(UserPoolId=pool["Id"], ClientName="c")["UserPoolClient"]["ClientId"]
        phone = "+919800000013" if expected == "Code: " else "+919800000014"
        sign_up(cognito, phone, client=client)
        [sms] = messages(emulator, phone)
        assert sms["message"].startswith(expected + sms["code"])


def test_no_auto_verified_attribute_sends_no_code(emulator, cognito):
    pool = cognito.create_user_pool(PoolName="quiet", UsernameAttributes=["phone_number"])["UserPool"]
    client = cognito.create_user_pool_client(UserPoolId=pool["Id"], ClientName="c")["UserPoolClient"]["ClientId"]
    response = sign_up(cognito, "+919800000015", client=client)
    assert "CodeDeliveryDetails" not in response
    assert messages(emulator, "+919800000015") == []


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §4.5:
# ResendConfirmationCode where no code can be sent.
def test_resend_without_an_auto_verified_attribute(emulator, cognito):
    pool = cognito.create_user_pool(PoolName="quiet", UsernameAttributes=["phone_number"])["UserPool"]
    client = cognito.create_user_pool_client(UserPoolId=pool["Id"], ClientName="c")["UserPoolClient"]["ClientId"]
    sign_up(cognito, "+919800000019", client=client)
    assert error_of(cognito.resend_confirmation_code, ClientId=client, Username="+919800000019") == {
        "Code": "InvalidParameterException", "Status": 400, "Message": "Auto verification not turned on."}
    assert messages(emulator, "+919800000019") == []


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §3.5:
# the wording for setting sub.
def test_sub_cannot_be_given(cognito):
    sub = [{"Name": "sub", "Value": "8f6a3c1e-0000-4000-8000-000000000000"}]
    immutable = {"Code": "InvalidParameterException", "Status": 400,
                 "Message": "Attributes did not conform to the schema: sub: Attribute cannot be updated. "
                            "(changing an immutable attribute)"}
    assert error_of(sign_up, cognito, "+919800000020", UserAttributes=sub) == immutable
    assert error_of(cognito.admin_create_user, UserPoolId=POOL, Username="+919800000020", UserAttributes=sub,
                    MessageAction="SUPPRESS") == immutable


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §3.5:
# verified flags a user sends to SignUp are dropped.
def test_sign_up_drops_the_verified_flags_a_user_sends(cognito):
    pool = cognito.create_user_pool(PoolName="flags", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="c")["UserPoolClient"]["ClientId"]
    cognito.sign_up(ClientId=client, Username="cara", Password=PASSWORD, UserAttributes=[
        {"Name": "email", "Value": "cara@example.com"}, {"Name": "email_verified", "Value": "true"},
        {"Name": "phone_number", "Value": "+919800000021"}, {"Name": "phone_number_verified", "Value": "true"}])
    _, attributes = attributes_of(cognito, "cara", pool=pool)
    assert (attributes["email_verified"], attributes["phone_number_verified"]) == ("false", "false")


def test_plain_username_pool(cognito):
    pool = cognito.create_user_pool(PoolName="names")["UserPool"]
    client = cognito.create_user_pool_client(UserPoolId=pool["Id"], ClientName="c")["UserPoolClient"]["ClientId"]
    cognito.sign_up(ClientId=client, Username="alice", Password=PASSWORD,
                    UserAttributes=[{"Name": "phone_number", "Value": "+919800000016"}])
    assert cognito.admin_get_user(UserPoolId=pool["Id"], Username="alice")["Username"] == "alice"
    assert error_of(cognito.sign_up, ClientId=client, Username="alice", Password=PASSWORD) == {
        "Code": "UsernameExistsException", "Status": 400, "Message": "User already exists"}
    assert error_of(cognito.sign_up, ClientId=client, Username="bob", Password=PASSWORD,
                    UserAttributes=[{"Name": "custom:nope", "Value": "x"}])["Code"] == "InvalidParameterException"


def test_passwords_are_not_stored_in_plaintext(tmp_path):
    with EmbeddedEmulator(Settings(data=str(tmp_path), port=0)) as running:
        running.client().sign_up(ClientId=CLIENT, Username="+919800000017", Password="Unmistakable-Passw0rd!")
    for name in os.listdir(tmp_path):
        with open(tmp_path / name, "rb") as handle:
            assert b"Unmistakable-Passw0rd!" not in handle.read()


def test_alias_pool_confirming_a_taken_phone(emulator, cognito):
    pool = cognito.create_user_pool(PoolName="aliases", AliasAttributes=["phone_number"],
                                    AutoVerifiedAttributes=["phone_number"])["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="c")["UserPoolClient"]["ClientId"]
    phone = "+919800000018"
    for name in ("first", "second"):
        cognito.sign_up(ClientId=client, Username=name, Password=PASSWORD,
                        UserAttributes=[{"Name": "phone_number", "Value": phone}])
    codes = [m["code"] for m in messages(emulator, phone)]
    cognito.confirm_sign_up(ClientId=client, Username="first", ConfirmationCode=codes[0])
    # The verified alias signs "first" in.
    assert cognito.admin_get_user(UserPoolId=pool, Username=phone)["Username"] == "first"
    assert error_of(cognito.confirm_sign_up, ClientId=client, Username="second", ConfirmationCode=codes[1]) == {
        "Code": "AliasExistsException", "Status": 400, "Message": "An account with the given phone_number already exists."}
    cognito.confirm_sign_up(ClientId=client, Username="second", ConfirmationCode=codes[1], ForceAliasCreation=True)
    assert cognito.admin_get_user(UserPoolId=pool, Username=phone)["Username"] == "second"
    assert error_of(cognito.sign_up, ClientId=client, Username=phone, Password=PASSWORD)["Message"] == (
        "Username cannot be of phone number format, since user pool is configured for phone_number alias.")


def test_sign_up_is_refused_on_an_admin_only_pool(cognito):
    pool = cognito.create_user_pool(PoolName="invite-only", UsernameAttributes=["phone_number"],
                                    AdminCreateUserConfig={"AllowAdminCreateUserOnly": True})["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="web")["UserPoolClient"]["ClientId"]
    refused = error_of(cognito.sign_up, ClientId=client, Username="+919880000001", Password="Generated-Passw0rd!")
    assert (refused["Code"], refused["Message"]) == ("NotAuthorizedException",
                                                     "SignUp is not permitted for this user pool")
    assert cognito.list_users(UserPoolId=pool)["Users"] == []
    cognito.admin_create_user(UserPoolId=pool, Username="+919880000001", MessageAction="SUPPRESS")  # admins may
