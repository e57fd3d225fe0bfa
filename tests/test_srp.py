"""SRP sign-in (USER_SRP_AUTH, and CUSTOM_AUTH starting with SRP_A), checked with pycognito's client maths."""

import pytest
import requests
from pycognito.aws_srp import AWSSRP, ForceChangePasswordException

from emulator.services.passwords import pad_hex
from tests.auth_helpers import CLIENT, PASSWORD, POOL, confirmed_user, latest_code, verify
from tests.conftest import error_of


def srp(cognito, username, password):
    return AWSSRP(username=username, password=password, pool_id=POOL, client_id=CLIENT, client=cognito)


def test_pycognito_signs_in(emulator, cognito):
    confirmed_user(emulator, cognito, "+919711000001")
    tokens = srp(cognito, "+919711000001", PASSWORD).authenticate_user()["AuthenticationResult"]
    assert verify(emulator, tokens["IdToken"])["phone_number"] == "+919711000001"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §7.6:
# USER_SRP_AUTH returns no Session, and the SECRET_BLOCK alone finds the sign-in.
def test_challenge_parameters(emulator, cognito):
    confirmed_user(emulator, cognito, "+919711000002")
    client = srp(cognito, "+919711000002", PASSWORD)
    challenge = cognito.initiate_auth(ClientId=CLIENT, AuthFlow="USER_SRP_AUTH", AuthParameters=client.get_auth_params())
    parameters = challenge["ChallengeParameters"]
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    assert "Session" not in challenge
    assert set(parameters) == {"SALT", "SECRET_BLOCK", "SRP_B", "USERNAME", "USER_ID_FOR_SRP"}
    assert parameters["SALT"] == pad_hex(int(parameters["SALT"], 16))  # canonical, as JS clients re-pad it
    user = cognito.admin_get_user(UserPoolId=POOL, Username="+919711000002")["Username"]
    assert parameters["USERNAME"] == parameters["USER_ID_FOR_SRP"] == user
    # Answered without a Session, as pycognito does: the SECRET_BLOCK finds the sign-in, once.
    responses = client.process_challenge(parameters, client.get_auth_params())
    result = cognito.respond_to_auth_challenge(ClientId=CLIENT, ChallengeName="PASSWORD_VERIFIER",
                                               ChallengeResponses=responses)
    assert result["AuthenticationResult"]["AccessToken"]
    assert error_of(cognito.respond_to_auth_challenge, ClientId=CLIENT, ChallengeName="PASSWORD_VERIFIER",
                    ChallengeResponses=responses)["Message"] == "Invalid session for the user."


# The salt's size is the emulator's choice: docs/cognito-behaviour.md §7.6.
def test_each_password_gets_its_own_sixteen_byte_salt(emulator, cognito):
    confirmed_user(emulator, cognito, "+919711000009")
    client = srp(cognito, "+919711000009", PASSWORD)
    salts = []
    for _ in range(8):
        cognito.admin_set_user_password(UserPoolId=POOL, Username="+919711000009", Password=PASSWORD, Permanent=True)
        challenge = cognito.initiate_auth(ClientId=CLIENT, AuthFlow="USER_SRP_AUTH",
                                          AuthParameters=client.get_auth_params())
        salts.append(challenge["ChallengeParameters"]["SALT"])
    assert len(set(salts)) == len(salts)
    # 128 random bits with the top one set: a 00 sign byte and 16 bytes, always the same length.
    assert all(len(salt) == 34 and salt[:2] == "00" and salt[2] in "89abcdef" for salt in salts)


