"""OAuth grants beyond tests/test_oauth.py that `make mutation` found untested: a machine token for two scopes lists
both, space-separated; an implicit sign-in without `openid` gets an access token and no ID token."""

from urllib.parse import parse_qs, urlsplit

import jwt
import requests

from tests.test_oauth import (API, CALLBACK, M2M, PASSWORD, POOL, WEB, authorize, authorize_url,  # noqa: F401
                              code_flow, discovery, live, make_user, sign_in_at)


def test_a_machine_token_for_two_scopes_lists_both(live):
    client = live.client().create_user_pool_client(
        UserPoolId=POOL, ClientName="two-scopes", GenerateSecret=True, AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"], AllowedOAuthScopes=[f"{API}/read", f"{API}/write"],
        SupportedIdentityProviders=["COGNITO"])["UserPoolClient"]
    answer = requests.post(discovery(live)["token_endpoint"], auth=(client["ClientId"], client["ClientSecret"]),
                           data={"grant_type": "client_credentials", "scope": f"{API}/read {API}/write"},
                           timeout=10)
    assert answer.status_code == 200, answer.text
    claims = jwt.decode(answer.json()["access_token"], options={"verify_signature": False})
    assert claims["scope"] == f"{API}/read {API}/write"


def test_an_implicit_sign_in_without_openid_gets_no_id_token(live):
    user = make_user(live)
    browser = requests.Session()
    answer = sign_in_at(browser, authorize(browser, authorize_url(
        live, response_type="token", scope="aws.cognito.signin.user.admin")), user, PASSWORD)
    assert answer.status_code == 302, answer.text
    fragment = parse_qs(urlsplit(answer.headers["Location"]).fragment)
    assert "id_token" not in fragment and fragment["token_type"] == ["bearer"]
    claims = jwt.decode(fragment["access_token"][0], options={"verify_signature": False})
    assert claims["scope"] == "aws.cognito.signin.user.admin"


def record_pre_token_generation(live, seen):
    """Wire a V3_0 PreTokenGeneration function (it runs for users' tokens and machine tokens) recording each event."""
    def pre_token(event, context):
        seen.append(event)
        return event

    live.services.functions.register("grant-pre-token", pre_token)
    live.client().update_user_pool(UserPoolId=POOL, AutoVerifiedAttributes=["email"], LambdaConfig={
        "PreTokenGenerationConfig": {"LambdaVersion": "V3_0",
                                     "LambdaArn": "arn:aws:lambda:us-east-1:123456789012:function:grant-pre-token"}})


def test_the_token_endpoints_refresh_grant_runs_pre_token_generation_as_a_refresh(live):
    """A refresh_token grant at /oauth2/token invokes PreTokenGeneration with triggerSource
    TokenGeneration_RefreshTokens (the code it follows was TokenGeneration_HostedAuth), for the user and the app
    client."""
    seen = []
    record_pre_token_generation(live, seen)
    _, endpoints, tokens, _ = code_flow(live, make_user(live))
    refreshed = requests.post(endpoints["token_endpoint"], timeout=10, data={
        "grant_type": "refresh_token", "client_id": WEB, "refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    assert [event["triggerSource"] for event in seen] == ["TokenGeneration_HostedAuth", "TokenGeneration_RefreshTokens"]
    username = jwt.decode(tokens["access_token"], options={"verify_signature": False})["username"]
    for event in seen:
        assert event["userName"] == username and event["callerContext"]["clientId"] == WEB
        assert event["request"]["userAttributes"]["email"] == "asha@example.com"


def test_an_implicit_grant_runs_pre_token_generation_as_a_hosted_sign_in(live):
    """The implicit grant's tokens come from the managed login: PreTokenGeneration's triggerSource is
    TokenGeneration_HostedAuth, for the user and the app client."""
    seen = []
    record_pre_token_generation(live, seen)
    user = make_user(live)
    browser = requests.Session()
    answer = sign_in_at(browser, authorize(browser, authorize_url(live, response_type="token")), user, PASSWORD)
    assert answer.status_code == 302, answer.text
    fragment = parse_qs(urlsplit(answer.headers["Location"]).fragment)
    username = jwt.decode(fragment["access_token"][0], options={"verify_signature": False})["username"]
    [event] = seen
    assert event["triggerSource"] == "TokenGeneration_HostedAuth"
    assert event["userName"] == username and event["callerContext"]["clientId"] == WEB


def test_implicit_tokens_through_the_session_keep_the_sign_in_time(live):
    """auth_time is when the user authenticated (OIDC Core): implicit-grant tokens handed out later through the
    managed login's session cookie, with no new sign-in, keep the first sign-in's auth_time while iat is now
    (docs/cognito-behaviour.md §16)."""
    user = make_user(live)
    browser = requests.Session()
    first = sign_in_at(browser, authorize(browser, authorize_url(live, response_type="token")), user, PASSWORD)
    signed_in = jwt.decode(parse_qs(urlsplit(first.headers["Location"]).fragment)["access_token"][0],
                           options={"verify_signature": False})
    live.services.clock.advance(600)  # within the session's hour
    again = authorize(browser, authorize_url(live, response_type="token"))
    assert again.status_code == 302 and again.headers["Location"].startswith(CALLBACK + "#"), again.text
    fragment = parse_qs(urlsplit(again.headers["Location"]).fragment)
    for token in (fragment["access_token"][0], fragment["id_token"][0]):
        later = jwt.decode(token, options={"verify_signature": False})
        assert later["auth_time"] == signed_in["auth_time"]
        assert later["iat"] >= signed_in["auth_time"] + 600


def test_a_machine_tokens_pre_token_generation_is_told_the_client(live):
    """A client_credentials grant invokes PreTokenGeneration (V3_0, triggerSource TokenGeneration_ClientCredentials)
    with callerContext.clientId the app client that asked, since there is no user to tell them apart."""
    seen = []
    record_pre_token_generation(live, seen)
    secret = live.client().describe_user_pool_client(UserPoolId=POOL, ClientId=M2M)["UserPoolClient"]["ClientSecret"]
    answer = requests.post(discovery(live)["token_endpoint"], auth=(M2M, secret), timeout=10,
                           data={"grant_type": "client_credentials"})
    assert answer.status_code == 200, answer.text
    [event] = seen
    assert event["triggerSource"] == "TokenGeneration_ClientCredentials"
    assert event["callerContext"]["clientId"] == M2M
