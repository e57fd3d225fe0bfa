"""The emulator's own guards (emulator/guards.py): the control token an emulator reachable from other machines asks
for on its own writes, the cookie that carries it for the dashboard, and the refusal of cross-site dashboard posts.
Each test fails when the check it is named for is removed (mutation testing, `make mutation`)."""

import pytest
import requests

from emulator.embedded import EmbeddedEmulator
from emulator.settings import Settings
from tests.auth_helpers import POOL

TOKEN = "s3cret-control-token"


@pytest.fixture
def guarded():
    """An emulator that asks for the control token (as one bound beyond loopback does), served on loopback here."""
    with EmbeddedEmulator(Settings(data=":memory:", port=0, control_token=TOKEN)) as running:
        yield running


def clock_offset(emulator) -> float:
    return emulator.services.clock.offset


def test_every_kind_of_write_needs_the_token(guarded):
    url = guarded.url
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        refused = requests.request(method, f"{url}/_emulator/clock", json={"seconds": 5}, timeout=5)
        assert refused.status_code == 403, method
        assert refused.json()["__type"] == "AccessDeniedException"
    assert clock_offset(guarded) == 0
    # The dashboard's own forms are writes too.
    assert requests.post(f"{url}/clock", data={"seconds": "5"}, timeout=5).status_code == 403
    assert clock_offset(guarded) == 0


@pytest.mark.parametrize("where", ["header", "query", "cookie"])
def test_the_token_is_taken_from_the_header_the_query_or_the_cookie(guarded, where):
    url = f"{guarded.url}/_emulator/clock"
    given = {"header": {"headers": {"X-Emulator-Token": TOKEN}}, "query": {"params": {"token": TOKEN}},
             "cookie": {"cookies": {"emulator_token": TOKEN}}}[where]
    assert requests.post(url, json={"seconds": 5}, timeout=5, **given).status_code == 200
    assert clock_offset(guarded) == 5


@pytest.mark.parametrize("wrong", ["", "s3cret", TOKEN + "x", TOKEN.upper()])
def test_a_wrong_token_is_refused_wherever_it_is_sent(guarded, wrong):
    url = f"{guarded.url}/_emulator/clock"
    for given in ({"headers": {"X-Emulator-Token": wrong}}, {"params": {"token": wrong}},
                  {"cookies": {"emulator_token": wrong}}):
        assert requests.post(url, json={"seconds": 5}, timeout=5, **given).status_code == 403
    assert clock_offset(guarded) == 0


def test_reads_and_cognitos_own_api_stay_open(guarded):
    assert requests.get(f"{guarded.url}/_emulator/clock", timeout=5).status_code == 200
    assert requests.get(f"{guarded.url}/clock", timeout=5).status_code == 200
    assert guarded.client().describe_user_pool(UserPoolId=POOL)["UserPool"]["Id"] == POOL


def test_an_emulator_without_a_token_asks_for_none(emulator):
    assert requests.post(f"{emulator.url}/_emulator/clock", json={"seconds": 5}, timeout=5).status_code == 200
    assert requests.post(f"{emulator.url}/clock", data={"seconds": "5"}, allow_redirects=False,
                         timeout=5).status_code == 303
    assert emulator.services.clock.offset == 10


def test_opening_the_dashboard_with_the_token_stores_it_in_a_strict_http_only_cookie(guarded):
    page = requests.get(f"{guarded.url}/clock", params={"token": TOKEN}, timeout=5)
    cookie = page.headers.get("Set-Cookie", "")
    assert cookie.startswith(f"emulator_token={TOKEN};")
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert "httponly" in attributes and "samesite=strict" in attributes
    # With the cookie alone the dashboard's buttons work.
    with requests.Session() as browser:
        browser.get(f"{guarded.url}/clock", params={"token": TOKEN}, timeout=5)
        assert browser.post(f"{guarded.url}/clock", data={"seconds": "5"}, allow_redirects=False,
                            timeout=5).status_code == 303
    assert clock_offset(guarded) == 5


def test_no_cookie_for_a_wrong_token_a_write_or_an_emulator_without_one(guarded, emulator):
    assert "Set-Cookie" not in requests.get(f"{guarded.url}/clock", params={"token": "wrong"}, timeout=5).headers
    assert "Set-Cookie" not in requests.get(f"{guarded.url}/clock", timeout=5).headers
    # A write with the token in the query is let through, but sets no cookie: only opening a page does.
    posted = requests.post(f"{guarded.url}/_emulator/clock", params={"token": TOKEN}, json={"seconds": 1}, timeout=5)
    assert posted.status_code == 200 and "Set-Cookie" not in posted.headers
    assert "Set-Cookie" not in requests.get(f"{emulator.url}/clock", params={"token": TOKEN}, timeout=5).headers


def test_a_cross_site_dashboard_post_is_refused_by_its_origin_or_else_its_referer(emulator):
    url = f"{emulator.url}/clock"
    own = emulator.url
    for headers in ({"Origin": "https://evil.example"}, {"Referer": "https://evil.example/page"},
                    # The Origin decides when both are sent: a same-site Referer does not excuse it.
                    {"Origin": "https://evil.example", "Referer": f"{own}/clock"},
                    # Another port of the same host is another site.
                    {"Origin": own.rsplit(":", 1)[0] + ":1"}):
        refused = requests.post(url, data={"seconds": "5"}, headers=headers, allow_redirects=False, timeout=5)
        assert refused.status_code == 403, headers
    assert emulator.services.clock.offset == 0
    for headers in ({}, {"Origin": own}, {"Referer": f"{own}/clock"}):
        assert requests.post(url, data={"seconds": "1"}, headers=headers, allow_redirects=False,
                             timeout=5).status_code == 303, headers
    assert emulator.services.clock.offset == 3
    # Pages are read from anywhere: a GET is not a form post.
    assert requests.get(url, headers={"Origin": "https://evil.example"}, timeout=5).status_code == 200


def test_the_refusal_tells_the_caller_how_to_send_the_token(guarded):
    """The 403 body is an AccessDeniedException whose `message` says where the start-up token goes (README
    "Exposure": the X-Emulator-Token header or ?token=, or the dashboard opened with ?token=)."""
    refused = requests.post(f"{guarded.url}/_emulator/clock", json={"seconds": 5}, timeout=5)
    assert refused.status_code == 403
    assert refused.json() == {
        "__type": "AccessDeniedException",
        "message": "This emulator is reachable from other machines: send the token it printed at start-up as the "
                   "X-Emulator-Token header or ?token=, or open the dashboard with ?token=<token>."}
