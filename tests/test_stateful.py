"""A stateful model test (issue 23): sign-ups, confirmations, resends, password resets, right and wrong passwords,
texted-code sign-ins answered rightly, wrongly, late or twice, refreshes, revocations, global sign-outs, deletions and
clock moves in an order hypothesis chooses, against a running emulator through boto3; after every step the emulator
must agree with a small model of what Cognito does.

Invariants: a confirmed user stays confirmed and no user appears or vanishes but by an operation that says so; an
access token works exactly while it is unexpired and neither revoked nor signed out nor its user deleted; a refresh
token likewise; a sign-in session works once and not after AuthSessionValidity (3 minutes, §7.3). Codes are
single-use and expire: a confirmation code lives 24 hours and a password-reset code 1 hour, only the newest of a
user's codes works (a resend supersedes, §4.3, §11.1), a used one answers ExpiredCodeException, and a texted sign-in
code lives only in its sign-in session (§7.3, §7.4), so a code used once is a wrong answer to the next sign-in. The
lockout holds (§7.8): after 5 wrong passwords a user is locked for 1 second, doubling with each further wrong one up to
15 minutes; meanwhile even the right password gets `Password attempts exceeded` (without counting), and only the end
of the lockout lets it in; the per-user attempt limits of §4.6 and §11.1 are counted as the emulator counts them.
Two things the model takes from the emulator that §7.8 does not spell out: a texted-code (custom) sign-in neither
counts toward a lockout nor waits for it, and a password reset leaves the count of wrong passwords as it was.

The emulator's clock is frozen at a whole second for the test (its wall-clock part stands still), so that time moves
only when a rule moves it and the model can put it exactly on an edge: a lockout's end, a code's or session's expiry.
Bounded (STATEFUL_EXAMPLES, default 40 runs of up to 30 steps) so that `make test` stays quick; set STATEFUL_EXAMPLES
higher for a longer search."""

import itertools
import os
from dataclasses import dataclass, field

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
OTHER_PASSWORD = "Other-Passw0rd-2!"
WRONG_PASSWORD = "Wrong-Passw0rd-3!"
MINUTE, HOUR, DAY = 60, 3600, 86400
ACCESS_SECONDS = HOUR  # the seeded client's defaults (§2.9)
REFRESH_SECONDS = 30 * DAY
SESSION_SECONDS = 3 * MINUTE  # AuthSessionValidity's default (§7.3)
SIGN_UP_CODE_SECONDS = DAY  # §4.3
RESET_CODE_SECONDS = HOUR  # §11.1
LOCKOUT_AFTER, LOCKOUT_CAP = 5, 15 * MINUTE  # §7.8
MAX_ANSWERS = 3  # the shipped define_auth_challenge's (§7.4)
INCORRECT = "Incorrect username or password."
LOCKED = "Password attempts exceeded"
INVALID_SESSION = "Invalid session for the user."
EXPIRED_SESSION = "Invalid session for the user, session is expired."
PER_HOUR = {"ConfirmSignUp": 15, "ResendConfirmationCode": 5, "ForgotPassword": 5, "ConfirmForgotPassword": 20}


def code_of(error) -> str:
    return error.response["Error"]["Code"]


@dataclass
class Person:
    """The model's user of one phone number; a user deleted and signed up again is another Person."""
    number: int
    status: str = "UNCONFIRMED"
    password: str = PASSWORD
    failures: int = 0  # wrong passwords since the last right one
    locked_until: float = 0.0
    sign_up_codes: list = field(default_factory=list)  # {"code", "expires", "live"}, oldest first
    reset_codes: list = field(default_factory=list)
    used_texted_codes: list = field(default_factory=list)  # codes of texted sign-ins that succeeded
    attempts: dict = field(default_factory=dict)  # action → times, for the per-user hourly limits


def code_outcome(codes: list, submitted: str, now: float):
    """What a code check answers (§4.3, §11.3): the newest code equal to the one submitted decides."""
    if not codes:
        return "ExpiredCodeException"  # none ever sent
    for code in reversed(codes):
        if code["code"] == submitted:
            return None if code["live"] and code["expires"] > now else "ExpiredCodeException"
    return "CodeMismatchException"


def not_among(codes) -> str:
    """A six-digit code none of `codes` is."""
    taken = set(codes)
    return next(code for code in (f"{n:06d}" for n in itertools.count(0, 111111)) if code not in taken)


