"""A stateful model test (issue 23): sign-ups, confirmations, resends, password and texted-code sign-ins, used
sessions, refreshes, revocations, global sign-outs, deletions and clock moves in an order hypothesis chooses, against
a running emulator through boto3; after every step the emulator must agree with a small model of what Cognito does.

Invariants: a confirmed user stays confirmed and no user appears or vanishes but by an operation that says so; an
access token works exactly while it is unexpired and neither revoked nor signed out nor its user deleted; a refresh
token likewise; a sign-in session works once; a confirmation code works once. Bounded (STATEFUL_EXAMPLES, default
40 runs of up to 30 steps) so that `make test` stays quick; set STATEFUL_EXAMPLES higher for a longer search."""

import os

import botocore.exceptions
import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from emulator.embedded import EmbeddedEmulator
from emulator.settings import Settings
from tests.auth_helpers import CLIENT, PASSWORD, POOL
from tests.inbox import messages

EXAMPLES = int(os.environ.get("STATEFUL_EXAMPLES", "40"))
PHONES = [f"+91981600000{index}" for index in range(3)]
ACCESS_SECONDS = 3600


def code_of(error) -> str:
    return error.response["Error"]["Code"]


class CognitoModel(RuleBasedStateMachine):
    running: EmbeddedEmulator = None  # set once for the module, reset before each run

    @initialize()
    def start(self):
        self.running.reset()
        self.cognito = self.running.client()
        self.users = {}  # phone → "UNCONFIRMED" | "CONFIRMED"
        self.tokens = []  # {"phone", "access", "refresh", "issued", "dead"}
        self.elapsed = 0.0
        self.used_session = None  # (phone, challenge) answered once already

    # -- operations --------------------------------------------------------------------------------------------

    def expect(self, call, code=None, **kwargs):
        try:
            result = call(**kwargs)
        except botocore.exceptions.ClientError as error:
            assert code_of(error) == code, f"{call.__name__}: got {code_of(error)}, model expected {code or 'success'}"
            return None
        assert code is None, f"{call.__name__} succeeded, model expected {code}"
        return result

    @rule(phone=st.sampled_from(PHONES))
    def sign_up(self, phone):
        expected = "UsernameExistsException" if phone in self.users else None
        if self.expect(self.cognito.sign_up, expected, ClientId=CLIENT, Username=phone, Password=PASSWORD):
            self.users[phone] = "UNCONFIRMED"

    @rule(phone=st.sampled_from(PHONES))
    def a_new_confirmed_user(self, phone):
        """Sign-up and confirmation in one step, so runs reach signed-in states often."""
        if phone not in self.users:
            self.sign_up(phone)
            self.confirm(phone, reuse=False)

    @rule(phone=st.sampled_from(PHONES), reuse=st.booleans())
    def confirm(self, phone, reuse):
        texts = [m for m in messages(self.running, phone) if m["code"]]
        code = texts[-1]["code"] if texts else "123456"
        status = self.users.get(phone)
        expected = {None: "UserNotFoundException", "CONFIRMED": "NotAuthorizedException"}.get(status)
        if status == "UNCONFIRMED" and not texts:
            expected = "CodeMismatchException"
        if self.expect(self.cognito.confirm_sign_up, expected, ClientId=CLIENT, Username=phone, ConfirmationCode=code):
            self.users[phone] = "CONFIRMED"
            if reuse:  # the same code again: the user is confirmed now
                self.expect(self.cognito.confirm_sign_up, "NotAuthorizedException", ClientId=CLIENT, Username=phone,
                            ConfirmationCode=code)

    @rule(phone=st.sampled_from(PHONES))
    def resend(self, phone):
        status = self.users.get(phone)
        expected = {None: "UserNotFoundException", "CONFIRMED": "InvalidParameterException"}.get(status)
        before = len(messages(self.running, phone))
        try:
            self.cognito.resend_confirmation_code(ClientId=CLIENT, Username=phone)
        except botocore.exceptions.ClientError as error:
            if code_of(error) == "LimitExceededException" and status == "UNCONFIRMED":
                return  # five an hour: the model does not count them
            assert code_of(error) == expected, f"resend: got {code_of(error)}, expected {expected or 'success'}"
            return
        assert expected is None and len(messages(self.running, phone)) == before + 1

    def _signed_in(self, phone, result):
        event("signed in")
        tokens = result["AuthenticationResult"]
        self.tokens.append({"phone": phone, "access": tokens["AccessToken"], "refresh": tokens["RefreshToken"],
                            "issued": self.elapsed, "dead": False})
        self.tokens = self.tokens[-6:]

    def _sign_in_error(self, phone):
        return {None: "UserNotFoundException", "UNCONFIRMED": "UserNotConfirmedException"}.get(self.users.get(phone))

    @rule(phone=st.sampled_from(PHONES))
    def sign_in_with_password(self, phone):
        result = self.expect(self.cognito.initiate_auth, self._sign_in_error(phone), ClientId=CLIENT,
                             AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": phone, "PASSWORD": PASSWORD})
        if result:
            self._signed_in(phone, result)

    @rule(phone=st.sampled_from(PHONES), answer_twice=st.booleans())
    def sign_in_with_a_texted_code(self, phone, answer_twice):
        challenge = self.expect(self.cognito.initiate_auth, self._sign_in_error(phone), ClientId=CLIENT,
                                AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": phone})
        if not challenge:
            return
        code = messages(self.running, phone)[-1]["code"]
        arguments = dict(ClientId=CLIENT, ChallengeName="CUSTOM_CHALLENGE", Session=challenge["Session"],
                         ChallengeResponses={"USERNAME": phone, "ANSWER": code})
        self._signed_in(phone, self.expect(self.cognito.respond_to_auth_challenge, **arguments))
        if answer_twice:  # a sign-in session works once
            self.expect(self.cognito.respond_to_auth_challenge, "NotAuthorizedException", **arguments)

    @precondition(lambda self: bool(getattr(self, "tokens", None)))
    @rule(data=st.data())
    def refresh(self, data):
        if not self.tokens:
            return
        token = data.draw(st.sampled_from(self.tokens))
        expected = None if not token["dead"] else "NotAuthorizedException"
        if token["phone"] not in self.users and not token["dead"]:
            expected = "UserNotFoundException"
        try:
            self.cognito.initiate_auth(ClientId=CLIENT, AuthFlow="REFRESH_TOKEN_AUTH",
                                       AuthParameters={"REFRESH_TOKEN": token["refresh"]})
        except botocore.exceptions.ClientError as error:
            assert code_of(error) in ({expected} if expected else set()) | (
                {"NotAuthorizedException", "UserNotFoundException"} if expected else set()), code_of(error)
            return
        assert expected is None, f"a refresh token that should not work did: {token}"

    @precondition(lambda self: bool(getattr(self, "tokens", None)))
    @rule(data=st.data())
    def revoke(self, data):
        live = [token for token in self.tokens if not token["dead"]]
        token = data.draw(st.sampled_from(live or self.tokens))  # mostly a live one: that is where revoking shows
        self.cognito.revoke_token(Token=token["refresh"], ClientId=CLIENT)
        event("revoked a live token" if not token["dead"] else "revoked a dead token")
        token["dead"] = True

    @precondition(lambda self: bool(getattr(self, "tokens", None)))
    @rule(data=st.data())
    def global_sign_out(self, data):
        live = [token for token in self.tokens if not token["dead"] and not self._expired(token)
                and token["phone"] in self.users]
        if not live:
            return
        token = data.draw(st.sampled_from(live))
        self.cognito.global_sign_out(AccessToken=token["access"])
        for other in self.tokens:
            if other["phone"] == token["phone"]:
                other["dead"] = True

    @rule(data=st.data())
    def delete(self, data):
        signed_in = sorted({token["phone"] for token in self.tokens if not token["dead"] and token["phone"] in self.users})
        phone = data.draw(st.sampled_from(signed_in or PHONES))  # mostly someone with live tokens
        expected = None if phone in self.users else "UserNotFoundException"
        if self.expect(self.cognito.admin_delete_user, expected, UserPoolId=POOL, Username=phone) is not None:
            del self.users[phone]
            for token in self.tokens:
                if token["phone"] == phone:
                    token["dead"] = True  # a new user of the same number is someone else

    @rule(seconds=st.sampled_from([30, 200, 1800, 3600]))
    def time_passes(self, seconds):
        self.running.services.clock.advance(seconds)
        self.elapsed += seconds

    # -- invariants -----------------------------------------------------------------------------------------------

    def _expired(self, token) -> bool:
        return self.elapsed - token["issued"] >= ACCESS_SECONDS

    @invariant()
    def users_are_as_the_model_says(self):
        if not hasattr(self, "users"):
            return
        for phone in PHONES:
            try:
                found = self.cognito.admin_get_user(UserPoolId=POOL, Username=phone)["UserStatus"]
            except botocore.exceptions.ClientError as error:
                assert code_of(error) == "UserNotFoundException"
                found = None
            assert found == self.users.get(phone), f"{phone}: emulator {found}, model {self.users.get(phone)}"

    @invariant()
    def access_tokens_work_exactly_while_they_should(self):
        for token in getattr(self, "tokens", []):
            should = not token["dead"] and not self._expired(token) and token["phone"] in self.users
            try:
                self.cognito.get_user(AccessToken=token["access"])
                works = True
            except botocore.exceptions.ClientError as error:
                assert code_of(error) in ("NotAuthorizedException", "UserNotFoundException")
                works = False
            assert works == should, f"access token of {token['phone']}: works {works}, model says {should}"


@pytest.fixture(scope="module")
def running():
    with EmbeddedEmulator(Settings(data=":memory:", port=0, check_responses=True)) as emulator:
        yield emulator


def test_the_emulator_agrees_with_the_model(running):
    CognitoModel.running = running
    run = settings(max_examples=EXAMPLES, stateful_step_count=30, deadline=None,
                   suppress_health_check=list(HealthCheck))(CognitoModel).TestCase
    run().runTest()
