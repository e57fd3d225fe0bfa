"""The Session SignUp and ConfirmSignUp hand back in a passwordless pool (to sign in without a second code) belongs to
the app client it was given to: another client of the same pool can neither confirm with it nor sign in with it.
And which pools let a user sign up without a password. `make mutation` found these untested."""

from tests.conftest import error_of
from tests.inbox import messages

POOL = "us-east-1_otpNative1"  # seeded: PASSWORD and SMS_OTP first factors
CLIENT = "otpnativewebclient00000001"
PASSWORD = "Native-Passw0rd!"


def other_client(cognito):
    return cognito.create_user_pool_client(UserPoolId=POOL, ClientName="other", ExplicitAuthFlows=[
        "ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]


def user_auth(cognito, client, username, session):
    return cognito.initiate_auth(ClientId=client, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": username},
                                 Session=session)


def test_confirm_sign_up_takes_only_a_session_of_its_own_client(emulator, cognito):
    other = other_client(cognito)
    signed_up = cognito.sign_up(ClientId=CLIENT, Username="+15550600001", Password=PASSWORD)
    code = messages(emulator, "+15550600001")[-1]["code"]
    error = error_of(cognito.confirm_sign_up, ClientId=other, Username="+15550600001", ConfirmationCode=code,
                     Session=signed_up["Session"])
    assert error["Code"] == "NotAuthorizedException"
    # The client it was given to confirms with it (the refused attempt used nothing up but the session).
    signed_up = cognito.sign_up(ClientId=CLIENT, Username="+15550600002", Password=PASSWORD)
    confirmed = cognito.confirm_sign_up(ClientId=CLIENT, Username="+15550600002", Session=signed_up["Session"],
                                        ConfirmationCode=messages(emulator, "+15550600002")[-1]["code"])
    assert confirmed["Session"]


def test_a_confirmed_users_session_signs_in_only_at_its_own_client(emulator, cognito):
    other = other_client(cognito)
    for phone in ("+15550600003", "+15550600004"):
        cognito.sign_up(ClientId=CLIENT, Username=phone, Password=PASSWORD)
    first = cognito.confirm_sign_up(ClientId=CLIENT, Username="+15550600003",
                                    ConfirmationCode=messages(emulator, "+15550600003")[-1]["code"])
    assert error_of(user_auth, cognito, other, "+15550600003", first["Session"])["Code"] == "NotAuthorizedException"
    second = cognito.confirm_sign_up(ClientId=CLIENT, Username="+15550600004",
                                     ConfirmationCode=messages(emulator, "+15550600004")[-1]["code"])
    assert user_auth(cognito, CLIENT, "+15550600004", second["Session"])["AuthenticationResult"]["AccessToken"]


def test_only_a_pool_with_a_passwordless_first_factor_takes_a_sign_up_without_a_password(cognito):
    for factors, passwordless in ((["PASSWORD"], False), (["PASSWORD", "EMAIL_OTP"], True),
                                  (["PASSWORD", "WEB_AUTHN"], True), (["PASSWORD", "SMS_OTP"], True)):
        pool_id = cognito.create_user_pool(PoolName="factors", UsernameAttributes=["email"],
                                           AutoVerifiedAttributes=["email"], Policies={
                                               "SignInPolicy": {"AllowedFirstAuthFactors": factors}})["UserPool"]["Id"]
        client = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="app",
                                                 ExplicitAuthFlows=["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
        if passwordless:
            assert cognito.sign_up(ClientId=client, Username="pat@example.com")["UserSub"], factors
        else:
            error = error_of(cognito.sign_up, ClientId=client, Username="pat@example.com")
            assert error["Code"] == "InvalidParameterException", factors
