"""Managed login and the OAuth 2.0 endpoints, driven as apps drive them: Authlib (an OIDC client library) for the
authorization code with PKCE and client credentials, plain HTTP for the hosted pages, boto3 for the configuration.
(docs/cognito-behaviour.md §16)"""

import base64
import json
import re
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

from emulator.embedded import EmbeddedEmulator
from emulator.settings import Settings
from tests.conftest import error_of
from tests.test_js_clients import node_clients  # noqa: F401  (a fixture)

POOL, WEB, M2M = "us-east-1_oauthPool1", "oauthwebclient000000000001", "oauthm2mclient000000000001"
CALLBACK, SIGNED_OUT = "http://localhost:3000/callback", "http://localhost:3000/"
API = "https://api.example.com"
PASSWORD = "Passw0rd-Hosted!"
CONFIG = {"user_pools": [{
    "Id": POOL, "PoolName": "oauth", "UsernameAttributes": ["email"], "AutoVerifiedAttributes": ["email"],
    "Domain": "myapp-local",
    "ResourceServers": [{"Identifier": API, "Name": "api", "Scopes": [
        {"ScopeName": "read", "ScopeDescription": "read things"}, {"ScopeName": "write", "ScopeDescription": "write"}]}],
    "Clients": [
        {"ClientId": WEB, "ClientName": "web", "AllowedOAuthFlowsUserPoolClient": True,
         "AllowedOAuthFlows": ["code", "implicit"], "CallbackURLs": [CALLBACK], "LogoutURLs": [SIGNED_OUT],
         "AllowedOAuthScopes": ["openid", "email", "profile", "aws.cognito.signin.user.admin", f"{API}/read"],
         "SupportedIdentityProviders": ["COGNITO"]},
        {"ClientId": M2M, "ClientName": "backend", "GenerateSecret": True, "AllowedOAuthFlowsUserPoolClient": True,
         "AllowedOAuthFlows": ["client_credentials"], "AllowedOAuthScopes": [f"{API}/read"],
         "SupportedIdentityProviders": ["COGNITO"]},
    ]}]}


@pytest.fixture
def live():
    with EmbeddedEmulator(Settings(data=":memory:", port=0, check_responses=True), seed_config=CONFIG) as running:
        yield running


def make_user(running):
    cognito = running.client()
    cognito.admin_create_user(UserPoolId=POOL, Username="asha@example.com", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "asha@example.com"},
                                              {"Name": "email_verified", "Value": "true"},
                                              {"Name": "name", "Value": "Asha"}])
    cognito.admin_set_user_password(UserPoolId=POOL, Username="asha@example.com", Password=PASSWORD, Permanent=True)
    return "asha@example.com"


@pytest.fixture
def user(live):
    return make_user(live)


@pytest.fixture
def user_on():
    return make_user


def discovery(live):
    return requests.get(f"{live.url}/{POOL}/.well-known/openid-configuration", timeout=10).json()


def web_client(live, scope="openid email"):
    endpoints = discovery(live)
    client = OAuth2Session(WEB, redirect_uri=CALLBACK, scope=scope, code_challenge_method="S256")
    return client, endpoints