class CognitoModel(RuleBasedStateMachine):
    running: EmbeddedEmulator = None  # set once for the module, reset before each run

    @initialize(first=st.booleans())
    def start(self, first):
        self.running.reset()
        self.clock = self.running.services.clock
        self.cognito = self.running.client(direct=True)
        self.users = {}  # phone → Person
        self.numbers = itertools.count()
        self.tokens = []  # {"phone", "person", "access", "refresh", "issued", "dead"}
        self.sessions = []  # texted-code sign-ins under way: {"phone", "person", "token", "code", "expires",
        #                     "answers", "dead"}
        if first:  # most runs start with someone to sign in, lock out and reset
            self.a_new_confirmed_user(PHONES[0])

    @property
    def now(self) -> float:
        return self.clock.now()

    # -- helpers -------------------------------------------------------------------------------------------------

    def expect(self, call, code=None, message=None, **kwargs):
        """The call's result, or None when it failed as the model expected (`message`: a text or a set of texts)."""
        try:
            result = call(**kwargs)
        except botocore.exceptions.ClientError as error:
            got = error.response["Error"]
            assert got["Code"] == code, f"{call.__name__}: got {got['Code']} ({got['Message']}), model expected " \
                                        f"{code or 'success'}"
            if message is not None:
                allowed = {message} if isinstance(message, str) else message
                assert got["Message"] in allowed, f"{call.__name__}: got {got['Message']!r}, model expected {allowed}"
            return None
        assert code is None, f"{call.__name__} succeeded, model expected {code}"
        return result

    def limited(self, person: Person, action: str) -> bool:
        """Count an attempt as the emulator does (sliding hour, every attempt recorded): whether it is over the limit."""
        now = self.now
        times = [at for at in person.attempts.get(action, []) if at > now - HOUR]
        over = len(times) >= PER_HOUR[action]
        person.attempts[action] = [*times, now]
        return over

    def latest_text(self, phone) -> str:
        return messages(self.running, phone)[-1]["code"]

    def new_code(self, codes: list, code: str, lifetime: float) -> None:
        for earlier in codes:
            earlier["live"] = False  # superseded
        codes.append({"code": code, "expires": self.now + lifetime, "live": True})

    def pick_code(self, codes: list, which: str) -> str:
        if which == "superseded" and len(codes) >= 2:
            event("a superseded code")
            return codes[-2]["code"]
        if which in ("latest", "superseded") and codes:
            latest = codes[-1]
            event("the newest code, " + ("expired" if latest["expires"] <= self.now else "used" if not latest["live"]
                                          else "live"))
            return latest["code"]
        return not_among(code["code"] for code in codes)

    def pick_phone(self, data, status="CONFIRMED", having=lambda person: True):
        """Mostly a phone whose user has `status` (and `having`): that is where the interesting answers are."""
        fitting = sorted(phone for phone, person in self.users.items() if person.status == status and having(person))
        return data.draw(st.sampled_from(fitting or PHONES))

    def anyone_confirmed(self) -> bool:
        return any(person.status == "CONFIRMED" for person in getattr(self, "users", {}).values())

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)

    # -- sign-up and its codes -----------------------------------------------------------------------------------

    @rule(phone=st.sampled_from(PHONES))
    def sign_up(self, phone):
        expected = "UsernameExistsException" if phone in self.users else None
        if self.expect(self.cognito.sign_up, expected, ClientId=CLIENT, Username=phone, Password=PASSWORD):
            person = self.users[phone] = Person(next(self.numbers))
            self.new_code(person.sign_up_codes, self.latest_text(phone), SIGN_UP_CODE_SECONDS)

    @rule(phone=st.sampled_from(PHONES))
    def a_new_confirmed_user(self, phone):
        """Sign-up and confirmation in one step, so runs reach signed-in states often."""
        if phone not in self.users:
            self.sign_up(phone)
            self._confirm(phone, "latest", reuse=False)

    @rule(data=st.data(), which=st.sampled_from(["latest", "superseded", "wrong"]), reuse=st.booleans())
    def confirm(self, data, which, reuse):
        self._confirm(self.pick_phone(data, "UNCONFIRMED"), which, reuse)

    def _confirm(self, phone, which, reuse):
        person = self.users.get(phone)
        code = self.pick_code(person.sign_up_codes if person else [], which)
        for _ in range(2 if reuse else 1):  # the same code again: a code works once
            if person is None:
                expected = "UserNotFoundException"
            elif self.limited(person, "ConfirmSignUp"):
                expected = "LimitExceededException"
            elif person.status == "CONFIRMED":
                expected = "NotAuthorizedException"
            else:
                expected = code_outcome(person.sign_up_codes, code, self.now)
            if self.expect(self.cognito.confirm_sign_up, expected, ClientId=CLIENT, Username=phone,
                           ConfirmationCode=code) is not None:
                event("confirmed")
                person.status = "CONFIRMED"
                for used in person.sign_up_codes:
                    used["live"] = False

    @rule(data=st.data())
    def resend(self, data):
        phone = self.pick_phone(data, "UNCONFIRMED")
        person = self.users.get(phone)
        if person is None:
            expected = "UserNotFoundException"
        elif person.status == "CONFIRMED":
            expected = "InvalidParameterException"
        else:
            expected = "LimitExceededException" if self.limited(person, "ResendConfirmationCode") else None
        if self.expect(self.cognito.resend_confirmation_code, expected, ClientId=CLIENT, Username=phone):
            self.new_code(person.sign_up_codes, self.latest_text(phone), SIGN_UP_CODE_SECONDS)

    # -- password resets and their codes ---------------------------------------------------------------------------

    @rule(data=st.data())
    def forgot_password(self, data):
        self._forgot(self.pick_phone(data))

    def _forgot(self, phone):
        person = self.users.get(phone)
        if person is None:
            expected = "UserNotFoundException"
        elif person.status != "CONFIRMED":
            expected = "InvalidParameterException"  # no verified phone number to send a code to yet
        else:
            expected = "LimitExceededException" if self.limited(person, "ForgotPassword") else None
        if self.expect(self.cognito.forgot_password, expected, ClientId=CLIENT, Username=phone):
            self.new_code(person.reset_codes, self.latest_text(phone), RESET_CODE_SECONDS)

    @rule(data=st.data(), which=st.sampled_from(["latest", "latest", "superseded", "wrong"]),
          password=st.sampled_from([PASSWORD, OTHER_PASSWORD]), reuse=st.booleans())
    def confirm_forgot_password(self, data, which, password, reuse):
        live = [phone for phone, person in self.users.items() if any(code["live"] for code in person.reset_codes)]
        phone = data.draw(st.sampled_from(sorted(live))) if live else self.pick_phone(
            data, having=lambda person: person.reset_codes)
        self._confirm_reset(phone, which, password, reuse)

    @precondition(lambda self: self.anyone_confirmed())
    @rule(data=st.data(), reuse=st.booleans())
    def a_password_reset(self, data, reuse):
        """ForgotPassword and its code in one step (sometimes the code twice), so runs reach used codes often."""
        phone = self.pick_phone(data)
        self._forgot(phone)
        self._confirm_reset(phone, "latest", OTHER_PASSWORD if self.users[phone].password == PASSWORD else PASSWORD,
                            reuse)

    def _confirm_reset(self, phone, which, password, reuse):
        person = self.users.get(phone)
        code = self.pick_code(person.reset_codes if person else [], which)
        for _ in range(2 if reuse else 1):  # the same code again: a code works once
            if person is None:
                expected = "UserNotFoundException"
            elif self.limited(person, "ConfirmForgotPassword"):
                expected = "LimitExceededException"
            else:
                expected = code_outcome(person.reset_codes, code, self.now)
            if self.expect(self.cognito.confirm_forgot_password, expected, ClientId=CLIENT, Username=phone,
                           ConfirmationCode=code, Password=password) is not None:
                event("password reset" + (", then the code again" if reuse else ""))
                person.password = password  # the lockout count stays: only a right password clears it (§7.8)
                for used in person.reset_codes:
                    used["live"] = False

    @rule(data=st.data(), margin=st.sampled_from([-1, 0, 1]))
    def use_a_code_as_it_expires(self, data, margin):
        """The clock to a second before a live code's expiry, its very moment or a second after, and the code used:
        a confirmation code lives 24 hours, a password-reset code 1 hour."""
        live = sorted((code["expires"], phone, kind) for phone, person in self.users.items()
                      for kind, codes in (("sign-up", person.sign_up_codes), ("reset", person.reset_codes))
                      for code in codes[-1:] if code["live"] and code["expires"] + margin > self.now)
        if not live:
            return
        expires, phone, kind = data.draw(st.sampled_from(live))
        event(f"a {kind} code used at its expiry {margin:+d} s")
        self.advance(expires + margin - self.now)
        if kind == "sign-up":
            self._confirm(phone, "latest", reuse=False)
        else:
            self._confirm_reset(phone, "latest", self.users[phone].password, reuse=False)

    # -- passwords and the lockout ---------------------------------------------------------------------------------

    def _sign_in_error(self, phone):
        person = self.users.get(phone)
        return {None: "UserNotFoundException", "UNCONFIRMED": "UserNotConfirmedException"}.get(
            person.status if person else None)

    def _password_attempt(self, phone, password):
        person = self.users.get(phone)
        expected, message = self._sign_in_error(phone), None
        locked = expected is None and person.locked_until > self.now
        if locked:
            event("a locked-out user tried a password")
            expected, message = "NotAuthorizedException", LOCKED
        elif expected is None and password != person.password:
            expected, message = "NotAuthorizedException", INCORRECT
        result = self.expect(self.cognito.initiate_auth, expected, message, ClientId=CLIENT,
                             AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": phone, "PASSWORD": password})
        if message == INCORRECT:
            person.failures += 1
            if person.failures >= LOCKOUT_AFTER:
                event("locked out")
                person.locked_until = self.now + min(2 ** (person.failures - LOCKOUT_AFTER), LOCKOUT_CAP)
        if result:
            if person.failures >= LOCKOUT_AFTER:
                event("signed in after a lockout ended")
            person.failures, person.locked_until = 0, 0.0
            self._signed_in(phone, result)

    @rule(data=st.data())
    def sign_in_with_password(self, data):
        phone = self.pick_phone(data)
        person = self.users.get(phone)
        self._password_attempt(phone, person.password if person else PASSWORD)

    @precondition(anyone_confirmed)
    @rule(data=st.data(), times=st.sampled_from([1, 2, 5, 6]), other=st.booleans())
    def wrong_password(self, data, times, other):
        """Wrong passwords in a row (sometimes the password the user had before a reset)."""
        phone = self.pick_phone(data)
        person = self.users.get(phone)
        wrong = WRONG_PASSWORD
        if other and person is not None:
            wrong = OTHER_PASSWORD if person.password == PASSWORD else PASSWORD
        for _ in range(times):
            self._password_attempt(phone, wrong)

    @precondition(anyone_confirmed)
    @rule(data=st.data(), margin=st.sampled_from([-1, 0]))
    def lock_out_to_the_cap(self, data, margin):
        """Wrong passwords, each as the last lockout ends, until the lockout would be 2^10 seconds, which the cap
        makes 15 minutes; then to a second before its end (still locked) or its end (the right password gets in)."""
        phone = self.pick_phone(data)
        person = self.users.get(phone)
        if person is None or person.status != "CONFIRMED":
            return
        while True:
            if person.locked_until > self.now:
                self.advance(person.locked_until - self.now)
            self._password_attempt(phone, WRONG_PASSWORD)
            if person.failures >= LOCKOUT_AFTER + 10:
                break
        event("locked out to the cap")
        self.advance(person.locked_until + margin - self.now)
        if margin < 0:
            self.a_locked_out_user_stays_locked_out()
        else:
            self._password_attempt(phone, person.password)

    # -- texted-code sign-ins (the custom flow and its sessions) -----------------------------------------------

    def _signed_in(self, phone, result):
        event("signed in")
        tokens = result["AuthenticationResult"]
        self.tokens.append({"phone": phone, "person": self.users[phone].number, "access": tokens["AccessToken"],
                            "refresh": tokens["RefreshToken"], "issued": self.now, "dead": False})
        self.tokens = self.tokens[-6:]

    def _respond(self, session, answer):
        """Answer a sign-in session as the model expects it to go."""
        person = self.users.get(session["phone"])
        expected, message = None, None
        if session["dead"]:
            expected, message = "NotAuthorizedException", INVALID_SESSION
        elif session["expires"] <= self.now:
            event("an expired sign-in session")
            # Said as expired, or as unknown once a newer session's opening cleared the expired ones away.
            expected, message = "NotAuthorizedException", {EXPIRED_SESSION, INVALID_SESSION}
        elif person is None or person.number != session["person"]:
            expected, message = "NotAuthorizedException", INVALID_SESSION
        elif answer != session["code"] and session["answers"] + 1 >= MAX_ANSWERS:
            expected, message = "NotAuthorizedException", INCORRECT
        was_dead, session["dead"] = session["dead"], True  # taken, whatever happens next (§7.3)
        result = self.expect(self.cognito.respond_to_auth_challenge, expected, message, ClientId=CLIENT,
                             ChallengeName="CUSTOM_CHALLENGE", Session=session["token"],
                             ChallengeResponses={"USERNAME": session["phone"], "ANSWER": answer})
        if was_dead:
            event("a used sign-in session answered")
        if result is None:
            return
        if answer == session["code"]:
            assert "AuthenticationResult" in result, f"the right code did not sign in: {result}"
            person.used_texted_codes = [*person.used_texted_codes[-3:], answer]
            self._signed_in(session["phone"], result)
        else:
            event("a wrong code, another try")
            assert result.get("ChallengeName") == "CUSTOM_CHALLENGE", f"a wrong code gave {result}"
            self._opened(session["phone"], result["Session"], session["code"], session["answers"] + 1)

    def _opened(self, phone, token, code, answers=0):
        self.sessions.append({"phone": phone, "person": self.users[phone].number, "token": token, "code": code,
                              "expires": self.now + SESSION_SECONDS, "answers": answers, "dead": False})
        self.sessions = self.sessions[-6:]

    def _start_texted_sign_in(self, phone):
        challenge = self.expect(self.cognito.initiate_auth, self._sign_in_error(phone), ClientId=CLIENT,
                                AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": phone})
        if challenge:  # custom challenges neither count toward the lockout nor wait for it (§7.8)
            self._opened(phone, challenge["Session"], self.latest_text(phone))
            return self.sessions[-1]
        return None

    @rule(data=st.data(), answer_twice=st.booleans())
    def sign_in_with_a_texted_code(self, data, answer_twice):
        session = self._start_texted_sign_in(self.pick_phone(data))
        if session:
            self._respond(session, session["code"])
            if answer_twice:  # a sign-in session works once
                self._respond(session, session["code"])

    @rule(data=st.data())
    def start_a_texted_sign_in(self, data):
        self._start_texted_sign_in(self.pick_phone(data))

    @precondition(lambda self: bool(getattr(self, "sessions", None)))
    @rule(data=st.data(), answer=st.sampled_from(["right", "wrong", "wrong", "used before"]))
    def answer_a_texted_code(self, data, answer):
        live = [session for session in self.sessions if not session["dead"]]
        session = data.draw(st.sampled_from(live or self.sessions))
        person = self.users.get(session["phone"])
        if answer == "used before" and person is not None and person.used_texted_codes:
            event("a code used in an earlier sign-in")
            code = person.used_texted_codes[-1]  # dead with its session: here it is just a wrong answer
        elif answer == "right":
            code = session["code"]
        else:
            code = not_among([session["code"]])
        self._respond(session, code)

    # -- tokens ----------------------------------------------------------------------------------------------------

    def _user_of(self, token):
        person = self.users.get(token["phone"])
        return person if person is not None and person.number == token["person"] else None

    @precondition(lambda self: bool(getattr(self, "tokens", None)))
    @rule(data=st.data())
    def refresh(self, data):
        token = data.draw(st.sampled_from(self.tokens))
        expired = self.now - token["issued"] >= REFRESH_SECONDS
        works = not token["dead"] and not expired and self._user_of(token) is not None
        try:
            self.cognito.initiate_auth(ClientId=CLIENT, AuthFlow="REFRESH_TOKEN_AUTH",
                                       AuthParameters={"REFRESH_TOKEN": token["refresh"]})
        except botocore.exceptions.ClientError as error:
            assert not works, f"a refresh token that should work did not: {code_of(error)}"
            assert code_of(error) in ("NotAuthorizedException", "UserNotFoundException"), code_of(error)
            return
        assert works, f"a refresh token that should not work did: {token}"

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
        live = [token for token in self.tokens if self._access_works(token)]
        if not live:
            return
        token = data.draw(st.sampled_from(live))
        self.cognito.global_sign_out(AccessToken=token["access"])
        for other in self.tokens:
            if other["phone"] == token["phone"]:
                other["dead"] = True

    @rule(data=st.data())
    def delete(self, data):
        signed_in = sorted({token["phone"] for token in self.tokens if not token["dead"] and self._user_of(token)})
        phone = data.draw(st.sampled_from(signed_in or PHONES))  # mostly someone with live tokens
        expected = None if phone in self.users else "UserNotFoundException"
        if self.expect(self.cognito.admin_delete_user, expected, UserPoolId=POOL, Username=phone) is not None:
            del self.users[phone]  # a new user of the same number is someone else: tokens, sessions, codes, lockout

    # -- time ----------------------------------------------------------------------------------------------------

    @rule(seconds=st.sampled_from([1, 30, 200, 1800, 3600, DAY]))
    def time_passes(self, seconds):
        self.advance(seconds)

    def _edges(self):
        """The moments something the model knows about ends: a lockout, a code, a session, an access token."""
        for person in self.users.values():
            yield person.locked_until
            for code in person.sign_up_codes[-1:] + person.reset_codes[-1:]:
                yield code["expires"]
        for session in self.sessions:
            yield session["expires"]
        for token in self.tokens:
            yield token["issued"] + ACCESS_SECONDS

    @rule(data=st.data(), margin=st.sampled_from([-1, 0, 1]))
    def time_to_an_edge(self, data, margin):
        """To a second before, the very moment, or a second after something ends."""
        ahead = sorted({edge + margin for edge in self._edges() if edge + margin > self.now})
        if ahead:
            event(f"moved to an edge, {margin:+d} s")
            self.advance(data.draw(st.sampled_from(ahead)) - self.now)

    def anyone_locked_out(self) -> bool:
        return any(person.locked_until > self.now for person in getattr(self, "users", {}).values())

    @precondition(anyone_locked_out)
    @rule(data=st.data(), margin=st.sampled_from([-1, 0, 0, 1]),
          then=st.sampled_from(["right", "wrong", "wrong, then to a second before the next lockout ends", None]))
    def wait_out_a_lockout(self, data, margin, then):
        """To a second before a lockout ends (still locked, even to the right password), to its very end or after
        it (the right password gets in; a wrong one locks the user out for twice as long, to the 15-minute cap, which
        a second before its end still holds); or just wait."""
        locked = sorted(phone for phone, person in self.users.items() if person.locked_until > self.now)
        phone = data.draw(st.sampled_from(locked))
        person = self.users[phone]
        if person.locked_until + margin > self.now:
            event(f"waited out a lockout, {margin:+d} s")
            self.advance(person.locked_until + margin - self.now)
        if then:
            self._password_attempt(phone, person.password if then == "right" else WRONG_PASSWORD)
        if then and then.startswith("wrong, then") and person.locked_until - 1 > self.now:
            event("a second before a longer lockout ends")
            self.advance(person.locked_until - 1 - self.now)
            self.a_locked_out_user_stays_locked_out()

    # -- invariants -----------------------------------------------------------------------------------------------

    def _access_works(self, token) -> bool:
        return not token["dead"] and self.now - token["issued"] < ACCESS_SECONDS and self._user_of(token) is not None

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
            person = self.users.get(phone)
            assert found == (person.status if person else None), f"{phone}: emulator {found}, model {person}"

    @invariant()
    def access_tokens_work_exactly_while_they_should(self):
        for token in getattr(self, "tokens", []):
            should = self._access_works(token)
            try:
                self.cognito.get_user(AccessToken=token["access"])
                works = True
            except botocore.exceptions.ClientError as error:
                assert code_of(error) in ("NotAuthorizedException", "UserNotFoundException")
                works = False
            assert works == should, f"access token of {token['phone']}: works {works}, model says {should}"

    @invariant()
    def a_locked_out_user_stays_locked_out(self):
        """Even the right password is refused until the lockout ends; asking does not count as a failure (§7.8),
        so the check changes nothing."""
        for phone, person in getattr(self, "users", {}).items():
            if person.status == "CONFIRMED" and person.locked_until > self.now:
                self.expect(self.cognito.initiate_auth, "NotAuthorizedException", LOCKED, ClientId=CLIENT,
                            AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": phone,
                                                                           "PASSWORD": person.password})


@pytest.fixture(scope="module")
def running():
    with EmbeddedEmulator(Settings(data=":memory:", port=0, check_responses=True)) as emulator:
        # Freeze the clock's wall-clock part at a whole second: time moves only by clock.advance, so that an edge
        # (a lockout's last second, a code's expiry) is hit exactly and whole-second token times stay exact.
        emulator.services.clock.freeze()
        yield emulator


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §7.8 and §11.1:
# texted-code sign-ins and password resets leave the lockout count alone (§7.8); 5 ForgotPassword calls an hour (§11.1).
def test_the_emulator_agrees_with_the_model(running):
    CognitoModel.running = running
    run = settings(max_examples=EXAMPLES, stateful_step_count=30, deadline=None,
                   suppress_health_check=list(HealthCheck))(CognitoModel).TestCase
    run().runTest()
