"""`make bench`: this emulator side by side with moto's server and cognito-local, measured interleaved in one run.

Every server is a separate process on loopback, driven by the same boto3 client configuration
(retries off, keep-alive). Medians with min and max over the rounds; ratios against the best peer.
`--quick` for a short run; results are printed as a table and written as JSON.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
import time
import uuid

import boto3
import botocore.config
import psutil
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PASSWORD = "Passw0rd-Bench!"
FILL_SECONDS = 60  # the most a server gets to take in users for the memory measurement
THREADS = 8  # client threads in the concurrent password flow
CONFIG = botocore.config.Config(retries={"total_max_attempts": 1}, max_pool_connections=16)  # no retry


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def client(url: str):
    return boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1", aws_access_key_id="bench",
                        aws_secret_access_key="bench", config=CONFIG)


# -- the servers ------------------------------------------------------------------------------


def command(kind: str, port: int, workdir: str) -> list[str]:
    if kind == "emulator":
        return [sys.executable, "-m", "emulator", "--data", ":memory:", "--port", str(port), "--log-level", "WARNING"]
    if kind == "moto":
        return [sys.executable, "-m", "moto.server", "-p", str(port)]
    return ["node", os.path.join(HERE, "node_modules", "cognito-local", "lib", "bin", "start.js")]


class Server:
    def __init__(self, kind: str):
        self.kind = kind
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workdir = tempfile.mkdtemp(prefix=f"bench-{kind}-")
        env = {**os.environ, "PORT": str(self.port), "HOST": "127.0.0.1"}
        # As on a developer's machine, Python may cache compiled modules (some sandboxes turn that off, which
        # makes every start of a Python server compile its own modules again: 150 ms for this emulator).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        started = time.perf_counter()
        self.process = subprocess.Popen(command(kind, self.port, self.workdir), cwd=self.workdir if kind == "cognito-local" else ROOT,
                                        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        probe = client(self.url)
        deadline = time.monotonic() + 60
        while True:
            try:
                probe.list_user_pools(MaxResults=1)
                break
            except Exception:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"{kind} did not start")
                time.sleep(0.005)
        self.cold_start = time.perf_counter() - started

    def rss_mb(self) -> float:
        """The server's memory over all its processes: PSS where the system reports it (Linux), since RSS would
        count twice the pages a forked worker shares with its parent; RSS elsewhere."""
        process = psutil.Process(self.process.pid)

        def size(p):
            try:
                return p.memory_full_info().pss
            except (AttributeError, psutil.AccessDenied):
                return p.memory_info().rss
        return sum(size(p) for p in [process, *process.children(recursive=True)]) / 2 ** 20

    def cpu_seconds(self) -> float:
        process = psutil.Process(self.process.pid)
        return sum(sum(p.cpu_times()[:2]) for p in [process, *process.children(recursive=True)])

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)


def available_peers() -> list[str]:
    peers = []
    try:
        import moto.server  # noqa: F401
        peers.append("moto")
    except ImportError:
        print("moto is not installed: pip install 'moto[server]'", file=sys.stderr)
    if shutil.which("node") and os.path.isdir(os.path.join(HERE, "node_modules", "cognito-local")):
        peers.append("cognito-local")
    else:
        print("cognito-local is not installed (npm ci in bench/): its column is left out", file=sys.stderr)
    return peers


# -- the flows --------------------------------------------------------------------------------


class PasswordPool:
    """A pool and client for the password flow, the same on every server."""

    def __init__(self, url: str):
        self.cognito = client(url)
        self.pool = self.cognito.create_user_pool(PoolName="bench")["UserPool"]["Id"]
        self.client_id = self.cognito.create_user_pool_client(
            UserPoolId=self.pool, ClientName="bench",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
        self.url = url

    def flow(self, cognito) -> None:
        """SignUp + AdminConfirmSignUp + InitiateAuth USER_PASSWORD_AUTH."""
        username = f"{uuid.uuid4().hex[:16]}@example.com"  # cognito-local wants email-shaped usernames
        cognito.sign_up(ClientId=self.client_id, Username=username, Password=PASSWORD)
        cognito.admin_confirm_sign_up(UserPoolId=self.pool, Username=username)
        cognito.initiate_auth(ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
                              AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})


def flows_per_second(run_one, count: int, threads: int = 1, make_client=None) -> float:
    clients = [make_client() for _ in range(threads)] if make_client else [None] * threads
    per_thread = max(1, count // threads)
    started = time.perf_counter()
    workers = [threading.Thread(target=lambda c=c: [run_one(c) for _ in range(per_thread)]) for c in clients]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return per_thread * threads / (time.perf_counter() - started)


class OtpFlow:
    """InitiateAuth CUSTOM_AUTH → the code from the inbox → RespondToAuthChallenge, on the seeded pool."""

    POOL, CLIENT = "us-east-1_otpDemo01", "otpdemowebclient0000000001"

    def __init__(self, url: str, users: int, prefix: str = "+9197"):
        self.url = url
        self.http = requests.Session()
        self.cognito = client(url)
        self.phones = [f"{prefix}{index:08d}" for index in range(users)]
        for start in range(0, users, 10_000):
            chunk = [{"username": phone} for phone in self.phones[start:start + 10_000]]
            self.http.post(f"{url}/_emulator/pools/{self.POOL}/users", json={"users": chunk}).raise_for_status()
        self.next = 0

    def flow(self, _client=None) -> None:
        phone = self.phones[self.next % len(self.phones)]
        self.next += 1
        challenge = self.cognito.initiate_auth(ClientId=self.CLIENT, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": phone})
        code = self.http.get(f"{self.url}/_emulator/sms", params={"phone_number": phone, "latest": 1}).json()["messages"][0]["code"]
        self.cognito.respond_to_auth_challenge(ClientId=self.CLIENT, ChallengeName="CUSTOM_CHALLENGE", Session=challenge["Session"],
                                               ChallengeResponses={"USERNAME": phone, "ANSWER": code})

    def floor(self, _client=None) -> None:
        """What the flow cannot avoid: its round trips (2 boto3 calls, the SNS publish the create trigger makes
        with boto3, the inbox read) answered by the cheapest endpoints of the same server, plus two RS256
        signatures made side by side, as the emulator makes them."""
        for _ in range(3):
            self.cognito.list_user_pools(MaxResults=1)
        self.http.get(f"{self.url}/_emulator/health")
        SIGNER.sign_pair(SIGNING_CLAIMS)

    def signup_latency(self) -> float:
        phone = f"+9196{uuid.uuid4().int % 10 ** 8:08d}"
        started = time.perf_counter()
        self.cognito.sign_up(ClientId=self.CLIENT, Username=phone, Password=PASSWORD)
        return time.perf_counter() - started

    def otp_latency(self) -> float:
        started = time.perf_counter()
        self.flow()
        return time.perf_counter() - started


class _Signer:
    def __init__(self):
        from cryptography.hazmat.primitives.asymmetric import rsa
        import jwt
        self._jwt = jwt
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._helper = ThreadPoolExecutor(max_workers=1)

    def sign(self, claims):
        return self._jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": "bench"})

    def sign_pair(self, claims):
        """Two signatures side by side, as the emulator signs a sign-in's access and ID tokens."""
        pending = self._helper.submit(self.sign, claims)
        return self.sign(claims), pending.result()


