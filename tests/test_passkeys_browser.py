"""Passkeys in Chromium with Amplify v6 (tests/js/passkey-app/), against the emulator: a phone user signs in with a
texted code, registers a passkey with associateWebAuthnCredential (navigator.credentials.create, answered by a CDP
virtual authenticator), sees it in listWebAuthnCredentials, signs out, and signs in again with the passkey alone
(USER_AUTH, preferred challenge WEB_AUTHN). The assertion Amplify sent, replayed through boto3 against a fresh
sign-in, is refused; and the same app served from http://127.0.0.1 (not the relying party "localhost") can neither
sign in with the passkey nor register one: Chromium itself refuses the RP ID before the emulator sees anything.

The emulator is conftest's `emulator` (EmbeddedEmulator, Settings(data=":memory:", port=0, check_responses=True)), the
pool tests/test_passkeys.py's (its `pool` fixture: RelyingPartyId "localhost", UserVerification required). The boto3
tests with a software authenticator there cover what a browser cannot be made to send (forged signatures,
other origins and RP IDs, a falling sign count)."""

import base64
import json
import shutil
import time

import pytest

from tests.conftest import error_of
from tests.inbox import messages
from tests.browser_apps import bundle, served
from tests.test_js_clients import node_clients  # noqa: F401 (the fixture that installs tests/js)
from tests.test_passkeys import PASSWORD, pool  # noqa: F401 (the pool fixture: passkeys for RP ID localhost)

TIMEOUT = 10000  # ms, for each of Playwright's waits
PHONE = "+919813100001"
TARGET = "AWSCognitoIdentityProviderService."
AUTHENTICATOR = {"protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
                 "isUserVerified": True, "automaticPresenceSimulation": True}
RP_MISMATCH = "RelyingPartyMismatch: Relying party does not match current domain."


@pytest.fixture(scope="session")
def passkey_app_build(node_clients, tmp_path_factory):  # noqa: F811
    """tests/js/passkey-app bundled with esbuild into a temporary folder: the folder."""
    return bundle("passkey-app", str(tmp_path_factory.mktemp("passkey-app")))


@pytest.fixture
def app_port(passkey_app_build, tmp_path, emulator, pool):  # noqa: F811
    """The bundled app with this test's config.json, served on 127.0.0.1: its port (the page is opened as
    http://localhost:<port>/, and as http://127.0.0.1:<port>/ for another origin)."""
    folder = tmp_path / "app"
    shutil.copytree(passkey_app_build, folder)
    pool_id, client_id = pool
    (folder / "config.json").write_text(json.dumps({
        "userPoolId": pool_id, "userPoolClientId": client_id, "userPoolEndpoint": emulator.url}))
    with served(folder) as port:
        yield port


class Tab:
    """A Chromium tab with a virtual authenticator, and what the app sent to the emulator: `calls` as
    (operation, HTTP status), `bodies` as (operation, request JSON)."""

    def __init__(self, page, cdp, authenticator_id):
        self.page, self.cdp, self.authenticator_id = page, cdp, authenticator_id
        self.calls, self.bodies = [], []
        page.on("response", self._answered)  # before the page can read the body, so before the step counts as done

    def _answered(self, response):
        request = response.request
        target = request.headers.get("x-amz-target", "")
        if request.method == "POST" and target.startswith(TARGET):
            operation = target.removeprefix(TARGET)
            self.calls.append((operation, response.status))
            self.bodies.append((operation, json.loads(request.post_data)))

    def text(self, element_id: str) -> str:
        return self.page.locator(f"#{element_id}").inner_text()

    def press(self, button_id: str) -> None:
        """Click one of the app's buttons and wait until the app has finished that step (#done counts them)."""
        from playwright.sync_api import expect

        done = int(self.text("done"))
        self.page.locator(f"#{button_id}").click()
        expect(self.page.locator("#done")).to_have_text(str(done + 1), timeout=TIMEOUT)

    def open(self, url: str) -> None:
        self.page.goto(url)
        self.page.locator("#status").filter(has_text="signed out").wait_for()
        self.calls.clear()
        self.bodies.clear()

    def stored_passkeys(self) -> list[dict]:
        """The virtual authenticator's credentials (WebAuthn.getCredentials)."""
        return self.cdp.send("WebAuthn.getCredentials", {"authenticatorId": self.authenticator_id})["credentials"]

    def sent(self, operation: str) -> list[dict]:
        return [body for name, body in self.bodies if name == operation]


