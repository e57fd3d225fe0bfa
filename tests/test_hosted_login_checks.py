"""The managed login, beyond tests/test_oauth.py: an app client with a secret signs users in through the hosted page
(the emulator makes the SECRET_HASH its own sign-in needs), and an authorization code is refused once its user was
deleted and made again under the same name. `make mutation` found both untested."""

from urllib.parse import parse_qs, urlsplit

import requests

from tests.test_oauth import (CALLBACK, PASSWORD, POOL, authorize, authorize_url, claims, live, make_user,  # noqa: F401
                              redeem, second_web_client, sign_in_at, signed_in_code)


def test_a_client_with_a_secret_signs_in_through_the_hosted_page(live):
    user = make_user(live)
    client = second_web_client(live, GenerateSecret=True)
    browser = requests.Session()
    answer = sign_in_at(browser, authorize(browser, authorize_url(live, client_id=client["ClientId"],
                                                                  scope="openid email")), user, PASSWORD)
    assert answer.status_code == 302 and answer.headers["Location"].startswith(CALLBACK + "?code="), answer.text
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    tokens = requests.post(f"{live.url}/oauth2/token", auth=(client["ClientId"], client["ClientSecret"]), timeout=10,
                           data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK})
    assert tokens.status_code == 200, tokens.text
    assert claims(tokens.json()["id_token"])["aud"] == client["ClientId"]


def test_a_code_of_a_user_deleted_and_made_again_gives_no_tokens(live):
    user = make_user(live)
    code, verifier, _ = signed_in_code(live, user)
    live.client().admin_delete_user(UserPoolId=POOL, Username=user)
    live.services.clock.advance(2)  # the new user is made in a later second
    make_user(live)
    refused = redeem(live, code, verifier)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"


def test_the_code_flows_id_token_carries_the_authorize_requests_nonce(live):
    user = make_user(live)
    browser = requests.Session()
    answer = sign_in_at(browser, authorize(browser, authorize_url(live, nonce="n-42", code_challenge=None)),
                        user, PASSWORD)
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    tokens = requests.post(f"{live.url}/oauth2/token", timeout=10, data={
        "grant_type": "authorization_code", "client_id": "oauthwebclient000000000001", "code": code,
        "redirect_uri": CALLBACK})
    assert tokens.status_code == 200, tokens.text
    assert claims(tokens.json()["id_token"])["nonce"] == "n-42"


def test_the_implicit_fragment_has_the_lifetime_and_only_the_scopes_asked_for(live):
    user = make_user(live)
    browser = requests.Session()
    answer = sign_in_at(browser, authorize(browser, authorize_url(live, response_type="token", scope="openid email")),
                        user, PASSWORD)
    fragment = parse_qs(urlsplit(answer.headers["Location"]).fragment)
    assert fragment["expires_in"] == ["3600"]
    assert claims(fragment["access_token"][0])["scope"] == "openid email"
