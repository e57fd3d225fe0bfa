"""The stock Amplify UI Authenticator (@aws-amplify/ui-react, pinned in tests/js/package.json) in Chromium against
the emulator, on a pool with MFA ON and only software tokens: the first password sign-in makes the user set up an
authenticator app (the Authenticator's "Setup TOTP" screen with the QR code and the secret), then signs the user in;
after signing out, the next sign-in asks for a TOTP code ("Confirm TOTP Code") before signing in.

The page is the one tests/test_authenticator_browser.py bundles, opened with this test's own pool and client and
login=username. Every Cognito call the page makes is recorded, so a failure shows what the emulator answered."""

import json

import pyotp
import pytest
import requests

from tests.test_authenticator_browser import authenticator_site  # noqa: F401 (the bundled page, served)
from tests.test_js_clients import node_clients  # noqa: F401 (the fixture that installs tests/js)

USERNAME = "totp-browser-user"
PASSWORD = "Browser-Mfa-Passw0rd!"
TIMEOUT = 10000


@pytest.fixture
def mfa_pool(cognito):
    """A pool with MFA ON (software tokens only), a public client and a confirmed user with a permanent password
    set by an administrator: (pool id, client id)."""
    pool_id = cognito.create_user_pool(PoolName="authenticator-totp")["UserPool"]["Id"]
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON",
                                     SoftwareTokenMfaConfiguration={"Enabled": True})
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="authenticator",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool_id, Username=USERNAME, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=USERNAME, Password=PASSWORD, Permanent=True)
    return pool_id, client_id


class CognitoCalls:
    """The Cognito API calls the page makes (POSTs to the emulator), each with its request and response."""

    def __init__(self, endpoint):
        self.endpoint = endpoint
        self.responses = []

    def on_response(self, response):
        request = response.request
        if request.method == "POST" and request.url.startswith(self.endpoint) and "/_emulator/" not in request.url:
            self.responses.append(response)

    def calls(self):
        """[(operation, request body, status, response body)] so far, oldest first."""
        calls = []
        for response in self.responses:
            request = response.request
            operation = (request.headers.get("x-amz-target") or "").rpartition(".")[2]
            try:
                body = response.json()
            except Exception:  # noqa: BLE001 (kept as text when it is not JSON)
                body = response.text()
            calls.append((operation, json.loads(request.post_data or "{}"), response.status, body))
        return calls

    def since(self, start):
        return self.calls()[start:]

    def report(self):
        """Every call, for an assertion message."""
        return "\n".join(f"{operation} {json.dumps(sent)} -> {status} {json.dumps(answer)}"
                         for operation, sent, status, answer in self.calls())


@pytest.fixture
def page(browser, emulator, authenticator_site, mfa_pool):  # noqa: F811
    pool_id, client_id = mfa_pool
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.cognito_calls = CognitoCalls(emulator.url)
    page.on("response", page.cognito_calls.on_response)
    page.goto(f"{authenticator_site}/index.html?endpoint={emulator.url}&pool={pool_id}&client={client_id}"
              "&login=username")
    yield page
    context.close()
    assert problems == []


def emulator_now(emulator) -> int:
    return int(requests.get(f"{emulator.url}/_emulator/clock", timeout=5).json()["now"])


def sign_in_form(page):
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def operations(calls):
    """(operation, challenge answered or None, challenge or "tokens" returned or the error)."""
    summary = []
    for operation, sent, status, answer in calls:
        if not isinstance(answer, dict):
            outcome = status
        elif status != 200:
            outcome = answer.get("__type", status)
        else:
            outcome = answer.get("ChallengeName") or ("tokens" if "AuthenticationResult" in answer else None)
        summary.append((operation, sent.get("ChallengeName"), outcome))
    return summary


