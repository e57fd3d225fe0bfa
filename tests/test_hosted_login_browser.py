"""The managed login ("hosted UI") in Chromium, as a person uses it: the sign-in page of the code flow with PKCE,
sign-up with the code from the inbox, an SMS MFA step with a wrong code first; then Amplify v6's signInWithRedirect
and signOut from a small app page (tests/js/hosted-redirect/) through the emulator's HTTPS listener.

The app's callback http://localhost:3000/callback is answered inside Chromium (nothing listens there; see
answer_the_callback for why that is Chromium's Fetch domain rather than page.route). For
the HTTPS listener, Chromium trusts exactly the emulator's server certificate: it is launched with
--ignore-certificate-errors-spki-list=<SHA-256 of the certificate's SubjectPublicKeyInfo>. The requests-level
tests of the same flows are in tests/test_oauth.py; the seeded pool and clients are its CONFIG."""

import base64
import hashlib
import json
import re
import secrets
import shutil
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests

from emulator.embedded import EmbeddedEmulator
from emulator.settings import Settings
from tests.browser import CHROMIUM, FLAGS
from tests.browser_apps import bundle, served
from tests.test_js_clients import node_clients  # noqa: F401 (the fixture that installs tests/js)
from tests.test_oauth import CALLBACK, CONFIG, PASSWORD, POOL, WEB, make_user, oauth_pool

TIMEOUT = 10000  # ms, for each of Playwright's waits
AT_CALLBACK = re.compile(r"^" + re.escape(CALLBACK) + r"(\?.*)?$")


@pytest.fixture
def live():
    with EmbeddedEmulator(Settings(data=":memory:", port=0, check_responses=True), seed_config=CONFIG) as running:
        yield running


APP_PAGE = b"<!doctype html><title>callback</title><h1>The app</h1>"


def answer_the_callback(page) -> None:
    """Answer the app's callback in the browser itself, so nothing needs to listen at localhost:3000.

    The hosted page reaches the callback by a 302, and Playwright's page.route never sees a redirect's next hop (by
    design; its own "should not work with redirects" test): a page.goto whose answer redirects there fails with
    ERR_CONNECTION_REFUSED, and a form post works only because Chromium happens to restart a navigation redirected
    to another site. Chromium's Fetch domain pauses every hop, redirects included, so the callback is fulfilled there.
    """
    from playwright.sync_api import Error

    cdp = page.context.new_cdp_session(page)

    def paused(event):
        try:
            cdp.send("Fetch.fulfillRequest", {
                "requestId": event["requestId"], "responseCode": 200,
                "responseHeaders": [{"name": "Content-Type", "value": "text/html"}],
                "body": base64.b64encode(APP_PAGE).decode()})
        except Error as error:  # the hop Chromium dropped when it restarted the navigation for the new site
            if "Invalid InterceptionId" not in str(error):
                raise

    cdp.on("Fetch.requestPaused", paused)
    cdp.send("Fetch.enable", {"patterns": [{"urlPattern": CALLBACK + "*", "requestStage": "Request"}]})


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies) whose navigations to the app's callback are answered in the browser."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    answer_the_callback(page)
    yield page
    context.close()
    assert problems == []


def pkce() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge), as RFC 7636 computes them."""
    verifier = base64.urlsafe_b64encode(secrets.token_bytes(48)).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(base: str, client_id: str = WEB, scope: str = "openid email", **extra) -> str:
    return f"{base}/oauth2/authorize?" + urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": CALLBACK, "scope": scope, **extra})


def callback_query(page) -> dict:
    """Where the hosted page sent the browser: the callback's query (one value a name)."""
    page.wait_for_url(AT_CALLBACK)
    assert page.get_by_role("heading", name="The app").is_visible()  # the callback answered in the browser
    return {name: values[0] for name, values in parse_qs(urlsplit(page.url).query).items()}


