"""Password sign-in checked against the stored SRP verifier, the lockout, and the new-password challenge."""

from tests.auth_helpers import CLIENT, PASSWORD, POOL, answer, confirmed_user, start_otp, verify, wrong_code
from tests.conftest import error_of
from tests.inbox import latest_code, messages


def password_sign_in(cognito, username, password, client=CLIENT):
    return cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": username, "PASSWORD": password})


def test_sign_in_with_the_sign_up_password(emulator, cognito):
    confirmed_user(emulator, cognito, "+919888000001")
    result = password_sign_in(cognito, "+919888000001", PASSWORD)["AuthenticationResult"]
    assert verify(emulator, result["IdToken"])["phone_number"] == "+919888000001"
    assert [m["origin"] for m in messages(emulator, "+919888000001")] == ["SignUp"]  # no second SMS


def test_wrong_password_unknown_and_unconfirmed(emulator, cognito):
    confirmed_user(emulator, cognito, "+919888000002")
    assert error_of(password_sign_in, cognito, "+919888000002", "Wrong-Passw0rd!") == {
        "Code": "NotAuthorizedException", "Status": 400, "Message": "Incorrect username or password."}
    assert error_of(password_sign_in, cognito, "+919888000003", PASSWORD)["Code"] == "UserNotFoundException"
    cognito.sign_up(ClientId=CLIENT, Username="+919888000004", Password=PASSWORD)
    # Limbo: even a wrong password is told the user is not confirmed.
    assert error_of(password_sign_in, cognito, "+919888000004", "Wrong-Passw0rd!") == {
        "Code": "UserNotConfirmedException", "Status": 400, "Message": "User is not confirmed."}


