"""The signed-in user's profile through boto3: UpdateUserAttributes (codes to the new number or address, values
held until verified), GetUserAttributeVerificationCode, VerifyUserAttribute, deleting attributes, DeleteUser."""

import jwt

from tests.auth_helpers import CLIENT, POOL, confirmed_user, otp_sign_in
from tests.conftest import error_of
from tests.inbox import latest_code, mails, messages


def attributes(cognito, token):
    return {a["Name"]: a["Value"] for a in cognito.get_user(AccessToken=token)["UserAttributes"]}


def hold_until_verified(cognito, *names):
    pool = cognito.describe_user_pool(UserPoolId=POOL)["UserPool"]
    cognito.update_user_pool(UserPoolId=POOL, AutoVerifiedAttributes=["phone_number"],
                             LambdaConfig=pool["LambdaConfig"],
                             UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": list(names)})


def email_code(emulator, address):
    return mails(emulator, address)[-1]["code"]


def test_a_new_phone_number_is_unverified_until_the_code_sent_to_it_comes_back(emulator, cognito):
    old, new = "+919879000001", "+919879000002"
    confirmed_user(emulator, cognito, old)
    token = otp_sign_in(emulator, cognito, old)["AccessToken"]
    answer = cognito.update_user_attributes(AccessToken=token, UserAttributes=[
        {"Name": "phone_number", "Value": new}, {"Name": "given_name", "Value": "Asha"}],
        ClientMetadata={"screen": "profile"})
    assert answer["CodeDeliveryDetailsList"] == [{"Destination": "+********0002", "DeliveryMedium": "SMS",
                                                  "AttributeName": "phone_number"}]
    assert messages(emulator, new)[-1]["origin"] == "UpdateUserAttributes"
    now = attributes(cognito, token)
    assert (now["phone_number"], now["phone_number_verified"], now["given_name"]) == (new, "false", "Asha")
    wrong = error_of(cognito.verify_user_attribute, AccessToken=token, AttributeName="phone_number", Code="x1")
    assert wrong["Code"] == "CodeMismatchException"
    cognito.verify_user_attribute(AccessToken=token, AttributeName="phone_number", Code=latest_code(emulator, new))
    assert attributes(cognito, token)["phone_number_verified"] == "true"
    assert cognito.admin_get_user(UserPoolId=POOL, Username=new)["Username"]  # signs in with the new number now


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §12.1:
# GetUser shows only the value in force, not the one waiting for verification.
def test_a_held_phone_number_waits_for_its_code(emulator, cognito):
    hold_until_verified(cognito, "phone_number")
    old, new = "+919879000003", "+919879000004"
    confirmed_user(emulator, cognito, old)
    token = otp_sign_in(emulator, cognito, old)["AccessToken"]
    cognito.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "phone_number", "Value": new}])
    now = attributes(cognito, token)
    assert (now["phone_number"], now["phone_number_verified"]) == (old, "true")  # the old one still in force
    # A second request replaces the first pending value; a new code can be asked for it.
    newer = "+919879000005"
    cognito.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "phone_number", "Value": newer}])
    sent = cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="phone_number")
    assert sent["CodeDeliveryDetails"]["Destination"].endswith("0005")
    assert messages(emulator, newer)[-1]["origin"] == "GetUserAttributeVerificationCode"
    cognito.verify_user_attribute(AccessToken=token, AttributeName="phone_number",
                                  Code=latest_code(emulator, newer))
    now = attributes(cognito, token)
    assert (now["phone_number"], now["phone_number_verified"]) == (newer, "true")
    assert error_of(cognito.admin_get_user, UserPoolId=POOL, Username=old)["Code"] == "UserNotFoundException"


def test_a_taken_number_is_refused(emulator, cognito):
    confirmed_user(emulator, cognito, "+919879000006")
    confirmed_user(emulator, cognito, "+919879000007")
    token = otp_sign_in(emulator, cognito, "+919879000006")["AccessToken"]
    taken = error_of(cognito.update_user_attributes, AccessToken=token,
                     UserAttributes=[{"Name": "phone_number", "Value": "+919879000007"}])
    assert (taken["Code"], taken["Message"]) == ("AliasExistsException",
                                                 "An account with the given phone_number already exists.")


