"""MFA through boto3: the pool's configuration, users' preferences, software tokens checked with pyotp at the
emulator's clock, and the second-factor challenges after every password sign-in."""

import json

import pyotp
import pytest
import requests
from pycognito.aws_srp import AWSSRP

from tests.auth_helpers import verify
from tests.conftest import error_of
from tests.inbox import messages

PASSWORD = "Mfa-Passw0rd!"
SMS = {"SnsCallerArn": "arn:aws:iam::123456789012:role/cognito-sms"}
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH",
         "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_AUTH"]


def mfa_pool(cognito, mfa="ON", sms=True, totp=True, **pool):
    """A pool with MFA as asked, and an app client allowing every flow: (pool id, client id)."""
    pool_id = cognito.create_user_pool(PoolName="mfa", SmsConfiguration=SMS, **pool)["UserPool"]["Id"]
    config = {"SoftwareTokenMfaConfiguration": {"Enabled": totp}}
    if sms:
        config["SmsMfaConfiguration"] = {"SmsAuthenticationMessage": "Your sign-in code: {####}"}
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration=mfa, **config)
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="app",
                                                ExplicitAuthFlows=FLOWS)["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def user(cognito, pool_id, name, **attributes):
    """A confirmed user with a permanent password, made by an administrator (so no first-sign-in pass)."""
    cognito.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": key, "Value": value} for key, value in attributes.items()])
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=PASSWORD, Permanent=True)


def password_sign_in(cognito, client_id, name, password=PASSWORD):
    return cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": name, "PASSWORD": password})


def now(emulator):
    return requests.get(f"{emulator.url}/_emulator/clock", timeout=5).json()["now"]


def advance(emulator, seconds):
    requests.post(f"{emulator.url}/_emulator/clock", json={"seconds": seconds}, timeout=5).raise_for_status()


def code_now(emulator, secret):
    return pyotp.TOTP(secret).at(int(now(emulator)))


def respond(cognito, client_id, challenge, name, **responses):
    return cognito.respond_to_auth_challenge(ClientId=client_id, ChallengeName=challenge["ChallengeName"],
                                             Session=challenge["Session"],
                                             ChallengeResponses={"USERNAME": name, **responses})