def redeem(base: str, code: str, verifier: str, client_id: str = WEB, **kwargs) -> dict:
    response = requests.post(f"{base}/oauth2/token", timeout=10, data={
        "grant_type": "authorization_code", "client_id": client_id, "code": code, "redirect_uri": CALLBACK,
        "code_verifier": verifier}, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def inbox_code(live, kind: str, **address) -> str:
    """The code in the latest email (kind="email") or text (kind="sms") to the address."""
    found = requests.get(f"{live.url}/_emulator/{kind}", params=address, timeout=10).json()["messages"]
    assert found, f"no {kind} to {address}"
    return found[-1]["code"]


# -- the hosted page in Chromium -----------------------------------------------------------------------------

def test_sign_in_on_the_hosted_page_then_the_code_with_its_verifier_gets_tokens(live, page):
    user = make_user(live)
    verifier, challenge = pkce()
    page.goto(authorize_url(live.url, state="state-1", code_challenge=challenge, code_challenge_method="S256"))

    assert urlsplit(page.url).path == "/login"  # /oauth2/authorize sent the browser to the sign-in page
    assert page.get_by_role("heading", name="Sign in").is_visible()
    assert page.get_by_text("web · oauth · Cognito emulator").is_visible()  # the client's and the pool's names
    page.get_by_label("Username").fill(user)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()

    query = callback_query(page)
    assert set(query) == {"code", "state"} and query["state"] == "state-1"
    tokens = redeem(live.url, query["code"], verifier)
    identity = claims(tokens["id_token"])
    assert identity["email"] == user and identity["email_verified"] is True
    assert (identity["aud"], identity["token_use"]) == (WEB, "id")
    assert identity["iss"] == f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}"
    assert claims(tokens["access_token"])["scope"] == "openid email"

    # A code works once: sent again (here with another verifier) it is refused.
    again = requests.post(f"{live.url}/oauth2/token", timeout=10, data={
        "grant_type": "authorization_code", "client_id": WEB, "code": query["code"], "redirect_uri": CALLBACK,
        "code_verifier": pkce()[0]})
    assert (again.status_code, again.json()) == (400, {"error": "invalid_grant"})

    # The browser now has a session on the hosted page: the next authorize answers at once, without the form.
    verifier, challenge = pkce()
    page.goto(authorize_url(live.url, state="state-2", code_challenge=challenge, code_challenge_method="S256"))
    query = callback_query(page)
    assert query["state"] == "state-2"
    assert claims(redeem(live.url, query["code"], verifier)["id_token"])["email"] == user


def test_a_wrong_password_shows_cognitos_message_on_the_page(live, page):
    user = make_user(live)
    page.goto(authorize_url(live.url))
    page.get_by_label("Username").fill(user)
    page.get_by_label("Password").fill("Not-the-Passw0rd!")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("alert").wait_for()
    assert page.get_by_role("alert").inner_text() == "Incorrect username or password."
    assert page.get_by_label("Username").input_value() == user  # kept for the next try
    assert urlsplit(page.url).path == "/login"


def test_sign_up_on_the_hosted_page_with_the_emailed_code_lands_on_the_callback(live, page):
    email = "ravi.browser@example.com"
    verifier, challenge = pkce()
    page.goto(authorize_url(live.url, state="signup-1", code_challenge=challenge, code_challenge_method="S256"))
    page.get_by_role("link", name="Sign up").click()

    page.get_by_role("heading", name="Sign up").wait_for()
    assert urlsplit(page.url).path == "/signup"
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()

    page.get_by_role("heading", name="Confirm your account").wait_for()
    assert page.get_by_text("We sent a code to r***@e***").is_visible()  # Cognito's masked destination
    code = inbox_code(live, "email", email=email)
    page.get_by_label("Confirmation code").fill(code)
    page.get_by_role("button", name="Confirm").click()

    query = callback_query(page)
    assert query["state"] == "signup-1"
    identity = claims(redeem(live.url, query["code"], verifier)["id_token"])
    assert identity["email"] == email and identity["email_verified"] is True
    user = live.client().admin_get_user(UserPoolId=POOL, Username=email)
    assert user["UserStatus"] == "CONFIRMED"


