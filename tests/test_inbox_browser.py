"""The inbox page in a real browser: codes arrive live, copy works, message text is never markup."""

import datetime

import requests

import pytest

from tests.inbox import latest_code, messages
from tests.test_signup import sign_up


@pytest.fixture
def page(browser, emulator):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(emulator.url + "/")
    page.wait_for_selector("#status:text('live')")
    yield page
    context.close()


def test_a_sign_up_code_appears_without_reloading_and_copies(page, emulator, cognito):
    sign_up(cognito, "+919855000001")
    code = latest_code(emulator, "+919855000001")
    card = page.locator("article.message").first
    card.locator(".code").wait_for(timeout=5000)
    assert card.locator(".code").inner_text() == code
    assert card.locator(".destination").inner_text() == "+919855000001"
    card.locator("button.copy").click()
    assert page.evaluate("navigator.clipboard.readText()") == code


def test_times_are_utc_like_the_other_pages(browser, emulator, cognito):
    # A browser far from UTC still shows the emulator's UTC time, 24-hour, as the trace and users pages do.
    context = browser.new_context(timezone_id="America/Los_Angeles", locale="en-US")
    page = context.new_page()
    emulator.client("sns").publish(PhoneNumber="+919855000009", Message="Your code is 123456")
    page.goto(emulator.url + "/")
    shown = page.locator("article.message time").first.inner_text()
    created = messages(emulator, "+919855000009")[-1]["created_at"]
    expected = datetime.datetime.fromtimestamp(created, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    assert shown == expected
    context.close()


def test_message_text_is_shown_as_text(page, emulator):
    hostile = '<script>window.__ran = 1</script><img src=x onerror="window.__ran = 2"> 123456'
    emulator.client("sns").publish(PhoneNumber="+919855000002", Message=hostile)
    text = page.locator("article.message .text").first
    text.wait_for(timeout=5000)
    assert text.inner_text() == hostile
    assert page.evaluate("window.__ran") is None
    assert page.locator("article.message img").count() == 0


def test_filter_and_clear(page, emulator, cognito):
    sign_up(cognito, "+919855000003")
    sign_up(cognito, "+919855000004")
    page.wait_for_function("document.querySelectorAll('article.message').length === 2")
    page.fill("#filter", "0004")  # part of a number is enough
    page.wait_for_function("document.querySelectorAll('article.message').length === 1")
    assert page.locator("article.message .destination").inner_text() == "+919855000004"
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#clear")
    page.wait_for_function("document.querySelectorAll('article.message').length === 0")
    remaining = [m["phone_number"] for m in messages(emulator)]
    assert remaining == ["+919855000003"]


def test_ten_thousand_messages_show_a_bounded_page(browser, emulator):
    outbox = emulator.services.outbox
    for number in range(10_000):
        outbox.send_sms(f"+9198560{number:05d}", f"Your verification code is {number:06d}. ", "SignUp",
                        code=f"{number:06d}")
    context = browser.new_context()
    page = context.new_page()
    page.goto(emulator.url + "/")
    page.wait_for_selector("#status:text('live')")
    assert page.locator("article.message").count() == 200
    assert page.locator("article.message .code").first.inner_text() == "009999"  # newest first
    context.close()


def test_the_email_inbox_shows_subjects_and_codes(browser, emulator, cognito):
    pool = cognito.create_user_pool(PoolName="by-email", UsernameAttributes=["email"],
                                    AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="web")["UserPoolClient"]["ClientId"]
    context = browser.new_context()
    page = context.new_page()
    page.goto(emulator.url + "/email")
    page.wait_for_selector("#status:text('live')")
    cognito.sign_up(ClientId=client, Username="asha@example.com", Password="Generated-Passw0rd!")
    card = page.locator("article.message").first
    card.locator(".code").wait_for(timeout=5000)  # arrives live
    stored = requests.get(f"{emulator.url}/_emulator/email", timeout=5).json()["messages"][-1]
    assert card.locator(".code").inner_text() == stored["code"]
    assert card.locator(".destination").inner_text() == "asha@example.com"
    assert card.locator(".subject").inner_text() == stored["subject"]
    page.fill("#filter", "nobody@")
    page.wait_for_function("document.querySelectorAll('article.message').length === 0")
    assert page.locator("nav a.current").inner_text() == "Email inbox"
    context.close()
