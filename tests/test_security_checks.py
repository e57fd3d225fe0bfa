"""Security checks that each had no test of their own (issue 23's review): each test here fails when its check is
removed. SRP's refusal of A ≡ 0 (mod N), SECRET_HASH, client secrets on RevokeToken and GetTokensFromRefreshToken,
PreventUserExistenceErrors on the password, SRP and admin flows, the lockout's doubling and its 15-minute cap, and
a cross-site post to the dashboard."""

import base64
import hashlib
import hmac

import pytest
import requests
from pycognito.aws_srp import AWSSRP

from emulator.services import passwords
from tests.auth_helpers import POOL
from tests.conftest import error_of

PASSWORD = "Checks-Passw0rd!"
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
INCORRECT = "Incorrect username or password."


def app_client(cognito, **settings):
    client = cognito.create_user_pool_client(UserPoolId=POOL, ClientName="checks", ExplicitAuthFlows=FLOWS,
                                             **settings)["UserPoolClient"]
    return client["ClientId"], client.get("ClientSecret")


def user(cognito, name="+919814000001"):
    cognito.admin_create_user(UserPoolId=POOL, Username=name, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=POOL, Username=name, Password=PASSWORD, Permanent=True)
    return name


def secret_hash(secret, username, client_id):
    return base64.b64encode(hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()).decode()


@pytest.mark.parametrize("srp_a", [format(passwords.N, "x"), "0", format(2 * passwords.N, "x")])
def test_srp_refuses_an_a_that_is_zero_modulo_n(cognito, srp_a):
    client_id, _ = app_client(cognito)
    name = user(cognito)
    error = error_of(cognito.initiate_auth, ClientId=client_id, AuthFlow="USER_SRP_AUTH",
                     AuthParameters={"USERNAME": name, "SRP_A": srp_a})
    assert (error["Code"], error["Message"]) == ("NotAuthorizedException", INCORRECT)


@pytest.mark.parametrize("given, message", [
    (None, "Client {client} is configured for secret but secret was not received"),
    ("d3Jvbmc=", "Unable to verify secret hash for client {client}"),
])
def test_a_client_with_a_secret_needs_the_right_secret_hash(cognito, given, message):
    client_id, secret = app_client(cognito, GenerateSecret=True)
    name = user(cognito)
    parameters = {"USERNAME": name, "PASSWORD": PASSWORD, **({"SECRET_HASH": given} if given else {})}
    error = error_of(cognito.initiate_auth, ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                     AuthParameters=parameters)
    assert (error["Code"], error["Message"]) == ("NotAuthorizedException", message.format(client=client_id))
    right = {"USERNAME": name, "PASSWORD": PASSWORD, "SECRET_HASH": secret_hash(secret, name, client_id)}
    assert "AuthenticationResult" in cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                                           AuthParameters=right)


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §8.10:
# the wording of GetTokensFromRefreshToken's wrong-secret refusal.
def test_revocation_and_refresh_need_the_clients_secret(cognito):
    client_id, secret = app_client(cognito, GenerateSecret=True)
    name = user(cognito)
    tokens = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": name, "PASSWORD": PASSWORD, "SECRET_HASH": secret_hash(secret, name, client_id)
    })["AuthenticationResult"]
    refused = error_of(cognito.get_tokens_from_refresh_token, RefreshToken=tokens["RefreshToken"], ClientId=client_id,
                       ClientSecret="notTheSecretAtAllButLongEnough")
    assert (refused["Code"], refused["Message"]) == ("NotAuthorizedException",
                                                     f"Unable to verify secret for client {client_id}")
    assert error_of(cognito.revoke_token, Token=tokens["RefreshToken"], ClientId=client_id,
                    ClientSecret="notTheSecretAtAllButLongEnough")["Code"] == "UnauthorizedException"
    # Neither wrong secret did anything: the token still refreshes with the right one.
    assert cognito.get_tokens_from_refresh_token(RefreshToken=tokens["RefreshToken"], ClientId=client_id,
                                                 ClientSecret=secret)["AuthenticationResult"]["AccessToken"]


def test_a_client_hiding_users_answers_an_unknown_one_as_a_wrong_password_in_every_flow(cognito):
    client_id, _ = app_client(cognito, PreventUserExistenceErrors="ENABLED")
    unknown = "+919814000999"
    password = error_of(cognito.initiate_auth, ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                        AuthParameters={"USERNAME": unknown, "PASSWORD": PASSWORD})
    admin = error_of(cognito.admin_initiate_auth, UserPoolId=POOL, ClientId=client_id,
                     AuthFlow="ADMIN_USER_PASSWORD_AUTH", AuthParameters={"USERNAME": unknown, "PASSWORD": PASSWORD})
    srp = AWSSRP(username=unknown, password=PASSWORD, pool_id=POOL, client_id=client_id, client=cognito)
    srp_error = error_of(cognito.initiate_auth, ClientId=client_id, AuthFlow="USER_SRP_AUTH",
                         AuthParameters=srp.get_auth_params())
    for error in (password, admin, srp_error):
        assert (error["Code"], error["Message"]) == ("NotAuthorizedException", INCORRECT)
    # Without the setting the same calls say the user does not exist.
    legacy, _ = app_client(cognito)
    assert error_of(cognito.initiate_auth, ClientId=legacy, AuthFlow="USER_PASSWORD_AUTH",
                    AuthParameters={"USERNAME": unknown, "PASSWORD": PASSWORD})["Code"] == "UserNotFoundException"