def test_sms_mfa_on_the_hosted_page_a_wrong_code_then_the_texted_one(live, page):
    cognito = live.client()
    pool_id, client_id = oauth_pool(cognito)  # its own pool and code-flow client (openid, phone), MFA below
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON",
                                     SmsMfaConfiguration={"SmsAuthenticationMessage": "Code {####}"})
    phone = "+919812000101"
    cognito.admin_create_user(UserPoolId=pool_id, Username="mira", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "phone_number", "Value": phone}, {"Name": "phone_number_verified", "Value": "true"}])
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="mira", Password=PASSWORD, Permanent=True)

    verifier, challenge = pkce()
    page.goto(authorize_url(live.url, client_id=client_id, scope="openid phone", state="mfa-1",
                            code_challenge=challenge, code_challenge_method="S256"))
    page.get_by_label("Username").fill("mira")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()

    page.get_by_role("heading", name="Enter your code").wait_for()
    assert page.get_by_text("We sent a code to +********0101.").is_visible()
    code = inbox_code(live, "sms", phone_number=phone)
    page.get_by_label("Code").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("alert").wait_for()
    assert page.get_by_role("alert").inner_text() == "Invalid code or auth state for the user."
    assert page.get_by_role("heading", name="Enter your code").is_visible()  # still the code step: try again
    assert page.get_by_label("Code").input_value() == ""
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Continue").click()

    query = callback_query(page)
    assert query["state"] == "mfa-1"
    tokens = redeem(live.url, query["code"], verifier, client_id=client_id)
    identity = claims(tokens["id_token"])
    assert (identity["cognito:username"], identity["phone_number"], identity["aud"]) == ("mira", phone, client_id)
    assert claims(tokens["access_token"])["scope"] == "openid phone"
    assert len(requests.get(f"{live.url}/_emulator/sms", params={"phone_number": phone},
                            timeout=10).json()["messages"]) == 1  # one text: the wrong try kept the sign-in


# -- Amplify v6 signInWithRedirect over the HTTPS listener -------------------------------------------------------

@pytest.fixture(scope="session")
def redirect_app_build(node_clients, tmp_path_factory):  # noqa: F811
    """tests/js/hosted-redirect bundled with esbuild into a temporary folder: the folder."""
    return bundle("hosted-redirect", str(tmp_path_factory.mktemp("hosted-redirect")))


@pytest.fixture
def redirect_app(redirect_app_build, tmp_path):
    """The bundled app served over http://localhost:<port>/ from a folder of this test's own (config.json is
    written there): (app URL, folder)."""
    folder = tmp_path / "app"
    shutil.copytree(redirect_app_build, folder)
    with served(folder) as port:
        yield f"http://localhost:{port}/", folder


@pytest.fixture
def tls_live(tmp_path):
    settings = Settings(data=":memory:", port=0, tls_port=0, tls_dir=str(tmp_path / "tls"),
                        check_responses=True)
    with EmbeddedEmulator(settings, seed_config=CONFIG) as running:
        yield running


def spki_hash(certificate_path: str) -> str:
    """base64(SHA-256(SubjectPublicKeyInfo)), the form --ignore-certificate-errors-spki-list takes."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    with open(certificate_path, "rb") as handle:
        certificate = x509.load_pem_x509_certificate(handle.read())
    spki = certificate.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


@pytest.fixture
def trusting_browser(browser, tls_live):
    """Chromium that trusts the emulator's server certificate, and only it."""
    running = browser.browser_type.launch(
        executable_path=CHROMIUM, headless=True,
        args=[*FLAGS, f"--ignore-certificate-errors-spki-list={spki_hash(tls_live.tls_files.certificate)}"])
    yield running
    running.close()