SIGNER = _Signer()
SIGNING_CLAIMS = {"sub": str(uuid.uuid4()), "token_use": "access", "scope": "aws.cognito.signin.user.admin",
                  "exp": 2 ** 31, "iat": 0, "jti": str(uuid.uuid4()), "username": "x", "client_id": "y"}


# -- what is measured -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """One line of the table. Values are recorded and looked up by `key`; `label` and `unit` are only printed
    (a label may name the run's sizes: {big}, the large pool's users, and {common}, the memory comparison's)."""

    key: str
    label: str
    unit: str
    lower_is_better: bool
    detail_of: str | None = None  # the metric this one breaks down: printed indented under it


METRICS = {metric.key: metric for metric in [
    Metric("rs256_signature", "RS256 signature on this machine", "ms", lower_is_better=True),
    Metric("cold_start", "cold start", "s", lower_is_better=True),
    Metric("password_sequential", "password flow, sequential", "flows/s", lower_is_better=False),
    Metric("client_cpu_per_flow", "boto3 client CPU per flow", "ms", lower_is_better=True,
           detail_of="password_sequential"),
    Metric("server_cpu_per_flow", "server CPU per flow", "ms", lower_is_better=True, detail_of="password_sequential"),
    Metric("server_cpu_per_call", "server CPU per ListUserPools call", "ms", lower_is_better=True,
           detail_of="password_sequential"),
    Metric("call_http_server", "a ListUserPools call: the HTTP server (granian, as shipped)", "ms CPU", lower_is_better=True,
           detail_of="server_cpu_per_call"),
    Metric("call_middleware", "a ListUserPools call: the WSGI middleware (routing, CORS, log, JSON)", "ms CPU",
           lower_is_better=True, detail_of="server_cpu_per_call"),
    Metric("call_protocol", "a ListUserPools call: validation against the model", "ms CPU", lower_is_better=True,
           detail_of="server_cpu_per_call"),
    Metric("call_operation", "a ListUserPools call: the operation and the store", "ms CPU", lower_is_better=True,
           detail_of="server_cpu_per_call"),
    Metric("bare_waitress_call", "serving stacks: a WSGI app answering fixed bytes, on waitress", "ms CPU",
           lower_is_better=True),
    Metric("bare_granian_call", "serving stacks: the same bare app, on granian (WSGI, 1 worker process)", "ms CPU",
           lower_is_better=True, detail_of="bare_waitress_call"),
    Metric("emulator_waitress_call", "serving stacks: this emulator, on waitress (--http-server waitress)", "ms CPU",
           lower_is_better=True, detail_of="bare_waitress_call"),
    Metric("emulator_granian_call", "serving stacks: this emulator, on granian (as shipped)", "ms CPU",
           lower_is_better=True, detail_of="bare_waitress_call"),
    Metric("password_threads", f"password flow, {THREADS} threads", "flows/s", lower_is_better=False),
    Metric("otp_flow", "OTP flow", "flows/s", lower_is_better=False),
    Metric("otp_floor", "OTP floor", "flows/s", lower_is_better=False),
    Metric("sms_otp_flow", "USER_AUTH with SMS_OTP: InitiateAuth → the code → answer", "flows/s",
           lower_is_better=False),
    Metric("sms_otp_floor", "its floor (the same round trips + 2 RS256 signatures)", "flows/s", lower_is_better=False,
           detail_of="sms_otp_flow"),
    Metric("totp_flow", "password + TOTP MFA sign-in", "flows/s", lower_is_better=False),
    Metric("totp_floor", "its floor", "flows/s", lower_is_better=False, detail_of="totp_flow"),
    Metric("m2m_flow", "client-credentials token (POST /oauth2/token)", "flows/s", lower_is_better=False),
    Metric("m2m_floor", "its floor (one round trip + 1 RS256 signature)", "flows/s", lower_is_better=False,
           detail_of="m2m_flow"),
    Metric("signup_small", "SignUp latency, 100 users", "ms", lower_is_better=True),
    Metric("otp_small", "OTP sign-in latency, 100 users", "ms", lower_is_better=True),
    Metric("signup_big", "SignUp latency, {big} users", "ms", lower_is_better=True),
    Metric("otp_big", "OTP sign-in latency, {big} users", "ms", lower_is_better=True),
    Metric("rss", "server memory (PSS, all its processes) after {common} users", "MB", lower_is_better=True),
    Metric("in_process", "in-process password flow", "flows/s", lower_is_better=False),
    Metric("node_trigger_cold", "Node.js trigger call, first (starts node)", "ms", lower_is_better=True),
    Metric("node_trigger_warm", "Node.js trigger call, warm worker", "ms", lower_is_better=True),
    Metric("python_trigger", "Python trigger call, in process", "ms", lower_is_better=True,
           detail_of="node_trigger_warm"),
]}


@dataclass(frozen=True)
class Sizes:
    rounds: int
    flows: int  # flows (or calls, or samples) in one measurement
    big: int  # users in the large pool of the growth measurement
    memory_users: int  # the most users the memory measurement adds

    @classmethod
    def of(cls, quick: bool) -> "Sizes":
        return cls(rounds=3, flows=60, big=10_000, memory_users=2_000) if quick else \
            cls(rounds=5, flows=200, big=100_000, memory_users=10_000)


@dataclass
class Measurements:
    """Every value measured, by metric key and by server (or in-process client), with the run's notes."""

    values: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    common_users: int = 0  # the largest user count every server reached in the memory measurement

    def record(self, key: str, kind: str, value: float) -> None:
        if key not in METRICS:
            raise KeyError(f"no metric {key!r} in METRICS")
        self.values.setdefault(key, {}).setdefault(kind, []).append(value)


def _timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


# -- the steps ------------------------------------------------------------------------------------


def warm_up(kinds: list[str]) -> None:
    """One untimed start of each server: compiled-module caches and the OS's file cache warm for all."""
    for kind in kinds:
        Server(kind).stop()


def measure_servers(measured: Measurements, kinds: list[str], sizes: Sizes) -> None:
    """Cold start, password flow (with client and server CPU) and, on this emulator, the OTP flow and its floor.
    Interleaved: each round starts every server afresh, and the order turns round by round, since this machine's
    speed drifts within seconds (a run once measured the same boto3 client at 2.7 ms of CPU per flow for
    whichever server went first and 7 ms for the next)."""
    for round_number in range(sizes.rounds):
        print(f"round {round_number + 1}/{sizes.rounds}", file=sys.stderr)
        measured.record("rs256_signature", "emulator", 1000 * statistics.median(
            _timed(SIGNER.sign, SIGNING_CLAIMS) for _ in range(100)))
        shift = round_number % len(kinds)
        for kind in kinds[shift:] + kinds[:shift]:
            server = Server(kind)
            try:
                measured.record("cold_start", kind, server.cold_start)
                measure_password_flow(measured, server, sizes.flows)
                if kind == "emulator":
                    measure_otp_flow(measured, server, sizes.flows)
                    measure_newer_flows(measured, server, sizes.flows)
            finally:
                server.stop()


def measure_password_flow(measured: Measurements, server: Server, flows: int) -> None:
    """Sequential flows with the CPU they cost the client and the server, the server's CPU for its cheapest
    call, then flows from THREADS client threads."""
    pool = PasswordPool(server.url)
    for _ in range(5):
        pool.flow(pool.cognito)
    server_cpu, client_cpu = server.cpu_seconds(), time.process_time()
    measured.record("password_sequential", server.kind,
                    flows_per_second(lambda c: pool.flow(c), flows, 1, lambda: client(server.url)))
    # Where a sequential flow's time goes: CPU in this (boto3) process and in the server.
    measured.record("client_cpu_per_flow", server.kind, 1000 * (time.process_time() - client_cpu) / flows)
    measured.record("server_cpu_per_flow", server.kind, 1000 * (server.cpu_seconds() - server_cpu) / flows)
    # What one round trip costs the server before any Cognito work: the cheapest call there is. Five calls a flow,
    # since the kernel counts a process's CPU in 10 ms ticks: 1,000 calls read it to 0.01 ms a call.
    server_cpu, calls = server.cpu_seconds(), flows * 5
    for _ in range(calls):
        pool.cognito.list_user_pools(MaxResults=1)
    measured.record("server_cpu_per_call", server.kind, 1000 * (server.cpu_seconds() - server_cpu) / calls)
    measured.record("password_threads", server.kind,
                    flows_per_second(lambda c: pool.flow(c), flows, THREADS, lambda: client(server.url)))


def measure_newer_flows(measured: Measurements, server: Server, flows: int) -> None:
    """The flows added since the first benchmark, each beside its floor: the same number of round trips answered
    by the server's cheapest endpoints, plus the RS256 signatures the flow must make."""
    cognito, http = client(server.url), requests.Session()

    def floor(calls: int, reads: int, signatures: int):
        def run(_client=None):
            for _ in range(calls):
                cognito.list_user_pools(MaxResults=1)
            for _ in range(reads):
                http.get(f"{server.url}/_emulator/health")
            if signatures == 2:
                SIGNER.sign_pair(SIGNING_CLAIMS)
            elif signatures == 1:
                SIGNER.sign(SIGNING_CLAIMS)
        return run

    # USER_AUTH with SMS_OTP on the seeded otp-native pool.
    native_pool, native_client = "us-east-1_otpNative1", "otpnativewebclient00000001"
    phones = [f"+9195{index:08d}" for index in range(flows + 10)]
    http.post(f"{server.url}/_emulator/pools/{native_pool}/users",
              json={"users": [{"username": p, "attributes": {"phone_number_verified": "true"}} for p in phones]}
              ).raise_for_status()
    numbers = iter(phones)

    def sms_otp(_client=None):
        phone = next(numbers)
        challenge = cognito.initiate_auth(ClientId=native_client, AuthFlow="USER_AUTH",
                                          AuthParameters={"USERNAME": phone, "PREFERRED_CHALLENGE": "SMS_OTP"})
        code = http.get(f"{server.url}/_emulator/sms", params={"phone_number": phone, "latest": 1}
                        ).json()["messages"][0]["code"]
        cognito.respond_to_auth_challenge(ClientId=native_client, ChallengeName="SMS_OTP", Session=challenge["Session"],
                                          ChallengeResponses={"USERNAME": phone, "SMS_OTP_CODE": code})

    for _ in range(5):
        sms_otp()
    measured.record("sms_otp_flow", "emulator", flows_per_second(sms_otp, flows))
    measured.record("sms_otp_floor", "emulator", flows_per_second(floor(2, 1, 2), flows))

    # A password sign-in with an authenticator app's code, one user per sign-in (a code is accepted once).
    import pyotp
    pool_id = cognito.create_user_pool(PoolName="bench-totp")["UserPool"]["Id"]
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON",
                                     SoftwareTokenMfaConfiguration={"Enabled": True})
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="bench", ExplicitAuthFlows=[
        "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    now = http.get(f"{server.url}/_emulator/clock").json()["now"]
    users = []
    for index in range(flows + 5):
        name = f"totp-{index}"
        cognito.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
        cognito.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=PASSWORD, Permanent=True)
        setup = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                      AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD})
        secret = cognito.associate_software_token(Session=setup["Session"])
        cognito.verify_software_token(Session=secret["Session"], UserCode=pyotp.TOTP(secret["SecretCode"]).at(int(now)))
        users.append((name, pyotp.TOTP(secret["SecretCode"]).at(int(now) + 30)))  # the next step's code
    http.post(f"{server.url}/_emulator/clock", json={"seconds": 30}).raise_for_status()
    remaining = iter(users)

    def totp(_client=None):
        name, code = next(remaining)
        challenge = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                          AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD})
        cognito.respond_to_auth_challenge(ClientId=client_id, ChallengeName="SOFTWARE_TOKEN_MFA",
                                          Session=challenge["Session"],
                                          ChallengeResponses={"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": code})

    for _ in range(5):
        totp()
    measured.record("totp_flow", "emulator", flows_per_second(totp, flows))
    measured.record("totp_floor", "emulator", flows_per_second(floor(2, 0, 2), flows))

    # A client-credentials token for a resource server's scope.
    cognito.create_resource_server(UserPoolId=pool_id, Identifier="https://api.bench", Name="api",
                                   Scopes=[{"ScopeName": "read", "ScopeDescription": "read"}])
    machine = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="m2m", GenerateSecret=True, AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"], AllowedOAuthScopes=["https://api.bench/read"])["UserPoolClient"]

    def m2m(_client=None):
        http.post(f"{server.url}/oauth2/token", data={"grant_type": "client_credentials"},
                  auth=(machine["ClientId"], machine["ClientSecret"])).raise_for_status()

    for _ in range(5):
        m2m()
    measured.record("m2m_flow", "emulator", flows_per_second(m2m, flows))
    measured.record("m2m_floor", "emulator", flows_per_second(floor(0, 1, 1), flows))


