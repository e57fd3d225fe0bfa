"""Admin user operations and ListUsers through boto3."""

import pytest
import requests

from tests.conftest import error_of
from tests.inbox import latest_code, messages
from tests.test_signup import CLIENT, POOL, attributes_of, sign_up


def test_admin_create_user_suppressed(emulator, cognito):
    user = cognito.admin_create_user(UserPoolId=POOL, Username="+919811000001", MessageAction="SUPPRESS",
                                     TemporaryPassword="Temp-Passw0rd!")["User"]
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert user["Enabled"] is True
    attributes = {a["Name"]: a["Value"] for a in user["Attributes"]}
    assert attributes["phone_number"] == "+919811000001"
    assert user["Username"] == attributes["sub"]
    assert messages(emulator, "+919811000001") == []


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §5.2:
# the default invitation text.
def test_admin_create_user_texts_a_temporary_password(emulator, cognito):
    cognito.admin_create_user(UserPoolId=POOL, Username="+919811000002")
    [sms] = messages(emulator, "+919811000002")
    assert sms["origin"] == "AdminCreateUser"
    user, _ = attributes_of(cognito, "+919811000002")
    assert sms["message"] == f"Your username is {user['Username']} and temporary password is {sms['code']}. "
    assert len(sms["code"]) >= 8


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §5.2:
# the default invitation email and its subject.
def test_admin_create_user_emails_a_temporary_password(emulator, cognito):
    pool = cognito.create_user_pool(PoolName="invites", UsernameAttributes=["email"])["UserPool"]["Id"]
    user = cognito.admin_create_user(UserPoolId=pool, Username="ila@example.com",
                                     DesiredDeliveryMediums=["EMAIL"])["User"]
    [mail] = requests.get(f"{emulator.url}/_emulator/email", params={"email": "ila@example.com"},
                          timeout=5).json()["messages"]
    assert mail["subject"] == "Your temporary password"
    assert mail["message"] == f"Your username is {user['Username']} and temporary password is {mail['code']}. "


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §5.2:
# the wording when RESEND finds a user who is not FORCE_CHANGE_PASSWORD.
def test_resend_needs_a_user_waiting_for_a_new_password(emulator, cognito):
    cognito.admin_create_user(UserPoolId=POOL, Username="+919811000011", MessageAction="SUPPRESS")
    resent = cognito.admin_create_user(UserPoolId=POOL, Username="+919811000011", MessageAction="RESEND")["User"]
    assert resent["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert [sms["origin"] for sms in messages(emulator, "+919811000011")] == ["AdminCreateUser"]
    sign_up(cognito, "+919811000012")
    assert error_of(cognito.admin_create_user, UserPoolId=POOL, Username="+919811000012", MessageAction="RESEND") == {
        "Code": "UnsupportedUserStateException", "Status": 400,
        "Message": "Resend not possible. User status is not FORCE_CHANGE_PASSWORD."}
    assert messages(emulator, "+919811000012")[-1]["origin"] == "SignUp"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §5.1:
# the two UsernameExistsException messages.
def test_admin_create_user_errors(cognito):
    cognito.admin_create_user(UserPoolId=POOL, Username="+919811000003", MessageAction="SUPPRESS")
    assert error_of(cognito.admin_create_user, UserPoolId=POOL, Username="+919811000003") == {
        "Code": "UsernameExistsException", "Status": 400, "Message": "User account already exists."}
    assert error_of(cognito.admin_create_user, UserPoolId=POOL, Username="+919811000004",
                    TemporaryPassword="weak") == {
        "Code": "InvalidPasswordException", "Status": 400,
        "Message": "Password does not conform to policy: Password not long enough"}
    assert error_of(cognito.admin_create_user, UserPoolId="us-east-1_nothere00", Username="+919811000004")["Code"] == "ResourceNotFoundException"
    # A phone number another user signs in with, given as an attribute of a user signing in by email.
    both = cognito.create_user_pool(PoolName="both", UsernameAttributes=["email", "phone_number"])["UserPool"]["Id"]
    cognito.admin_create_user(UserPoolId=both, Username="+919811000013", MessageAction="SUPPRESS")
    assert error_of(cognito.admin_create_user, UserPoolId=both, Username="uma@example.com", MessageAction="SUPPRESS",
                    UserAttributes=[{"Name": "phone_number", "Value": "+919811000013"}]) == {
        "Code": "UsernameExistsException", "Status": 400, "Message": "An account with the given phone_number already exists."}


def test_admin_get_and_delete(cognito):
    assert error_of(cognito.admin_get_user, UserPoolId=POOL, Username="+919811000005") == {
        "Code": "UserNotFoundException", "Status": 400, "Message": "User does not exist."}
    sign_up(cognito, "+919811000005")
    user = cognito.admin_get_user(UserPoolId=POOL, Username="+919811000005")
    assert set(user) - {"ResponseMetadata"} == {"Username", "UserAttributes", "UserCreateDate", "UserLastModifiedDate",
                                                "Enabled", "UserStatus"}
    cognito.admin_delete_user(UserPoolId=POOL, Username=user["Username"])
    assert error_of(cognito.admin_get_user, UserPoolId=POOL, Username="+919811000005")["Code"] == "UserNotFoundException"
    assert error_of(cognito.admin_delete_user, UserPoolId=POOL, Username="+919811000005")["Code"] == "UserNotFoundException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §5.5:
# an admin confirmation leaves the attributes unverified.
def test_admin_confirm_sign_up(cognito):
    sign_up(cognito, "+919811000006")
    cognito.admin_confirm_sign_up(UserPoolId=POOL, Username="+919811000006")
    user, attributes = attributes_of(cognito, "+919811000006")
    assert user["UserStatus"] == "CONFIRMED"
    assert attributes["phone_number_verified"] == "false"  # an admin confirmation verifies nothing
    assert error_of(cognito.admin_confirm_sign_up, UserPoolId=POOL, Username="+919811000006") == {
        "Code": "NotAuthorizedException", "Status": 400, "Message": "User cannot be confirmed. Current status is CONFIRMED"}


def test_admin_update_user_attributes(emulator, cognito):
    sign_up(cognito, "+919811000007", UserAttributes=[{"Name": "name", "Value": "Asha"}])
    cognito.admin_update_user_attributes(UserPoolId=POOL, Username="+919811000007",
                                         UserAttributes=[{"Name": "name", "Value": "Asha R"},
                                                         {"Name": "phone_number_verified", "Value": "true"}])
    _, attributes = attributes_of(cognito, "+919811000007")
    assert (attributes["name"], attributes["phone_number_verified"]) == ("Asha R", "true")
    # A new number is unverified again, and the pool auto-verifies phones: a code goes to it.
    cognito.admin_update_user_attributes(UserPoolId=POOL, Username="+919811000007",
                                         UserAttributes=[{"Name": "phone_number", "Value": "+919811000070"}])
    _, attributes = attributes_of(cognito, "+919811000070")
    assert attributes["phone_number_verified"] == "false"
    assert messages(emulator, "+919811000070")[-1]["origin"] == "AdminUpdateUserAttributes"
    sign_up(cognito, "+919811000071")
    assert error_of(cognito.admin_update_user_attributes, UserPoolId=POOL, Username="+919811000071",
                    UserAttributes=[{"Name": "phone_number", "Value": "+919811000070"}]) == {
        "Code": "AliasExistsException", "Status": 400, "Message": "An account with the given phone_number already exists."}
    assert error_of(cognito.admin_update_user_attributes, UserPoolId=POOL, Username="+919811000071",
                    UserAttributes=[{"Name": "phone_number", "Value": "12345"}])["Message"] == "Invalid phone number format."


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §5.7:
# the wording for changing a non-mutable attribute.
def test_admin_update_of_a_non_mutable_attribute(cognito):
    pool = cognito.create_user_pool(PoolName="fixed", Schema=[
        {"Name": "tenant", "AttributeDataType": "String", "Mutable": False}])["UserPool"]["Id"]
    cognito.admin_create_user(UserPoolId=pool, Username="tara", MessageAction="SUPPRESS")
    set_tenant = {"UserPoolId": pool, "Username": "tara"}
    cognito.admin_update_user_attributes(**set_tenant, UserAttributes=[{"Name": "custom:tenant", "Value": "acme"}])
    cognito.admin_update_user_attributes(**set_tenant, UserAttributes=[{"Name": "custom:tenant", "Value": "acme"}])
    assert error_of(cognito.admin_update_user_attributes, **set_tenant,
                    UserAttributes=[{"Name": "custom:tenant", "Value": "globex"}]) == {
        "Code": "InvalidParameterException", "Status": 400, "Message": "Cannot modify the non-mutable attribute custom:tenant"}
    attributes = {a["Name"]: a["Value"] for a in cognito.admin_get_user(**set_tenant)["UserAttributes"]}
    assert attributes["custom:tenant"] == "acme"


def test_disable_and_enable(cognito):
    sign_up(cognito, "+919811000008")
    cognito.admin_disable_user(UserPoolId=POOL, Username="+919811000008")
    assert cognito.admin_get_user(UserPoolId=POOL, Username="+919811000008")["Enabled"] is False
    cognito.admin_enable_user(UserPoolId=POOL, Username="+919811000008")
    assert cognito.admin_get_user(UserPoolId=POOL, Username="+919811000008")["Enabled"] is True


@pytest.fixture
def population(emulator, cognito):
    phones = [f"+91982200000{digit}" for digit in range(5)] + ["+14155550100"]
    for phone in phones:
        sign_up(cognito, phone, UserAttributes=[{"Name": "given_name", "Value": "Ravi" if phone.endswith("1") else "Meera"}])
    cognito.confirm_sign_up(ClientId=CLIENT, Username=phones[0], ConfirmationCode=latest_code(emulator, phones[0]))
    cognito.admin_disable_user(UserPoolId=POOL, Username=phones[2])
    return phones


def listed(cognito, **kwargs):
    users = cognito.list_users(UserPoolId=POOL, **kwargs)["Users"]
    return sorted(next(a["Value"] for a in user["Attributes"] if a["Name"] == "phone_number") for user in users)


def test_list_users_filters(cognito, population):
    assert listed(cognito, Filter='phone_number = "+919822000003"') == ["+919822000003"]
    assert listed(cognito, Filter='phone_number ^= "+91"') == sorted(population[:5])
    assert listed(cognito, Filter='cognito:user_status = "CONFIRMED"') == [population[0]]
    assert len(listed(cognito, Filter='cognito:user_status = "UNCONFIRMED"')) == 5
    assert listed(cognito, Filter='status = "Disabled"') == [population[2]]
    assert listed(cognito, Filter='given_name = "Ravi"') == [population[1]]
    assert listed(cognito, Filter='given_name ^= "Me"') == sorted(set(population) - {population[1]})
    user = cognito.admin_get_user(UserPoolId=POOL, Username=population[4])
    sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
    assert listed(cognito, Filter=f'sub = "{sub}"') == [population[4]]
    assert listed(cognito, Filter=f'username = "{user["Username"]}"') == [population[4]]
    assert listed(cognito, Filter="") == sorted(population)


def test_list_users_pages_and_attributes_to_get(cognito, population):
    seen, token = [], None
    while True:
        page = cognito.list_users(UserPoolId=POOL, Limit=4, **({"PaginationToken": token} if token else {}))
        seen += [user["Username"] for user in page["Users"]]
        token = page.get("PaginationToken")
        if not token:
            break
    assert len(seen) == len(set(seen)) == 6
    only = cognito.list_users(UserPoolId=POOL, AttributesToGet=["phone_number"], Limit=1)["Users"][0]
    assert [a["Name"] for a in only["Attributes"]] == ["phone_number"]
    filtered_page = cognito.list_users(UserPoolId=POOL, Filter='given_name = "Meera"', Limit=2)
    assert len(filtered_page["Users"]) == 2 and filtered_page["PaginationToken"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §5.8:
# the wording for a filter that does not parse and for an attribute that cannot be searched.
@pytest.mark.parametrize("bad, message", [
    ('phone_number = +91', "Error while parsing filter."),
    ('phone_number ~ "x"', "Error while parsing filter."),
    ('custom:tier = "gold"', "Invalid search attribute: custom:tier"),
    ('locale ^= "en"', "Invalid search attribute: locale"),
])
def test_list_users_bad_filter(cognito, bad, message):
    assert error_of(cognito.list_users, UserPoolId=POOL, Filter=bad) == {
        "Code": "InvalidParameterException", "Status": 400, "Message": message}


def test_estimated_number_of_users(cognito, population):
    assert cognito.describe_user_pool(UserPoolId=POOL)["UserPool"]["EstimatedNumberOfUsers"] == len(population)


def test_dashboard_actions_are_validated_like_api_calls(emulator, cognito):
    """The dashboard's buttons go through the same validation as the API: a username longer than the model
    allows is Cognito's validation error, not a lookup."""
    import requests

    too_long = "x" * 129
    expected = error_of(cognito.admin_delete_user, UserPoolId=POOL, Username=too_long)
    answer = requests.post(f"{emulator.url}/users/{POOL}/{too_long}/delete", allow_redirects=False, timeout=10)
    assert answer.status_code == 400
    assert answer.json()["message"] == f"InvalidParameterException: {expected['Message']}"
    assert "validation error detected" in expected["Message"]


def test_list_users_filter_values_are_case_sensitive(emulator, cognito):
    cognito.admin_create_user(UserPoolId=POOL, Username="+919881000001", MessageAction="SUPPRESS")
    def count(text):
        return len(cognito.list_users(UserPoolId=POOL, Filter=text)["Users"])
    assert count('cognito:user_status = "FORCE_CHANGE_PASSWORD"') == 1
    assert count('cognito:user_status = "force_change_password"') == 0
    assert count('status = "Enabled"') == 1
    assert count('status = "enabled"') == 0
    assert count('status = "Disabled"') == 0
    assert count('status ^= "En"') == 1
