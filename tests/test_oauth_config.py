"""The OAuth 2.0 configuration of a pool through boto3: domains, resource servers, and the checks on an app
client's OAuth settings (docs/cognito-behaviour.md §16.1–16.3)."""

import pytest

from tests.auth_helpers import POOL
from tests.conftest import error_of

API = "https://api.example.com"


def test_a_domain_is_created_described_shown_on_the_pool_and_deleted(cognito):
    assert cognito.create_user_pool_domain(UserPoolId=POOL, Domain="otp-demo-local")["ManagedLoginVersion"] == 1
    described = cognito.describe_user_pool_domain(Domain="otp-demo-local")["DomainDescription"]
    assert (described["UserPoolId"], described["Status"], described["Domain"]) == (POOL, "ACTIVE", "otp-demo-local")
    assert cognito.describe_user_pool(UserPoolId=POOL)["UserPool"]["Domain"] == "otp-demo-local"
    cognito.update_user_pool(UserPoolId=POOL, AutoVerifiedAttributes=["phone_number"])
    assert cognito.describe_user_pool(UserPoolId=POOL)["UserPool"]["Domain"] == "otp-demo-local"  # kept by updates
    cognito.delete_user_pool_domain(UserPoolId=POOL, Domain="otp-demo-local")
    assert cognito.describe_user_pool_domain(Domain="otp-demo-local")["DomainDescription"] == {}
    assert "Domain" not in cognito.describe_user_pool(UserPoolId=POOL)["UserPool"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §16.1:
# a pool has at most one prefix domain (InvalidParameterException); the wording for a reserved word.
def test_a_domain_belongs_to_one_pool_and_a_pool_has_one_prefix(cognito):
    cognito.create_user_pool_domain(UserPoolId=POOL, Domain="first-prefix")
    other = cognito.create_user_pool(PoolName="other")["UserPool"]["Id"]
    assert error_of(cognito.create_user_pool_domain, UserPoolId=other, Domain="first-prefix") == {
        "Code": "InvalidParameterException", "Status": 400,
        "Message": "Domain already associated with another user pool."}
    assert error_of(cognito.create_user_pool_domain, UserPoolId=POOL, Domain="second-prefix") == {
        "Code": "InvalidParameterException", "Status": 400,
        "Message": f"User pool {POOL} already has a prefix domain configured."}
    assert error_of(cognito.create_user_pool_domain, UserPoolId=other, Domain="my-cognito-app") == {
        "Code": "InvalidParameterException", "Status": 400,
        "Message": "Domain my-cognito-app contains a reserved word: aws, amazon or cognito."}
    assert error_of(cognito.delete_user_pool_domain, UserPoolId=other, Domain="first-prefix")["Code"] == \
        "ResourceNotFoundException"


def test_a_custom_domain_is_a_full_name_and_a_prefix_is_one_label(cognito):
    """botocore's pattern for Domain allows no dot, but a custom domain is a full name, as the model's own
    documentation says (docs/cognito-behaviour.md §16.1); a dotted prefix is refused (wording chosen there)."""
    config = {"CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"}
    created = cognito.create_user_pool_domain(UserPoolId=POOL, Domain="auth.example.com", CustomDomainConfig=config)
    assert created["CloudFrontDomain"].endswith(".cloudfront.net")
    assert cognito.describe_user_pool(UserPoolId=POOL)["UserPool"]["CustomDomain"] == "auth.example.com"
    assert cognito.describe_user_pool_domain(Domain="auth.example.com")["DomainDescription"]["CustomDomainConfig"] \
        == config
    assert error_of(cognito.create_user_pool_domain, UserPoolId=POOL, Domain="login.example.com") == {
        "Code": "InvalidParameterException", "Status": 400,
        "Message": "Domain login.example.com is not a valid prefix: a domain with dots needs CustomDomainConfig."}
    # One custom domain beside the prefix (undocumented, chosen: docs/cognito-behaviour.md §16.1).
    assert error_of(cognito.create_user_pool_domain, UserPoolId=POOL, Domain="login.example.com",
                    CustomDomainConfig=config) == {
        "Code": "InvalidParameterException", "Status": 400,
        "Message": f"User pool {POOL} already has a custom domain configured."}
    assert cognito.create_user_pool_domain(UserPoolId=POOL, Domain="beside-the-custom-one")["ManagedLoginVersion"] == 1
    assert error_of(cognito.create_user_pool_domain, UserPoolId=POOL, Domain="Auth.Example.com",
                    CustomDomainConfig=config)["Code"] == "InvalidParameterException"  # the pattern still holds


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §16.2:
# the message for a second server with the same identifier.
def test_resource_servers_are_created_listed_updated_and_deleted(cognito):
    scopes = [{"ScopeName": "read", "ScopeDescription": "read"}]
    created = cognito.create_resource_server(UserPoolId=POOL, Identifier=API, Name="api", Scopes=scopes)
    assert created["ResourceServer"] == {"UserPoolId": POOL, "Identifier": API, "Name": "api", "Scopes": scopes}
    assert error_of(cognito.create_resource_server, UserPoolId=POOL, Identifier=API, Name="again") == {
        "Code": "InvalidParameterException", "Status": 400, "Message": f"{API} already exists in user pool {POOL}."}
    for number in range(3):
        cognito.create_resource_server(UserPoolId=POOL, Identifier=f"urn:api:{number}", Name=f"api {number}")
    first = cognito.list_resource_servers(UserPoolId=POOL, MaxResults=2)
    rest = cognito.list_resource_servers(UserPoolId=POOL, MaxResults=2, NextToken=first["NextToken"])
    assert [s["Identifier"] for s in first["ResourceServers"] + rest["ResourceServers"]] == \
        [API, "urn:api:0", "urn:api:1", "urn:api:2"]
    cognito.update_resource_server(UserPoolId=POOL, Identifier=API, Name="renamed")
    assert cognito.describe_resource_server(UserPoolId=POOL, Identifier=API)["ResourceServer"]["Scopes"] == []
    cognito.delete_resource_server(UserPoolId=POOL, Identifier=API)
    assert error_of(cognito.describe_resource_server, UserPoolId=POOL, Identifier=API)["Code"] == \
        "ResourceNotFoundException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §16.2:
# ListResourceServers without MaxResults answers a page of 50.
def test_list_resource_servers_without_max_results_answers_a_page_of_fifty(emulator, cognito):
    # The API allows 25 servers a pool, fewer than a page; more are put straight into the store, as a data directory
    # written by another version might hold them, so that the page size itself shows.
    for number in range(25):
        cognito.create_resource_server(UserPoolId=POOL, Identifier=f"urn:api:{number:02d}", Name=f"api {number}")
    whole = cognito.list_resource_servers(UserPoolId=POOL)
    assert len(whole["ResourceServers"]) == 25 and "NextToken" not in whole
    for number in range(25, 51):
        emulator.services.store.insert_resource_server(POOL, {"UserPoolId": POOL, "Identifier": f"urn:api:{number:02d}",
                                                              "Name": f"api {number}", "Scopes": []})
    page = cognito.list_resource_servers(UserPoolId=POOL)
    assert [s["Identifier"] for s in page["ResourceServers"]] == [f"urn:api:{number:02d}" for number in range(50)]
    rest = cognito.list_resource_servers(UserPoolId=POOL, NextToken=page["NextToken"])
    assert [s["Identifier"] for s in rest["ResourceServers"]] == ["urn:api:50"] and "NextToken" not in rest


def oauth_client(cognito, **settings):
    return cognito.create_user_pool_client(UserPoolId=POOL, ClientName="oauth", AllowedOAuthFlowsUserPoolClient=True,
                                           **settings)


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §16.3:
# the messages of the client_credentials and DefaultRedirectURI refusals.
@pytest.mark.parametrize("settings, code, message", [
    ({"AllowedOAuthFlows": ["client_credentials"], "AllowedOAuthScopes": [f"{API}/read"]},
     "InvalidOAuthFlowException", "client_credentials flow can not be selected if client does not have a client secret."),
    ({"AllowedOAuthFlows": ["client_credentials", "code"], "GenerateSecret": True, "AllowedOAuthScopes": ["openid"]},
     "InvalidOAuthFlowException", "client_credentials flow can not be selected along with code flow or implicit flow."),
    ({"AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid", f"{API}/delete"]},
     "ScopeDoesNotExistException", f"Invalid scope requested: {API}/delete"),
    ({"AllowedOAuthFlows": ["code"], "CallbackURLs": ["http://app.example.com/cb"]}, "InvalidParameterException", None),
    ({"AllowedOAuthFlows": ["code"], "CallbackURLs": ["https://app.example.com/cb#top"]}, "InvalidParameterException",
     None),
    ({"AllowedOAuthFlows": ["code"], "CallbackURLs": ["http://[::1"]}, "InvalidParameterException", None),
    ({"AllowedOAuthFlows": ["code"], "LogoutURLs": ["https://app.example.com:99999/"]}, "InvalidParameterException",
     None),
    ({"AllowedOAuthFlows": ["code"], "CallbackURLs": ["https://app.example.com/cb"],
      "DefaultRedirectURI": "https://app.example.com/other"}, "InvalidParameterException",
     "DefaultRedirectURI must be one of the CallbackURLs."),
])
def test_oauth_settings_cognito_refuses(cognito, settings, code, message):
    cognito.create_resource_server(UserPoolId=POOL, Identifier=API, Name="api",
                                   Scopes=[{"ScopeName": "read", "ScopeDescription": "read"}])
    error = error_of(oauth_client, cognito, **settings)
    assert error["Code"] == code
    if message:
        assert error["Message"] == message


def test_oauth_settings_cognito_accepts(cognito):
    cognito.create_resource_server(UserPoolId=POOL, Identifier=API, Name="api",
                                   Scopes=[{"ScopeName": "read", "ScopeDescription": "read"}])
    client = oauth_client(cognito, AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid", f"{API}/read"],
                          CallbackURLs=["http://localhost:5173/", "http://127.0.0.1:8080/cb", "myapp://callback",
                                        "https://app.example.com/cb"],
                          DefaultRedirectURI="myapp://callback")["UserPoolClient"]
    assert client["AllowedOAuthScopes"] == ["openid", f"{API}/read"]
    secret = oauth_client(cognito, GenerateSecret=True, AllowedOAuthFlows=["client_credentials"],
                          AllowedOAuthScopes=[f"{API}/read"])["UserPoolClient"]
    assert secret["AllowedOAuthFlows"] == ["client_credentials"]
    assert error_of(cognito.update_user_pool_client, UserPoolId=POOL, ClientId=client["ClientId"],
                    AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["code"],
                    CallbackURLs=["http://example.com/"])["Code"] == "InvalidParameterException"