def with_totp(emulator, cognito, pool_id, client_id, name, **attributes):
    """A user with a verified authenticator, preferred: its secret."""
    user(cognito, pool_id, name, **attributes)
    challenge = password_sign_in(cognito, client_id, name)
    if challenge.get("ChallengeName") == "SMS_MFA":
        tokens = respond(cognito, client_id, challenge, name,
                         SMS_MFA_CODE=messages(emulator, attributes["phone_number"])[-1]["code"])
    elif challenge.get("ChallengeName"):
        raise AssertionError(challenge)
    else:
        tokens = challenge
    access = tokens["AuthenticationResult"]["AccessToken"]
    secret = cognito.associate_software_token(AccessToken=access)["SecretCode"]
    cognito.verify_software_token(AccessToken=access, UserCode=code_now(emulator, secret), FriendlyDeviceName="phone")
    cognito.set_user_mfa_preference(AccessToken=access,
                                    SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    advance(emulator, 30)  # the code just used is spent
    return secret


# -- pool configuration ---------------------------------------------------------------------------------------


def test_pool_mfa_configuration_round_trip(cognito):
    pool_id = cognito.create_user_pool(PoolName="p", SmsConfiguration=SMS)["UserPool"]["Id"]
    assert cognito.get_user_pool_mfa_config(UserPoolId=pool_id)["MfaConfiguration"] == "OFF"
    answer = cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True},
        SmsMfaConfiguration={"SmsAuthenticationMessage": "Code {####}"})
    got = cognito.get_user_pool_mfa_config(UserPoolId=pool_id)
    for response in (answer, got):
        assert response["MfaConfiguration"] == "OPTIONAL"
        assert response["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
        assert response["SmsMfaConfiguration"]["SmsAuthenticationMessage"] == "Code {####}"
        assert response["SmsMfaConfiguration"]["SmsConfiguration"]["SnsCallerArn"] == SMS["SnsCallerArn"]
    described = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert described["MfaConfiguration"] == "OPTIONAL" and described["SmsAuthenticationMessage"] == "Code {####}"
    # The request replaces the whole configuration: SMS left out is SMS turned off.
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON",
                                     SoftwareTokenMfaConfiguration={"Enabled": True})
    assert "SmsMfaConfiguration" not in cognito.get_user_pool_mfa_config(UserPoolId=pool_id)


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §14.1:
# email MFA without a DEVELOPER sending account is InvalidParameterException; the type of the MFA-and-passwordless
# refusal.
def test_pool_mfa_configuration_errors(cognito):
    error = error_of(cognito.create_user_pool, PoolName="p", MfaConfiguration="ON")
    assert error["Code"] == "InvalidParameterException"
    assert error["Message"] == ("SMS configuration and Auto verification for phone_number are required when MFA is "
                                "required/optional")
    pool_id = cognito.create_user_pool(PoolName="p")["UserPool"]["Id"]
    error = error_of(cognito.set_user_pool_mfa_config, UserPoolId=pool_id, MfaConfiguration="ON",
                     SoftwareTokenMfaConfiguration={"Enabled": False})
    assert error["Message"] == ("Invalid MFA configuration given, can't disable all MFAs with a required or optional "
                                "configuration.")
    error = error_of(cognito.set_user_pool_mfa_config, UserPoolId=pool_id, MfaConfiguration="OFF",
                     SoftwareTokenMfaConfiguration={"Enabled": True})
    assert error["Message"] == "Invalid MFA configuration given, can't turn off MFA and configure an MFA together."
    error = error_of(cognito.set_user_pool_mfa_config, UserPoolId=pool_id, MfaConfiguration="OPTIONAL",
                     EmailMfaConfiguration={"Message": "Code {####}"})
    assert error["Code"] == "InvalidParameterException" and "DEVELOPER" in error["Message"]
    error = error_of(cognito.set_user_pool_mfa_config, UserPoolId=pool_id, MfaConfiguration="OPTIONAL",
                     SmsMfaConfiguration={"SmsAuthenticationMessage": "no placeholder"})
    assert error["Code"] == "InvalidParameterException"
    lite = cognito.create_user_pool(PoolName="lite", UserPoolTier="LITE", EmailConfiguration={
        "EmailSendingAccount": "DEVELOPER", "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/a@b.c"})
    error = error_of(cognito.set_user_pool_mfa_config, UserPoolId=lite["UserPool"]["Id"], MfaConfiguration="ON",
                     EmailMfaConfiguration={"Message": "Code {####}"})
    assert error["Code"] == "FeatureUnavailableInTierException"
    # MFA and passwordless codes as first factors exclude each other.
    passwordless = cognito.create_user_pool(PoolName="pl", Policies={
        "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "SMS_OTP"]}})["UserPool"]["Id"]
    error = error_of(cognito.set_user_pool_mfa_config, UserPoolId=passwordless, MfaConfiguration="OPTIONAL",
                     SoftwareTokenMfaConfiguration={"Enabled": True})
    assert (error["Code"], error["Message"]) == (
        "InvalidParameterException",
        "Only PASSWORD and WEB_AUTHN (if configured) can be enabled as an auth factor if MFA is enabled")


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §14.1:
# UpdateUserPool may turn MFA on without SmsConfiguration once a software token is on.
def test_update_user_pool_keeps_the_software_token_setting(cognito):
    pool_id, _ = mfa_pool(cognito, mfa="ON", sms=False)
    cognito.update_user_pool(UserPoolId=pool_id, MfaConfiguration="ON")
    assert cognito.get_user_pool_mfa_config(UserPoolId=pool_id)["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    cognito.update_user_pool(UserPoolId=pool_id)  # UpdateUserPool resets what it is not given: MFA is off again
    assert cognito.get_user_pool_mfa_config(UserPoolId=pool_id)["MfaConfiguration"] == "OFF"


# -- SMS MFA ----------------------------------------------------------------------------------------------------


def test_sms_mfa_on_a_required_pool(emulator, cognito):
    pool_id, client_id = mfa_pool(cognito, mfa="ON", totp=False)
    user(cognito, pool_id, "asha", phone_number="+15550100001")
    challenge = password_sign_in(cognito, client_id, "asha")
    assert challenge["ChallengeName"] == "SMS_MFA"
    assert challenge["ChallengeParameters"] == {"CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
                                                "CODE_DELIVERY_DESTINATION": "+*******0001", "USERNAME": "asha"}
    texts = messages(emulator, "+15550100001")
    assert len(texts) == 1 and texts[0]["message"] == f"Your sign-in code: {texts[0]['code']}"
    code = texts[0]["code"]
    wrong = "000000" if code != "000000" else "111111"
    error = error_of(respond, cognito, client_id, challenge, "asha", SMS_MFA_CODE=wrong)
    assert error["Code"] == "CodeMismatchException" and error["Message"] == "Invalid code or auth state for the user."
    # The same session takes the right code after a wrong one.
    tokens = respond(cognito, client_id, challenge, "asha", SMS_MFA_CODE=code)["AuthenticationResult"]
    assert verify(emulator, tokens["IdToken"], pool=pool_id)["cognito:username"] == "asha"
    # The code verified the number it reached.
    attributes = {a["Name"]: a["Value"] for a in cognito.admin_get_user(UserPoolId=pool_id, Username="asha")["UserAttributes"]}
    assert attributes["phone_number_verified"] == "true"
    # A used session is gone.
    assert error_of(respond, cognito, client_id, challenge, "asha", SMS_MFA_CODE=code)["Code"] == "NotAuthorizedException"


def test_an_mfa_code_dies_with_its_session(emulator, cognito):
    pool_id, client_id = mfa_pool(cognito, mfa="ON", totp=False)
    user(cognito, pool_id, "ben", phone_number="+15550100002")
    challenge = password_sign_in(cognito, client_id, "ben")
    advance(emulator, 3 * 60 + 1)  # the client's AuthSessionValidity: 3 minutes
    error = error_of(respond, cognito, client_id, challenge, "ben",
                     SMS_MFA_CODE=messages(emulator, "+15550100002")[-1]["code"])
    assert error == {**error, "Code": "NotAuthorizedException",
                     "Message": "Invalid session for the user, session is expired."}


def test_wrong_mfa_codes_lock_the_user_out(emulator, cognito):
    pool_id, client_id = mfa_pool(cognito, mfa="ON", totp=False)
    user(cognito, pool_id, "cai", phone_number="+15550100003")
    challenge = password_sign_in(cognito, client_id, "cai")
    code = messages(emulator, "+15550100003")[-1]["code"]
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert error_of(respond, cognito, client_id, challenge, "cai", SMS_MFA_CODE=wrong)["Code"] == \
            "CodeMismatchException"
    error = error_of(respond, cognito, client_id, challenge, "cai", SMS_MFA_CODE=code)
    assert error["Code"] == "NotAuthorizedException" and error["Message"] == "Password attempts exceeded"


def test_optional_mfa_asks_only_users_who_turned_it_on(emulator, cognito):
    pool_id, client_id = mfa_pool(cognito, mfa="OPTIONAL", totp=False)
    user(cognito, pool_id, "dev", phone_number="+15550100004")
    assert "AuthenticationResult" in password_sign_in(cognito, client_id, "dev")
    cognito.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="dev", SMSMfaSettings={"Enabled": True})
    got = cognito.admin_get_user(UserPoolId=pool_id, Username="dev")
    assert got["UserMFASettingList"] == ["SMS_MFA"] and "PreferredMfaSetting" not in got
    assert got["MFAOptions"] == [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]
    assert password_sign_in(cognito, client_id, "dev")["ChallengeName"] == "SMS_MFA"
    # The legacy settings call turns it off again.
    cognito.admin_set_user_settings(UserPoolId=pool_id, Username="dev", MFAOptions=[])
    assert "UserMFASettingList" not in cognito.admin_get_user(UserPoolId=pool_id, Username="dev")
    assert "AuthenticationResult" in password_sign_in(cognito, client_id, "dev")


def test_mfa_off_means_no_challenge_even_for_users_with_mfa(emulator, cognito):
    pool_id, client_id = mfa_pool(cognito, mfa="OPTIONAL", totp=False)
    user(cognito, pool_id, "eve", phone_number="+15550100005")
    cognito.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="eve", SMSMfaSettings={"Enabled": True})
    # UpdateUserPool turns MFA off and leaves the factors configured: still no challenge.
    cognito.update_user_pool(UserPoolId=pool_id, SmsConfiguration=SMS)
    assert cognito.get_user_pool_mfa_config(UserPoolId=pool_id)["SmsMfaConfiguration"]
    assert "AuthenticationResult" in password_sign_in(cognito, client_id, "eve")
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OFF")
    assert "AuthenticationResult" in password_sign_in(cognito, client_id, "eve")


def test_admin_and_srp_sign_ins_ask_for_the_second_factor(emulator, cognito):
    pool_id, client_id = mfa_pool(cognito, mfa="ON", totp=False)
    user(cognito, pool_id, "fay", phone_number="+15550100006")
    challenge = cognito.admin_initiate_auth(UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                            AuthParameters={"USERNAME": "fay", "PASSWORD": PASSWORD})
    assert challenge["ChallengeName"] == "SMS_MFA"
    result = cognito.admin_respond_to_auth_challenge(
        UserPoolId=pool_id, ClientId=client_id, ChallengeName="SMS_MFA", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "fay", "SMS_MFA_CODE": messages(emulator, "+15550100006")[-1]["code"]})
    assert result["AuthenticationResult"]["AccessToken"]
    srp = AWSSRP(username="fay", password=PASSWORD, pool_id=pool_id, client_id=client_id, client=cognito)
    verifier = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=srp.get_auth_params())
    responses = srp.process_challenge(verifier["ChallengeParameters"], srp.get_auth_params())
    challenge = cognito.respond_to_auth_challenge(ClientId=client_id, ChallengeName="PASSWORD_VERIFIER",
                                                  ChallengeResponses=responses)
    assert challenge["ChallengeName"] == "SMS_MFA"
    tokens = respond(cognito, client_id, challenge, "fay", SMS_MFA_CODE=messages(emulator, "+15550100006")[-1]["code"])
    assert tokens["AuthenticationResult"]["AccessToken"]