def measure_otp_flow(measured: Measurements, server: Server, flows: int) -> None:
    """The OTP flow on a pool of 100 users, and its floor on the same server."""
    otp = OtpFlow(server.url, 100)
    for _ in range(5):
        otp.flow()
    measured.record("otp_flow", server.kind, flows_per_second(otp.flow, flows))
    measured.record("otp_floor", server.kind, flows_per_second(otp.floor, flows))


def measure_growth(measured: Measurements, sizes: Sizes) -> None:
    """SignUp and OTP sign-in latency on two emulators side by side, one with 100 users and one with `big`.
    Each sample alternates between the two servers, so a slow spell of a shared machine hits both alike."""
    print("growth", file=sys.stderr)
    small_server, big_server = Server("emulator"), Server("emulator")
    try:
        small = OtpFlow(small_server.url, 100)
        big = OtpFlow(big_server.url, sizes.big)
        for flow in (small, big):
            for _ in range(10):
                flow.otp_latency()
                flow.signup_latency()
        for _ in range(sizes.rounds):
            samples: dict[str, list[float]] = {"signup_small": [], "otp_small": [], "signup_big": [], "otp_big": []}
            for _ in range(sizes.flows):
                for flow, signup_key, otp_key in ((small, "signup_small", "otp_small"), (big, "signup_big", "otp_big")):
                    samples[signup_key].append(flow.signup_latency())
                    samples[otp_key].append(flow.otp_latency())
            for key, values in samples.items():
                measured.record(key, "emulator", 1000 * statistics.median(values))
    finally:
        small_server.stop()
        big_server.stop()


