"""Bad input, generated from botocore's model of every implemented operation and then broken: every answer is a
well-formed Cognito JSON error (or a success), never a 5xx, a traceback or HTML, and the server keeps serving.

FUZZ_EXAMPLES sets the examples per operation (default 120: about 6,000 requests over the 50 operations).
"""

import json
import os
import string

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.embedded import EmbeddedEmulator
from emulator.operations import OPERATIONS
from emulator.protocol.model import operation_model
from emulator.settings import Settings

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "120"))
# Errors every operation may answer besides its modeled ones: the JSON protocol's own, and the
# emulator's body limit.
COMMON = {"SerializationException", "InvalidParameterException", "RequestEntityTooLargeException",
          "UnknownOperationException"}
FAVOURITES = ["+919876543210", "us-east-1_otpDemo01", "otpdemowebclient0000000001", "CUSTOM_AUTH",
              "USER_PASSWORD_AUTH", "CUSTOM_CHALLENGE", "PASSWORD_VERIFIER", "", "\u0000", "<script>", "é" * 70]

json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30))
any_json = st.recursive(json_leaf, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                           st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                        max_leaves=8)


def value_for(shape, depth=0):
    """Values that fit the shape (mostly), with favourites and sometimes anything at all."""
    kind = shape.type_name
    if depth > 3:
        return any_json
    if kind == "structure":
        members = {name: value_for(member, depth + 1) for name, member in shape.members.items()}
        return st.fixed_dictionaries({}, optional=members)
    if kind == "list":
        return st.lists(value_for(shape.member, depth + 1), max_size=3)
    if kind == "map":
        return st.dictionaries(st.sampled_from(["USERNAME", "ANSWER", "PASSWORD", "SRP_A", "REFRESH_TOKEN",
                                                "SECRET_HASH", "k"]), value_for(shape.value, depth + 1), max_size=3)
    if kind == "string":
        enum = getattr(shape, "enum", None)
        return st.one_of(st.sampled_from(enum) if enum else st.nothing(), st.sampled_from(FAVOURITES),
                         st.text(alphabet=string.printable, max_size=40), st.text(max_size=300))
    if kind in ("integer", "long"):
        return st.integers(min_value=-10, max_value=10 ** 6)
    if kind == "boolean":
        return st.booleans()
    return json_leaf


def broken(body):
    """Ways a buggy client breaks a request."""
    return st.one_of(
        st.just(body),
        any_json.map(lambda extra: {**body, "Unexpected": extra} if isinstance(body, dict) else body),
        any_json,
        st.just({key: value for key, value in list(body.items())[1:]} if isinstance(body, dict) else body),
    )


@pytest.fixture(scope="module")
def live():
    with EmbeddedEmulator(Settings(data=":memory:", port=0, check_responses=True)) as running:
        running.client().sign_up(ClientId="otpdemowebclient0000000001", Username="+919876543210",
                                 Password="Generated-Passw0rd!")
        yield running


def check(response, operation):
    assert response.status_code < 500, response.text
    assert response.headers["Content-Type"] == "application/x-amz-json-1.1"
    body = response.json()
    if response.status_code == 200:
        return
    code = body["__type"]
    modeled = {error.name for error in operation_model(operation).error_shapes}
    assert code in modeled | COMMON, f"{operation} answered {code}, which its model does not list: {body}"
    assert isinstance(body.get("message", body.get("Message")), str)
    assert response.headers["x-amzn-ErrorType"].split(":")[0] == code


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_generated_and_broken_requests(live, operation):
    session = requests.Session()
    headers = {"X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}",
               "Content-Type": "application/x-amz-json-1.1"}

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.data())
    def run(data):
        body = data.draw(value_for(operation_model(operation).input_shape))
        sent = data.draw(broken(body))
        check(session.post(live.url + "/", data=json.dumps(sent), headers=headers, timeout=10), operation)

    run()
    assert session.get(live.url + "/_emulator/health", timeout=10).json()["status"] == "ok"


@pytest.mark.parametrize("raw", [b"\xff" * 100, b"{" * 10000, b'{"a":' * 5000 + b"1" + b"}" * 5000, b"null", b"1e999"])
def test_malformed_bytes(live, raw):
    response = requests.post(live.url + "/", data=raw, timeout=10,
                             headers={"X-Amz-Target": "AWSCognitoIdentityProviderService.SignUp"})
    check(response, "SignUp")


def test_oversized_bodies_are_refused_cleanly(live):
    response = requests.post(live.url + "/", data=b'{"PoolName": "' + b"x" * (5 * 1024 * 1024) + b'"}', timeout=30,
                             headers={"X-Amz-Target": "AWSCognitoIdentityProviderService.CreateUserPool"})
    assert response.status_code == 413
    assert response.json()["__type"] == "RequestEntityTooLargeException"