def form_fields(page: str) -> dict:
    """The hidden and filled fields of the page's first form."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


def sign_in_at(browser: requests.Session, login_page: requests.Response, username: str, password: str):
    """Fill the hosted sign-in form as a person would; the answer is the redirect (not followed)."""
    assert "<form method=\"post\" action=\"/login\">" in login_page.text
    fields = {**form_fields(login_page.text), "username": username, "password": password, "step": "password"}
    return browser.post(urlsplit(login_page.url)._replace(path="/login", query="").geturl(), data=fields,
                        allow_redirects=False, timeout=10)


def authorize(browser: requests.Session, url: str) -> requests.Response:
    """GET /oauth2/authorize and follow redirects within the emulator (not to the app)."""
    response = browser.get(url, allow_redirects=False, timeout=10)
    while response.status_code in (302, 303) and not response.headers["Location"].startswith(CALLBACK):
        location = response.headers["Location"]
        if location.startswith("/"):
            location = urlsplit(url)._replace(path=urlsplit(location).path, query=urlsplit(location).query).geturl()
        response = browser.get(location, allow_redirects=False, timeout=10)
    return response


def code_flow(live, username, password=PASSWORD, scope="openid email"):
    client, endpoints = web_client(live, scope)
    verifier = generate_token(64)
    url, state = client.create_authorization_url(endpoints["authorization_endpoint"], code_verifier=verifier)
    browser = requests.Session()
    answer = sign_in_at(browser, authorize(browser, url), username, password)
    assert answer.status_code == 302 and answer.headers["Location"].startswith(CALLBACK + "?code="), answer.text
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["state"] == [state]
    tokens = client.fetch_token(endpoints["token_endpoint"], authorization_response=answer.headers["Location"],
                                code_verifier=verifier)
    return client, endpoints, tokens, browser


def claims(token):
    return jwt.decode(token, options={"verify_signature": False})


# -- discovery and the code flow -------------------------------------------------------------------------

def test_discovery_names_the_endpoints_of_a_pool_with_a_domain(live):
    document = discovery(live)
    assert document["authorization_endpoint"] == f"{live.url}/oauth2/authorize"
    assert document["token_endpoint"] == f"{live.url}/oauth2/token"
    assert document["userinfo_endpoint"] == f"{live.url}/oauth2/userInfo"
    assert document["issuer"] == f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}"


def test_a_pool_without_a_domain_is_served_but_not_listed_in_its_discovery_document(live):
    """Cognito has no managed login without a domain; the emulator serves its endpoints for such a pool anyway, so a
    correct app never breaks, while the discovery document lists them only with a domain, as Cognito's does
    (chosen: docs/cognito-behaviour.md §16.1)."""
    cognito = live.client()
    pool_id = cognito.create_user_pool(PoolName="no-domain", UsernameAttributes=["email"])["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web", AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email"], CallbackURLs=[CALLBACK],
        SupportedIdentityProviders=["COGNITO"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool_id, Username="ravi@example.com", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "ravi@example.com"}])
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="ravi@example.com", Password=PASSWORD,
                                    Permanent=True)
    document = requests.get(f"{live.url}/{pool_id}/.well-known/openid-configuration", timeout=10).json()
    assert not {"token_endpoint", "userinfo_endpoint", "end_session_endpoint"} & set(document)
    browser = requests.Session()
    login = authorize(browser, authorize_url(live, client_id=client_id))
    answer = sign_in_at(browser, login, "ravi@example.com", PASSWORD)
    assert answer.status_code == 302 and answer.headers["Location"].startswith(CALLBACK + "?code="), answer.text
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    tokens = requests.post(f"{live.url}/oauth2/token", timeout=10, data={
        "grant_type": "authorization_code", "client_id": client_id, "code": code, "redirect_uri": CALLBACK})
    assert tokens.status_code == 200, tokens.text
    assert claims(tokens.json()["id_token"])["iss"] == document["issuer"]


def test_authorization_code_with_pkce_through_the_hosted_page(live, user):
    client, endpoints, tokens, _ = code_flow(live, user)
    assert set(tokens) >= {"access_token", "id_token", "refresh_token", "token_type", "expires_in"}
    assert tokens["token_type"] == "Bearer" and "scope" not in tokens  # Cognito's token response has no scope
    key = jwt.PyJWKClient(f"{live.url}/{POOL}/.well-known/jwks.json").get_signing_key_from_jwt(tokens["id_token"])
    identity = jwt.decode(tokens["id_token"], key.key, algorithms=["RS256"], audience=WEB,
                          issuer=f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}")
    assert identity["email"] == user and identity["token_use"] == "id"
    access = claims(tokens["access_token"])
    assert access["scope"] == "openid email" and access["client_id"] == WEB and access["username"]
    info = client.get(endpoints["userinfo_endpoint"]).json()
    assert info == {"sub": identity["sub"], "email": user, "email_verified": "true", "username": access["username"]}


def test_without_openid_there_is_no_id_token_and_user_info_refuses_the_token(live, user):
    client, endpoints, tokens, _ = code_flow(live, user, scope=f"{API}/read")
    assert "id_token" not in tokens and claims(tokens["access_token"])["scope"] == f"{API}/read"
    response = requests.get(endpoints["userinfo_endpoint"], timeout=10,
                            headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert response.status_code == 401 and 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_code_works_once(live, user):
    client, endpoints = web_client(live)
    verifier = generate_token(64)
    url, _ = client.create_authorization_url(endpoints["authorization_endpoint"], code_verifier=verifier)
    browser = requests.Session()
    location = sign_in_at(browser, authorize(browser, url), user, PASSWORD).headers["Location"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    form = {"grant_type": "authorization_code", "client_id": WEB, "code": code, "redirect_uri": CALLBACK,
            "code_verifier": verifier}
    assert requests.post(endpoints["token_endpoint"], data=form, timeout=10).status_code == 200
    again = requests.post(endpoints["token_endpoint"], data=form, timeout=10)
    assert (again.status_code, again.json()) == (400, {"error": "invalid_grant"})


@pytest.mark.parametrize("change", ["verifier", "redirect_uri", "client"])
def test_a_code_needs_its_verifier_redirect_uri_and_client(live, user, change):
    client, endpoints = web_client(live)
    verifier = generate_token(64)
    url, _ = client.create_authorization_url(endpoints["authorization_endpoint"], code_verifier=verifier)
    browser = requests.Session()
    location = sign_in_at(browser, authorize(browser, url), user, PASSWORD).headers["Location"]
    form = {"grant_type": "authorization_code", "client_id": WEB, "code": parse_qs(urlsplit(location).query)["code"][0],
            "redirect_uri": CALLBACK, "code_verifier": verifier}
    auth = None
    if change == "verifier":
        form["code_verifier"] = generate_token(64)
    elif change == "redirect_uri":
        form["redirect_uri"] = CALLBACK + "/"
    else:
        secret = live.client().describe_user_pool_client(UserPoolId=POOL, ClientId=M2M)["UserPoolClient"]["ClientSecret"]
        form.pop("client_id")
        auth = (M2M, secret)
    response = requests.post(endpoints["token_endpoint"], data=form, auth=auth, timeout=10)
    assert response.status_code == 400
    assert response.json() == {"error": "unauthorized_client" if change == "client" else "invalid_grant"}


def test_a_wrong_password_stays_on_the_page_with_cognitos_message(live, user):
    client, endpoints = web_client(live)
    url, _ = client.create_authorization_url(endpoints["authorization_endpoint"], code_verifier=generate_token(64))
    browser = requests.Session()
    answer = sign_in_at(browser, authorize(browser, url), user, "Wrong-Passw0rd!")
    assert answer.status_code == 200 and "Incorrect username or password." in answer.text


# -- the authorize request's checks ------------------------------------------------------------------------

def authorize_url(live, **changes):
    query = {"response_type": "code", "client_id": WEB, "redirect_uri": CALLBACK, "state": "s1",
             "scope": "openid", **changes}
    return requests.Request("GET", f"{live.url}/oauth2/authorize",
                            params={k: v for k, v in query.items() if v is not None}).prepare().url


@pytest.mark.parametrize("changes", [{"redirect_uri": "http://localhost:3000/elsewhere"},
                                     {"redirect_uri": CALLBACK + "/"}, {"client_id": "nosuchclient0000000000000x"}])
def test_an_unregistered_redirect_or_client_gets_the_error_page_never_a_redirect_there(live, changes):
    response = requests.get(authorize_url(live, **changes), allow_redirects=False, timeout=10)
    assert response.status_code == 302 and response.headers["Location"].startswith("/error?error=redirect_mismatch")
    page = requests.get(live.url + response.headers["Location"], timeout=10)
    assert page.status_code == 400 and "An error was encountered with the requested page." in page.text


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §16.4:
# an identity_provider other than COGNITO is invalid_request.
@pytest.mark.parametrize("changes, error", [
    ({"response_type": None}, "invalid_request"),
    ({"code_challenge": "abc", "code_challenge_method": "plain"}, "invalid_request"),  # Cognito takes S256 only
    ({"code_challenge": "abc"}, "invalid_request"),
    ({"scope": "phone"}, "invalid_scope"),  # not the client's
    ({"identity_provider": "Google"}, "invalid_request"),
])
def test_a_bad_authorize_request_goes_back_to_the_app_with_the_error(live, changes, error):
    response = requests.get(authorize_url(live, **changes), allow_redirects=False, timeout=10)
    assert response.status_code == 302
    assert response.headers["Location"] == f"{CALLBACK}?error={error}&state=s1"


# Same section (§16.4): a client whose identity providers leave out COGNITO cannot use the emulator's sign-in page.
def test_a_client_without_the_cognito_provider_goes_back_to_the_app_with_invalid_request(live):
    client = second_web_client(live, SupportedIdentityProviders=[])["ClientId"]
    response = requests.get(authorize_url(live, client_id=client), allow_redirects=False, timeout=10)
    assert (response.status_code, response.headers["Location"]) == (302, f"{CALLBACK}?error=invalid_request&state=s1")
    with_cognito = second_web_client(live)["ClientId"]
    response = requests.get(authorize_url(live, client_id=with_cognito), allow_redirects=False, timeout=10)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?")


def test_the_implicit_flow_answers_in_the_fragment(live, user):
    browser = requests.Session()
    answer = sign_in_at(browser, authorize(browser, authorize_url(live, response_type="token", nonce="n-1")),
                        user, PASSWORD)
    location = answer.headers["Location"]
    assert location.startswith(CALLBACK + "#")
    fragment = parse_qs(urlsplit(location).fragment)
    assert fragment["token_type"] == ["bearer"] and fragment["state"] == ["s1"] and "refresh_token" not in fragment
    username = claims(fragment["access_token"][0])["username"]
    assert live.services.store.revoke_user_tokens(POOL, username) == 0  # none made, not even kept aside
    assert claims(fragment["id_token"][0])["nonce"] == "n-1"


# -- the session, logout -----------------------------------------------------------------------------------

def test_a_signed_in_browser_is_not_asked_again_until_it_signs_out(live, user):
    _, _, _, browser = code_flow(live, user)
    again = authorize(browser, authorize_url(live))
    assert again.status_code == 302 and again.headers["Location"].startswith(CALLBACK + "?code=")
    assert "<form" in authorize(browser, authorize_url(live, prompt="login")).text  # asked again when told to
    out = browser.get(f"{live.url}/logout", params={"client_id": WEB, "logout_uri": SIGNED_OUT},
                      allow_redirects=False, timeout=10)
    assert (out.status_code, out.headers["Location"]) == (302, SIGNED_OUT)
    assert "<form" in authorize(browser, authorize_url(live)).text
    none = browser.get(authorize_url(live, prompt="none"), allow_redirects=False, timeout=10)
    assert none.headers["Location"] == f"{CALLBACK}?error=login_required&state=s1"


def test_logout_to_an_unregistered_uri_is_refused(live):
    out = requests.get(f"{live.url}/logout", params={"client_id": WEB, "logout_uri": "https://evil.example/"},
                       allow_redirects=False, timeout=10)
    assert out.headers["Location"].startswith("/error?")


def test_a_form_posted_without_the_pages_token_is_refused(live, user):
    response = requests.post(f"{live.url}/login", timeout=10, allow_redirects=False,
                             data={"client_id": WEB, "redirect_uri": CALLBACK, "response_type": "code",
                                   "username": user, "password": PASSWORD, "step": "password", "_xsrf": "guess"})
    assert response.status_code == 403


# -- tokens: refresh, revoke, client credentials -------------------------------------------------------------

def test_refresh_keeps_the_granted_scopes_here_and_through_the_api(live, user):
    client, endpoints, tokens, _ = code_flow(live, user, scope="openid email")
    refreshed = requests.post(endpoints["token_endpoint"], timeout=10, data={
        "grant_type": "refresh_token", "client_id": WEB, "refresh_token": tokens["refresh_token"]}).json()
    assert claims(refreshed["access_token"])["scope"] == "openid email" and "id_token" in refreshed
    through_api = live.client().get_tokens_from_refresh_token(RefreshToken=tokens["refresh_token"], ClientId=WEB)
    assert claims(through_api["AuthenticationResult"]["AccessToken"])["scope"] == "openid email"


def test_a_rotated_refresh_token_keeps_the_granted_scopes(live, user):
    cognito = live.client()
    settings = cognito.describe_user_pool_client(UserPoolId=POOL, ClientId=WEB)["UserPoolClient"]
    accepted = cognito.meta.service_model.operation_model("UpdateUserPoolClient").input_shape.members
    cognito.update_user_pool_client(**{name: value for name, value in settings.items() if name in accepted},
                                    RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 0})
    client, endpoints, tokens, _ = code_flow(live, user, scope="openid email")
    token = tokens["refresh_token"]
    for _ in range(2):
        refreshed = requests.post(endpoints["token_endpoint"], timeout=10, data={
            "grant_type": "refresh_token", "client_id": WEB, "refresh_token": token}).json()
        assert refreshed["refresh_token"] != token and "id_token" in refreshed
        assert claims(refreshed["access_token"])["scope"] == "openid email"
        token = refreshed["refresh_token"]


def test_a_revoked_refresh_token_and_its_access_tokens_stop_working(live, user):
    client, endpoints, tokens, _ = code_flow(live, user)
    revoked = requests.post(endpoints["revocation_endpoint"], data={"token": tokens["refresh_token"], "client_id": WEB},
                            timeout=10)
    assert (revoked.status_code, revoked.text) == (200, "")
    refreshed = requests.post(endpoints["token_endpoint"], timeout=10, data={
        "grant_type": "refresh_token", "client_id": WEB, "refresh_token": tokens["refresh_token"]})
    assert refreshed.json() == {"error": "invalid_grant"}
    assert client.get(endpoints["userinfo_endpoint"]).status_code == 401
    not_refresh = requests.post(endpoints["revocation_endpoint"], timeout=10,
                                data={"token": tokens["access_token"], "client_id": WEB})
    assert not_refresh.json() == {"error": "unsupported_token_type"}


def m2m_secret(live):
    return live.client().describe_user_pool_client(UserPoolId=POOL, ClientId=M2M)["UserPoolClient"]["ClientSecret"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §16.6:
# the client-credentials token's claims (sub is the client id, no user, no groups).
@pytest.mark.parametrize("auth_method", ["client_secret_basic", "client_secret_post"])
def test_client_credentials_for_a_resource_server_scope(live, auth_method):
    endpoints = discovery(live)
    session = OAuth2Session(M2M, m2m_secret(live), scope=f"{API}/read", token_endpoint_auth_method=auth_method)
    token = session.fetch_token(endpoints["token_endpoint"], grant_type="client_credentials")
    assert set(token) >= {"access_token", "token_type", "expires_in"}
    assert "id_token" not in token and "refresh_token" not in token
    access = claims(token["access_token"])
    assert (access["sub"], access["client_id"], access["scope"], access["token_use"]) == (M2M, M2M, f"{API}/read",
                                                                                         "access")
    assert "username" not in access and "cognito:groups" not in access


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §16.5:
# invalid_client answered with status 400.
@pytest.mark.parametrize("form, auth, status, error", [
    ({"grant_type": "client_credentials", "scope": f"{API}/write"}, "right", 400, "invalid_scope"),
    ({"grant_type": "client_credentials"}, "wrong", 400, "invalid_client"),
    ({"grant_type": "password", "username": "x", "password": "y"}, "right", 400, "unsupported_grant_type"),
    ({"grant_type": "authorization_code", "code": "x", "redirect_uri": CALLBACK}, "right", 400, "unauthorized_client"),
])
def test_token_endpoint_errors(live, form, auth, status, error):
    secret = m2m_secret(live) if auth == "right" else "not-the-secret"
    response = requests.post(f"{live.url}/oauth2/token", data=form, auth=(M2M, secret), timeout=10)
    assert (response.status_code, response.json()) == (status, {"error": error})
    assert response.headers["Content-Type"] == "application/json;charset=UTF-8"


# -- hosted sign-up ------------------------------------------------------------------------------------------

def test_sign_up_on_the_hosted_page_with_the_emailed_code_then_signed_in(live):
    browser = requests.Session()
    login = authorize(browser, authorize_url(live))
    signup_page = browser.get(f"{live.url}/signup?" + urlsplit(login.url).query, timeout=10)
    fields = {**form_fields(signup_page.text), "username": "ravi@example.com", "password": PASSWORD}
    confirm_page = browser.post(f"{live.url}/signup", data=fields, timeout=10)
    assert "Confirm your account" in confirm_page.text
    code = requests.get(f"{live.url}/_emulator/email", params={"email": "ravi@example.com"},
                        timeout=10).json()["messages"][-1]["code"]
    answer = browser.post(f"{live.url}/confirm", data={**form_fields(confirm_page.text), "code": code},
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 302 and answer.headers["Location"].startswith(CALLBACK + "?code=")
    assert "password" not in confirm_page.text.lower().split("<form")[1].split("</form>")[0].replace(
        'type="password"', "")  # the typed password stays on the server


# -- over HTTPS --------------------------------------------------------------------------------------------

@pytest.fixture
def tls_live(tmp_path):
    settings = Settings(data=":memory:", port=0, tls_port=0, tls_dir=str(tmp_path / "tls"))
    with EmbeddedEmulator(settings, seed_config=CONFIG) as running:
        yield running


def test_the_https_listener_serves_the_code_flow_to_a_client_trusting_the_local_ca(tls_live, user_on):
    user = user_on(tls_live)
    ca = tls_live.tls_files.ca
    base = tls_live.settings.tls_url
    assert base.startswith("https://localhost:")
    endpoints = requests.get(f"{base}/{POOL}/.well-known/openid-configuration", verify=ca, timeout=10).json()
    assert endpoints["token_endpoint"] == f"{base}/oauth2/token"
    client = OAuth2Session(WEB, redirect_uri=CALLBACK, scope="openid email", code_challenge_method="S256")
    client.verify, client.trust_env = ca, False  # trust_env: REQUESTS_CA_BUNDLE would win over `verify`
    verifier = generate_token(64)
    url, _ = client.create_authorization_url(endpoints["authorization_endpoint"], code_verifier=verifier)
    browser = requests.Session()
    browser.verify, browser.trust_env = ca, False
    answer = sign_in_at(browser, authorize(browser, url), user, PASSWORD)
    assert "Secure" in answer.headers["Set-Cookie"]  # the session cookie of an HTTPS page is Secure
    tokens = client.fetch_token(endpoints["token_endpoint"], authorization_response=answer.headers["Location"],
                                code_verifier=verifier)
    assert claims(tokens["id_token"])["email"] == user
    untrusting = requests.Session()
    untrusting.trust_env = False
    with pytest.raises(requests.exceptions.SSLError):  # not trusted without the CA
        untrusting.get(f"{base}/_emulator/health", timeout=10)


def test_the_local_ca_is_kept_and_its_certificate_names_localhost(tmp_path):
    from cryptography import x509

    from emulator import tls

    first = tls.certificates(str(tmp_path))
    ca_before = open(first.ca, "rb").read()
    again = tls.certificates(str(tmp_path))
    assert open(again.ca, "rb").read() == ca_before  # trusted once, trusted on every start
    certificate = x509.load_pem_x509_certificate(open(again.certificate, "rb").read())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1", "::1"]
    import datetime
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=tls.SERVER_DAYS - 10)
    before = open(first.certificate, "rb").read()
    renewed = tls.certificates(str(tmp_path), now=later)  # near its end: a new server certificate, the same CA
    assert open(renewed.certificate, "rb").read() != before and open(renewed.ca, "rb").read() == ca_before


def test_aws_jwt_verify_accepts_a_client_credentials_token_fetched_over_https(tls_live, node_clients):
    from tests.test_js_clients import JS
    import os
    import subprocess

    env = {**os.environ, "TLS_ENDPOINT": tls_live.settings.tls_url, "NODE_EXTRA_CA_CERTS": tls_live.tls_files.ca,
           "ENDPOINT": tls_live.url, "POOL_ID": POOL, "CLIENT_ID": M2M, "CLIENT_SECRET": m2m_secret(tls_live),
           "SCOPE": f"{API}/read"}
    result = subprocess.run([node_clients, "jwt-verify-m2m.mjs"], cwd=JS, capture_output=True, text=True, timeout=120,
                            env=env)
    assert result.returncode == 0, result.stderr
    results = json.loads(result.stdout.strip().splitlines()[-1])
    assert results == {"status": 200, "tokenType": "Bearer",
                       "verified": {"sub": M2M, "clientId": M2M, "scope": f"{API}/read", "tokenUse": "access"},
                       "wrongScope": "JwtInvalidScopeError"}


# -- the hosted page's other steps: MFA, a new password, passwordless, a forgotten password ----------------------

def oauth_pool(cognito, **pool):
    """A pool of its own with a domain and a code-flow client: (pool id, client id)."""
    pool_id = cognito.create_user_pool(PoolName="hosted", SmsConfiguration={"SnsCallerArn": "arn:aws:iam::1:role/s"},
                                       **pool)["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web", AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "phone"], CallbackURLs=[CALLBACK], SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def hosted_login(live, client_id):
    browser = requests.Session()
    return browser, authorize(browser, authorize_url(live, client_id=client_id, scope="openid phone"))


def submit(browser, live, page, **fields):
    action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)
    return browser.post(live.url + action, data={**form_fields(page.text), **fields}, allow_redirects=False,
                        timeout=10)


def texted_code(live, phone):
    return requests.get(f"{live.url}/_emulator/sms", params={"phone_number": phone},
                        timeout=10).json()["messages"][-1]["code"]


def test_the_hosted_page_asks_for_the_texted_mfa_code(live):
    cognito = live.client()
    pool_id, client_id = oauth_pool(cognito)
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON",
                                     SmsMfaConfiguration={"SmsAuthenticationMessage": "Code {####}"})
    cognito.admin_create_user(UserPoolId=pool_id, Username="mira", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "phone_number", "Value": "+919812000001"}, {"Name": "phone_number_verified", "Value": "true"}])
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="mira", Password=PASSWORD, Permanent=True)
    browser, login = hosted_login(live, client_id)
    challenge = submit(browser, live, login, username="mira", password=PASSWORD)
    assert "Enter your code" in challenge.text and "+********0001" in challenge.text
    code = texted_code(live, "+919812000001")
    wrong = submit(browser, live, challenge, code="000000" if code != "000000" else "111111")
    assert "Invalid code or auth state for the user." in wrong.text and "Enter your code" in wrong.text  # try again
    answer = submit(browser, live, wrong, code=code)
    assert answer.status_code == 302 and answer.headers["Location"].startswith(CALLBACK + "?code=")


def test_mfa_setup_is_not_offered_on_the_hosted_page(live):
    """A user who must set up an authenticator app is told to sign in through the API, and never signed in without
    the second factor (chosen: docs/cognito-behaviour.md §16.4)."""
    cognito = live.client()
    pool_id, client_id = oauth_pool(cognito)
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON",
                                     SoftwareTokenMfaConfiguration={"Enabled": True})
    cognito.admin_create_user(UserPoolId=pool_id, Username="noor", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="noor", Password=PASSWORD, Permanent=True)
    browser, login = hosted_login(live, client_id)
    challenge = submit(browser, live, login, username="noor", password=PASSWORD)
    assert "Set up multi-factor authentication" in challenge.text
    assert "This step (MFA_SETUP) is not offered by the hosted sign-in page; sign in through the API." in challenge.text
    answer = submit(browser, live, challenge)
    assert answer.status_code == 200 and "Sign in again." in answer.text and "Location" not in answer.headers


def test_a_temporary_password_is_changed_on_the_hosted_page(live):
    cognito = live.client()
    pool_id, client_id = oauth_pool(cognito)
    cognito.admin_create_user(UserPoolId=pool_id, Username="newbie", TemporaryPassword="Temp-Passw0rd!",
                              MessageAction="SUPPRESS")
    browser, login = hosted_login(live, client_id)
    challenge = submit(browser, live, login, username="newbie", password="Temp-Passw0rd!")
    assert "Change your password" in challenge.text
    answer = submit(browser, live, challenge, new_password=PASSWORD)
    assert answer.headers["Location"].startswith(CALLBACK + "?code=")
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="newbie")["UserStatus"] == "CONFIRMED"


def test_passwordless_sign_in_with_a_texted_code_where_the_pool_allows_it(live):
    cognito = live.client()
    pool_id, client_id = oauth_pool(cognito, UsernameAttributes=["phone_number"], UserPoolTier="ESSENTIALS",
                                    Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "SMS_OTP"]}})
    cognito.admin_create_user(UserPoolId=pool_id, Username="+919812000002", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "phone_number", "Value": "+919812000002"}, {"Name": "phone_number_verified", "Value": "true"}])
    browser, login = hosted_login(live, client_id)
    assert "Sign in with a code by text message" in login.text
    challenge = submit(browser, live, login, username="+919812000002", step="start-SMS_OTP")
    answer = submit(browser, live, challenge, code=texted_code(live, "+919812000002"))
    assert answer.headers["Location"].startswith(CALLBACK + "?code=")


def test_a_forgotten_password_is_reset_with_the_texted_code_and_the_user_signed_in(live):
    cognito = live.client()
    pool_id, client_id = oauth_pool(cognito)
    cognito.admin_create_user(UserPoolId=pool_id, Username="forgetful", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "phone_number", "Value": "+919812000003"}, {"Name": "phone_number_verified", "Value": "true"}])
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="forgetful", Password=PASSWORD, Permanent=True)
    browser, login = hosted_login(live, client_id)
    forgot = browser.get(f"{live.url}/forgotPassword?" + urlsplit(login.url).query, timeout=10)
    reset = submit(browser, live, forgot, username="forgetful")
    assert "Reset your password" in reset.text
    answer = submit(browser, live, reset, code=texted_code(live, "+919812000003"), password="Brand-new-Passw0rd!")
    assert answer.headers["Location"].startswith(CALLBACK + "?code=")
    browser, login = hosted_login(live, client_id)  # and it is the password from now on
    assert sign_in_at(browser, login, "forgetful", "Brand-new-Passw0rd!").status_code == 302


def test_what_the_hosted_page_shows_is_escaped(live):
    browser = requests.Session()
    page = authorize(browser, authorize_url(live, state='"><script>alert(1)</script>'))
    assert "<script>alert(1)</script>" not in page.text and "&#34;&gt;&lt;script&gt;" in page.text


# -- lifetimes on the emulator clock, and the triggers ---------------------------------------------------------

def signed_in_code(live, user, client_id=WEB):
    client, endpoints = web_client(live)
    verifier = generate_token(64)
    url, _ = client.create_authorization_url(endpoints["authorization_endpoint"], code_verifier=verifier)
    browser = requests.Session()
    location = sign_in_at(browser, authorize(browser, url), user, PASSWORD).headers["Location"]
    return parse_qs(urlsplit(location).query)["code"][0], verifier, browser


def redeem(live, code, verifier):
    return requests.post(f"{live.url}/oauth2/token", timeout=10, data={
        "grant_type": "authorization_code", "client_id": WEB, "code": code, "redirect_uri": CALLBACK,
        "code_verifier": verifier})


def test_a_code_lasts_five_minutes_on_the_emulator_clock(live, user):
    """Redeemed in its last second it works; at the end of its five minutes it is refused, like every other expiry."""
    live.services.clock.freeze()
    code, verifier, _ = signed_in_code(live, user)
    live.services.clock.advance(299)
    assert redeem(live, code, verifier).status_code == 200
    code, verifier, _ = signed_in_code(live, user)
    live.services.clock.advance(300)
    assert redeem(live, code, verifier).json() == {"error": "invalid_grant"}


def test_the_hosted_session_lasts_an_hour_and_only_for_its_pool(live, user):
    _, _, browser = signed_in_code(live, user)
    live.services.clock.advance(3590)
    assert authorize(browser, authorize_url(live)).headers["Location"].startswith(CALLBACK + "?code=")
    live.services.clock.advance(20)
    assert "<form" in authorize(browser, authorize_url(live)).text
    # A session of another pool's user does not sign anyone in here.
    _, _, browser = signed_in_code(live, user)
    cognito = live.client()
    other_pool, other_client = oauth_pool(cognito)
    assert "<form" in authorize(browser, authorize_url(live, client_id=other_client, scope="openid")).text


def test_a_disabled_user_is_not_signed_in_by_their_session(live, user):
    _, _, browser = signed_in_code(live, user)
    live.client().admin_disable_user(UserPoolId=POOL, Username=user)
    assert "<form" in authorize(browser, authorize_url(live)).text


def test_pre_token_generation_runs_with_the_hosted_sources(live, user):
    seen = []

    def pre_token(event, context):
        seen.append((event["triggerSource"], event.get("version"), event["userName"], event["request"].get("scopes")))
        if event["triggerSource"] == "TokenGeneration_ClientCredentials":
            event["response"]["claimsAndScopeOverrideDetails"] = {"accessTokenGeneration": {
                "claimsToAddOrOverride": {"tenant": "acme"}, "scopesToAdd": [f"{API}/write"]}}
        return event

    live.services.functions.register("pre-token", pre_token)
    live.client().update_user_pool(UserPoolId=POOL, AutoVerifiedAttributes=["email"], LambdaConfig={
        "PreTokenGenerationConfig": {"LambdaVersion": "V3_0",
                                     "LambdaArn": "arn:aws:lambda:us-east-1:123456789012:function:pre-token"}})
    code, verifier, _ = signed_in_code(live, user)
    redeem(live, code, verifier)
    token = requests.post(f"{live.url}/oauth2/token", auth=(M2M, m2m_secret(live)), timeout=10,
                          data={"grant_type": "client_credentials"}).json()
    assert [entry[0] for entry in seen] == ["TokenGeneration_HostedAuth", "TokenGeneration_ClientCredentials"]
    assert seen[1][1:] == ("3", None, [f"{API}/read"])  # no user for a machine
    access = claims(token["access_token"])
    assert access["tenant"] == "acme" and access["scope"] == f"{API}/read {API}/write"


def test_the_pools_page_shows_oauth_settings_resource_servers_and_a_working_sign_in_link(live, user):
    page = requests.get(f"{live.url}/pools", timeout=10).text
    assert "myapp-local" in page and f"<code>{API}</code> api:" in page and "<code>read</code>" in page
    assert "flows code, implicit;" in page and f"<code>{CALLBACK}</code>" in page
    link = re.search(r'<a class="hosted-sign-in" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    browser = requests.Session()
    answer = sign_in_at(browser, authorize(browser, live.url + link), user, PASSWORD)
    assert answer.headers["Location"].startswith(CALLBACK + "?code=")


# -- each guard, on its own -------------------------------------------------------------------------------------

def test_a_pkce_code_needs_its_verifier(live, user):
    code, _, _ = signed_in_code(live, user)
    response = requests.post(f"{live.url}/oauth2/token", timeout=10, data={
        "grant_type": "authorization_code", "client_id": WEB, "code": code, "redirect_uri": CALLBACK})
    assert response.json() == {"error": "invalid_grant"}


def second_web_client(live, **extra):
    return live.client().create_user_pool_client(
        UserPoolId=POOL, ClientName="web-2", AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email"], CallbackURLs=[CALLBACK],
        **{"SupportedIdentityProviders": ["COGNITO"], **extra})["UserPoolClient"]


def test_a_code_is_only_for_the_client_it_was_issued_to(live, user):
    other = second_web_client(live)["ClientId"]
    code, verifier, _ = signed_in_code(live, user)
    response = requests.post(f"{live.url}/oauth2/token", timeout=10, data={
        "grant_type": "authorization_code", "client_id": other, "code": code, "redirect_uri": CALLBACK,
        "code_verifier": verifier})
    assert response.json() == {"error": "invalid_grant"}


def test_a_code_of_a_user_since_disabled_gives_no_tokens(live, user):
    code, verifier, _ = signed_in_code(live, user)
    live.client().admin_disable_user(UserPoolId=POOL, Username=user)
    assert redeem(live, code, verifier).json() == {"error": "invalid_grant"}


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §16.4:
# email, phone and profile are granted only beside openid.
@pytest.mark.parametrize("asked, granted", [
    ("openid phone email", "openid email"),  # phone: not the client's
    ("email aws.cognito.signin.user.admin", "aws.cognito.signin.user.admin"),  # email: only beside openid
    ("", "openid email profile aws.cognito.signin.user.admin https://api.example.com/read"),  # none: all
])
def test_authorize_grants_only_the_clients_scopes_and_oidc_ones_only_with_openid(live, user, asked, granted):
    _, _, tokens, _ = code_flow(live, user, scope=asked)
    assert claims(tokens["access_token"])["scope"] == granted


def test_a_client_without_the_client_credentials_flow_cannot_use_it(live):
    response = requests.post(f"{live.url}/oauth2/token", data={"grant_type": "client_credentials", "client_id": WEB},
                             timeout=10)
    assert response.json() == {"error": "unauthorized_client"}


def test_authorize_refuses_a_flow_the_client_lacks(live):
    _, client_id = oauth_pool(live.client())  # code only
    response = requests.get(authorize_url(live, client_id=client_id, response_type="token"), allow_redirects=False,
                            timeout=10)
    assert response.headers["Location"] == f"{CALLBACK}#error=unauthorized_client&state=s1"


def test_user_info_shows_only_what_the_client_may_read(live, user):
    reader = second_web_client(live, ReadAttributes=["email"])["ClientId"]
    client = OAuth2Session(reader, redirect_uri=CALLBACK, scope="openid email", code_challenge_method="S256")
    endpoints = discovery(live)
    verifier = generate_token(64)
    url, _ = client.create_authorization_url(endpoints["authorization_endpoint"], code_verifier=verifier)
    browser = requests.Session()
    location = sign_in_at(browser, authorize(browser, url), user, PASSWORD).headers["Location"]
    client.fetch_token(endpoints["token_endpoint"], authorization_response=location, code_verifier=verifier)
    info = client.get(endpoints["userinfo_endpoint"]).json()
    assert "email" in info and "email_verified" not in info  # the client reads email, not email_verified


@pytest.mark.parametrize("change", ["expired", "disabled"])
def test_user_info_refuses_an_expired_token_or_a_disabled_user(live, user, change):
    client, endpoints, _, _ = code_flow(live, user)
    assert client.get(endpoints["userinfo_endpoint"]).status_code == 200
    if change == "expired":
        live.services.clock.advance(3601)
    else:
        live.client().admin_disable_user(UserPoolId=POOL, Username=user)
    assert client.get(endpoints["userinfo_endpoint"]).status_code == 401


def test_a_client_cannot_revoke_another_clients_refresh_token(live, user):
    _, endpoints, tokens, _ = code_flow(live, user)
    revoked = requests.post(endpoints["revocation_endpoint"], data={"token": tokens["refresh_token"]},
                            auth=(M2M, m2m_secret(live)), timeout=10)
    assert revoked.status_code == 200  # answered as for any token, and nothing revoked:
    refreshed = requests.post(endpoints["token_endpoint"], timeout=10, data={
        "grant_type": "refresh_token", "client_id": WEB, "refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200


def test_revocation_off_for_the_client_refuses(live, user):
    client = second_web_client(live, EnableTokenRevocation=False)["ClientId"]
    response = requests.post(f"{live.url}/oauth2/revoke", data={"token": "anything", "client_id": client}, timeout=10)
    assert (response.status_code, response.json()) == (400, {"error": "invalid_request"})


def test_a_form_token_that_is_not_the_cookies_is_refused(live, user):
    browser = requests.Session()
    login = authorize(browser, authorize_url(live))
    fields = {**form_fields(login.text), "username": user, "password": PASSWORD, "_xsrf": "not-the-cookies"}
    assert browser.post(f"{live.url}/login", data=fields, allow_redirects=False, timeout=10).status_code == 403


def test_logout_ends_the_session_on_the_server_too(live, user):
    _, _, _, browser = code_flow(live, user)
    session_cookie = browser.cookies.get("cognito")
    browser.get(f"{live.url}/logout", params={"client_id": WEB, "logout_uri": SIGNED_OUT}, allow_redirects=False,
                timeout=10)
    replay = requests.Session()
    replay.cookies.set("cognito", session_cookie)  # the cookie kept by someone after the sign-out
    assert "<form" in authorize(replay, authorize_url(live)).text


def test_a_session_signs_in_only_in_its_own_pool_even_for_the_same_username(live, user):
    _, _, _, browser = code_flow(live, user)
    cognito = live.client()
    other_pool, other_client = oauth_pool(cognito, UsernameAttributes=["email"])
    make_user_in(cognito, other_pool, user)
    assert "<form" in authorize(browser, authorize_url(live, client_id=other_client, scope="openid")).text


def make_user_in(cognito, pool_id, email):
    cognito.admin_create_user(UserPoolId=pool_id, Username=email, MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": email}])
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=email, Password=PASSWORD, Permanent=True)


def test_the_session_cookie_is_http_only_and_same_site(live, user):
    client, endpoints = web_client(live)
    url, _ = client.create_authorization_url(endpoints["authorization_endpoint"], code_verifier=generate_token(64))
    browser = requests.Session()
    answer = sign_in_at(browser, authorize(browser, url), user, PASSWORD)
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("cognito=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_pending_sign_up_signs_in_only_the_user_who_signed_up(live):
    browser = requests.Session()
    login = authorize(browser, authorize_url(live))
    signup_page = browser.get(f"{live.url}/signup?" + urlsplit(login.url).query, timeout=10)
    confirm_page = browser.post(f"{live.url}/signup", timeout=10,
                                data={**form_fields(signup_page.text), "username": "vik@example.com", "password": PASSWORD})
    live.client().sign_up(ClientId=WEB, Username="other@example.com", Password=PASSWORD)
    code = requests.get(f"{live.url}/_emulator/email", params={"email": "other@example.com"},
                        timeout=10).json()["messages"][-1]["code"]
    # The pending token of vik's sign-up, with someone else's name and code: confirmed, but not signed in as vik.
    answer = browser.post(f"{live.url}/confirm", allow_redirects=False, timeout=10,
                          data={**form_fields(confirm_page.text), "username": "other@example.com", "code": code})
    assert answer.status_code == 200 and "Your account is confirmed: sign in." in answer.text


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §16.5:
# invalid_client answered with status 400.
@pytest.mark.parametrize("request_kwargs, error", [
    ({"json": {"grant_type": "client_credentials"}}, "invalid_request"),  # a form, not JSON
    ({"files": {"grant_type": (None, "client_credentials"), "client_id": (None, WEB)}}, "invalid_request"),  # multipart
    ({"data": {"grant_type": "client_credentials"}, "headers": {"Authorization": "Basic " +
      base64.b64encode(WEB.encode()).decode()}}, "invalid_client"),  # Basic without the colon
    ({"data": {"grant_type": "client_credentials"}, "headers": {"Authorization": "Basic é"}}, "invalid_client"),
    ({"data": {"grant_type": "authorization_code", "client_id": WEB, "client_secret": "made-up", "code": "x",
               "redirect_uri": CALLBACK}}, "invalid_client"),  # a public client has no secret to give
])
def test_the_token_endpoint_refuses_malformed_requests(live, request_kwargs, error):
    response = requests.post(f"{live.url}/oauth2/token", timeout=10, **request_kwargs)
    assert (response.status_code, response.json()) == (400, {"error": error})


def test_a_code_or_pending_row_is_not_a_sign_in_session(live, user):
    code, verifier, browser = signed_in_code(live, user)
    login = authorize(browser, authorize_url(live, prompt="login"))
    fields = {**form_fields(login.text), "username": user, "step": "SMS_MFA", "session": f"oauth-code:{code}",
              "code": "123456"}
    assert browser.post(f"{live.url}/login", data=fields, timeout=10).status_code == 200  # refused, no 500
    assert error_of(live.client().respond_to_auth_challenge, ClientId=WEB, ChallengeName="SMS_MFA",
                    Session=f"oauth-code:{code}", ChallengeResponses={"USERNAME": user, "SMS_MFA_CODE": "1"})["Code"] \
        == "NotAuthorizedException"
    assert redeem(live, code, verifier).status_code == 200  # and the code was not used up


def test_the_pages_carry_only_the_checked_request(live):
    browser = requests.Session()
    login = authorize(browser, authorize_url(live))
    fields = {**form_fields(login.text), "username": "nobody@example.com", "password": "x"}
    page = browser.post(f"{live.url}/login?redirect_uri=https://evil.example/&state=INJECTED", data=fields, timeout=10)
    carried = form_fields(page.text)
    assert carried["redirect_uri"] == CALLBACK and carried["state"] == "s1"


def test_hosted_access_tokens_carry_version_2(live, user):
    _, _, tokens, _ = code_flow(live, user)
    assert claims(tokens["access_token"])["version"] == 2


def test_the_local_ca_can_vouch_only_for_this_machine(tmp_path):
    from cryptography import x509

    from emulator import tls

    files = tls.certificates(str(tmp_path))
    ca = x509.load_pem_x509_certificate(open(files.ca, "rb").read())
    constraints = ca.extensions.get_extension_for_class(x509.NameConstraints)
    assert constraints.critical
    assert [str(name.value) for name in constraints.value.permitted_subtrees] == ["localhost", "127.0.0.0/8",
                                                                                 "::1/128"]


def test_the_command_line_starts_the_https_listener_and_says_how_to_trust_it(tmp_path):
    import queue
    import subprocess
    import sys
    import threading

    from tests.conftest import ROOT

    process = subprocess.Popen([sys.executable, "-m", "emulator", "--port", "0", "--tls-port", "0", "--data",
                                str(tmp_path / "data"), "--log-level", "WARNING"], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    try:
        banner = []
        while not any(line.startswith("export AWS_ENDPOINT_URL") for line in banner):
            banner.append(lines.get(timeout=30))
        https = re.search(r"and (https://localhost:\d+)", banner[0]).group(1)
        ca = str(tmp_path / "data" / "tls" / "ca.pem")
        assert any(f"export NODE_EXTRA_CA_CERTS={ca} REQUESTS_CA_BUNDLE={ca}" in line for line in banner)
        session = requests.Session()
        session.trust_env = False
        assert session.get(f"{https}/_emulator/health", verify=ca, timeout=10).json()["status"] == "ok"
    finally:
        process.terminate()
        process.wait(15)


def test_an_access_token_without_the_admin_scope_cannot_call_the_users_own_operations(live, user):
    _, _, narrow, _ = code_flow(live, user, scope="openid email")
    error = error_of(live.client().get_user, AccessToken=narrow["access_token"])
    assert (error["Code"], error["Message"]) == ("NotAuthorizedException", "Access Token does not have required scopes")
    _, _, wide, _ = code_flow(live, user, scope="openid aws.cognito.signin.user.admin")
    assert live.client().get_user(AccessToken=wide["access_token"])["UserAttributes"]