def measure_memory(measured: Measurements, kinds: list[str], sizes: Sizes) -> None:
    """Server RSS every 1,000 users added; a slow server stops at FILL_SECONDS, and the servers are compared at
    the largest count all of them reached. Each server's RSS at its own largest count goes into the notes."""
    print("memory", file=sys.stderr)
    checkpoints = {kind: fill_with_users(measured, kind, sizes.memory_users) for kind in kinds}
    common = min((max(reached, default=0) for reached in checkpoints.values()), default=0)
    measured.common_users = common
    for kind, reached in checkpoints.items():
        if common:
            measured.record("rss", kind, reached[common])
        if max(reached, default=0) > common:
            measured.notes.append(f"{kind}'s memory (PSS) after {max(reached)} users: {reached[max(reached)]:.0f} MB")


def fill_with_users(measured: Measurements, kind: str, users: int) -> dict[int, float]:
    """A fresh server's RSS (MB) after every 1,000 users it creates (and after the last), for FILL_SECONDS at most."""
    server = Server(kind)
    reached: dict[int, float] = {}
    try:
        pool = PasswordPool(server.url)
        deadline = time.monotonic() + FILL_SECONDS
        for index in range(1, users + 1):
            pool.cognito.admin_create_user(UserPoolId=pool.pool, Username=f"user{index}@example.com",
                                           MessageAction="SUPPRESS", TemporaryPassword=PASSWORD)
            if index % 1000 == 0 or index == users:
                reached[index] = server.rss_mb()
            if time.monotonic() > deadline:
                measured.notes.append(f"{kind} took over {FILL_SECONDS} s to create {users} users; it stopped at {index}")
                break
    finally:
        server.stop()
    return reached