@pytest.fixture
def tab(browser):
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    authenticator_id = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})["authenticatorId"]
    yield Tab(page, cdp, authenticator_id)
    context.close()
    assert problems == []


def make_user(cognito, pool_id: str) -> str:
    """A confirmed phone user with a password (a password only makes them CONFIRMED; they sign in by text): the sub."""
    cognito.admin_create_user(UserPoolId=pool_id, Username=PHONE, MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "phone_number", "Value": PHONE}, {"Name": "phone_number_verified", "Value": "true"}])
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=PHONE, Password=PASSWORD, Permanent=True)
    user = cognito.admin_get_user(UserPoolId=pool_id, Username=PHONE)
    return next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")


def sign_in_with_a_texted_code(tab: Tab, emulator) -> None:
    tab.page.locator("#phone").fill(PHONE)
    texts = len(messages(emulator, PHONE))
    tab.press("send-code")
    assert (tab.text("error"), tab.text("step")) == ("", "CONFIRM_SIGN_IN_WITH_SMS_CODE")
    sent = messages(emulator, PHONE)
    assert len(sent) == texts + 1
    tab.page.locator("#code").fill(sent[-1]["code"])
    tab.press("confirm-code")
    assert (tab.text("error"), tab.text("status"), tab.text("step")) == ("", "signed in", "DONE")
    assert (tab.text("login-id"), tab.text("auth-flow")) == (PHONE, "USER_AUTH")


def client_data(credential: dict) -> dict:
    encoded = credential["response"]["clientDataJSON"]
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))


def base64url(standard: str) -> str:
    return standard.replace("+", "-").replace("/", "_").rstrip("=")


def register_a_passkey(tab: Tab, emulator, port: int) -> dict:
    """Signed in at http://localhost:<port>/ by a texted code, associateWebAuthnCredential; then signed out.
    Returns the passkey as the virtual authenticator holds it."""
    tab.open(f"http://localhost:{port}/")
    assert (tab.text("origin"), tab.text("secure")) == (f"http://localhost:{port}", "true")
    sign_in_with_a_texted_code(tab, emulator)
    assert tab.text("passkey-count") == "0" and tab.stored_passkeys() == []

    tab.calls.clear()
    started = time.time()
    tab.press("add-passkey")
    assert (tab.text("error"), tab.text("registered")) == ("", "yes")
    assert tab.calls == [("StartWebAuthnRegistration", 200), ("CompleteWebAuthnRegistration", 200),
                         ("ListWebAuthnCredentials", 200)]
    [complete] = tab.sent("CompleteWebAuthnRegistration")
    credential = complete["Credential"]  # Amplify sends the object (a Smithy document), not a JSON string
    assert client_data(credential)["type"] == "webauthn.create"
    assert client_data(credential)["origin"] == f"http://localhost:{port}"
    assert credential["response"]["transports"] == ["internal"]

    # listWebAuthnCredentials shows the one passkey; the virtual authenticator holds it, for the RP "localhost".
    assert tab.text("passkey-count") == "1"
    listed = tab.page.locator("#passkeys li")
    assert listed.count() == 1
    assert listed.get_attribute("data-relying-party-id") == "localhost"
    assert listed.inner_text() == "Passkey 1 (localhost, platform, internal)"
    assert started - 1 <= int(listed.get_attribute("data-created-at")) / 1000 <= time.time() + 1  # CreatedAt in seconds
    stored = tab.stored_passkeys()
    assert len(stored) == 1
    assert (stored[0]["rpId"], stored[0]["isResidentCredential"], stored[0]["userName"]) == ("localhost", True, PHONE)
    assert base64url(stored[0]["credentialId"]) == credential["id"] == listed.get_attribute("data-credential-id")

    tab.press("sign-out")
    assert (tab.text("error"), tab.text("status")) == ("", "signed out")
    return stored[0]


