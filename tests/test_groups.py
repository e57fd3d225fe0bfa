"""Groups through boto3: the operations, their errors and paging, and PreTokenGeneration's groupConfiguration and
groupOverrideDetails (a plain sign-in's group claims are tested in test_tokens.py)."""

import jwt
import pytest

from tests.auth_helpers import CLIENT, POOL, confirmed_user, otp_sign_in, wire_pre_token
from tests.conftest import error_of

ROLE = "arn:aws:iam::123456789012:role/{}"


def claims(token):
    return jwt.decode(token, options={"verify_signature": False})


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §13.1:
# the wording of GroupExistsException.
def test_group_lifecycle_and_errors(cognito):
    created = cognito.create_group(GroupName="admins", UserPoolId=POOL, Description="Admins", Precedence=1,
                                   RoleArn=ROLE.format("admin"))["Group"]
    assert {k: created[k] for k in ("GroupName", "UserPoolId", "Description", "Precedence", "RoleArn")} == {
        "GroupName": "admins", "UserPoolId": POOL, "Description": "Admins", "Precedence": 1,
        "RoleArn": ROLE.format("admin")}
    taken = error_of(cognito.create_group, GroupName="admins", UserPoolId=POOL)
    assert (taken["Code"], taken["Message"]) == ("GroupExistsException", "A group with the name admins already exists.")
    updated = cognito.update_group(GroupName="admins", UserPoolId=POOL, Precedence=5)["Group"]
    assert updated["Precedence"] == 5 and updated["Description"] == "Admins"  # fields not given are kept
    assert cognito.get_group(GroupName="admins", UserPoolId=POOL)["Group"]["Precedence"] == 5
    missing = error_of(cognito.get_group, GroupName="nobody", UserPoolId=POOL)
    assert (missing["Code"], missing["Message"]) == ("ResourceNotFoundException", "Group not found.")
    cognito.delete_group(GroupName="admins", UserPoolId=POOL)
    assert error_of(cognito.delete_group, GroupName="admins", UserPoolId=POOL)["Code"] == "ResourceNotFoundException"
    assert error_of(cognito.list_groups, UserPoolId="us-east-1_nothere")["Code"] == "ResourceNotFoundException"


