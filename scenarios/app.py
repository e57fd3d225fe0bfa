"""What a scenario may touch: the emulator through the interfaces a real app and its tests use."""

from __future__ import annotations

import json
from importlib import resources
import secrets
import string
import threading
import time

import boto3
import botocore.config
import botocore.exceptions
import jwt
import pyotp
import requests

SEED_POOL_NAME = "otp-demo"
NATIVE_POOL_NAME = "otp-native"  # the seed's pool for Cognito's own passwordless sign-in (USER_AUTH, SMS_OTP)
NODE_POOL_NAME = "otp-node"  # triggers/js/emulator.json's pool, run by the JavaScript handlers
NODE_CONFIG = str(resources.files("emulator.triggers").joinpath("js", "emulator.json"))


class Emulator:
    def __init__(self, endpoint: str, region: str = "us-east-1"):
        self.endpoint = endpoint.rstrip("/")
        self.region = region
        self.http = requests.Session()
        self.cognito = self.client("cognito-idp")
        self.lambda_ = self.client("lambda")
        self._seed_pool: tuple[str, str] | None = None
        self._numbers = set()
        self._lock = threading.Lock()

    @property
    def pool_id(self) -> str:
        """The seeded otp-demo pool, which most stories use."""
        return self._otp_demo()[0]

    @property
    def client_id(self) -> str:
        return self._otp_demo()[1]

    def _otp_demo(self) -> tuple[str, str]:
        if self._seed_pool is None:
            self._seed_pool = self.seeded_pool(SEED_POOL_NAME)
        return self._seed_pool

    def client(self, service: str):
        return boto3.client(service, endpoint_url=self.endpoint, region_name=self.region,
                            aws_access_key_id="scenario", aws_secret_access_key="scenario",
                            config=botocore.config.Config(retries={"total_max_attempts": 1}))  # no retry

    def seeded_pool(self, name: str) -> tuple[str, str]:
        """(pool id, its first client's id) of the seeded pool called `name`."""
        pools = self.cognito.list_user_pools(MaxResults=60)["UserPools"]
        pool = next((pool for pool in pools if pool["Name"] == name), None)
        if pool is None:
            seed = "--config triggers/js/emulator.json" if name == NODE_POOL_NAME else "its default seed"
            raise RuntimeError(f"no user pool named {name} at {self.endpoint}: start the emulator with {seed}")
        clients = self.cognito.list_user_pool_clients(UserPoolId=pool["Id"])["UserPoolClients"]
        return pool["Id"], clients[0]["ClientId"]

    # -- things an app makes up --------------------------------------------------------

    def new_phone_number(self) -> str:
        """A number nobody has used in this run (+91 9xxxxxxxxx)."""
        with self._lock:
            while True:
                number = "+919" + "".join(secrets.choice(string.digits) for _ in range(9))
                if number not in self._numbers:
                    self._numbers.add(number)
                    return number

    @staticmethod
    def generated_password() -> str:
        """What the app generates for a phone-only user who never types a password."""
        alphabet = string.ascii_letters + string.digits
        return "".join(secrets.choice(alphabet) for _ in range(20)) + "Aa1!"

    # -- the SMS inbox -----------------------------------------------------------------

    def texts(self, phone_number: str) -> list[dict]:
        response = self.http.get(f"{self.endpoint}/_emulator/sms", params={"phone_number": phone_number}, timeout=10)
        response.raise_for_status()
        return response.json()["messages"]

    def last_text_id(self, phone_number: str) -> int:
        texts = self.texts(phone_number)
        return texts[-1]["id"] if texts else 0

    def wait_for_code(self, phone_number: str, after: int = 0, timeout: float = 5.0) -> tuple[int, str]:
        """(id, code) of the first text with a code newer than message `after`."""
        deadline = time.monotonic() + timeout
        while True:
            for text in self.texts(phone_number):
                if text["id"] > after and text["code"]:
                    return text["id"], text["code"]
            if time.monotonic() > deadline:
                raise AssertionError(f"no new code texted to {phone_number} within {timeout} s")
            time.sleep(0.05)

    def latest_code(self, phone_number: str, timeout: float = 5.0) -> str:
        """The code in the newest text to the number, waiting for a first one if there is none yet."""
        self.wait_for_code(phone_number, timeout=timeout)
        return next(text["code"] for text in reversed(self.texts(phone_number)) if text["code"])

    # -- the clock, functions, tokens --------------------------------------------------

    def advance_clock(self, seconds: float) -> None:
        self.http.post(f"{self.endpoint}/_emulator/clock", json={"seconds": seconds}, timeout=10).raise_for_status()

    def clock_now(self) -> float:
        return self.http.get(f"{self.endpoint}/_emulator/clock", timeout=10).json()["now"]

    def clock_offset(self) -> float:
        return self.http.get(f"{self.endpoint}/_emulator/clock", timeout=10).json()["offset_seconds"]

    def restore_clock(self, offset: float) -> None:
        """Put the clock's offset back to `offset` (time only moves forward, so: reset, then move)."""
        self.http.delete(f"{self.endpoint}/_emulator/clock", timeout=10).raise_for_status()
        if offset:
            self.advance_clock(offset)

    def invoke(self, function: str, payload) -> dict:
        response = self.lambda_.invoke(FunctionName=function, Payload=json.dumps(payload))
        return json.load(response["Payload"])

    # -- authenticator apps ------------------------------------------------------------

    def authenticator_code(self, secret: str) -> str:
        """The code an authenticator app holding `secret` shows now, by the emulator's clock (the app's phone
        would use its own clock; the emulator's may have been moved)."""
        return pyotp.TOTP(secret).at(int(self.clock_now()))

    def totp(self, username: str, pool_id: str) -> dict:
        """What /_emulator/totp says the user's verified authenticator shows: {"code", "seconds_left", ...}."""
        response = self.http.get(f"{self.endpoint}/_emulator/totp", params={"username": username, "pool_id": pool_id},
                                 timeout=10)
        response.raise_for_status()
        return response.json()

    def verify_token(self, token: str, audience: str | None = None, pool_id: str | None = None) -> dict:
        """Claims of a token, checked as an app's back end would: keys from the issuer's JWKS (of the seeded
        otp-demo pool unless `pool_id` names another)."""
        discovery = self.http.get(f"{self.endpoint}/{pool_id or self.pool_id}/.well-known/openid-configuration",
                                  timeout=10).json()
        key = jwt.PyJWKClient(discovery["jwks_uri"]).get_signing_key_from_jwt(token)
        return jwt.decode(token, key.key, algorithms=["RS256"], issuer=discovery["issuer"], audience=audience,
                          options={"verify_aud": audience is not None, "verify_exp": False, "verify_iat": False})


def error_of(call, *args, **kwargs) -> tuple[str, str] | None:
    """(code, message) of the Cognito error a call raises, or None if it succeeds."""
    try:
        call(*args, **kwargs)
    except botocore.exceptions.ClientError as error:
        return error.response["Error"]["Code"], error.response["Error"]["Message"]
    return None
