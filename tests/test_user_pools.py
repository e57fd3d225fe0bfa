"""User pool operations through boto3 against a running emulator."""

import datetime
import re

from tests.conftest import error_of

PRE_SIGN_UP = "arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §2.1, §2.2, §2.3:
# the pool id's length and the ARN's account, and the defaults of a pool created without settings.
def test_create_user_pool_with_cognito_defaults(cognito):
    pool = cognito.create_user_pool(PoolName="defaults")["UserPool"]
    assert re.fullmatch(r"us-east-1_[0-9A-Za-z]{9}", pool["Id"])
    assert pool["Name"] == "defaults"
    assert pool["Arn"] == f"arn:aws:cognito-idp:us-east-1:123456789012:userpool/{pool['Id']}"
    assert isinstance(pool["CreationDate"], datetime.datetime)
    assert pool["Policies"]["PasswordPolicy"] == {
        "MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True, "RequireNumbers": True,
        "RequireSymbols": True, "TemporaryPasswordValidityDays": 7,
    }
    assert pool["DeletionProtection"] == "INACTIVE"
    assert pool["MfaConfiguration"] == "OFF"
    assert pool["LambdaConfig"] == {}
    assert pool["EstimatedNumberOfUsers"] == 0
    assert pool["VerificationMessageTemplate"] == {"DefaultEmailOption": "CONFIRM_WITH_CODE"}
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is False
    names = [attribute["Name"] for attribute in pool["SchemaAttributes"]]
    assert {"sub", "phone_number", "phone_number_verified", "email", "email_verified"} <= set(names)
    assert "UsernameAttributes" not in pool


def test_pool_ids_are_unique(cognito):
    ids = {cognito.create_user_pool(PoolName="same")["UserPool"]["Id"] for _ in range(5)}
    assert len(ids) == 5


def test_create_phone_username_pool_with_settings(cognito):
    pool = cognito.create_user_pool(
        PoolName="phones",
        UsernameAttributes=["phone_number"],
        AutoVerifiedAttributes=["phone_number"],
        Policies={"PasswordPolicy": {"MinimumLength": 12, "RequireNumbers": True}},
        LambdaConfig={"DefineAuthChallenge": "arn:aws:lambda:us-east-1:123456789012:function:define"},
        VerificationMessageTemplate={"SmsMessage": "Your code is {####}"},
        Schema=[{"Name": "tenant", "AttributeDataType": "String"}, {"Name": "phone_number", "Required": True}],
    )["UserPool"]
    described = cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert described["UsernameAttributes"] == ["phone_number"]
    assert described["AutoVerifiedAttributes"] == ["phone_number"]
    assert described["Policies"]["PasswordPolicy"]["MinimumLength"] == 12
    assert described["Policies"]["PasswordPolicy"]["RequireUppercase"] is False
    assert described["LambdaConfig"]["DefineAuthChallenge"].endswith(":function:define")
    assert described["VerificationMessageTemplate"]["SmsMessage"] == "Your code is {####}"
    schema = {attribute["Name"]: attribute for attribute in described["SchemaAttributes"]}
    assert schema["custom:tenant"]["AttributeDataType"] == "String"
    assert schema["phone_number"]["Required"] is True


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §2.5:
# the wording of the refusal.
def test_username_and_alias_attributes_exclude_each_other(cognito):
    error = error_of(cognito.create_user_pool, PoolName="both", UsernameAttributes=["email"],
                     AliasAttributes=["phone_number"])
    assert error == {"Code": "InvalidParameterException", "Status": 400,
                     "Message": "Only one of AliasAttributes or UsernameAttributes can be set in a User Pool."}


def test_required_custom_attribute_is_refused(cognito):
    error = error_of(cognito.create_user_pool, PoolName="p", Schema=[{"Name": "tenant", "Required": True}])
    assert error == {"Code": "InvalidParameterException", "Status": 400,
                     "Message": "Required custom attributes are not supported currently."}


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §2.4:
# the wording for a custom attribute defined twice.
def test_a_custom_attribute_defined_twice_is_refused(cognito):
    error = error_of(cognito.create_user_pool, PoolName="p", Schema=[
        {"Name": "tenant", "AttributeDataType": "String"}, {"Name": "tenant", "AttributeDataType": "Number"}])
    assert error == {"Code": "InvalidParameterException", "Status": 400,
                     "Message": "Existing attribute already has name custom:tenant."}
    # A developer-only attribute of the same name is another attribute (dev:custom:tenant).
    pool = cognito.create_user_pool(PoolName="p", Schema=[
        {"Name": "tenant", "AttributeDataType": "String"},
        {"Name": "tenant", "AttributeDataType": "String", "DeveloperOnlyAttribute": True}])["UserPool"]
    names = [attribute["Name"] for attribute in pool["SchemaAttributes"]]
    assert {"custom:tenant", "dev:custom:tenant"} <= set(names)


def test_sms_template_must_hold_the_code_placeholder(cognito):
    error = error_of(cognito.create_user_pool, PoolName="p", VerificationMessageTemplate={"SmsMessage": "no code here"})
    assert error["Code"] == "InvalidParameterException"
    assert "verificationMessageTemplate.smsMessage" in error["Message"]


