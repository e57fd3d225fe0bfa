"""App client operations through boto3 against a running emulator."""

import re

import pytest

from tests.conftest import error_of


@pytest.fixture
def pool_id(cognito):
    return cognito.create_user_pool(PoolName="clients")["UserPool"]["Id"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §2.1:
# client ids of 26 lower-case letters and digits.
def test_create_client_with_cognito_defaults(cognito, pool_id):
    client = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="web")["UserPoolClient"]
    assert re.fullmatch(r"[a-z0-9]{26}", client["ClientId"])
    assert "ClientSecret" not in client
    assert client["UserPoolId"] == pool_id
    assert client["ExplicitAuthFlows"] == ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"]
    assert client["AuthSessionValidity"] == 3
    assert client["PreventUserExistenceErrors"] == "LEGACY"
    assert client["EnableTokenRevocation"] is True
    assert (client["AccessTokenValidity"], client["IdTokenValidity"], client["RefreshTokenValidity"]) == (60, 60, 30)
    assert client["TokenValidityUnits"] == {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"}


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §2.1:
# client secrets of 51 lower-case letters and digits.
def test_generate_secret(cognito, pool_id):
    client = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="server", GenerateSecret=True)["UserPoolClient"]
    assert re.fullmatch(r"[a-z0-9]{51}", client["ClientSecret"])
    described = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"])["UserPoolClient"]
    assert described["ClientSecret"] == client["ClientSecret"]


def test_validity_without_units_is_in_hours_and_days(cognito, pool_id):
    client = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="c", AccessTokenValidity=2,
                                             IdTokenValidity=5, RefreshTokenValidity=7)["UserPoolClient"]
    assert client["TokenValidityUnits"] == {"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "days"}
    minutes = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="m", AccessTokenValidity=5, TokenValidityUnits={"AccessToken": "minutes"},
    )["UserPoolClient"]
    assert (minutes["AccessTokenValidity"], minutes["TokenValidityUnits"]["AccessToken"]) == (5, "minutes")


def test_refresh_validity_zero_means_thirty_days(cognito, pool_id):
    client = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="c", RefreshTokenValidity=0)["UserPoolClient"]
    assert (client["RefreshTokenValidity"], client["TokenValidityUnits"]["RefreshToken"]) == (30, "days")


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §2.9:
# the wording of an out-of-range validity.
@pytest.mark.parametrize("settings, field, low, high", [
    ({"AccessTokenValidity": 2, "TokenValidityUnits": {"AccessToken": "days"}}, "AccessTokenValidity", 300, 86400),
    ({"IdTokenValidity": 4, "TokenValidityUnits": {"IdToken": "minutes"}}, "IdTokenValidity", 300, 86400),
    ({"RefreshTokenValidity": 30, "TokenValidityUnits": {"RefreshToken": "minutes"}}, "RefreshTokenValidity",
     3600, 315360000),
])
def test_validity_out_of_range(cognito, pool_id, settings, field, low, high):
    error = error_of(cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="c", **settings)
    assert error == {"Code": "InvalidParameterException", "Status": 400,
                     "Message": f"Invalid range for token validity: {field} must be between {low} and {high} seconds."}


def test_refresh_flow_must_be_allowed(cognito, pool_id):
    error = error_of(cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="c",
                     ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH"])
    assert error == {"Code": "InvalidParameterException", "Status": 400,
                     "Message": "REFRESH_TOKEN_AUTH should always be allowed."}


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §2.8:
# the wording of the refusal.
def test_legacy_and_new_flows_do_not_mix(cognito, pool_id):
    error = error_of(cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="c",
                     ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    assert error == {"Code": "InvalidParameterException", "Status": 400,
                     "Message": "ExplicitAuthFlows can not have both legacy and new values."}
    legacy = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="old",
                                             ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH"])["UserPoolClient"]
    assert legacy["ExplicitAuthFlows"] == ["ADMIN_NO_SRP_AUTH"]


def test_client_in_unknown_pool(cognito):
    error = error_of(cognito.create_user_pool_client, UserPoolId="us-east-1_nothere00", ClientName="c")
    assert error["Code"] == "ResourceNotFoundException"


def test_describe_unknown_client_and_client_of_another_pool(cognito, pool_id):
    error = error_of(cognito.describe_user_pool_client, UserPoolId=pool_id, ClientId="nosuchclient")
    assert error == {"Code": "ResourceNotFoundException", "Status": 400,
                     "Message": "User pool client nosuchclient does not exist."}
    other = cognito.create_user_pool(PoolName="other")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=other, ClientName="c")["UserPoolClient"]["ClientId"]
    assert error_of(cognito.describe_user_pool_client, UserPoolId=pool_id, ClientId=client_id)["Code"] == "ResourceNotFoundException"


def test_update_client_resets_and_keeps_identity(cognito, pool_id):
    client = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="c", GenerateSecret=True,
                                             AuthSessionValidity=10, PreventUserExistenceErrors="ENABLED")["UserPoolClient"]
    updated = cognito.update_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"],
                                              ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]
    assert updated["ClientSecret"] == client["ClientSecret"]
    assert updated["ClientName"] == "c"
    assert updated["ExplicitAuthFlows"] == ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    assert updated["AuthSessionValidity"] == 3
    assert updated["PreventUserExistenceErrors"] == "LEGACY"
    renamed = cognito.update_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"], ClientName="renamed")
    assert renamed["UserPoolClient"]["ClientName"] == "renamed"


def test_list_clients_paginates(cognito, pool_id):
    created = [cognito.create_user_pool_client(UserPoolId=pool_id, ClientName=f"c{index}")["UserPoolClient"]["ClientId"]
               for index in range(3)]
    first = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=2)
    assert [c["ClientId"] for c in first["UserPoolClients"]] == created[:2]
    second = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=2, NextToken=first["NextToken"])
    assert [c["ClientId"] for c in second["UserPoolClients"]] == created[2:]
    assert "NextToken" not in second
    assert second["UserPoolClients"][0] == {"ClientId": created[2], "UserPoolId": pool_id, "ClientName": "c2"}
    everything = cognito.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"]
    assert len(everything) == 3


def test_list_clients_of_unknown_pool(cognito):
    assert error_of(cognito.list_user_pool_clients, UserPoolId="us-east-1_nothere00")["Code"] == "ResourceNotFoundException"


def test_delete_client(cognito, pool_id):
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="c")["UserPoolClient"]["ClientId"]
    cognito.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    assert cognito.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"] == []
    assert error_of(cognito.delete_user_pool_client, UserPoolId=pool_id, ClientId=client_id)["Code"] == "ResourceNotFoundException"


def test_seeded_client_allows_the_otp_flows(cognito):
    client = cognito.describe_user_pool_client(UserPoolId="us-east-1_otpDemo01",
                                               ClientId="otpdemowebclient0000000001")["UserPoolClient"]
    assert set(client["ExplicitAuthFlows"]) == {"ALLOW_CUSTOM_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH",
                                                "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_AUTH"}
    assert "ClientSecret" not in client
    pool = cognito.describe_user_pool(UserPoolId="us-east-1_otpDemo01")["UserPool"]
    assert pool["UsernameAttributes"] == ["phone_number"]
    assert pool["AutoVerifiedAttributes"] == ["phone_number"]