def test_a_new_users_first_sign_in_needs_no_second_factor(emulator, cognito):
    """Cognito's documented pass: confirming the sign-up code was the second factor of the first sign-in."""
    pool_id, client_id = mfa_pool(cognito, mfa="ON", totp=False, AutoVerifiedAttributes=["phone_number"])
    phone = "+15550100007"
    cognito.sign_up(ClientId=client_id, Username="gus", Password=PASSWORD,
                    UserAttributes=[{"Name": "phone_number", "Value": phone}])
    cognito.confirm_sign_up(ClientId=client_id, Username="gus", ConfirmationCode=messages(emulator, phone)[-1]["code"])
    assert "AuthenticationResult" in password_sign_in(cognito, client_id, "gus")
    assert password_sign_in(cognito, client_id, "gus")["ChallengeName"] == "SMS_MFA"


def test_new_password_required_then_mfa(emulator, cognito):
    pool_id, client_id = mfa_pool(cognito, mfa="ON", totp=False)
    cognito.admin_create_user(UserPoolId=pool_id, Username="hal", TemporaryPassword="Temp-Passw0rd!",
                              MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "phone_number", "Value": "+15550100008"}])
    challenge = password_sign_in(cognito, client_id, "hal", "Temp-Passw0rd!")
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    challenge = respond(cognito, client_id, challenge, "hal", NEW_PASSWORD=PASSWORD)
    assert challenge["ChallengeName"] == "SMS_MFA"