def test_describe_unknown_pool(cognito):
    error = error_of(cognito.describe_user_pool, UserPoolId="us-east-1_nothere00")
    assert error == {"Code": "ResourceNotFoundException", "Status": 400,
                     "Message": "User pool us-east-1_nothere00 does not exist."}


def test_update_resets_what_it_leaves_out_and_keeps_what_cannot_change(cognito, emulator):
    pool = cognito.create_user_pool(PoolName="upd", UsernameAttributes=["phone_number"], MfaConfiguration="OFF",
                                    AutoVerifiedAttributes=["phone_number"], DeletionProtection="ACTIVE")["UserPool"]
    requests_clock = emulator.services.clock
    requests_clock.advance(60)
    assert cognito.update_user_pool(UserPoolId=pool["Id"], LambdaConfig={"PreSignUp": PRE_SIGN_UP},
                                    UserPoolTags={"team": "auth"})["ResponseMetadata"]["HTTPStatusCode"] == 200
    updated = cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert updated["LambdaConfig"] == {"PreSignUp": PRE_SIGN_UP}
    assert updated["UserPoolTags"] == {"team": "auth"}
    assert "AutoVerifiedAttributes" not in updated  # documented: unspecified settings return to their defaults
    assert updated["DeletionProtection"] == "INACTIVE"
    assert updated["UsernameAttributes"] == ["phone_number"]
    assert updated["Name"] == "upd"
    assert updated["CreationDate"] == pool["CreationDate"]
    assert (updated["LastModifiedDate"] - pool["LastModifiedDate"]).total_seconds() >= 60


def test_update_unknown_pool(cognito):
    assert error_of(cognito.update_user_pool, UserPoolId="us-east-1_nothere00")["Code"] == "ResourceNotFoundException"


def test_list_user_pools_paginates(cognito):
    created = [cognito.create_user_pool(PoolName=f"page-{index}")["UserPool"]["Id"] for index in range(5)]
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = cognito.list_user_pools(MaxResults=2, **kwargs)
        pages += 1
        assert len(page["UserPools"]) <= 2
        seen.extend(pool["Id"] for pool in page["UserPools"])
        token = page.get("NextToken")
        if not token:
            break
    assert seen == ["us-east-1_otpDemo01", "us-east-1_otpNative1", *created]
    assert pages == 4
    first = cognito.list_user_pools(MaxResults=60)["UserPools"][2]
    assert set(first) == {"Id", "Name", "LambdaConfig", "LastModifiedDate", "CreationDate"}


def test_list_user_pools_with_boto3_paginator(cognito):
    for index in range(3):
        cognito.create_user_pool(PoolName=f"pg-{index}")
    paginator = cognito.get_paginator("list_user_pools")
    names = [pool["Name"] for page in paginator.paginate(MaxResults=1) for pool in page["UserPools"]]
    assert names == ["otp-demo", "otp-native", "pg-0", "pg-1", "pg-2"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §2.11:
# the wording for a token that is not one of the emulator's, or is another listing's.
def test_bad_next_token(cognito):
    invalid = {"Code": "InvalidParameterException", "Status": 400, "Message": "Invalid pagination token."}
    assert error_of(cognito.list_user_pools, MaxResults=5, NextToken="garbage") == invalid
    pool_id = cognito.create_user_pool(PoolName="two-users")["UserPool"]["Id"]
    for name in ("ana", "ben"):
        cognito.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
    users_token = cognito.list_users(UserPoolId=pool_id, Limit=1)["PaginationToken"]  # a real token, of ListUsers
    assert error_of(cognito.list_user_pools, MaxResults=5, NextToken=users_token) == invalid


def test_delete_user_pool(cognito):
    pool_id = cognito.create_user_pool(PoolName="gone")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="c")["UserPoolClient"]["ClientId"]
    cognito.delete_user_pool(UserPoolId=pool_id)
    assert error_of(cognito.describe_user_pool, UserPoolId=pool_id)["Code"] == "ResourceNotFoundException"
    assert error_of(cognito.describe_user_pool_client, UserPoolId=pool_id, ClientId=client_id)["Code"] == "ResourceNotFoundException"
    assert error_of(cognito.delete_user_pool, UserPoolId=pool_id)["Code"] == "ResourceNotFoundException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §2.7:
# the wording of the refusal.
def test_deletion_protection(cognito):
    pool_id = cognito.create_user_pool(PoolName="kept", DeletionProtection="ACTIVE")["UserPool"]["Id"]
    error = error_of(cognito.delete_user_pool, UserPoolId=pool_id)
    assert error == {"Code": "InvalidParameterException", "Status": 400,
                     "Message": "The user pool cannot be deleted because deletion protection is activated."}
    assert cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Name"] == "kept"
    cognito.update_user_pool(UserPoolId=pool_id, DeletionProtection="INACTIVE")
    cognito.delete_user_pool(UserPoolId=pool_id)
