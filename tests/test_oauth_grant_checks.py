"""OAuth grants beyond tests/test_oauth.py that `make mutation` found untested: a machine token for two scopes lists
both, space-separated; an implicit sign-in without `openid` gets an access token and no ID token."""

from urllib.parse import parse_qs, urlsplit

import jwt
import requests

from tests.test_oauth import (API, PASSWORD, POOL, authorize, authorize_url, discovery, live,  # noqa: F401
                              make_user, sign_in_at)


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