# -- software tokens ---------------------------------------------------------------------------------------------


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §14.2:
# which factors ConfiguredUserAuthFactors lists.
def test_software_token_registration_and_sign_in(emulator, cognito):
    pool_id, client_id = mfa_pool(cognito, mfa="OPTIONAL", sms=False)
    user(cognito, pool_id, "ida")
    access = password_sign_in(cognito, client_id, "ida")["AuthenticationResult"]["AccessToken"]
    error = error_of(cognito.set_user_mfa_preference, AccessToken=access,
                     SoftwareTokenMfaSettings={"Enabled": True})
    assert error["Message"] == "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA"
    secret = cognito.associate_software_token(AccessToken=access)["SecretCode"]
    assert len(secret) >= 16 and secret.isalnum()
    current = code_now(emulator, secret)
    wrong = "000000" if current != "000000" else "111111"
    error = error_of(cognito.verify_software_token, AccessToken=access, UserCode=wrong)
    assert error == {**error, "Code": "EnableSoftwareTokenMFAException",
                     "Message": "Code mismatch and fail enable Software Token MFA"}
    assert cognito.verify_software_token(AccessToken=access, UserCode=current,
                                         FriendlyDeviceName="phone")["Status"] == "SUCCESS"
    # Registered is not on: a sign-in asks for nothing until the preference says so.
    assert "AuthenticationResult" in password_sign_in(cognito, client_id, "ida")
    cognito.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    got = cognito.get_user(AccessToken=access)
    assert got["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"] and got["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    factors = cognito.get_user_auth_factors(AccessToken=access)
    assert factors["ConfiguredUserAuthFactors"] == ["PASSWORD", "SOFTWARE_TOKEN"]

    challenge = password_sign_in(cognito, client_id, "ida")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    # The code VerifySoftwareToken used is spent.
    error = error_of(respond, cognito, client_id, challenge, "ida", SOFTWARE_TOKEN_MFA_CODE=current)
    assert error == {**error, "Code": "ExpiredCodeException", "Message": "Your software token has already been used once."}
    advance(emulator, 30)
    fresh = code_now(emulator, secret)
    assert requests.get(f"{emulator.url}/_emulator/totp", params={"username": "ida", "pool_id": pool_id},
                        timeout=5).json()["code"] == fresh
    tokens = respond(cognito, client_id, challenge, "ida", SOFTWARE_TOKEN_MFA_CODE=fresh)["AuthenticationResult"]
    assert verify(emulator, tokens["AccessToken"], pool=pool_id)["username"] == "ida"


def test_totp_codes_follow_the_emulator_clock_with_one_step_of_tolerance(emulator, cognito):
    pool_id, client_id = mfa_pool(cognito, mfa="OPTIONAL", sms=False)
    secret = with_totp(emulator, cognito, pool_id, client_id, "jon")
    totp = pyotp.TOTP(secret)
    advance(emulator, 30)  # one step further: the step before is not the one VerifySoftwareToken used
    at = int(now(emulator))
    for offset, accepted in ((-30, True), (30, True), (-90, False), (90, False)):
        challenge = password_sign_in(cognito, client_id, "jon")
        code = totp.at(at + offset)
        if accepted:
            assert respond(cognito, client_id, challenge, "jon", SOFTWARE_TOKEN_MFA_CODE=code)["AuthenticationResult"]
            advance(emulator, 60)  # past the steps just used
            at = int(now(emulator))
        else:
            assert error_of(respond, cognito, client_id, challenge, "jon",
                            SOFTWARE_TOKEN_MFA_CODE=code)["Code"] == "CodeMismatchException"


def test_software_tokens_need_the_pool_to_allow_them(emulator, cognito):
    pool_id, client_id = mfa_pool(cognito, mfa="OPTIONAL", totp=False)
    user(cognito, pool_id, "kit")
    access = password_sign_in(cognito, client_id, "kit")["AuthenticationResult"]["AccessToken"]
    error = error_of(cognito.associate_software_token, AccessToken=access)
    assert error == {**error, "Code": "SoftwareTokenMFANotFoundException",
                     "Message": "Software Token MFA has not been enabled by the userPool"}


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §14.2:
# the wording for two preferred factors.
def test_only_one_factor_can_be_preferred_and_both_enabled_means_choosing(emulator, cognito):
    pool_id, client_id = mfa_pool(cognito, mfa="OPTIONAL")
    secret = with_totp(emulator, cognito, pool_id, client_id, "lee", phone_number="+15550100012",
                       email="lee@example.com")  # an email, but the pool does not offer email MFA
    error = error_of(cognito.admin_set_user_mfa_preference, UserPoolId=pool_id, Username="lee",
                     SMSMfaSettings={"Enabled": True, "PreferredMfa": True},
                     SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    assert (error["Code"], error["Message"]) == ("InvalidParameterException", "Only one MFA type can be preferred.")
    cognito.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="lee", SMSMfaSettings={"Enabled": True},
                                          SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": False})
    got = cognito.admin_get_user(UserPoolId=pool_id, Username="lee")
    assert got["UserMFASettingList"] == ["SMS_MFA", "SOFTWARE_TOKEN_MFA"] and "PreferredMfaSetting" not in got
    challenge = password_sign_in(cognito, client_id, "lee")
    assert challenge["ChallengeName"] == "SELECT_MFA_TYPE"
    assert json.loads(challenge["ChallengeParameters"]["MFAS_CAN_CHOOSE"]) == ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]
    # A factor not offered: wording undocumented, chosen (docs/cognito-behaviour.md §14.3).
    assert error_of(respond, cognito, client_id, challenge, "lee", ANSWER="EMAIL_OTP") == {
        "Code": "InvalidParameterException", "Status": 400,
        "Message": "Invalid MFA type EMAIL_OTP: choose one of MFAS_CAN_CHOOSE."}
    challenge = password_sign_in(cognito, client_id, "lee")
    chosen = respond(cognito, client_id, challenge, "lee", ANSWER="SOFTWARE_TOKEN_MFA")
    assert chosen["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert respond(cognito, client_id, chosen, "lee", SOFTWARE_TOKEN_MFA_CODE=code_now(emulator, secret))[
        "AuthenticationResult"]
    # Preferring SMS moves the preference: the texted code comes straight away.
    cognito.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="lee",
                                          SMSMfaSettings={"Enabled": True, "PreferredMfa": True})
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="lee")["PreferredMfaSetting"] == "SMS_MFA"
    assert password_sign_in(cognito, client_id, "lee")["ChallengeName"] == "SMS_MFA"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §14.3:
# an MFA_SETUP answer with nothing set up is InvalidParameterException.
def test_mfa_setup_with_a_software_token_mid_sign_in(emulator, cognito):
    pool_id, client_id = mfa_pool(cognito, mfa="ON", sms=False)
    user(cognito, pool_id, "mo")
    challenge = password_sign_in(cognito, client_id, "mo")
    assert challenge["ChallengeName"] == "MFA_SETUP"
    assert challenge["ChallengeParameters"]["MFAS_CAN_SETUP"] == '["SOFTWARE_TOKEN_MFA"]'
    # Not set up yet: the challenge cannot be answered.
    assert error_of(respond, cognito, client_id, challenge, "mo")["Code"] == "InvalidParameterException"
    challenge = password_sign_in(cognito, client_id, "mo")
    associated = cognito.associate_software_token(Session=challenge["Session"])
    assert associated["Session"] != challenge["Session"]
    secret = associated["SecretCode"]
    current = code_now(emulator, secret)
    wrong = "000000" if current != "000000" else "111111"
    assert error_of(cognito.verify_software_token, Session=associated["Session"], UserCode=wrong)["Code"] == \
        "EnableSoftwareTokenMFAException"
    verified = cognito.verify_software_token(Session=associated["Session"], UserCode=current, FriendlyDeviceName="app")
    assert verified["Status"] == "SUCCESS"
    tokens = respond(cognito, client_id, {"ChallengeName": "MFA_SETUP", "Session": verified["Session"]}, "mo")
    assert tokens["AuthenticationResult"]["AccessToken"]
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="mo")["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    advance(emulator, 30)
    assert password_sign_in(cognito, client_id, "mo")["ChallengeName"] == "SOFTWARE_TOKEN_MFA"


def test_a_session_of_another_challenge_cannot_set_up_a_token(emulator, cognito):
    pool_id, client_id = mfa_pool(cognito, mfa="ON", totp=True)
    user(cognito, pool_id, "ned", phone_number="+15550100014")
    challenge = password_sign_in(cognito, client_id, "ned")
    assert challenge["ChallengeName"] == "SMS_MFA"
    error = error_of(cognito.associate_software_token, Session=challenge["Session"])
    assert error["Code"] == "NotAuthorizedException"


def test_admin_delete_software_token(emulator, cognito):
    pool_id, client_id = mfa_pool(cognito, mfa="OPTIONAL", sms=False)
    with_totp(emulator, cognito, pool_id, client_id, "oz")
    cognito.admin_delete_software_token(UserPoolId=pool_id, Username="oz")
    got = cognito.admin_get_user(UserPoolId=pool_id, Username="oz")
    assert "UserMFASettingList" not in got and "PreferredMfaSetting" not in got
    assert "AuthenticationResult" in password_sign_in(cognito, client_id, "oz")


def test_custom_auth_with_srp_asks_for_the_second_factor_after_the_password(emulator, cognito):
    """Reported behaviour: the MFA answer ends the sign-in; DefineAuthChallenge is not asked again."""
    pool_id, client_id = mfa_pool(cognito, mfa="OPTIONAL", sms=False)
    asked = []

    def define(event, context):
        asked.append(len(event["request"]["session"]))
        event["response"].update(challengeName="PASSWORD_VERIFIER", issueTokens=False, failAuthentication=False)
        return event

    emulator.services.functions.register("mfa-define", define)
    cognito.update_user_pool(UserPoolId=pool_id, SmsConfiguration=SMS, MfaConfiguration="OPTIONAL", LambdaConfig={
        "DefineAuthChallenge": "arn:aws:lambda:us-east-1:123456789012:function:mfa-define"})
    secret = with_totp(emulator, cognito, pool_id, client_id, "pia")
    srp = AWSSRP(username="pia", password=PASSWORD, pool_id=pool_id, client_id=client_id, client=cognito)
    verifier = cognito.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH",
                                     AuthParameters={**srp.get_auth_params(), "CHALLENGE_NAME": "SRP_A"})
    responses = srp.process_challenge(verifier["ChallengeParameters"], srp.get_auth_params())
    challenge = cognito.respond_to_auth_challenge(ClientId=client_id, ChallengeName="PASSWORD_VERIFIER",
                                                  Session=verifier["Session"], ChallengeResponses=responses)
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    tokens = respond(cognito, client_id, challenge, "pia", SOFTWARE_TOKEN_MFA_CODE=code_now(emulator, secret))
    assert tokens["AuthenticationResult"]["AccessToken"]
    assert asked == [1]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §14.4:
# the wording when neither or both of AccessToken and Session are given.
@pytest.mark.parametrize("operation", ["associate_software_token", "verify_software_token"])
@pytest.mark.parametrize("both", [False, True])
def test_access_token_or_session_exactly(cognito, operation, both):
    extra = {"UserCode": "123456"} if operation == "verify_software_token" else {}
    if both:
        extra.update(AccessToken="a" * 40, Session="s" * 40)
    error = error_of(getattr(cognito, operation), **extra)
    assert (error["Code"], error["Message"]) == ("InvalidParameterException",
                                                 "Exactly one of AccessToken or Session must be given.")


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §14.4:
# VerifySoftwareToken by access token with nothing associated is SoftwareTokenMFANotFoundException.
def test_verifying_with_nothing_associated(emulator, cognito):
    pool_id, client_id = mfa_pool(cognito, mfa="OPTIONAL", sms=False)
    user(cognito, pool_id, "una")
    access = password_sign_in(cognito, client_id, "una")["AuthenticationResult"]["AccessToken"]
    error = error_of(cognito.verify_software_token, AccessToken=access, UserCode="123456")
    assert (error["Code"], error["Message"]) == ("SoftwareTokenMFANotFoundException",
                                                 "Software Token MFA does not exist for the user.")


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §14.2:
# preferences are accepted while the pool's MFA is OFF and act once it is on; MFAOptions other than SMS are refused.
def test_preferences_set_while_mfa_is_off_act_once_it_is_on(emulator, cognito):
    pool_id = cognito.create_user_pool(PoolName="off", SmsConfiguration=SMS)["UserPool"]["Id"]
    assert cognito.get_user_pool_mfa_config(UserPoolId=pool_id)["MfaConfiguration"] == "OFF"
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="app",
                                                ExplicitAuthFlows=FLOWS)["UserPoolClient"]["ClientId"]
    user(cognito, pool_id, "val", phone_number="+15550100020")
    cognito.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="val",
                                          SMSMfaSettings={"Enabled": True, "PreferredMfa": True})
    got = cognito.admin_get_user(UserPoolId=pool_id, Username="val")
    assert (got["UserMFASettingList"], got["PreferredMfaSetting"]) == (["SMS_MFA"], "SMS_MFA")
    assert "AuthenticationResult" in password_sign_in(cognito, client_id, "val")
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OPTIONAL",
                                     SmsMfaConfiguration={"SmsAuthenticationMessage": "Code {####}"})
    assert password_sign_in(cognito, client_id, "val")["ChallengeName"] == "SMS_MFA"
    error = error_of(cognito.admin_set_user_settings, UserPoolId=pool_id, Username="val",
                     MFAOptions=[{"DeliveryMedium": "EMAIL", "AttributeName": "email"}])
    assert (error["Code"], error["Message"]) == ("InvalidParameterException",
                                                 "Only SMS to phone_number can be set through MFAOptions.")


