"""The stock Amplify UI Authenticator (@aws-amplify/ui-react, pinned in tests/js/package.json) in Chromium against
the emulator: "Forgot your password?" with the texted code, then signing in with the new password.

The page (tests/js/authenticator/) is bundled with esbuild once per session into a temporary folder and served from
a local HTTP server; the emulator answers CORS for any origin."""

import functools
import http.server
import os
import shutil
import subprocess
import threading

import pytest

from tests.auth_helpers import CLIENT, POOL, confirmed_user
from tests.conftest import error_of
from tests.inbox import messages
from tests.test_js_clients import JS, node_clients  # noqa: F401 (the fixture that installs tests/js)

PHONE = "+919700000009"
OLD_PASSWORD = "Generated-Passw0rd!"
NEW_PASSWORD = "Browser-Reset-Passw0rd!"


@pytest.fixture(scope="session")
def authenticator_site(node_clients, tmp_path_factory):  # noqa: F811
    """The bundled page, served over HTTP from a temporary folder: its base URL."""
    out = tmp_path_factory.mktemp("authenticator")
    esbuild = os.path.join(JS, "node_modules", ".bin", "esbuild")
    result = subprocess.run([esbuild, "authenticator/app.jsx", "--bundle", "--minify", f"--outdir={out}",
                             "--define:process.env.NODE_ENV=\"production\"", "--log-level=warning"],
                            cwd=JS, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    shutil.copy(os.path.join(JS, "authenticator", "index.html"), out)
    handler = functools.partial(QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


@pytest.fixture
def page(browser, emulator, authenticator_site):
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{authenticator_site}/index.html?endpoint={emulator.url}&pool={POOL}&client={CLIENT}")
    yield page
    context.close()
    assert problems == []


def enter_phone(form, phone):
    """The Authenticator's phone field: a country code select and the national number."""
    form.get_by_label("Country code").select_option("+91")
    form.get_by_label("Phone Number").fill(phone.removeprefix("+91"))


def test_forgot_password_in_the_authenticator(page, emulator, cognito):
    confirmed_user(emulator, cognito, PHONE, password=OLD_PASSWORD)

    page.get_by_role("button", name="Forgot your password?").click()
    enter_phone(page, PHONE)
    page.get_by_role("button", name="Send code").click()
    page.get_by_role("heading", name="Reset Password").wait_for(timeout=10000)
    code_field = page.get_by_role("textbox", name="Code")
    code_field.wait_for(timeout=10000)
    texts = [m for m in messages(emulator, PHONE) if m.get("origin") == "ForgotPassword"]
    assert len(texts) == 1, messages(emulator, PHONE)
    code_field.fill(texts[0]["code"])
    page.get_by_label("New Password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Submit").click()

    # Back on the sign-in form: sign in with the new password.
    page.get_by_role("button", name="Sign in").wait_for(timeout=10000)
    enter_phone(page, PHONE)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.locator("#signed-in").wait_for(timeout=10000)
    assert page.locator("#login-id").inner_text() == PHONE

    # The emulator agrees: the old password fails, the new one works.
    def password_sign_in(password):
        return cognito.initiate_auth(ClientId=CLIENT, AuthFlow="USER_PASSWORD_AUTH",
                                     AuthParameters={"USERNAME": PHONE, "PASSWORD": password})

    assert error_of(password_sign_in, OLD_PASSWORD) == {
        "Code": "NotAuthorizedException", "Message": "Incorrect username or password.", "Status": 400}
    assert "AccessToken" in password_sign_in(NEW_PASSWORD)["AuthenticationResult"]
    assert cognito.admin_get_user(UserPoolId=POOL, Username=PHONE)["UserStatus"] == "CONFIRMED"