def measure_in_process(measured: Measurements, sizes: Sizes) -> None:
    """The password flow in process: the pytest plugin's client against moto's mock_aws, taking turns."""
    print("in-process", file=sys.stderr)
    for kind, rates in in_process_rates(sizes.flows, sizes.rounds).items():
        for rate in rates:
            measured.record("in_process", kind, rate)


def in_process_rates(count: int, rounds: int) -> dict:
    """Flows per second for each round, the plugin's direct client and mock_aws taking turns."""
    from emulator.embedded import EmbeddedEmulator
    try:
        from moto import mock_aws
    except ImportError:
        mock_aws = None
    rates: dict[str, list[float]] = {}
    with EmbeddedEmulator() as running:
        pool = PasswordPool(running.url)
        direct = running.client(direct=True)  # what the pytest plugin's cognito_idp fixture is
        for _ in range(10):
            pool.flow(direct)
        for _ in range(rounds):
            rates.setdefault("emulator", []).append(flows_per_second(lambda c: pool.flow(direct), count))
            if mock_aws is not None:
                with mock_aws():
                    cognito = boto3.client("cognito-idp", region_name="us-east-1", aws_access_key_id="bench",
                                           aws_secret_access_key="bench", config=CONFIG)
                    mocked = PasswordPool.__new__(PasswordPool)
                    mocked.cognito = cognito
                    mocked.pool = cognito.create_user_pool(PoolName="bench")["UserPool"]["Id"]
                    mocked.client_id = cognito.create_user_pool_client(
                        UserPoolId=mocked.pool, ClientName="bench",
                        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                    )["UserPoolClient"]["ClientId"]
                    for _ in range(10):
                        mocked.flow(cognito)
                    rates.setdefault("moto mock_aws", []).append(flows_per_second(lambda c: mocked.flow(cognito), count))
    return rates




def measure_call_layers(measured: Measurements, sizes: Sizes) -> None:
    """Where one plain call's server CPU goes (issue 22): the same ListUserPools request through each layer in this
    process, CPU per call (process time, one thread): the WSGI app (middleware, protocol, operation), the
    dispatcher (validation, operation), the operation alone; the HTTP server is the over-HTTP cost measured on the
    running server less the WSGI app's. The serving stacks are measured apart (measure_serving_stacks)."""
    import io

    from emulator.embedded import EmbeddedEmulator
    from emulator.protocol.dispatch import EXTENSION
    from emulator.protocol.validation import validate_input
    from emulator.protocol.model import operation_model

    print("call layers", file=sys.stderr)
    body = b'{"MaxResults": 1}'
    count = sizes.flows * 5
    with EmbeddedEmulator() as running:
        app = running.app
        dispatcher = app.extensions[EXTENSION]
        operation = dispatcher.operations["ListUserPools"]
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "9229",
                   "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "CONTENT_LENGTH": str(len(body)),
                   "CONTENT_TYPE": "application/x-amz-json-1.1",
                   "HTTP_X_AMZ_TARGET": "AWSCognitoIdentityProviderService.ListUserPools", "wsgi.errors": sys.stderr}

        def through_app():
            chunks = app.wsgi_app({**environ, "wsgi.input": io.BytesIO(body)}, lambda status, headers: None)
            b"".join(chunks)

        def per_call(function) -> float:
            for _ in range(50):
                function()
            started = time.process_time()
            for _ in range(count):
                function()
            return 1000 * (time.process_time() - started) / count

        for _ in range(sizes.rounds):
            whole = per_call(through_app)
            dispatched = per_call(lambda: dispatcher.call("ListUserPools", {"MaxResults": 1}))
            shape = operation_model("ListUserPools").input_shape
            validated = per_call(lambda: validate_input(shape, {"MaxResults": 1}))
            alone = per_call(lambda: operation(dispatcher.services, {"MaxResults": 1}))
            measured.record("call_middleware", "emulator", whole - dispatched)
            measured.record("call_protocol", "emulator", validated)
            measured.record("call_operation", "emulator", alone)
            measured.record("call_http_server", "emulator", max(0.0, statistics.median(
                measured.values.get("server_cpu_per_call", {}).get("emulator", [whole])) - whole))


# The candidate serving stacks, each serving a bare WSGI app (fixed bytes) and this emulator's app. granian runs
# a WSGI app only in worker processes it spawns (its in-process "embedded" mode refuses WSGI), hence a command.
BARE_APP = """
def app(environ, start_response):
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    answer = b'{"UserPools":[]}'
    start_response("200 OK", [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(answer)))])
    return [answer]
"""
# The same app on waitress, as the emulator's in-process server runs it (bare_app.py is in the working folder).
BARE_SERVER = """
import sys
from bare_app import app
from emulator.server import Server
Server(app, "127.0.0.1", int(sys.argv[1])).serve_forever()
"""
GRANIAN = [sys.executable, "-m", "granian", "--interface", "wsgi", "--workers", "1", "--blocking-threads", "32",
           "--host", "127.0.0.1", "--no-ws", "--log-level", "error"]


