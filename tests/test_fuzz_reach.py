"""A fuzzer that gets in (issue 23): requests built from botocore's model to pass validation — required members
there, strings of the model's lengths and (where Python can read them) patterns, enums, and the ids of things
that exist in the emulator much of the time (the seeded pool and client, a user, a live access token, a session) —
then one in five broken a little. Every answer must be a well-formed success or a modeled error, never a 5xx; and
every implemented operation must be reached past validation by some request, or the test fails naming it.

Seeds vary between runs (hypothesis prints how to reproduce a failure); FUZZ_REACH_EXAMPLES sets the examples per
operation (default 40). How many requests passed validation and how many succeeded, per operation, is printed in the
run's summary (tests/conftest.py, from each test's `fuzz_reach` user property).
"""

import json
import os
import re
import string

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.embedded import EmbeddedEmulator
from emulator.operations import OPERATIONS
from emulator.protocol.model import operation_model
from emulator.settings import Settings
from tests.auth_helpers import CLIENT, PASSWORD, POOL
from tests.test_fuzz import check

EXAMPLES = int(os.environ.get("FUZZ_REACH_EXAMPLES", "40"))
PHONE = "+919817000001"
FRESH_PHONES = ["+919817000002", "+919817000003", "+919817000004"]  # no user yet: SignUp and AdminCreateUser get in
VALIDATION = re.compile(r"validation error|failed to satisfy constraint|Member must|Missing required|"
                        r"Start of structure|Expected|can not be converted")


@pytest.fixture(scope="module")
def running():
    with EmbeddedEmulator(Settings(data=":memory:", port=0, check_responses=True)) as emulator:
        yield emulator