def test_flow_must_be_enabled(emulator, cognito):
    custom_only = cognito.create_user_pool_client(UserPoolId=POOL, ClientName="otp-only",
                                                  ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    confirmed_user(emulator, cognito, "+919888000005")
    assert error_of(password_sign_in, cognito, "+919888000005", PASSWORD,
                    client=custom_only["UserPoolClient"]["ClientId"]) == {
        "Code": "InvalidParameterException", "Status": 400, "Message": "USER_PASSWORD_AUTH flow not enabled for this client"}
    assert error_of(cognito.initiate_auth, ClientId=CLIENT, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                    AuthParameters={"USERNAME": "+919888000005", "PASSWORD": PASSWORD})["Message"] == (
        "Initiate Auth method not supported.")
    assert error_of(cognito.admin_initiate_auth, UserPoolId=POOL, ClientId=CLIENT, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                    AuthParameters={"USERNAME": "+919888000005", "PASSWORD": PASSWORD})["Message"] == (
        "Auth flow not enabled for this client")
    assert error_of(cognito.initiate_auth, ClientId=CLIENT, AuthFlow="USER_PASSWORD_AUTH",
                    AuthParameters={"USERNAME": "+919888000005"})["Message"] == "Missing required parameter PASSWORD"


def test_admin_password_flow(emulator, cognito):
    client = cognito.create_user_pool_client(UserPoolId=POOL, ClientName="backend",
                                             ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    confirmed_user(emulator, cognito, "+919888000006")
    result = cognito.admin_initiate_auth(UserPoolId=POOL, ClientId=client["UserPoolClient"]["ClientId"],
                                         AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                         AuthParameters={"USERNAME": "+919888000006", "PASSWORD": PASSWORD})
    assert result["AuthenticationResult"]["AccessToken"]


def test_lockout_after_five_wrong_passwords(emulator, cognito):
    confirmed_user(emulator, cognito, "+919888000007")
    for _ in range(5):
        assert error_of(password_sign_in, cognito, "+919888000007", "Wrong-Passw0rd!")["Message"] == "Incorrect username or password."
    assert error_of(password_sign_in, cognito, "+919888000007", PASSWORD) == {
        "Code": "NotAuthorizedException", "Status": 400, "Message": "Password attempts exceeded"}
    emulator.services.clock.advance(2)
    assert password_sign_in(cognito, "+919888000007", PASSWORD)["AuthenticationResult"]
    assert error_of(password_sign_in, cognito, "+919888000007", "Wrong-Passw0rd!")["Message"] == "Incorrect username or password."


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §7.8:
# a texted-code (custom) sign-in neither waits for a lockout nor counts toward one.
def test_a_texted_code_sign_in_neither_waits_for_nor_adds_to_the_lockout(emulator, cognito):
    locked = "+919888000020"
    confirmed_user(emulator, cognito, locked)
    for _ in range(5):
        error_of(password_sign_in, cognito, locked, "Wrong-Passw0rd!")
    assert error_of(password_sign_in, cognito, locked, PASSWORD)["Message"] == "Password attempts exceeded"
    challenge = start_otp(cognito, locked)
    assert "AuthenticationResult" in answer(cognito, challenge, locked, latest_code(emulator, locked))
    counted = "+919888000021"
    confirmed_user(emulator, cognito, counted)
    for _ in range(4):
        error_of(password_sign_in, cognito, counted, "Wrong-Passw0rd!")
    challenge = start_otp(cognito, counted)
    wrong = wrong_code(latest_code(emulator, counted))
    for _ in range(2):
        challenge = answer(cognito, challenge, counted, wrong)
    assert error_of(answer, cognito, challenge, counted, wrong)["Message"] == "Incorrect username or password."
    # Four wrong passwords and three wrong codes: were the codes counted, the user would be locked out now.
    assert "AuthenticationResult" in password_sign_in(cognito, counted, PASSWORD)


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §7.8:
# a password reset keeps the count of wrong passwords; only a right password clears it.
def test_a_password_reset_keeps_the_count_of_wrong_passwords(emulator, cognito):
    phone = "+919888000022"
    confirmed_user(emulator, cognito, phone)
    for _ in range(4):
        error_of(password_sign_in, cognito, phone, "Wrong-Passw0rd!")
    cognito.forgot_password(ClientId=CLIENT, Username=phone)
    cognito.confirm_forgot_password(ClientId=CLIENT, Username=phone, ConfirmationCode=latest_code(emulator, phone),
                                    Password="Reset-Passw0rd!")
    assert error_of(password_sign_in, cognito, phone, "Wrong-Passw0rd!")["Message"] == "Incorrect username or password."
    assert error_of(password_sign_in, cognito, phone, "Reset-Passw0rd!")["Message"] == "Password attempts exceeded"
    emulator.services.clock.advance(2)
    assert "AuthenticationResult" in password_sign_in(cognito, phone, "Reset-Passw0rd!")


def test_admin_created_user_sets_a_new_password(emulator, cognito):
    cognito.admin_create_user(UserPoolId=POOL, Username="+919888000008", TemporaryPassword="Temp-Passw0rd!",
                              MessageAction="SUPPRESS")
    challenge = password_sign_in(cognito, "+919888000008", "Temp-Passw0rd!")
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    responses = {"USERNAME": "+919888000008", "NEW_PASSWORD": "weak"}
    assert error_of(cognito.respond_to_auth_challenge, ClientId=CLIENT, ChallengeName="NEW_PASSWORD_REQUIRED",
                    Session=challenge["Session"], ChallengeResponses=responses)["Code"] == "InvalidPasswordException"
    challenge = password_sign_in(cognito, "+919888000008", "Temp-Passw0rd!")
    responses["NEW_PASSWORD"] = "Chosen-Passw0rd!"
    result = cognito.respond_to_auth_challenge(ClientId=CLIENT, ChallengeName="NEW_PASSWORD_REQUIRED",
                                               Session=challenge["Session"], ChallengeResponses=responses)
    assert result["AuthenticationResult"]["IdToken"]
    assert cognito.admin_get_user(UserPoolId=POOL, Username="+919888000008")["UserStatus"] == "CONFIRMED"
    assert password_sign_in(cognito, "+919888000008", "Chosen-Passw0rd!")["AuthenticationResult"]


def test_temporary_password_expires(emulator, cognito):
    cognito.admin_create_user(UserPoolId=POOL, Username="+919888000009", TemporaryPassword="Temp-Passw0rd!",
                              MessageAction="SUPPRESS")
    emulator.services.clock.advance(8 * 86400)
    assert error_of(password_sign_in, cognito, "+919888000009", "Temp-Passw0rd!")["Message"] == (
        "Temporary password has expired and must be reset by an administrator.")


def test_pre_authentication_is_told_who_signs_in_and_through_which_client(emulator, cognito):
    """PreAuthentication's event names the user, their attributes, the app client, and (for a client that hides
    whether users exist) userNotFound false for a user who does exist."""
    events = []

    def pre_authentication(event, context):
        events.append(event)
        return event

    emulator.services.functions.register("password-pre-auth", pre_authentication)
    pool = cognito.create_user_pool(PoolName="pre-auth", LambdaConfig={
        "PreAuthentication": "arn:aws:lambda:us-east-1:123456789012:function:password-pre-auth"})["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app", PreventUserExistenceErrors="ENABLED",
                                             ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                                             )["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="pia", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "nickname", "Value": "P"}])
    cognito.admin_set_user_password(UserPoolId=pool, Username="pia", Password=PASSWORD, Permanent=True)
    assert "AuthenticationResult" in password_sign_in(cognito, "pia", PASSWORD, client=client)
    [event] = events
    assert (event["triggerSource"], event["userName"], event["callerContext"]["clientId"]) == (
        "PreAuthentication_Authentication", "pia", client)
    assert event["request"]["userAttributes"]["nickname"] == "P"
    assert event["request"]["userNotFound"] is False


def test_new_password_required_names_the_user_and_its_attributes(emulator, cognito):
    """NEW_PASSWORD_REQUIRED's parameters as Cognito sends them: USER_ID_FOR_SRP, requiredAttributes (a JSON array
    in a string, empty here) and userAttributes (without sub or the verified flags)."""
    cognito.admin_create_user(UserPoolId=POOL, Username="+919888000010", TemporaryPassword="Temp-Passw0rd!",
                              MessageAction="SUPPRESS")
    challenge = password_sign_in(cognito, "+919888000010", "Temp-Passw0rd!")
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    internal = cognito.admin_get_user(UserPoolId=POOL, Username="+919888000010")["Username"]  # the pool's sub-like name
    assert challenge["ChallengeParameters"] == {"USER_ID_FOR_SRP": internal, "requiredAttributes": "[]",
                                                "userAttributes": '{"phone_number": "+919888000010"}'}


def test_a_pre_authentication_triggers_change_to_the_user_is_kept_whatever_the_password(emulator, cognito):
    """The sign-in writes the failure count (and clears it) on the user as stored after PreAuthentication ran, so a
    change the trigger made through the API is not overwritten with the copy read before it."""
    calls = []

    def pre_authentication(event, context):
        calls.append(event["userName"])
        cognito.admin_update_user_attributes(UserPoolId=event["userPoolId"], Username=event["userName"],
                                             UserAttributes=[{"Name": "nickname", "Value": f"seen-{len(calls)}"}])
        return event

    emulator.services.functions.register("password-pre-auth", pre_authentication)
    pool = cognito.create_user_pool(PoolName="pre-auth", LambdaConfig={
        "PreAuthentication": "arn:aws:lambda:us-east-1:123456789012:function:password-pre-auth"})["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app", ExplicitAuthFlows=[
        "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="pia", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username="pia", Password=PASSWORD, Permanent=True)

    def nickname():
        attributes = cognito.admin_get_user(UserPoolId=pool, Username="pia")["UserAttributes"]
        return {a["Name"]: a["Value"] for a in attributes}["nickname"]

    assert error_of(password_sign_in, cognito, "pia", "Wrong-Passw0rd!", client=client)["Code"] == (
        "NotAuthorizedException")
    assert nickname() == "seen-1"
    assert "AuthenticationResult" in password_sign_in(cognito, "pia", PASSWORD, client=client)
    assert nickname() == "seen-2"