def serving_stack_commands(port: int) -> dict[str, list[str]]:
    """Metric key → the command serving on `port` (run in a scratch folder holding bare_app.py)."""
    emulator = [sys.executable, "-m", "emulator", "--data", ":memory:", "--port", str(port), "--log-level", "WARNING",
                "--http-server"]
    commands = {"bare_waitress_call": [sys.executable, "-c", BARE_SERVER, str(port)],
                "emulator_waitress_call": [*emulator, "waitress"]}
    try:
        import granian  # noqa: F401
    except ImportError:
        return commands
    return {**commands, "bare_granian_call": [*GRANIAN, "--port", str(port), "bare_app:app"],
            "emulator_granian_call": [*emulator, "granian"]}


def measure_serving_stacks(measured: Measurements, sizes: Sizes) -> None:
    """Server CPU (every process of the server) per ListUserPools call from one keep-alive client, for each
    candidate stack serving a bare app and this emulator, one after another in each round."""
    print("serving stacks", file=sys.stderr)
    body = b'{"MaxResults": 1}'
    headers = {"X-Amz-Target": "AWSCognitoIdentityProviderService.ListUserPools",
               "Content-Type": "application/x-amz-json-1.1"}
    count = sizes.flows * 10  # CPU is counted in 10 ms ticks: 2,000 calls read it to 0.005 ms a call
    scratch = tempfile.mkdtemp(prefix="bench-stacks-")
    with open(os.path.join(scratch, "bare_app.py"), "w", encoding="utf-8") as handle:
        handle.write(BARE_APP)
    try:
        for _ in range(sizes.rounds):
            for key, command in serving_stack_commands(free_port()).items():
                port = int(command[command.index("--port") + 1]) if "--port" in command else int(command[-1])
                process = subprocess.Popen(command, cwd=scratch, env={**os.environ, "PYTHONPATH": ROOT},
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                try:
                    session = requests.Session()
                    url = f"http://127.0.0.1:{port}/"
                    deadline = time.monotonic() + 30
                    while True:
                        try:
                            session.post(url, data=body, headers=headers, timeout=5).raise_for_status()
                            break
                        except requests.ConnectionError:
                            if time.monotonic() > deadline or process.poll() is not None:
                                raise
                            time.sleep(0.05)
                    for _ in range(50):
                        session.post(url, data=body, headers=headers, timeout=5)

                    def cpu() -> float:
                        server = psutil.Process(process.pid)
                        return sum(sum(p.cpu_times()[:2]) for p in [server, *server.children(recursive=True)])

                    before = cpu()
                    for _ in range(count):
                        session.post(url, data=body, headers=headers, timeout=5)
                    measured.record(key, "emulator", 1000 * (cpu() - before) / count)
                finally:
                    process.kill()
                    process.wait()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def measure_triggers(measured: Measurements, sizes: Sizes) -> None:
    """What a trigger call costs the emulator: VerifyAuthChallengeResponse's event through the function registry,
    the JavaScript handler of triggers/js (a warm `node` worker; its first call starts it) and the Python one."""
    import shutil

    from emulator.embedded import EmbeddedEmulator
    from emulator.scenarios.app import NODE_CONFIG
    from emulator.settings import Settings

    if not shutil.which("node") or not os.path.isdir(os.path.join(ROOT, "triggers", "js", "node_modules")):
        measured.notes.append("Node.js trigger calls not measured: node, or triggers/js/node_modules, is missing")
        return
    print("trigger calls", file=sys.stderr)
    event = {"version": "1", "region": "us-east-1", "userPoolId": "us-east-1_otpNodeJs1", "userName": "bench",
             "triggerSource": "VerifyAuthChallengeResponse_Authentication",
             "request": {"userAttributes": {"phone_number": "+919700000000"},
                         "privateChallengeParameters": {"secretLoginCode": "123456", "answer": "123456"},
                         "challengeAnswer": "123456"},
             "response": {}}
    for _ in range(sizes.rounds):
        with EmbeddedEmulator(Settings(data=":memory:", port=0, config=NODE_CONFIG)) as running:
            functions = running.services.functions
            functions.register("python-verify", "emulator.triggers.verify_auth_challenge_response.handler")
            measured.record("node_trigger_cold", "emulator",
                            1000 * _timed(functions.invoke, "verify-auth-challenge-response", event))
            for name, key in (("verify-auth-challenge-response", "node_trigger_warm"), ("python-verify", "python_trigger")):
                for _ in range(10):
                    functions.invoke(name, event)
                measured.record(key, "emulator", 1000 * statistics.median(
                    _timed(functions.invoke, name, event) for _ in range(sizes.flows)))


PROFILE_TITLE = "where a sequential password flow's time goes, in process (pyinstrument, % of the flow)"
CLIENT_AREA = "the boto3 client (not the server)"
SIGNING_AREA = "RS256 signing (OpenSSL, via PyJWT)"
# A frame's own time goes to the first area one of whose markers is in its file's path; built-in functions (an
# OpenSSL signature, an SQLite statement) count as the Python code that called them.
PROFILE_AREAS = [
    (SIGNING_AREA, ("/jwt/", "/cryptography/")),
    ("SQLite (the store)", ("emulator/services/store.py", "/sqlite3/")),
    ("request validation (botocore's model)", ("emulator/protocol/validation.py", "emulator/protocol/model.py", "/regex/")),
    ("JSON", ("/json/",)),
    ("password hashing", ("emulator/services/passwords.py", "hashlib", "hmac.py")),
    ("the rest of the emulator (operations, services)", ("emulator/",)),
]
# The server's code is the emulator package's, found by where it lives rather than by a function's name, so that
# it is found wherever functions move. Two of the package's files run on the client's side in this process and
# do not start server time (code they are called from within the server still counts as the server's): the direct
# client's before-send hook, which hands botocore's request to the server code as a socket would, and the
# os.environ overlay for in-process Lambda functions, through which botocore reads its settings.
PROFILE_CLIENT_FILES = ("embedded.py", os.path.join("services", "functions", "python_environment.py"))


def profile_password_flow(flows: int) -> dict | None:
    """The password flow through the pytest plugin's in-process client, sampled by pyinstrument: the server's
    share (the emulator package's code the request is handed to and all it calls, the code an HTTP request runs
    after waitress) by area, and the client's. The HTTP server itself (waitress, sockets) is not in it."""
    print("profile", file=sys.stderr)
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("pyinstrument is not installed: no profile", file=sys.stderr)
        return None
    import emulator
    from emulator.embedded import EmbeddedEmulator

    with EmbeddedEmulator() as running:
        pool = PasswordPool(running.url)
        direct = running.client(direct=True)
        for _ in range(10):
            pool.flow(direct)
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(flows):
            pool.flow(direct)
        profiler.stop()
    package = os.path.join(os.path.dirname(os.path.realpath(emulator.__file__)), "")
    client_files = {os.path.join(package, name) for name in PROFILE_CLIENT_FILES}

    @functools.lru_cache(maxsize=None)
    def is_server_code(path: str) -> bool:
        path = os.path.realpath(path)
        return path.startswith(package) and path not in client_files

    per_area: dict[str, float] = {}

    def walk(frame, in_server: bool, caller_path: str) -> None:
        if frame.is_synthetic:
            return  # its time is in its parent's total_self_time
        path = caller_path if frame.file_path in (None, "<built-in>") else frame.file_path
        in_server = in_server or is_server_code(path)
        area = (next((name for name, markers in PROFILE_AREAS if any(m in path for m in markers)), "other")
                if in_server else CLIENT_AREA)
        per_area[area] = per_area.get(area, 0.0) + frame.total_self_time
        for child in frame.children:
            walk(child, in_server, path)

    walk(profiler.last_session.root_frame(), False, "")
    # Shares, not milliseconds: the profiler slows Python code more than OpenSSL's, and the machine's speed
    # drifts between sections, so its milliseconds do not add up with the other sections'.
    total = sum(per_area.values())
    return {area: 100 * seconds / total for area, seconds in sorted(per_area.items(), key=lambda item: -item[1])}


# -- the summary ----------------------------------------------------------------------------------


def summary(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def summarise(measured: Measurements, kinds: list[str], sizes: Sizes, quick: bool, profile: dict | None,
              minutes: float) -> dict:
    """The results as printed and written: metrics under their keys, each with its label, in METRICS' order."""
    by_key = {key: {kind: summary(values) for kind, values in by_kind.items()}
              for key, by_kind in measured.values.items()}
    metrics = {}
    for key, metric in METRICS.items():
        if key in by_key:
            metrics[key] = {"label": metric.label.format(big=sizes.big, common=measured.common_users),
                            "unit": metric.unit, "lower_is_better": metric.lower_is_better,
                            **({"detail_of": metric.detail_of} if metric.detail_of else {}),
                            "values": by_key[key]}
    return {"date": time.strftime("%Y-%m-%d"), "quick": quick, "machine": f"{os.cpu_count()} cores",
            "servers": kinds, "metrics": metrics, "ratios": ratios(by_key, sizes.big, profile), "notes": measured.notes,
            "minutes": minutes, "profile": {"title": PROFILE_TITLE, "shares": profile} if profile else None}


def ratios(by_key: dict, big: int, profile_shares: dict | None = None) -> dict:
    """This emulator against the best peer (or as named), each under a key with the label it is printed with.
    The lines with `detail_of` explain the password flow's ratio they follow."""
    def median(key, kind="emulator"):
        return by_key.get(key, {}).get(kind, {}).get("median")

    def best_peer(key):
        values = [value["median"] for kind, value in by_key.get(key, {}).items() if kind not in ("emulator", "moto mock_aws")]
        return (min(values) if METRICS[key].lower_is_better else max(values)) if values else None

    found = {}

    def add(key, label, value, detail_of=None):
        found[key] = {"label": label, "value": value, **({"detail_of": detail_of} if detail_of else {})}

    def title(key):
        return f"{METRICS[key].label} ({METRICS[key].unit})"

    peer = best_peer("cold_start")
    if peer:
        add("cold_start", "cold start vs best peer (target <= 0.5)", median("cold_start") / peer)
    if median("server_cpu_per_call"):
        add("plain_call_ms", "server CPU per plain call (ListUserPools), ms (target <= 0.35)",
            median("server_cpu_per_call"))
    if median("emulator_granian_call"):
        add("granian_saving_ms", "granian's saving per plain call against waitress (ms CPU)",
            median("emulator_waitress_call") - median("emulator_granian_call"), "plain_call_ms")
    # The most any server could reach with this client: the boto3 client's own CPU per flow (measured against
    # this emulator) plus the RS256 signing a sign-in cannot avoid (two signatures, at best side by side, so one
    # signature's time), one after the other when sequential, and with THREADS threads shared by the machine's
    # cores but the client held to one core by its GIL.
    client_ms = median("client_cpu_per_flow")
    unavoidable_ms = client_ms + median("rs256_signature")
    ceilings = [("password_sequential", "sequential", 1000 / unavoidable_ms),
                ("password_threads", f"{THREADS} threads",
                 1000 * min(1 / client_ms, (os.cpu_count() or 1) / unavoidable_ms))]
    for key, how, ceiling in ceilings:
        peer = best_peer(key)
        if peer:
            add(key, f"{title(key)} vs best peer (target >= 3)", median(key) / peer)
            add(f"{key}_ceiling", f"the most any server could reach, {how}, vs best peer", ceiling / peer, key)
            if key == "password_sequential":
                # What 3x leaves the server for everything but its signatures, against what it spends.
                add("password_sequential_budget_ms", "3x leaves the server, beyond signing (ms per flow)",
                    1000 / (3 * peer) - unavoidable_ms, key)
                add("password_sequential_server_ms", "this server's CPU per flow besides its two signatures (ms)",
                    median("server_cpu_per_flow") - 2 * (unavoidable_ms - client_ms), key)
                add("password_sequential_round_trips_ms",
                    "of which its 3 round trips, at its cost of a ListUserPools call (ms)",
                    3 * median("server_cpu_per_call"), key)
    add("otp_vs_floor", "OTP flow time vs floor (target <= 1.2)", median("otp_floor") / median("otp_flow"))
    # The floor's stand-ins (ListUserPools, a health check) are the server's cheapest calls; the flow's own are a
    # trigger-run InitiateAuth whose create trigger publishes through SNS, an inbox read, and the answer.
    add("otp_excess_ms", "the flow's time beyond its floor (ms per flow)",
        1000 / median("otp_flow") - 1000 / median("otp_floor"), "otp_vs_floor")
    for key, label in (("sms_otp", "USER_AUTH SMS_OTP"), ("totp", "TOTP MFA sign-in"), ("m2m", "client credentials")):
        if median(f"{key}_flow"):
            add(f"{key}_vs_floor", f"{label} time vs its floor (target <= 1.5)",
                median(f"{key}_floor") / median(f"{key}_flow"))
    add("signup_growth", f"SignUp latency {big} vs 100 users (target <= 1.2)",
        median("signup_big") / median("signup_small"))
    add("otp_growth", f"OTP sign-in latency {big} vs 100 users (target <= 1.2)", median("otp_big") / median("otp_small"))
    peer = best_peer("rss")
    if peer:
        add("rss", "memory (PSS) vs best peer (target <= 1)", median("rss") / peer)
    if median("node_trigger_warm"):
        add("node_trigger_warm", "Node.js trigger call on a warm worker, ms (target <= 5)", median("node_trigger_warm"))
    if median("in_process", "moto mock_aws"):
        add("in_process", "in-process vs mock_aws (target >= 2)",
            median("in_process") / median("in_process", "moto mock_aws"))
        # What 2x leaves, against what the flow spends apart from the server's work: the boto3 client's own part
        # and the two RS256 signatures (side by side), from the profile (its shares of the same flow's time, so approximate: the profiler slows Python more than OpenSSL).
        flow_ms = 1000 / median("in_process")
        add("in_process_budget_ms", "2x leaves a flow (ms)", 1000 / (2 * median("in_process", "moto mock_aws")),
            "in_process")
        if profile_shares:
            add("in_process_client_ms", "of this flow, the boto3 client's own part (ms)",
                flow_ms * profile_shares.get(CLIENT_AREA, 0) / 100, "in_process")
            add("in_process_signing_ms", "of this flow, RS256 signing (ms)",
                flow_ms * profile_shares.get(SIGNING_AREA, 0) / 100, "in_process")
            add("in_process_rest_ms", "of this flow, the emulator's other work (ms)",
                flow_ms * (100 - profile_shares.get(CLIENT_AREA, 0)
                           - profile_shares.get(SIGNING_AREA, 0)) / 100, "in_process")
    return found


def print_table(results: dict) -> None:
    kinds = sorted({kind for metric in results["metrics"].values() for kind in metric["values"]},
                   key=lambda kind: ["emulator", "moto", "cognito-local", "moto mock_aws"].index(kind))
    print(f"\n{'metric':<44}" + "".join(f"{kind:>26}" for kind in kinds))
    for metric in results["metrics"].values():
        name = ("  " if metric.get("detail_of") else "") + f"{metric['label']} ({metric['unit']})"
        cells = []
        for kind in kinds:
            value = metric["values"].get(kind)
            cells.append(f"{value['median']:>10.3g} ({value['min']:.3g}–{value['max']:.3g})" if value else "")
        print(f"{name:<44}" + "".join(f"{cell:>26}" for cell in cells))
    for note in results["notes"]:
        print(f"note: {note}")
    if results["profile"]:
        print(f"\n{results['profile']['title']}:")
        for area, share in results["profile"]["shares"].items():
            print(f"  {area:<66} {share:5.0f} %")
    print("\nratios (this emulator / best peer, or as named; the indented lines explain the password flow):")
    for ratio in results["ratios"].values():
        name = ("  " if ratio.get("detail_of") else "") + ratio["label"]
        print(f"  {name:<66} {ratio['value']:6.2f}")


# -- the run --------------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and smaller sizes (under 2 minutes)")
    parser.add_argument("--json", default=os.path.join(HERE, "results.json"), help="where to write the results")
    args = parser.parse_args(argv)
    run_started = time.monotonic()
    sizes = Sizes.of(args.quick)
    kinds = ["emulator", *available_peers()]
    measured = Measurements()

    warm_up(kinds)
    measure_servers(measured, kinds, sizes)
    measure_growth(measured, sizes)
    measure_memory(measured, kinds, sizes)
    measure_in_process(measured, sizes)
    measure_call_layers(measured, sizes)
    measure_serving_stacks(measured, sizes)
    measure_triggers(measured, sizes)
    profile = profile_password_flow(sizes.flows)

    minutes = round((time.monotonic() - run_started) / 60, 1)
    results = summarise(measured, kinds, sizes, args.quick, profile, minutes)
    print_table(results)
    with open(args.json, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2)
    print(f"\nthe run took {results['minutes']} minutes; written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