# -- found in review: each of these once went wrong -----------------------------------------------------------


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §14.3:
# a factor whose phone number was removed after it was offered is InvalidParameterException.
def test_a_code_offered_before_the_phone_number_was_removed_is_a_clean_error(emulator, cognito):
    pool_id, client_id = mfa_pool(cognito, mfa="OPTIONAL")
    with_totp(emulator, cognito, pool_id, client_id, "quin", phone_number="+15550100020")
    cognito.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="quin", SMSMfaSettings={"Enabled": True},
                                          SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": False})
    challenge = password_sign_in(cognito, client_id, "quin")
    assert challenge["ChallengeName"] == "SELECT_MFA_TYPE"
    cognito.admin_delete_user_attributes(UserPoolId=pool_id, Username="quin", UserAttributeNames=["phone_number"])
    error = error_of(respond, cognito, client_id, challenge, "quin", ANSWER="SMS_MFA")
    assert error == {**error, "Code": "InvalidParameterException", "Status": 400}


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §14.3:
# a code marks the number verified only if it is still the user's.
def test_a_code_verifies_only_the_number_it_went_to(emulator, cognito):
    pool_id, client_id = mfa_pool(cognito, mfa="ON", totp=False)
    user(cognito, pool_id, "rae", phone_number="+15550100021")
    challenge = password_sign_in(cognito, client_id, "rae")
    code = messages(emulator, "+15550100021")[-1]["code"]
    cognito.admin_update_user_attributes(UserPoolId=pool_id, Username="rae",
                                         UserAttributes=[{"Name": "phone_number", "Value": "+15550100022"}])
    assert respond(cognito, client_id, challenge, "rae", SMS_MFA_CODE=code)["AuthenticationResult"]
    attributes = {a["Name"]: a["Value"] for a in cognito.admin_get_user(UserPoolId=pool_id, Username="rae")["UserAttributes"]}
    assert attributes["phone_number"] == "+15550100022" and attributes["phone_number_verified"] == "false"