def test_register_a_passkey_in_chromium_then_sign_in_with_it_alone(emulator, cognito, pool, app_port,  # noqa: F811
                                                                    tab):
    pool_id, client_id = pool
    sub = make_user(cognito, pool_id)
    passkey = register_a_passkey(tab, emulator, app_port)
    assert base64.b64decode(passkey["userHandle"]).decode() == sub  # the user.id StartWebAuthnRegistration chose
    texts = len(messages(emulator, PHONE))
    assert texts == 1  # the code of the first sign-in

    # Signed out, sign in with the passkey alone: no code, no password.
    tab.calls.clear()
    tab.bodies.clear()
    tab.press("sign-in-passkey")
    assert (tab.text("error"), tab.text("status"), tab.text("step")) == ("", "signed in", "DONE")
    assert (tab.text("login-id"), tab.text("auth-flow"), tab.text("passkey-count")) == (PHONE, "USER_AUTH", "1")
    assert len(messages(emulator, PHONE)) == texts  # nothing texted for this sign-in
    assert tab.calls == [("InitiateAuth", 200), ("RespondToAuthChallenge", 200), ("ListWebAuthnCredentials", 200)]
    [initiate] = tab.sent("InitiateAuth")
    assert initiate["AuthFlow"] == "USER_AUTH"
    assert initiate["AuthParameters"] == {"USERNAME": PHONE, "PREFERRED_CHALLENGE": "WEB_AUTHN"}
    [respond] = tab.sent("RespondToAuthChallenge")
    assert respond["ChallengeName"] == "WEB_AUTHN" and set(respond["ChallengeResponses"]) == {"USERNAME", "CREDENTIAL"}
    assertion = json.loads(respond["ChallengeResponses"]["CREDENTIAL"])
    assert assertion["id"] == base64url(passkey["credentialId"])
    assert client_data(assertion)["type"] == "webauthn.get"
    assert client_data(assertion)["origin"] == f"http://localhost:{app_port}"
    [held] = tab.stored_passkeys()
    assert held["signCount"] > passkey["signCount"]  # the authenticator counted the assertion

    # The assertion Amplify sent, replayed: its own sign-in's session is used up, and a fresh sign-in's challenge is
    # another one.
    def replay(session):
        return cognito.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="WEB_AUTHN", Session=session,
            ChallengeResponses={"USERNAME": PHONE, "CREDENTIAL": respond["ChallengeResponses"]["CREDENTIAL"]})

    assert error_of(replay, respond["Session"])["Code"] == "NotAuthorizedException"
    fresh = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_AUTH", AuthParameters={
        "USERNAME": PHONE, "PREFERRED_CHALLENGE": "WEB_AUTHN"})
    assert fresh["ChallengeName"] == "WEB_AUTHN"
    assert json.loads(fresh["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])["challenge"] != \
        client_data(assertion)["challenge"]
    assert error_of(replay, fresh["Session"]) == {
        "Code": "NotAuthorizedException", "Message": "Incorrect username or password.", "Status": 400}
    assert len(messages(emulator, PHONE)) == texts


def test_the_app_on_another_origin_cannot_use_or_register_a_localhost_passkey(emulator, pool, app_port,  # noqa: F811
                                                                                  tab):
    """http://127.0.0.1:<port> is a secure context (so Amplify tries), but "localhost" is neither its host nor a
    registrable suffix of it: Chromium refuses navigator.credentials.get and .create with a SecurityError, which
    Amplify reports as RelyingPartyMismatch. The emulator answered InitiateAuth and StartWebAuthnRegistration and
    never received an assertion or attestation."""
    pool_id, _ = pool
    make_user(emulator.client(), pool_id)
    register_a_passkey(tab, emulator, app_port)

    tab.open(f"http://127.0.0.1:{app_port}/")  # the same tab: the same virtual authenticator, holding the passkey
    assert (tab.text("origin"), tab.text("secure")) == (f"http://127.0.0.1:{app_port}", "true")
    tab.page.locator("#phone").fill(PHONE)
    tab.press("sign-in-passkey")
    assert tab.text("status") == "signed out"
    assert (tab.text("error"), tab.text("error-cause")) == (f"signIn: {RP_MISMATCH}", "SecurityError")
    assert tab.calls == [("InitiateAuth", 200)]  # the challenge came; no RespondToAuthChallenge was sent
    assert tab.sent("InitiateAuth")[0]["AuthParameters"] == {"USERNAME": PHONE, "PREFERRED_CHALLENGE": "WEB_AUTHN"}

    # Signed in there by a texted code, registering a passkey fails the same way.
    sign_in_with_a_texted_code(tab, emulator)
    tab.calls.clear()
    tab.press("add-passkey")
    assert (tab.text("error"), tab.text("error-cause")) == (f"associateWebAuthnCredential: {RP_MISMATCH}",
                                                            "SecurityError")
    assert tab.text("registered") == ""
    assert tab.calls == [("StartWebAuthnRegistration", 200), ("ListWebAuthnCredentials", 200)]
    assert tab.text("passkey-count") == "1"  # still only the one registered at localhost
    assert len(tab.stored_passkeys()) == 1
