"""pytest fixtures for testing an app against the emulator, loaded automatically once the package is installed.

    def test_otp_sign_in(cognito_idp, otp_pool, sms_inbox):
        cognito_idp.sign_up(ClientId=otp_pool.client_id, Username="+919876543210", Password="Generated-Passw0rd!")
        code = sms_inbox.latest_code("+919876543210")

One emulator per test session (per worker under pytest-xdist): in memory, on a free port, started
once. Every test that uses these fixtures starts from the fresh seeded state (a reset costs about
a millisecond).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Callable

import pytest
import requests

from emulator.embedded import EmbeddedEmulator
from emulator.settings import Settings

SEED_POOL_ID = "us-east-1_otpDemo01"
SEED_CLIENT_ID = "otpdemowebclient0000000001"


@dataclass
class Pool:
    id: str
    client_id: str
    client_secret: str | None = None


class SmsInbox:
    """The emulator's SMS inbox, for a test."""

    def __init__(self, url: str):
        self._url = f"{url}/_emulator/sms"
        self._returned: dict[str, int] = {}
        self._http = requests.Session()

    def messages(self, phone_number: str | None = None) -> list[dict]:
        params = {"phone_number": phone_number} if phone_number else {}
        response = self._http.get(self._url, params=params, timeout=10)
        response.raise_for_status()
        return response.json()["messages"]

    def latest_code(self, phone_number: str, timeout: float = 2.0) -> str:
        """The newest code texted to the number that this inbox has not returned before, waiting up to
        `timeout` seconds for it to arrive."""
        deadline = time.monotonic() + timeout
        while True:
            fresh = [m for m in self.messages(phone_number)
                     if m["code"] and m["id"] > self._returned.get(phone_number, 0)]
            if fresh:
                self._returned[phone_number] = fresh[-1]["id"]
                return fresh[-1]["code"]
            if time.monotonic() > deadline:
                raise AssertionError(f"no new code was texted to {phone_number} within {timeout} s")
            time.sleep(0.02)

    def clear(self) -> None:
        self._http.delete(self._url, timeout=10).raise_for_status()
        self._returned.clear()


class EmulatorClock:
    def __init__(self, emulator: EmbeddedEmulator):
        self._clock = emulator.services.clock

    def now(self) -> float:
        return self._clock.now()

    def advance(self, seconds: float) -> float:
        """Move emulator time forward (codes, sessions and tokens expire); returns the new time."""
        self._clock.advance(seconds)
        return self._clock.now()


@pytest.fixture(scope="session")
def cognito_emulator_session():
    with EmbeddedEmulator(Settings(data=":memory:", port=0)) as running:
        yield running


@pytest.fixture
def cognito_emulator(cognito_emulator_session):
    """The running emulator (`.url`, `.client(service)`, `.services`), reset to its fresh seeded state."""
    cognito_emulator_session.reset()
    return cognito_emulator_session


@pytest.fixture
def cognito_idp(cognito_emulator):
    """A boto3 cognito-idp client pointed at the emulator. Its requests go straight to the emulator in this
    process (the same validation, operations and responses, without a socket); code under test that makes its
    own clients from the endpoint URL talks to it over HTTP."""
    return cognito_emulator.client("cognito-idp", direct=True)


@pytest.fixture
def aws_client(cognito_emulator) -> Callable:
    """`aws_client("sns")`, `aws_client("lambda")`: boto3 clients pointed at the emulator (over HTTP)."""
    return cognito_emulator.client


@pytest.fixture
def sms_inbox(cognito_emulator) -> SmsInbox:
    return SmsInbox(cognito_emulator.url)


@pytest.fixture
def emulator_clock(cognito_emulator) -> EmulatorClock:
    return EmulatorClock(cognito_emulator)


@pytest.fixture
def otp_pool(cognito_emulator) -> Pool:
    """The seeded `otp-demo` pool: phone number as username, SMS codes, the OTP custom auth triggers."""
    return Pool(SEED_POOL_ID, SEED_CLIENT_ID)


_names = itertools.count(1)


@pytest.fixture
def user_pool_factory(cognito_emulator, cognito_idp) -> Callable[..., Pool]:
    """Make a pool: `user_pool_factory(triggers={"PreSignUp": handler}, client={...}, **CreateUserPool settings)`.

    `triggers` maps LambdaConfig names to handler functions or "package.module.function" paths.
    Without settings the pool is like the seed's: phone number as username, codes by SMS.
    """

    def make(name: str | None = None, triggers: dict | None = None, client: dict | None = None, **settings) -> Pool:
        settings.setdefault("UsernameAttributes", ["phone_number"])
        settings.setdefault("AutoVerifiedAttributes", ["phone_number"])
        lambda_config = dict(settings.pop("LambdaConfig", {}))
        registry = cognito_emulator.services.functions
        for trigger, handler in (triggers or {}).items():
            function = f"test-{trigger}-{next(_names)}"
            registry.register(function, handler)
            lambda_config[trigger] = f"arn:aws:lambda:{registry.region}:{registry.account_id}:function:{function}"
        pool = cognito_idp.create_user_pool(PoolName=name or f"test-pool-{next(_names)}", LambdaConfig=lambda_config,
                                            **settings)["UserPool"]
        client_settings = {"ClientName": "test-client",
                           "ExplicitAuthFlows": ["ALLOW_CUSTOM_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH",
                                                 "ALLOW_REFRESH_TOKEN_AUTH"], **(client or {})}
        created = cognito_idp.create_user_pool_client(UserPoolId=pool["Id"], **client_settings)["UserPoolClient"]
        return Pool(pool["Id"], created["ClientId"], created.get("ClientSecret"))

    return make
