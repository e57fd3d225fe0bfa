"""The dashboard in a real browser: users and their states, the trigger trace, pools, the clock, phone width.
Also takes the screenshots in docs/ (written there when UPDATE_SCREENSHOTS=1)."""

import os

import pytest
import requests

from emulator.services import totp
from tests.auth_helpers import CLIENT, PASSWORD, POOL, confirmed_user, otp_sign_in
from tests.conftest import ROOT
from tests.inbox import latest_code

SCREENSHOTS = os.path.join(ROOT, "docs", "screenshots")


@pytest.fixture
def page(browser, emulator):
    context = browser.new_context(viewport={"width": 1100, "height": 800},
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "Delete this user?" and the like
    yield page
    context.close()


def username_of(cognito, phone):
    return cognito.admin_get_user(UserPoolId=POOL, Username=phone)["Username"]


def test_users_change_state_live_and_actions_work(page, emulator, cognito):
    page.goto(f"{emulator.url}/users")
    cognito.sign_up(ClientId=CLIENT, Username="+919722000001", Password="Generated-Passw0rd!")
    row = page.locator(f"tr.user[data-username='{username_of(cognito, '+919722000001')}']")
    row.wait_for(timeout=5000)  # appears without reloading
    assert row.locator(".status").inner_text() == "UNCONFIRMED"
    assert "in limbo for" in row.locator(".limbo").inner_text()
    cognito.confirm_sign_up(ClientId=CLIENT, Username="+919722000001",
                            ConfirmationCode=latest_code(emulator, "+919722000001"))
    page.wait_for_function("document.querySelector('tr.user .status').textContent === 'CONFIRMED'", timeout=5000)

    cognito.sign_up(ClientId=CLIENT, Username="+919722000002", Password="Generated-Passw0rd!")
    second = username_of(cognito, "+919722000002")
    page.reload()
    page.click(f"tr.user[data-username='{second}'] button.confirm")
    assert page.locator(f"tr.user[data-username='{second}'] .status").inner_text() == "CONFIRMED"
    assert cognito.admin_get_user(UserPoolId=POOL, Username=second)["UserStatus"] == "CONFIRMED"
    page.click(f"tr.user[data-username='{second}'] button.disable")
    assert cognito.admin_get_user(UserPoolId=POOL, Username=second)["Enabled"] is False
    page.click(f"tr.user[data-username='{second}'] button.delete")
    assert page.locator(f"tr.user[data-username='{second}']").count() == 0
    with pytest.raises(cognito.exceptions.UserNotFoundException):
        cognito.admin_get_user(UserPoolId=POOL, Username=second)


def test_users_show_their_groups_and_a_password_can_be_reset(page, emulator, cognito):
    confirmed_user(emulator, cognito, "+919722000010")
    cognito.create_group(GroupName="admins", UserPoolId=POOL)
    cognito.admin_add_user_to_group(UserPoolId=POOL, Username="+919722000010", GroupName="admins")
    page.goto(f"{emulator.url}/users")
    row = page.locator(f"tr.user[data-username='{username_of(cognito, '+919722000010')}']")
    assert row.locator(".groups").inner_text().strip() == "admins"
    with page.expect_navigation():
        row.locator("button.reset-password").click()
    assert cognito.admin_get_user(UserPoolId=POOL, Username="+919722000010")["UserStatus"] == "RESET_REQUIRED"
    assert latest_code(emulator, "+919722000010")  # the reset code went to the phone
    assert page.locator(f"tr.user[data-username='{username_of(cognito, '+919722000010')}'] .status").inner_text() \
        == "RESET_REQUIRED"


def authenticator_user(emulator, cognito, phone, device="Pixel <b>7</b>"):
    """A confirmed user of the seeded pool with a verified authenticator app, preferred, and SMS MFA on too;
    returns the authenticator's secret."""
    sms = {"SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/sms"}}
    cognito.set_user_pool_mfa_config(UserPoolId=POOL, MfaConfiguration="OPTIONAL", SmsMfaConfiguration=sms,
                                     SoftwareTokenMfaConfiguration={"Enabled": True})
    confirmed_user(emulator, cognito, phone)
    access_token = cognito.initiate_auth(ClientId=CLIENT, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": phone, "PASSWORD": PASSWORD})["AuthenticationResult"]["AccessToken"]
    secret = cognito.associate_software_token(AccessToken=access_token)["SecretCode"]
    cognito.verify_software_token(AccessToken=access_token, FriendlyDeviceName=device,
                                  UserCode=totp.code_at(secret, emulator.services.clock.now()))
    cognito.set_user_mfa_preference(AccessToken=access_token, SMSMfaSettings={"Enabled": True},
                                    SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    return secret


def current_totp(emulator, phone):
    response = requests.get(f"{emulator.url}/_emulator/totp", params={"username": phone, "pool_id": POOL}, timeout=10)
    response.raise_for_status()
    return response.json()


def test_users_show_mfa_settings_and_the_authenticator_code_live(page, emulator, cognito):
    secret = authenticator_user(emulator, cognito, "+919722000020")
    confirmed_user(emulator, cognito, "+919722000021")
    # To the start of a 30-second step, so the code on the page and the one asked for below are the same step's.
    emulator.services.clock.advance(totp.STEP - emulator.services.clock.now() % totp.STEP + 0.5)
    page.goto(f"{emulator.url}/users?pool={POOL}")
    row = page.locator(f"tr.user[data-username='{username_of(cognito, '+919722000020')}']")
    factors = row.locator(".mfa .factor").evaluate_all(
        "badges => badges.map(b => [b.dataset.factor, b.classList.contains('preferred'), b.textContent])")
    assert factors == [["SMS_MFA", False, "SMS"], ["SOFTWARE_TOKEN_MFA", True, "Authenticator app ★ preferred"]]
    expected = current_totp(emulator, "+919722000020")
    assert expected["verified"] is True
    assert row.locator(".totp-code").inner_text() == expected["code"]
    seconds_left = int(row.locator(".totp-left").get_attribute("data-seconds"))
    assert expected["seconds_left"] <= seconds_left <= expected["seconds_left"] + 2
    assert row.locator(".totp-left").inner_text() == f"{seconds_left} s left"
    assert row.locator(".totp-device").inner_text() == "Pixel <b>7</b>"  # the name as text, not markup
    assert row.locator(".totp-device b").count() == 0
    plain = page.locator(f"tr.user[data-username='{username_of(cognito, '+919722000021')}']")
    assert plain.locator(".mfa").inner_text().strip() == "no MFA"
    assert plain.locator(".totp").count() == 0
    for html in (page.content(), requests.get(f"{emulator.url}/users/table?pool={POOL}", timeout=10).text):
        assert secret not in html  # nor is the secret anywhere on the page, or in what refreshes it

    # The next step's code appears without reloading.
    emulator.services.clock.advance(totp.STEP)
    following = current_totp(emulator, "+919722000020")["code"]
    page.wait_for_function("(code) => document.querySelector('tr.user .totp-code')?.textContent === code",
                           arg=following, timeout=6000)
    row.locator("button.copy-totp").click()
    assert page.evaluate("navigator.clipboard.readText()") == following


def test_trace_shows_an_otp_sign_in_with_its_events(page, emulator, cognito):
    confirmed_user(emulator, cognito, "+919722000003")
    cognito.admin_update_user_attributes(UserPoolId=POOL, Username="+919722000003",
                                         UserAttributes=[{"Name": "given_name", "Value": "<script>window.__ran=1</script>"}])
    otp_sign_in(emulator, cognito, "+919722000003")
    page.goto(f"{emulator.url}/trace?username={username_of(cognito, '+919722000003')}")
    functions = page.locator(".invocation").evaluate_all("cards => cards.map(card => card.dataset.function)")
    assert functions == ["define-auth-challenge", "verify-auth-challenge-response", "create-auth-challenge",
                         "define-auth-challenge"]  # newest first
    first = page.locator(".invocation").last
    first.locator("summary").click()
    event = first.locator("pre.event").inner_text()
    assert '"triggerSource": "DefineAuthChallenge_Authentication"' in event
    assert '"given_name": "<script>window.__ran=1</script>"' in event  # shown as text
    assert page.evaluate("window.__ran") is None


def test_a_failed_invocation_shows_its_error(page, emulator, cognito):
    def broken(event, context):
        raise RuntimeError("define is down")

    emulator.services.functions.register("define-auth-challenge", broken)
    confirmed_user(emulator, cognito, "+919722000004")
    with pytest.raises(cognito.exceptions.UserLambdaValidationException):
        cognito.initiate_auth(ClientId=CLIENT, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "+919722000004"})
    page.goto(f"{emulator.url}/trace")
    card = page.locator(".invocation").first
    assert card.locator(".outcome").inner_text() == "failed"
    assert card.locator(".error").inner_text() == "RuntimeError: define is down"
    card.locator("summary").click()
    stack = card.locator("pre.stack").inner_text()
    assert stack.startswith("RuntimeError: define is down\nTraceback") or "raise RuntimeError" in stack
    assert "\\n" not in stack and '["' not in stack  # lines, not a JSON array of strings


def test_trace_filters_by_phone_number_and_says_when_nothing_matched(page, emulator, cognito):
    confirmed_user(emulator, cognito, "+919722000007")
    otp_sign_in(emulator, cognito, "+919722000007")
    page.goto(f"{emulator.url}/trace")
    page.fill("input[name=username]", "+919722000007")
    page.click("text=Filter")
    assert page.locator(".invocation").count() == 4
    assert page.locator(".invocation code").first.inner_text() == username_of(cognito, "+919722000007")
    page.goto(f"{emulator.url}/trace?username=%2B14155550999")
    assert page.locator(".invocation").count() == 0
    assert page.locator("main").inner_text().endswith("No function has run for +14155550999.")


def test_trace_is_live_and_keeps_what_the_reader_unfolded(page, emulator, cognito):
    confirmed_user(emulator, cognito, "+919722000008")
    page.goto(f"{emulator.url}/trace?username=%2B919722000008")
    assert page.locator(".invocation").count() == 0
    otp_sign_in(emulator, cognito, "+919722000008")
    page.wait_for_function("document.querySelectorAll('.invocation').length === 4", timeout=6000)  # no reload
    assert not page.locator("#empty").is_visible()
    newest = page.locator(".invocation").first
    newest.locator("summary").click()
    confirmed_user(emulator, cognito, "+919722000009")  # another user's sign-in: not shown under this filter
    otp_sign_in(emulator, cognito, "+919722000009")
    otp_sign_in(emulator, cognito, "+919722000008")
    page.wait_for_function("document.querySelectorAll('.invocation').length === 8", timeout=6000)
    assert page.locator(".invocation details[open]").count() == 1  # still unfolded, now fifth from the top
    assert page.locator(".invocation").nth(4).locator("details").get_attribute("open") is not None
    usernames = set(page.locator(".invocation code").all_inner_texts())
    assert usernames == {username_of(cognito, "+919722000008")}


def test_pools_page_has_copyable_configuration(page, emulator):
    page.goto(f"{emulator.url}/pools")
    pool = page.locator(f"section.pool[data-pool-id='{POOL}']")
    assert "DefineAuthChallenge → define-auth-challenge" in pool.inner_text()
    pool.locator("summary", has_text="Amplify v6").click()
    pool.locator("button[data-copy-from]").first.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert f'userPoolEndpoint: "{emulator.url}"' in copied and CLIENT in copied


def test_clock_page_advances_time(page, emulator):
    page.goto(f"{emulator.url}/clock")
    page.click("text=+1 hour (tokens expire)")  # the fixture's page accepts the confirmation
    assert page.locator("#offset").inner_text() == "1 hour"
    assert emulator.services.clock.offset == 3600


def test_clock_buttons_ask_first_and_reset_moves_time_back(browser, emulator):
    page = browser.new_context().new_page()  # without the fixture's page, which accepts every dialog
    page.goto(f"{emulator.url}/clock")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.click("text=+1 day (codes expire)")
    page.wait_for_timeout(200)
    assert questions and "forward" in questions[0]
    assert emulator.services.clock.offset == 0  # dismissed: nothing moved
    emulator.services.clock.advance(86400)
    page.reload()
    assert page.locator("#offset").inner_text() == "1 day"
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#reset-clock")
    assert page.locator("#offset").inner_text() == "0 seconds"
    assert emulator.services.clock.offset == 0


# Every visible element, checked one by one: it lies inside the viewport, shows all its content (nothing cut
# off by a scroll box or overflow), and no two controls overlap a text they would hide. Returns the offenders.
ELEMENTS_OUTSIDE_VIEWPORT = """() => {
  const width = window.innerWidth, offenders = [];
  const name = (node) => node.tagName.toLowerCase() + (node.id ? '#' + node.id : '') +
                         (node.className && typeof node.className === 'string' ? '.' + node.className.split(' ').join('.') : '');
  for (const node of document.body.querySelectorAll('*')) {
    const box = node.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || !node.checkVisibility({visibilityProperty: true})) continue;
    if (box.left < -0.5 || box.right > width + 0.5) offenders.push(name(node) + ' spans ' + Math.round(box.left) + '..' + Math.round(box.right));
    else if (node.scrollWidth > node.clientWidth + 1 && getComputedStyle(node).overflowX !== 'visible')
      offenders.push(name(node) + ' hides ' + (node.scrollWidth - node.clientWidth) + 'px of its content');
  }
  for (const button of document.querySelectorAll('button, .button')) {
    const b = button.getBoundingClientRect();
    if (b.width === 0 || !button.checkVisibility()) continue;
    for (const text of document.querySelectorAll('pre, code, td, th')) {
      if (text.contains(button) || button.contains(text)) continue;
      const t = text.getBoundingClientRect();
      if (t.width && text.checkVisibility() && b.left < t.right && t.left < b.right && b.top < t.bottom && t.top < b.bottom)
        offenders.push(name(button) + ' covers ' + name(text));
    }
  }
  return offenders;
}"""


def test_pages_fit_a_phone_and_screenshots(browser, emulator, cognito):
    phones = ["+919722000005", "+14155550106"]
    confirmed_user(emulator, cognito, phones[0])
    authenticator_user(emulator, cognito, "+919722000006", device="Asha's Pixel 7")  # MFA badges and a code
    cognito.sign_up(ClientId=CLIENT, Username=phones[1], Password="Generated-Passw0rd!")
    otp_sign_in(emulator, cognito, phones[0])
    pages = {"inbox": "/", "email": "/email", "users": "/users", "trace": "/trace", "pools": "/pools",
             "clock": "/clock"}
    directory = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else None
    for width, suffix in ((1100, ""), (390, "-phone")):
        context = browser.new_context(viewport={"width": width, "height": 760})
        page = context.new_page()
        for name, path in pages.items():
            page.goto(emulator.url + path)
            page.wait_for_load_state("networkidle")
            # Open every folded part (events, snippets) so that what it holds is measured too.
            page.evaluate("document.querySelectorAll('details').forEach((part) => { part.open = true; })")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} is wider than {width}px"
            offenders = page.evaluate(ELEMENTS_OUTSIDE_VIEWPORT)
            assert offenders == [], f"{path} at {width}px: {offenders}"
            if directory and (not suffix or name in ("inbox", "users")):
                os.makedirs(directory, exist_ok=True)
                page.screenshot(path=os.path.join(directory, f"{name}{suffix}.png"))
        context.close()