def test_listings_page_with_next_token(cognito):
    for number in range(5):
        cognito.create_group(GroupName=f"group-{number}", UserPoolId=POOL)
    first = cognito.list_groups(UserPoolId=POOL, Limit=2)
    assert [g["GroupName"] for g in first["Groups"]] == ["group-0", "group-1"]
    names = [g["GroupName"] for page in cognito.get_paginator("list_groups").paginate(
        UserPoolId=POOL, PaginationConfig={"PageSize": 2}) for g in page["Groups"]]
    assert names == [f"group-{number}" for number in range(5)]
    assert "NextToken" not in cognito.list_groups(UserPoolId=POOL, Limit=10)


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §13.1:
# deleting a group with members is allowed and drops the memberships.
def test_members_by_phone_number_alias(emulator, cognito):
    phones = ["+919877000001", "+919877000002"]
    for phone in phones:
        confirmed_user(emulator, cognito, phone)
    cognito.create_group(GroupName="staff", UserPoolId=POOL)
    cognito.create_group(GroupName="beta", UserPoolId=POOL)
    for phone in phones:
        cognito.admin_add_user_to_group(UserPoolId=POOL, Username=phone, GroupName="staff")
    cognito.admin_add_user_to_group(UserPoolId=POOL, Username=phones[0], GroupName="staff")  # twice: still once
    cognito.admin_add_user_to_group(UserPoolId=POOL, Username=phones[0], GroupName="beta")
    members = cognito.list_users_in_group(UserPoolId=POOL, GroupName="staff")["Users"]
    assert len(members) == 2
    assert {a["Name"]: a["Value"] for a in members[0]["Attributes"]}["phone_number"] == phones[0]
    groups = cognito.admin_list_groups_for_user(UserPoolId=POOL, Username=phones[0])["Groups"]
    assert [g["GroupName"] for g in groups] == ["staff", "beta"]
    cognito.admin_remove_user_from_group(UserPoolId=POOL, Username=phones[0], GroupName="staff")
    assert len(cognito.list_users_in_group(UserPoolId=POOL, GroupName="staff")["Users"]) == 1
    unknown = error_of(cognito.admin_add_user_to_group, UserPoolId=POOL, Username="+919877000999", GroupName="staff")
    assert (unknown["Code"], unknown["Message"]) == ("UserNotFoundException", "User does not exist.")
    no_group = error_of(cognito.admin_add_user_to_group, UserPoolId=POOL, Username=phones[0], GroupName="nope")
    assert no_group["Code"] == "ResourceNotFoundException"
    # Deleting a group with members drops the memberships; deleting a user drops theirs.
    cognito.delete_group(GroupName="beta", UserPoolId=POOL)
    assert cognito.admin_list_groups_for_user(UserPoolId=POOL, Username=phones[0])["Groups"] == []
    cognito.admin_delete_user(UserPoolId=POOL, Username=phones[1])
    assert cognito.list_users_in_group(UserPoolId=POOL, GroupName="staff")["Users"] == []


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §13.1:
# the wording of the 101st group's LimitExceededException.
def test_a_user_is_in_at_most_a_hundred_groups(emulator, cognito):
    confirmed_user(emulator, cognito, "+919877000003")
    for number in range(101):
        cognito.create_group(GroupName=f"g{number:03d}", UserPoolId=POOL)
    for number in range(100):
        cognito.admin_add_user_to_group(UserPoolId=POOL, Username="+919877000003", GroupName=f"g{number:03d}")
    cognito.admin_add_user_to_group(UserPoolId=POOL, Username="+919877000003", GroupName="g000")  # already in
    limited = error_of(cognito.admin_add_user_to_group, UserPoolId=POOL, Username="+919877000003", GroupName="g100")
    assert (limited["Code"], limited["Message"]) == ("LimitExceededException",
                                                     "A user can be a member of at most 100 groups.")


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §13.2:
# cognito:groups ordered by Precedence, the group claims right after sub.
@pytest.mark.parametrize("override, expected", [
    ({"groupsToOverride": ["from-trigger"], "preferredRole": ROLE.format("x")},
     {"cognito:groups": ["from-trigger"], "cognito:preferred_role": ROLE.format("x")}),
    (None, {}),  # null: no group claims
    ({}, {}),
    ("absent", {"cognito:groups": ["staff"], "cognito:roles": [ROLE.format("staff")],
                "cognito:preferred_role": ROLE.format("staff")}),
])
def test_pre_token_generation_v1_sees_and_overrides_groups(emulator, cognito, override, expected):
    seen = []

    def pre_token(event, context):
        seen.append(event["request"]["groupConfiguration"])
        details = {"claimsToAddOrOverride": {"tenant": "acme"}}
        if override != "absent":
            details["groupOverrideDetails"] = override
        event["response"]["claimsOverrideDetails"] = details
        return event

    wire_pre_token(emulator, cognito, pre_token)
    phone = "+919877000005"
    confirmed_user(emulator, cognito, phone)
    cognito.create_group(GroupName="staff", UserPoolId=POOL, RoleArn=ROLE.format("staff"), Precedence=3)
    cognito.admin_add_user_to_group(UserPoolId=POOL, Username=phone, GroupName="staff")
    tokens = otp_sign_in(emulator, cognito, phone)
    assert seen == [{"groupsToOverride": ["staff"], "iamRolesToOverride": [ROLE.format("staff")],
                     "preferredRole": ROLE.format("staff")}]
    id_claims = claims(tokens["IdToken"])
    assert {k: v for k, v in id_claims.items() if k.startswith("cognito:") and k != "cognito:username"} == expected
    assert id_claims["tenant"] == "acme"
    assert claims(tokens["AccessToken"])["cognito:groups"] == ["staff"]  # V1_0 changes the ID token only


def test_pre_token_generation_v2_group_override_reaches_both_tokens(emulator, cognito):
    def pre_token(event, context):
        event["response"]["claimsAndScopeOverrideDetails"] = {"groupOverrideDetails": {"groupsToOverride": ["vip"]}}
        return event

    wire_pre_token(emulator, cognito, pre_token, version="V2_0")
    phone = "+919877000006"
    confirmed_user(emulator, cognito, phone)
    tokens = otp_sign_in(emulator, cognito, phone)
    assert claims(tokens["IdToken"])["cognito:groups"] == ["vip"]
    assert claims(tokens["AccessToken"])["cognito:groups"] == ["vip"]