def test_totp_setup_then_sign_in_with_a_code_in_the_authenticator(page, emulator, cognito, mfa_pool):
    pool_id, _ = mfa_pool
    calls = page.cognito_calls

    # First sign-in: MFA is ON and the user has no MFA yet, so the Authenticator sets up an authenticator app.
    sign_in_form(page)
    try:
        page.get_by_role("heading", name="Setup TOTP").wait_for(timeout=TIMEOUT)
        page.locator("img[data-amplify-qrcode]").wait_for(timeout=TIMEOUT)
    except Exception:
        pytest.fail(f"no TOTP set-up screen; the Cognito calls were:\n{calls.report()}")
    shown_secret = page.locator("[data-amplify-copy] > div").first.inner_text().strip()
    associated = [answer for operation, _, status, answer in calls.calls()
                  if operation == "AssociateSoftwareToken" and status == 200]
    assert len(associated) == 1, calls.report()
    assert shown_secret == associated[0]["SecretCode"]
    qr_source = page.locator("img[data-amplify-qrcode]").get_attribute("src")
    assert qr_source.startswith("data:image/png;base64,")

    code = pyotp.TOTP(shown_secret).at(emulator_now(emulator))
    page.get_by_role("textbox", name="Code").fill(code)
    page.get_by_role("button", name="Confirm").click()
    try:
        page.locator("#signed-in").wait_for(timeout=TIMEOUT)
    except Exception:
        pytest.fail(f"not signed in after the TOTP set-up; the Cognito calls were:\n{calls.report()}")
    assert page.locator("#login-id").inner_text() == USERNAME
    first = operations(calls.calls())
    assert first[:5] == [
        ("InitiateAuth", None, "PASSWORD_VERIFIER"),
        ("RespondToAuthChallenge", "PASSWORD_VERIFIER", "MFA_SETUP"),
        ("AssociateSoftwareToken", None, None),
        ("VerifySoftwareToken", None, None),
        ("RespondToAuthChallenge", "MFA_SETUP", "tokens"),
    ], calls.report()
    assert all(operation not in ("InitiateAuth", "RespondToAuthChallenge") for operation, *_ in first[5:])
    mfa_setup = calls.calls()[1][3]
    assert json.loads(mfa_setup["ChallengeParameters"]["MFAS_CAN_SETUP"]) == ["SOFTWARE_TOKEN_MFA"]
    verified = calls.calls()[3][3]
    assert verified["Status"] == "SUCCESS"

    user = cognito.admin_get_user(UserPoolId=pool_id, Username=USERNAME)
    assert user["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    current = requests.get(f"{emulator.url}/_emulator/totp", params={"username": USERNAME, "pool_id": pool_id},
                           timeout=5).json()
    assert current["verified"] is True

    # Sign out, and sign in again: this time a code from the authenticator app is asked for.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for(timeout=TIMEOUT)
    requests.post(f"{emulator.url}/_emulator/clock", json={"seconds": 30}, timeout=5).raise_for_status()
    start = len(calls.calls())
    sign_in_form(page)
    try:
        page.get_by_role("heading", name="Confirm TOTP Code").wait_for(timeout=TIMEOUT)
    except Exception:
        pytest.fail(f"no TOTP code screen on the second sign-in; the Cognito calls were:\n{calls.report()}")
    assert page.locator("#signed-in").count() == 0
    current = requests.get(f"{emulator.url}/_emulator/totp", params={"username": USERNAME, "pool_id": pool_id},
                           timeout=5).json()
    assert current["code"] == pyotp.TOTP(shown_secret).at(emulator_now(emulator))
    assert current["code"] != code  # the set-up code was used; the clock moved on to a new one
    page.get_by_role("textbox", name="Code").fill(current["code"])
    page.get_by_role("button", name="Confirm").click()
    try:
        page.locator("#signed-in").wait_for(timeout=TIMEOUT)
    except Exception:
        pytest.fail(f"not signed in with the TOTP code; the Cognito calls were:\n{calls.report()}")
    assert page.locator("#login-id").inner_text() == USERNAME
    second = operations(calls.since(start))
    assert second[:3] == [
        ("InitiateAuth", None, "PASSWORD_VERIFIER"),
        ("RespondToAuthChallenge", "PASSWORD_VERIFIER", "SOFTWARE_TOKEN_MFA"),
        ("RespondToAuthChallenge", "SOFTWARE_TOKEN_MFA", "tokens"),
    ], calls.report()
    assert all(operation not in ("InitiateAuth", "RespondToAuthChallenge") for operation, *_ in second[3:])