def test_amplify_sign_in_with_redirect_and_sign_out_through_the_https_listener(tls_live, redirect_app,
                                                                                trusting_browser):
    user = make_user(tls_live)
    app_url, folder = redirect_app
    tls = tls_live.settings.tls_url
    scopes = ["openid", "email", "profile", "aws.cognito.signin.user.admin"]
    client_id = tls_live.client().create_user_pool_client(
        UserPoolId=POOL, ClientName="amplify-redirect", AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"], AllowedOAuthScopes=scopes, CallbackURLs=[app_url], LogoutURLs=[app_url],
        SupportedIdentityProviders=["COGNITO"])["UserPoolClient"]["ClientId"]
    (folder / "config.json").write_text(json.dumps({
        "userPoolId": POOL, "userPoolClientId": client_id, "userPoolEndpoint": tls_live.url,
        "domain": urlsplit(tls).netloc, "appUrl": app_url}))

    context = trusting_browser.new_context()
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    problems, exchanges = [], []

    def problem(text):
        print(text)  # shown with a failing test, whichever wait times out
        problems.append(text)

    page.on("pageerror", lambda error: problem(f"page error: {error}"))
    page.on("console", lambda message: message.type == "error" and problem(
        f"console: {message.text} ({message.location.get('url')})"))
    page.on("requestfailed", lambda request: problem(f"{request.method} {request.url}: {request.failure}"))
    page.on("response", lambda response: exchanges.append(response) if response.url == f"{tls}/oauth2/token" else None)
    try:
        page.goto(app_url)
        status = page.locator("#status")
        status.filter(has_text="signed out").wait_for()

        # Sign in: Amplify sends the browser to https://localhost:<tls port>/oauth2/authorize, which shows /login.
        with page.expect_request(lambda request: request.url.startswith(f"{tls}/oauth2/authorize?")) as sent:
            page.get_by_role("button", name="Sign in with the hosted page").click()
        page.wait_for_url(f"{tls}/login?**")
        authorize = parse_qs(urlsplit(sent.value.url).query)
        assert authorize["client_id"] == [client_id] and authorize["redirect_uri"] == [app_url]
        assert authorize["scope"] == [" ".join(scopes)] and authorize["response_type"] == ["code"]
        assert authorize["code_challenge_method"] == ["S256"] and authorize["identity_provider"] == ["COGNITO"]
        assert sent.value.redirected_to.url.startswith(f"{tls}/login?")
        page.get_by_label("Username").fill(user)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()

        # Back in the app: Amplify exchanged the code (a cross-origin fetch to the HTTPS listener) and shows the user.
        status.filter(has_text="signed in").wait_for()
        assert page.locator("#error").inner_text() == ""
        assert page.url == app_url  # Amplify took ?code=&state= out of the address
        assert page.locator("#email").inner_text() == user
        assert page.locator("#attribute-email").inner_text() == user
        assert page.locator("#scope").inner_text() == " ".join(scopes)
        username = page.locator("#username").inner_text()
        assert username == tls_live.client().admin_get_user(UserPoolId=POOL, Username=user)["Username"]
        assert [(r.request.method, r.status) for r in exchanges] == [("POST", 200)]
        assert exchanges[0].headers["access-control-allow-origin"] == app_url.rstrip("/")
        assert parse_qs(exchanges[0].request.post_data)["redirect_uri"] == [app_url]
        assert "signInWithRedirect" in page.evaluate("window.authEvents")
        refresh_token = page.evaluate(
            "([client, user]) => localStorage.getItem(`CognitoIdentityServiceProvider.${client}.${user}.refreshToken`)",
            [client_id, username])
        assert refresh_token

        # Sign out: Amplify revokes the refresh token, then goes through /logout on the HTTPS listener and back.
        with page.expect_request(lambda request: request.url.startswith(f"{tls}/logout?")) as sent:
            page.get_by_role("button", name="Sign out").click()
        status.filter(has_text="signed out").wait_for()
        assert parse_qs(urlsplit(sent.value.url).query) == {"client_id": [client_id], "logout_uri": [app_url]}
        assert sent.value.response().status == 302 and sent.value.redirected_to.url == app_url
        assert page.url == app_url and page.locator("#error").inner_text() == ""
        refreshed = requests.post(f"{tls}/oauth2/token", verify=tls_live.tls_files.ca, timeout=10, data={
            "grant_type": "refresh_token", "client_id": client_id, "refresh_token": refresh_token})
        assert (refreshed.status_code, refreshed.json()) == (400, {"error": "invalid_grant"})

        # The hosted session ended too: signing in again asks for the password.
        page.get_by_role("button", name="Sign in with the hosted page").click()
        page.wait_for_url(f"{tls}/login?**")
        assert page.get_by_role("heading", name="Sign in").is_visible()
        assert page.get_by_label("Password").input_value() == ""
    finally:
        context.close()
    assert problems == []