def test_verification_triggers_and_email_codes(emulator, cognito):
    seen = []

    def custom_message(event, context):
        seen.append((event["triggerSource"], event["request"].get("clientMetadata")))
        return event

    emulator.services.functions.register("custom-message", custom_message)
    pool = cognito.describe_user_pool(UserPoolId=POOL)["UserPool"]
    cognito.update_user_pool(UserPoolId=POOL, AutoVerifiedAttributes=["phone_number", "email"], LambdaConfig={
        **pool["LambdaConfig"], "CustomMessage": "arn:aws:lambda:us-east-1:123456789012:function:custom-message"})
    phone = "+919879000008"
    confirmed_user(emulator, cognito, phone)
    seen.clear()
    token = otp_sign_in(emulator, cognito, phone)["AccessToken"]
    listed = cognito.update_user_attributes(AccessToken=token, UserAttributes=[
        {"Name": "email", "Value": "asha@example.com"}], ClientMetadata={"from": "update"})["CodeDeliveryDetailsList"]
    assert listed[0]["DeliveryMedium"] == "EMAIL"
    cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email",
                                                 ClientMetadata={"from": "resend"})
    cognito.verify_user_attribute(AccessToken=token, AttributeName="email",
                                  Code=email_code(emulator, "asha@example.com"))
    assert attributes(cognito, token)["email_verified"] == "true"
    assert seen == [("CustomMessage_UpdateUserAttribute", {"from": "update"}),
                    ("CustomMessage_VerifyUserAttribute", {"from": "resend"})]


def test_write_attributes_and_immutable_attributes_are_enforced(emulator, cognito):
    client = cognito.create_user_pool_client(UserPoolId=POOL, ClientName="limited", WriteAttributes=["given_name"],
                                             ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    client_id = client["UserPoolClient"]["ClientId"]
    phone = "+919879000009"
    confirmed_user(emulator, cognito, phone)
    token = otp_sign_in(emulator, cognito, phone, client=client_id)["AccessToken"]
    cognito.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "given_name", "Value": "Ravi"}])
    refused = error_of(cognito.update_user_attributes, AccessToken=token,
                       UserAttributes=[{"Name": "family_name", "Value": "K"}])
    assert (refused["Code"], refused["Message"]) == ("NotAuthorizedException",
                                                     "A client attempted to write unauthorized attribute")
    assert error_of(cognito.delete_user_attributes, AccessToken=token,
                    UserAttributeNames=["family_name"])["Code"] == "NotAuthorizedException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §12.4:
# deleting sub (or a required attribute) is InvalidParameterException.
def test_deleting_attributes(emulator, cognito):
    phone = "+919879000010"
    confirmed_user(emulator, cognito, phone)
    cognito.admin_update_user_attributes(UserPoolId=POOL, Username=phone, UserAttributes=[
        {"Name": "given_name", "Value": "Meera"}, {"Name": "family_name", "Value": "Iyer"},
        {"Name": "nickname", "Value": "M"}])
    tokens = otp_sign_in(emulator, cognito, phone)
    cognito.delete_user_attributes(AccessToken=tokens["AccessToken"], UserAttributeNames=["given_name"])
    cognito.admin_delete_user_attributes(UserPoolId=POOL, Username=phone, UserAttributeNames=["family_name"])
    cognito.update_user_attributes(AccessToken=tokens["AccessToken"], UserAttributes=[{"Name": "nickname", "Value": ""}])
    left = attributes(cognito, tokens["AccessToken"])
    assert not {"given_name", "family_name", "nickname"} & set(left)
    assert jwt.decode(tokens["IdToken"], options={"verify_signature": False})["given_name"] == "Meera"  # issued before
    assert "given_name" not in jwt.decode(otp_sign_in(emulator, cognito, phone)["IdToken"],
                                          options={"verify_signature": False})
    assert error_of(cognito.delete_user_attributes, AccessToken=tokens["AccessToken"],
                    UserAttributeNames=["sub"])["Code"] == "InvalidParameterException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §12.4:
# DeleteUser revokes the user's tokens.
def test_delete_user(emulator, cognito):
    phone = "+919879000011"
    confirmed_user(emulator, cognito, phone)
    tokens = otp_sign_in(emulator, cognito, phone)
    cognito.delete_user(AccessToken=tokens["AccessToken"])
    assert error_of(cognito.admin_get_user, UserPoolId=POOL, Username=phone)["Code"] == "UserNotFoundException"
    assert error_of(cognito.get_user, AccessToken=tokens["AccessToken"])["Code"] == "NotAuthorizedException"
    refreshed = error_of(cognito.initiate_auth, ClientId=CLIENT, AuthFlow="REFRESH_TOKEN_AUTH",
                         AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
    assert refreshed["Code"] == "NotAuthorizedException"
    # The number can sign up afresh.
    confirmed_user(emulator, cognito, phone)


def test_read_attributes_limit_what_the_client_sees(emulator, cognito):
    client_id = cognito.create_user_pool_client(
        UserPoolId=POOL, ClientName="narrow", ReadAttributes=["phone_number", "given_name"],
        ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    phone = "+919879000012"
    confirmed_user(emulator, cognito, phone)
    cognito.admin_update_user_attributes(UserPoolId=POOL, Username=phone, UserAttributes=[
        {"Name": "given_name", "Value": "Kavya"}, {"Name": "family_name", "Value": "Rao"}])
    tokens = otp_sign_in(emulator, cognito, phone, client=client_id)
    assert set(attributes(cognito, tokens["AccessToken"])) == {"sub", "phone_number", "given_name"}
    claims = jwt.decode(tokens["IdToken"], options={"verify_signature": False})
    assert claims["given_name"] == "Kavya" and "family_name" not in claims and "phone_number_verified" not in claims
    everything = otp_sign_in(emulator, cognito, phone)  # the seeded client has no ReadAttributes: all of them
    assert attributes(cognito, everything["AccessToken"])["family_name"] == "Rao"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §11.3:
# a check when no code was sent for the value is ExpiredCodeException, not CodeMismatch.
def test_a_code_verifies_only_the_value_it_was_sent_to(emulator, cognito):
    # Email is not auto-verified here: changing it sends no code, and the code sent to the old address must not
    # verify the new one.
    phone = "+919879000013"
    confirmed_user(emulator, cognito, phone)
    token = otp_sign_in(emulator, cognito, phone)["AccessToken"]
    cognito.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "email", "Value": "mine@example.com"}])
    cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    code = email_code(emulator, "mine@example.com")
    cognito.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "email", "Value": "victim@example.com"}])
    refused = error_of(cognito.verify_user_attribute, AccessToken=token, AttributeName="email", Code=code)
    assert refused["Code"] == "ExpiredCodeException"
    assert attributes(cognito, token)["email_verified"] == "false"


def test_an_administrators_change_replaces_a_waiting_value(emulator, cognito):
    hold_until_verified(cognito, "phone_number")
    old, asked, set_by_admin = "+919879000014", "+919879000015", "+919879000016"
    confirmed_user(emulator, cognito, old)
    token = otp_sign_in(emulator, cognito, old)["AccessToken"]
    cognito.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "phone_number", "Value": asked}])
    cognito.admin_update_user_attributes(UserPoolId=POOL, Username=old, UserAttributes=[
        {"Name": "phone_number", "Value": set_by_admin}])
    cognito.verify_user_attribute(AccessToken=token, AttributeName="phone_number",
                                  Code=latest_code(emulator, set_by_admin))
    now = attributes(cognito, token)
    assert (now["phone_number"], now["phone_number_verified"]) == (set_by_admin, "true")  # not the waiting one


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §12.4:
# clearing sub is refused with InvalidParameterException.
def test_clearing_by_empty_value_follows_the_same_rules(emulator, cognito):
    phone = "+919879000017"
    confirmed_user(emulator, cognito, phone)
    token = otp_sign_in(emulator, cognito, phone)["AccessToken"]
    unknown = error_of(cognito.update_user_attributes, AccessToken=token,
                       UserAttributes=[{"Name": "custom:nope", "Value": ""}])
    assert unknown["Code"] == "NotAuthorizedException"
    assert error_of(cognito.update_user_attributes, AccessToken=token,
                    UserAttributes=[{"Name": "sub", "Value": ""}])["Code"] == "InvalidParameterException"
    assert error_of(cognito.delete_user_attributes, AccessToken=token,
                    UserAttributeNames=["custom:nope"])["Code"] == "NotAuthorizedException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §12.1:
# SignUp checks the client's WriteAttributes, with UpdateUserAttributes' error.
def test_sign_up_honours_write_attributes(emulator, cognito):
    client_id = cognito.create_user_pool_client(UserPoolId=POOL, ClientName="signup-limited",
                                                WriteAttributes=["given_name"])["UserPoolClient"]["ClientId"]
    refused = error_of(cognito.sign_up, ClientId=client_id, Username="+919879000018", Password="Generated-Passw0rd!",
                       UserAttributes=[{"Name": "family_name", "Value": "Eve"}])
    assert (refused["Code"], refused["Message"]) == ("NotAuthorizedException",
                                                     "A client attempted to write unauthorized attribute")
    cognito.sign_up(ClientId=client_id, Username="+919879000018", Password="Generated-Passw0rd!",
                    UserAttributes=[{"Name": "given_name", "Value": "Ok"}])


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §12.3:
# the wording for an attribute that cannot be verified or that the user lacks.
def test_a_code_only_for_a_phone_number_or_email_the_user_has(emulator, cognito):
    phone = "+919879000030"
    confirmed_user(emulator, cognito, phone)
    token = otp_sign_in(emulator, cognito, phone)["AccessToken"]
    for attribute in ("email", "name"):
        refused = error_of(cognito.get_user_attribute_verification_code, AccessToken=token, AttributeName=attribute)
        assert (refused["Code"], refused["Message"]) == (
            "InvalidParameterException", f"Invalid attribute name or the user has no {attribute}.")
    sent = cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="phone_number")
    assert sent["CodeDeliveryDetails"]["AttributeName"] == "phone_number"