def test_the_lockout_doubles_and_stops_at_fifteen_minutes(cognito, emulator):
    client_id, _ = app_client(cognito)
    name = user(cognito)

    def wrong():
        return error_of(cognito.initiate_auth, ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                        AuthParameters={"USERNAME": name, "PASSWORD": "Wrong-Passw0rd!"})["Message"]

    def right():
        return error_of(cognito.initiate_auth, ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                        AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD})["Message"]

    clock = emulator.services.clock
    for _ in range(5):
        assert wrong() == INCORRECT
    for lockout in (1, 2, 4, 8):  # after the 5th, 6th, 7th and 8th wrong password
        assert right() == "Password attempts exceeded"
        clock.advance(lockout - 0.2)
        assert right() == "Password attempts exceeded"  # still locked just before it ends
        clock.advance(0.3)
        assert wrong() == INCORRECT  # one more wrong password: the next lockout, twice as long
    for _ in range(8):  # on to 2**11 seconds, which the cap makes 15 minutes
        clock.advance(1000)
        assert wrong() == INCORRECT
    clock.advance(899)
    assert right() == "Password attempts exceeded"
    clock.advance(2)
    assert cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": name, "PASSWORD": PASSWORD})["AuthenticationResult"]



def test_a_lockout_ends_exactly_when_its_time_is_up(cognito, emulator):
    """The first lockout (after the 5th wrong password) lasts 1 second (docs/cognito-behaviour.md §7.8): on a frozen
    clock, the right password is refused half a second on and accepted at exactly 1 second."""
    client_id, _ = app_client(cognito)
    name = user(cognito)
    clock = emulator.services.clock
    clock.freeze()
    for _ in range(5):
        assert error_of(cognito.initiate_auth, ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                        AuthParameters={"USERNAME": name, "PASSWORD": "Wrong-Passw0rd!"})["Message"] == INCORRECT
    right = {"ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH",
             "AuthParameters": {"USERNAME": name, "PASSWORD": PASSWORD}}
    clock.advance(0.5)
    assert error_of(cognito.initiate_auth, **right)["Message"] == "Password attempts exceeded"
    clock.advance(0.5)
    assert cognito.initiate_auth(**right)["AuthenticationResult"]["AccessToken"]


def test_a_right_password_clears_the_count_of_wrong_ones(cognito, emulator):
    """A right password resets the failure count (DG lockout behaviour; docs/cognito-behaviour.md §7.8): 4 wrong, 1
    right, then 4 more wrong leave the user unlocked, where 8 wrong in a row would have locked them out."""
    client_id, _ = app_client(cognito)
    name = user(cognito)
    emulator.services.clock.freeze()  # no lockout can run out on its own between the calls
    wrong = {"ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH",
             "AuthParameters": {"USERNAME": name, "PASSWORD": "Wrong-Passw0rd!"}}
    right = {"ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH",
             "AuthParameters": {"USERNAME": name, "PASSWORD": PASSWORD}}
    for _ in range(4):
        assert error_of(cognito.initiate_auth, **wrong)["Message"] == INCORRECT
    assert cognito.initiate_auth(**right)["AuthenticationResult"]["AccessToken"]
    for _ in range(4):
        assert error_of(cognito.initiate_auth, **wrong)["Message"] == INCORRECT
    assert cognito.initiate_auth(**right)["AuthenticationResult"]["AccessToken"]

def test_a_dashboard_post_from_another_site_is_refused(emulator, cognito):
    name = user(cognito)
    url = f"{emulator.url}/users/{POOL}/{name}/disable"
    for header in ({"Origin": "https://evil.example"}, {"Referer": "https://evil.example/page"}):
        assert requests.post(url, headers=header, allow_redirects=False, timeout=10).status_code == 403
    assert cognito.admin_get_user(UserPoolId=POOL, Username=name)["Enabled"] is True
    own = requests.post(url, headers={"Origin": emulator.url}, allow_redirects=False, timeout=10)
    assert own.status_code == 303 and cognito.admin_get_user(UserPoolId=POOL, Username=name)["Enabled"] is False


# -- what the fuzzer of issue 23 found --------------------------------------------------------------------------

def test_a_schema_attribute_without_a_name_is_refused_not_a_500(cognito):
    error = error_of(cognito.create_user_pool, PoolName="nameless", Schema=[{"AttributeDataType": "String"}])
    assert (error["Code"], error["Status"]) == ("InvalidParameterException", 400)


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §8.13:
# UserNotFoundException where the operation models it, else "Access Token has been revoked".
def test_a_deleted_users_token_gets_an_error_its_operation_models(cognito):
    client_id, _ = app_client(cognito)
    name = user(cognito)
    token = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": name, "PASSWORD": PASSWORD})["AuthenticationResult"]["AccessToken"]
    cognito.admin_delete_user(UserPoolId=POOL, Username=name)
    assert error_of(cognito.get_user, AccessToken=token)["Code"] == "UserNotFoundException"  # GetUser models it
    for call in (cognito.global_sign_out, cognito.associate_software_token, cognito.list_web_authn_credentials):
        error = error_of(call, AccessToken=token)
        assert (error["Code"], error["Message"]) == ("NotAuthorizedException", "Access Token has been revoked")