@pytest.fixture
def world(running):
    """The emulator with things to name: the seeded pool and client, a signed-in user, a group. Made afresh for each
    operation, so that one operation's successes (AdminDeleteUser, GlobalSignOut, DeleteGroup, ...) do not leave the
    operations after it nothing to find."""
    running.reset()
    cognito = running.client()
    cognito.sign_up(ClientId=CLIENT, Username=PHONE, Password=PASSWORD)
    cognito.admin_confirm_sign_up(UserPoolId=POOL, Username=PHONE)
    tokens = cognito.initiate_auth(ClientId=CLIENT, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": PHONE, "PASSWORD": PASSWORD})["AuthenticationResult"]
    username = cognito.admin_get_user(UserPoolId=POOL, Username=PHONE)["Username"]
    cognito.create_group(UserPoolId=POOL, GroupName="members")
    session = cognito.initiate_auth(ClientId=CLIENT, AuthFlow="CUSTOM_AUTH",
                                    AuthParameters={"USERNAME": PHONE})["Session"]
    known = {
        "UserPoolId": [POOL], "ClientId": [CLIENT], "Username": [PHONE, username, *FRESH_PHONES], "AccessToken": [tokens["AccessToken"]],
        "RefreshToken": [tokens["RefreshToken"]], "Token": [tokens["RefreshToken"]], "GroupName": ["members"],
        "Session": [session], "Password": [PASSWORD], "PreviousPassword": [PASSWORD],
        "ProposedPassword": ["New-Passw0rd-1!"], "ConfirmationCode": ["123456"], "Code": ["123456"],
        "UserCode": ["123456"], "AttributeName": ["phone_number"], "Name": ["phone_number"], "Value": [PHONE],
        "Identifier": ["https://api.example.com"], "Domain": ["fuzz-reach"], "PoolName": ["fuzzed"],
        "ClientName": ["fuzzed"], "AuthFlow": ["USER_PASSWORD_AUTH", "CUSTOM_AUTH", "REFRESH_TOKEN_AUTH", "USER_AUTH"],
    }
    return running, known


def pattern_text(meta: dict):
    """Text of the member's length, from its pattern where Python's regex can read it."""
    low, high = meta.get("min", 1), min(meta.get("max", 40), 40)
    pattern = meta.get("pattern")
    if pattern and not any(feature in pattern for feature in ("\\p", "\\x", "(?", "\\u")):  # what from_regex reads
        try:
            re.compile(pattern)
            return st.from_regex(f"^(?:{pattern})$", fullmatch=True).filter(lambda text: low <= len(text) <= high)
        except re.error:
            pass
    return st.text(alphabet=string.ascii_letters + string.digits + "_-", min_size=low, max_size=max(low, high))


def valid(shape, name: str, known: dict, depth: int = 0):
    kind = shape.type_name
    if name in known and kind == "string":
        return st.one_of(st.sampled_from(known[name]), st.sampled_from(known[name]), st.sampled_from(known[name]),
                         pattern_text(shape.metadata))
    if kind == "structure":
        if depth > 3:
            return st.just({})
        required = {member: valid(shape.members[member], member, known, depth + 1) for member in shape.required_members}
        optional = {member: valid(member_shape, member, known, depth + 1)
                    for member, member_shape in shape.members.items() if member not in shape.required_members}
        return st.fixed_dictionaries(required, optional=optional)
    if kind == "list":
        return st.lists(valid(shape.member, name, known, depth + 1), min_size=shape.metadata.get("min", 0),
                        max_size=max(shape.metadata.get("min", 0), 2))
    if kind == "map":
        return st.dictionaries(st.sampled_from(["USERNAME", "PASSWORD", "ANSWER", "SECRET_HASH", "REFRESH_TOKEN",
                                                "PREFERRED_CHALLENGE", "SRP_A"]),
                               valid(shape.value, "USERNAME", {"USERNAME": [PHONE], **known}, depth + 1), max_size=3)
    if kind == "string":
        if shape.enum:
            return st.sampled_from(shape.enum)
        return pattern_text(shape.metadata)
    if kind in ("integer", "long"):
        low, high = shape.metadata.get("min", 0), shape.metadata.get("max", 60)
        return st.integers(min_value=low, max_value=min(high, max(low, 60)))
    if kind == "boolean":
        return st.booleans()
    if kind == "document":
        return st.just({})
    return st.none()


def broken_a_little(body):
    """Mostly as built; sometimes one member dropped, or given the wrong type."""
    if not isinstance(body, dict) or not body:
        return st.just(body)
    keys = sorted(body)
    return st.one_of(
        st.just(body), st.just(body), st.just(body), st.just(body),
        st.sampled_from(keys).map(lambda key: {k: v for k, v in body.items() if k != key}),
        st.sampled_from(keys).map(lambda key: {**body, key: 12345}),
    )


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_generated_requests_reach_the_operation(world, operation, request):
    running, known = world
    session = requests.Session()
    headers = {"X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}",
               "Content-Type": "application/x-amz-json-1.1"}
    tally = {"sent": 0, "past validation": 0, "succeeded": 0}
    shape = operation_model(operation).input_shape

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def run(data):
        body = data.draw(broken_a_little(data.draw(valid(shape, "", known))))
        response = session.post(running.url + "/", data=json.dumps(body), headers=headers, timeout=10)
        check(response, operation)
        tally["sent"] += 1
        answer = response.json()
        message = str(answer.get("message", answer.get("Message", "")))
        if response.status_code == 200:
            tally["succeeded"] += 1
        if response.status_code == 200 or not (answer.get("__type") == "SerializationException"
                                               or VALIDATION.search(message)):
            tally["past validation"] += 1

    try:
        run()
    finally:  # for the run's summary (tests/conftest.py), also through xdist, and also when the operation failed
        request.node.user_properties.append(("fuzz_reach", (operation, dict(tally))))
    assert tally["past validation"] > 0, f"no request reached {operation} past validation: {tally}"
    assert session.get(running.url + "/_emulator/health", timeout=10).json()["status"] == "ok"