def test_mfa_setup_after_a_new_password_keeps_the_trigger_source(emulator, cognito):
    sources = []

    def pre_token(event, context):
        sources.append(event["triggerSource"])
        return event

    emulator.services.functions.register("mfa-pre-token", pre_token)
    pool_id, client_id = mfa_pool(cognito, mfa="ON", sms=False, LambdaConfig={
        "PreTokenGeneration": "arn:aws:lambda:us-east-1:123456789012:function:mfa-pre-token"})
    cognito.admin_create_user(UserPoolId=pool_id, Username="sol", TemporaryPassword="Temp-Passw0rd!",
                              MessageAction="SUPPRESS")
    challenge = respond(cognito, client_id, password_sign_in(cognito, client_id, "sol", "Temp-Passw0rd!"), "sol",
                        NEW_PASSWORD=PASSWORD)
    assert challenge["ChallengeName"] == "MFA_SETUP"
    associated = cognito.associate_software_token(Session=challenge["Session"])
    verified = cognito.verify_software_token(Session=associated["Session"],
                                             UserCode=code_now(emulator, associated["SecretCode"]))
    respond(cognito, client_id, {"ChallengeName": "MFA_SETUP", "Session": verified["Session"]}, "sol")
    assert sources == ["TokenGeneration_NewPasswordChallenge"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §14.3:
# every session is bound to its user's sub as well as the username.
def test_a_sign_in_does_not_carry_over_to_a_new_user_of_the_same_name(emulator, cognito):
    pool_id, client_id = mfa_pool(cognito, mfa="ON", sms=False)
    user(cognito, pool_id, "tom")
    challenge = password_sign_in(cognito, client_id, "tom")
    associated = cognito.associate_software_token(Session=challenge["Session"])
    verified = cognito.verify_software_token(Session=associated["Session"],
                                             UserCode=code_now(emulator, associated["SecretCode"]))
    cognito.admin_delete_user(UserPoolId=pool_id, Username="tom")
    user(cognito, pool_id, "tom")
    error = error_of(respond, cognito, client_id, {"ChallengeName": "MFA_SETUP", "Session": verified["Session"]}, "tom")
    assert error == {**error, "Code": "NotAuthorizedException", "Message": "Invalid session for the user."}


def test_a_seeded_mfa_configuration_survives_restarts(tmp_path):
    from emulator.embedded import EmbeddedEmulator
    from emulator.settings import Settings

    config = tmp_path / "seed.json"
    config.write_text(json.dumps({"user_pools": [{
        "Id": "us-east-1_seedMfa01", "PoolName": "seeded-mfa",
        "MfaConfig": {"MfaConfiguration": "ON", "SmsMfaConfiguration": {"SmsConfiguration": SMS},
                      "SoftwareTokenMfaConfiguration": {"Enabled": True}},
        "Clients": [{"ClientId": "seedmfaclient0000000000001", "ClientName": "web", "ExplicitAuthFlows": FLOWS}]}]}))
    seen = []
    for _ in range(2):
        with EmbeddedEmulator(Settings(data=str(tmp_path / "data"), port=0, config=str(config))) as running:
            cognito = running.client("cognito-idp")
            seen.append((cognito.get_user_pool_mfa_config(UserPoolId="us-east-1_seedMfa01"),
                         cognito.describe_user_pool(UserPoolId="us-east-1_seedMfa01")["UserPool"]["LastModifiedDate"]))
    for configuration, _ in seen:
        assert configuration["MfaConfiguration"] == "ON"
        assert configuration["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
        assert configuration["SmsMfaConfiguration"]["SmsConfiguration"] == SMS
    assert seen[0][1] == seen[1][1]  # the second start changed nothing


def test_mfa_setup_and_select_mfa_type_name_the_user(emulator, cognito):
    """MFA_SETUP and SELECT_MFA_TYPE carry USERNAME beside their JSON list, as every MFA challenge does
    (docs/cognito-behaviour.md §14.3)."""
    pool_id, client_id = mfa_pool(cognito, mfa="ON", sms=False)
    user(cognito, pool_id, "una")
    assert password_sign_in(cognito, client_id, "una")["ChallengeParameters"] == {
        "MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]', "USERNAME": "una"}
    pool_id, client_id = mfa_pool(cognito, mfa="OPTIONAL")
    with_totp(emulator, cognito, pool_id, client_id, "uri", phone_number="+15550100031")
    cognito.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="uri", SMSMfaSettings={"Enabled": True},
                                          SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": False})
    assert password_sign_in(cognito, client_id, "uri")["ChallengeParameters"] == {
        "MFAS_CAN_CHOOSE": '["SMS_MFA","SOFTWARE_TOKEN_MFA"]', "USERNAME": "uri"}