def test_wrong_password_and_lockout(emulator, cognito):
    confirmed_user(emulator, cognito, "+919711000003")
    for _ in range(5):
        with pytest.raises(cognito.exceptions.NotAuthorizedException, match="Incorrect username or password."):
            srp(cognito, "+919711000003", "Wrong-Passw0rd!").authenticate_user()
    with pytest.raises(cognito.exceptions.NotAuthorizedException, match="Password attempts exceeded"):
        srp(cognito, "+919711000003", PASSWORD).authenticate_user()


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §7.1:
# the wording for SRP not allowed.
def test_srp_must_be_allowed_and_user_confirmed(emulator, cognito):
    otp_only = cognito.create_user_pool_client(UserPoolId=POOL, ClientName="otp-only",
                                               ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    client = AWSSRP(username="+919711000004", password=PASSWORD, pool_id=POOL,
                    client_id=otp_only["UserPoolClient"]["ClientId"], client=cognito)
    with pytest.raises(cognito.exceptions.InvalidParameterException, match="Auth flow not enabled for this client"):
        client.authenticate_user()
    cognito.sign_up(ClientId=CLIENT, Username="+919711000004", Password=PASSWORD)
    with pytest.raises(cognito.exceptions.UserNotConfirmedException):
        srp(cognito, "+919711000004", PASSWORD).authenticate_user()


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §7.1:
# a client with only legacy ExplicitAuthFlows values also allows SRP.
def test_a_client_with_only_legacy_flows_allows_srp(emulator, cognito):
    phone = "+919711000010"
    confirmed_user(emulator, cognito, phone)
    for legacy in (["ADMIN_NO_SRP_AUTH"], ["USER_PASSWORD_AUTH"]):
        client_id = cognito.create_user_pool_client(UserPoolId=POOL, ClientName="legacy",
                                                    ExplicitAuthFlows=legacy)["UserPoolClient"]["ClientId"]
        client = AWSSRP(username=phone, password=PASSWORD, pool_id=POOL, client_id=client_id, client=cognito)
        assert client.authenticate_user()["AuthenticationResult"]["AccessToken"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §7.6:
# the wording for an SRP_A that is not hexadecimal.
def test_an_srp_a_that_is_not_hexadecimal_is_refused(emulator, cognito):
    confirmed_user(emulator, cognito, "+919711000011")
    error = error_of(cognito.initiate_auth, ClientId=CLIENT, AuthFlow="USER_SRP_AUTH",
                     AuthParameters={"USERNAME": "+919711000011", "SRP_A": "not-hex"})
    assert error == {"Code": "InvalidParameterException", "Status": 400,
                     "Message": "SRP_A is not a hexadecimal number."}


def test_admin_created_user_must_change_password(emulator, cognito):
    cognito.admin_create_user(UserPoolId=POOL, Username="+919711000005", TemporaryPassword="Temp-Passw0rd!",
                              MessageAction="SUPPRESS")
    with pytest.raises(ForceChangePasswordException):
        srp(cognito, "+919711000005", "Temp-Passw0rd!").authenticate_user()


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §7.6:
# CUSTOM_AUTH returns the SECRET_BLOCK as the Session.
def test_custom_auth_starting_with_srp(emulator, cognito):
    phone = "+919711000006"
    confirmed_user(emulator, cognito, phone)
    client = srp(cognito, phone, PASSWORD)
    parameters = {**client.get_auth_params(), "CHALLENGE_NAME": "SRP_A"}
    verifier = cognito.initiate_auth(ClientId=CLIENT, AuthFlow="CUSTOM_AUTH", AuthParameters=parameters)
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER"
    assert verifier["Session"] == verifier["ChallengeParameters"]["SECRET_BLOCK"]
    responses = client.process_challenge(verifier["ChallengeParameters"], parameters)
    custom = cognito.respond_to_auth_challenge(ClientId=CLIENT, ChallengeName="PASSWORD_VERIFIER",
                                               Session=verifier["Session"], ChallengeResponses=responses)
    assert custom["ChallengeName"] == "CUSTOM_CHALLENGE"
    result = cognito.respond_to_auth_challenge(
        ClientId=CLIENT, ChallengeName="CUSTOM_CHALLENGE", Session=custom["Session"],
        ChallengeResponses={"USERNAME": phone, "ANSWER": latest_code(emulator, phone)})
    assert result["AuthenticationResult"]["IdToken"]
    defines = [i["event"]["request"]["session"] for i in
               requests.get(f"{emulator.url}/_emulator/triggers", timeout=5).json()["invocations"]
               if i["function"] == "define-auth-challenge"]
    assert [[entry["challengeName"] for entry in session] for session in defines] == [
        ["SRP_A"], ["SRP_A", "PASSWORD_VERIFIER"], ["SRP_A", "PASSWORD_VERIFIER", "CUSTOM_CHALLENGE"]]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §7.5:
# a wrong password in CUSTOM_WITH_SRP ends the sign-in at once.
def test_custom_auth_with_srp_and_a_wrong_password(emulator, cognito):
    phone = "+919711000007"
    confirmed_user(emulator, cognito, phone)
    client = srp(cognito, phone, "Wrong-Passw0rd!")
    parameters = {**client.get_auth_params(), "CHALLENGE_NAME": "SRP_A"}
    verifier = cognito.initiate_auth(ClientId=CLIENT, AuthFlow="CUSTOM_AUTH", AuthParameters=parameters)
    responses = client.process_challenge(verifier["ChallengeParameters"], parameters)
    assert error_of(cognito.respond_to_auth_challenge, ClientId=CLIENT, ChallengeName="PASSWORD_VERIFIER",
                    Session=verifier["Session"], ChallengeResponses=responses)["Message"] == "Incorrect username or password."


def test_a_password_stored_by_an_earlier_version_still_signs_in(emulator, cognito):
    """Earlier versions stored the SRP verifier itself; such a user signs in with SRP and with the plain password."""
    from emulator.services.passwords import G, N, modpow, private_key

    confirmed_user(emulator, cognito, "+919711000009")
    store = emulator.services.store
    user = store.find_users(POOL, "phone_number", "+919711000009")[0]
    stored = user["Password"]
    assert "verifier" not in stored and stored["x"] != PASSWORD
    x = private_key(POOL, user["Username"], PASSWORD, stored["salt"])
    assert int(stored["x"], 16) == x
    user["Password"] = {key: value for key, value in stored.items() if key != "x"}
    user["Password"]["verifier"] = format(modpow(G, x, N), "x")
    store.replace_user(POOL, user)
    assert srp(cognito, "+919711000009", PASSWORD).authenticate_user()["AuthenticationResult"]["IdToken"]
    assert cognito.initiate_auth(ClientId=CLIENT, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": "+919711000009", "PASSWORD": PASSWORD})["AuthenticationResult"]["AccessToken"]
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        srp(cognito, "+919711000009", "Wrong-Passw0rd!").authenticate_user()
