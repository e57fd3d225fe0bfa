"""Junk at the managed login's and OAuth endpoints: generated parameters, mostly near-valid (the seeded client,
its callback, real grant types), then broken. Never a 5xx or a traceback; the token endpoints always answer JSON
with an OAuth `error`; the pages never redirect anywhere but the client's registered URLs or the emulator's own.
FUZZ_EXAMPLES sets the examples per endpoint (default 120)."""

import base64
import os
from urllib.parse import urlsplit

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.embedded import EmbeddedEmulator
from emulator.settings import Settings
from tests.test_oauth import API, CALLBACK, CONFIG, M2M, SIGNED_OUT, WEB

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "120"))
NAMES = ["client_id", "redirect_uri", "response_type", "scope", "state", "code_challenge", "code_challenge_method",
         "grant_type", "code", "code_verifier", "refresh_token", "client_secret", "token", "logout_uri", "prompt",
         "identity_provider", "username", "password", "step", "session", "_xsrf", "pending", "nonce"]
FAVOURITES = [WEB, M2M, CALLBACK, SIGNED_OUT, CALLBACK + "/", "https://evil.example/", "code", "token",
              "authorization_code", "client_credentials", "refresh_token", "openid", "S256", "plain", "none", "login",
              "COGNITO", "", "\x00", "%00", "<script>", "é" * 300, "a" * 5000, "x.y.z", "start-SMS_OTP", "SMS_MFA"]
values = st.one_of(st.sampled_from(FAVOURITES), st.text(max_size=60))
# Per parameter, values that pass its own check, so examples get past the first checks to the next ones.
PLAUSIBLE = {"client_id": [WEB, M2M], "redirect_uri": [CALLBACK], "response_type": ["code", "token"],
             "scope": ["openid", "openid email", f"{API}/read"], "grant_type": ["authorization_code", "refresh_token",
                                                                          "client_credentials"],
             "code_challenge_method": ["S256"], "logout_uri": [SIGNED_OUT], "step": ["password", "start-SMS_OTP"],
             "_xsrf": ["fixed-token"], "username": ["asha@example.com"]}
ALWAYS = ("client_id", "redirect_uri", "response_type", "grant_type", "_xsrf")  # there, and mostly plausible


def plausible(name):
    return st.one_of(st.sampled_from(PLAUSIBLE[name]), st.sampled_from(PLAUSIBLE[name]), values)


forms = st.fixed_dictionaries({name: plausible(name) for name in ALWAYS}, optional={
    name: plausible(name) if name in PLAUSIBLE else values for name in NAMES if name not in ALWAYS})


@pytest.fixture(scope="module")
def live():
    with EmbeddedEmulator(Settings(data=":memory:", port=0), seed_config=CONFIG) as running:
        yield running


def allowed_redirect(live, location: str) -> bool:
    """Where the pages may send a browser: the emulator's own pages, or the client's registered URLs."""
    if location.startswith("/"):
        return True
    parts = urlsplit(location)
    base = f"{parts.scheme}://{parts.netloc}{parts.path}"
    return base in (CALLBACK, SIGNED_OUT) or location.startswith(live.url + "/")


@pytest.mark.parametrize("method, path", [("POST", "/oauth2/token"), ("POST", "/oauth2/revoke"),
                                          ("GET", "/oauth2/authorize"), ("GET", "/logout"), ("GET", "/login"),
                                          ("POST", "/login"), ("POST", "/signup"), ("POST", "/confirm"),
                                          ("GET", "/oauth2/userInfo")])
def test_junk_never_breaks_an_endpoint(live, method, path):
    session = requests.Session()
    session.cookies.set("XSRF-TOKEN", "fixed-token")
    reached = set()  # how deep the examples got: a fuzzer stopped at the first check proves little

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(form=forms, basic=st.one_of(st.none(), st.tuples(values, values)))
    def check(form, basic):
        arguments = {"params": form} if method == "GET" else {"data": form}
        headers = {"Authorization": "Basic " + base64.b64encode(":".join(basic).encode()).decode()} if basic else {}
        if path == "/oauth2/userInfo" and basic:  # a bearer token there: junk, or a JWT-shaped one
            headers = {"Authorization": f"Bearer {basic[0]}.{basic[1]}.{basic[0]}".encode("utf-8", "replace")}
        response = session.request(method, live.url + path, headers=headers, allow_redirects=False, timeout=30,
                                   **arguments)
        assert response.status_code < 500, response.text[:500]
        assert "Traceback" not in response.text
        if path in ("/oauth2/token",) or (path == "/oauth2/revoke" and response.status_code != 200):
            reached.add(response.json()["error"])
        reached.add(response.status_code)
        if response.status_code in (301, 302, 303):
            assert allowed_redirect(live, response.headers["Location"]), response.headers["Location"]

    check()
    assert requests.get(f"{live.url}/_emulator/health", timeout=10).ok
    deep = {"/oauth2/token": {"invalid_client", "invalid_grant", "unauthorized_client", "invalid_scope"},
            "/oauth2/authorize": {302}, "/login": {200}}.get(path)
    if deep:
        assert reached & deep, f"no example got past the first checks: {reached}"
