"""Choice-based sign-in (USER_AUTH) through boto3: SELECT_CHALLENGE, SMS_OTP and EMAIL_OTP codes, PASSWORD and
PASSWORD_SRP, and signing a new user in with the Session of SignUp or ConfirmSignUp."""

import pytest
import requests
from pycognito.aws_srp import AWSSRP

from tests.auth_helpers import verify
from tests.conftest import error_of
from tests.inbox import messages

POOL = "us-east-1_otpNative1"  # seeded: phone numbers as usernames, PASSWORD and SMS_OTP first factors
CLIENT = "otpnativewebclient00000001"
PASSWORD = "Native-Passw0rd!"


def signed_up(emulator, cognito, phone):
    """A user who signed up and confirmed the texted code: ConfirmSignUp's answer."""
    cognito.sign_up(ClientId=CLIENT, Username=phone, Password=PASSWORD)
    return cognito.confirm_sign_up(ClientId=CLIENT, Username=phone, ConfirmationCode=messages(emulator, phone)[-1]["code"])


def user_auth(cognito, username, client=CLIENT, Session=None, **parameters):  # noqa: N803 (boto3's name)
    return cognito.initiate_auth(ClientId=client, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": username, **parameters},
                                 **({"Session": Session} if Session else {}))


def respond(cognito, challenge, name, username, client=CLIENT, **responses):
    return cognito.respond_to_auth_challenge(ClientId=client, ChallengeName=name, Session=challenge["Session"],
                                             ChallengeResponses={"USERNAME": username, **responses})


def test_sign_up_confirm_and_signed_in_by_the_session_with_one_text(emulator, cognito):
    phone = "+15550200001"
    signed_up_answer = cognito.sign_up(ClientId=CLIENT, Username=phone, Password=PASSWORD)
    assert signed_up_answer["Session"]
    confirmed = cognito.confirm_sign_up(ClientId=CLIENT, Username=phone,
                                        ConfirmationCode=messages(emulator, phone)[-1]["code"],
                                        Session=signed_up_answer["Session"])
    tokens = user_auth(cognito, phone, Session=confirmed["Session"])["AuthenticationResult"]
    assert verify(emulator, tokens["IdToken"], pool=POOL)["phone_number"] == phone
    assert len(messages(emulator, phone)) == 1
    # Once only.
    error = error_of(user_auth, cognito, phone, Session=confirmed["Session"])
    assert error["Code"] == "NotAuthorizedException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §15.5:
# ConfirmSignUp refuses a Session that is not SignUp's for the same user.
def test_a_sign_up_session_is_for_its_own_user_and_not_before_confirmation(emulator, cognito):
    first = cognito.sign_up(ClientId=CLIENT, Username="+15550200002", Password=PASSWORD)
    # SignUp's Session of an unconfirmed user does not sign in.
    assert error_of(user_auth, cognito, "+15550200002", Session=first["Session"])["Code"] == "NotAuthorizedException"
    confirmed = signed_up(emulator, cognito, "+15550200003")
    assert error_of(user_auth, cognito, "+15550200002", Session=confirmed["Session"])["Code"] == \
        "NotAuthorizedException"
    # ConfirmSignUp checks the Session it is given: SignUp's for this user only.
    other = cognito.sign_up(ClientId=CLIENT, Username="+15550200014", Password=PASSWORD)
    error = error_of(cognito.confirm_sign_up, ClientId=CLIENT, Username="+15550200002",
                     ConfirmationCode=messages(emulator, "+15550200002")[-1]["code"], Session=other["Session"])
    assert error["Code"] == "NotAuthorizedException"
    error = error_of(cognito.confirm_sign_up, ClientId=CLIENT, Username="+15550200002",
                     ConfirmationCode=messages(emulator, "+15550200002")[-1]["code"], Session="x" * 40)
    assert error["Code"] == "NotAuthorizedException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §15.5:
# ConfirmSignUp's Session lives AuthSessionValidity minutes.
def test_the_confirmation_session_expires(emulator, cognito):
    confirmed = signed_up(emulator, cognito, "+15550200004")
    requests.post(f"{emulator.url}/_emulator/clock", json={"seconds": 3 * 60 + 1}, timeout=5).raise_for_status()
    error = error_of(user_auth, cognito, "+15550200004", Session=confirmed["Session"])
    assert error["Message"] == "Invalid session for the user, session is expired."


def auto_confirming(emulator, cognito):
    """The seeded pool with a PreSignUp function that confirms every sign-up."""
    def auto_confirm(event, context):
        event["response"]["autoConfirmUser"] = True
        return event

    emulator.services.functions.register("auto-confirm", auto_confirm)
    cognito.update_user_pool(UserPoolId=POOL, AutoVerifiedAttributes=["phone_number"], Policies={
        "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "SMS_OTP"]}},
        LambdaConfig={"PreSignUp": "arn:aws:lambda:us-east-1:123456789012:function:auto-confirm"})


def test_an_auto_confirmed_sign_up_signs_in_with_sign_ups_session(emulator, cognito):
    auto_confirming(emulator, cognito)
    answer = cognito.sign_up(ClientId=CLIENT, Username="+15550200005", Password=PASSWORD)
    assert answer["UserConfirmed"] is True
    assert user_auth(cognito, "+15550200005", Session=answer["Session"])["AuthenticationResult"]["AccessToken"]
    assert messages(emulator, "+15550200005") == []


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §15.3:
# AvailableChallenges in the order PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP.
def test_select_challenge_lists_what_the_pool_allows_and_the_user_has(emulator, cognito):
    signed_up(emulator, cognito, "+15550200006")
    challenge = user_auth(cognito, "+15550200006")
    assert challenge["ChallengeName"] == "SELECT_CHALLENGE"
    assert challenge["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "SMS_OTP"]
    assert challenge["ChallengeParameters"] == {}
    chosen = respond(cognito, challenge, "SELECT_CHALLENGE", "+15550200006", ANSWER="SMS_OTP")
    assert chosen["ChallengeName"] == "SMS_OTP"
    assert chosen["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "SMS"
    assert chosen["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "+*******0006"
    text = messages(emulator, "+15550200006")[-1]
    assert text["message"] == f"Your authentication code is {text['code']}. " and text["origin"] == "SMS_OTP"
    tokens = respond(cognito, chosen, "SMS_OTP", "+15550200006", SMS_OTP_CODE=text["code"])["AuthenticationResult"]
    assert tokens["RefreshToken"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §15.4:
# the wording for a SELECT_CHALLENGE answer that was not offered.
def test_select_challenge_with_a_password(emulator, cognito):
    cognito.sign_up(ClientId=CLIENT, Username="+15550200007", Password=PASSWORD,
                    UserAttributes=[{"Name": "email", "Value": "ola@example.com"}])  # an email the pool does not use
    cognito.confirm_sign_up(ClientId=CLIENT, Username="+15550200007",
                            ConfirmationCode=messages(emulator, "+15550200007")[-1]["code"])
    challenge = user_auth(cognito, "+15550200007")
    error = error_of(respond, cognito, challenge, "SELECT_CHALLENGE", "+15550200007", ANSWER="PASSWORD",
                     PASSWORD="wrong-Passw0rd!")
    assert error == {**error, "Code": "NotAuthorizedException", "Message": "Incorrect username or password."}
    challenge = user_auth(cognito, "+15550200007")
    tokens = respond(cognito, challenge, "SELECT_CHALLENGE", "+15550200007", ANSWER="PASSWORD", PASSWORD=PASSWORD)
    assert tokens["AuthenticationResult"]["AccessToken"]
    # An answer that was not offered is refused.
    challenge = user_auth(cognito, "+15550200007")
    error = error_of(respond, cognito, challenge, "SELECT_CHALLENGE", "+15550200007", ANSWER="EMAIL_OTP")
    assert (error["Code"], error["Message"]) == ("InvalidParameterException",
                                                 "The challenge EMAIL_OTP is not available for this user.")


def test_preferred_sms_otp_a_wrong_code_then_the_right_one(emulator, cognito):
    signed_up(emulator, cognito, "+15550200008")
    challenge = user_auth(cognito, "+15550200008", PREFERRED_CHALLENGE="SMS_OTP")
    assert challenge["ChallengeName"] == "SMS_OTP"
    code = messages(emulator, "+15550200008")[-1]["code"]
    wrong = "000000" if code != "000000" else "111111"
    error = error_of(respond, cognito, challenge, "SMS_OTP", "+15550200008", SMS_OTP_CODE=wrong)
    assert error["Code"] == "CodeMismatchException"
    assert respond(cognito, challenge, "SMS_OTP", "+15550200008", SMS_OTP_CODE=code)["AuthenticationResult"]


def test_preferred_password_and_password_srp(emulator, cognito):
    signed_up(emulator, cognito, "+15550200009")
    tokens = user_auth(cognito, "+15550200009", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD)
    assert tokens["AuthenticationResult"]["IdToken"]
    srp = AWSSRP(username="+15550200009", password=PASSWORD, pool_id=POOL, client_id=CLIENT, client=cognito)
    verifier = user_auth(cognito, "+15550200009", PREFERRED_CHALLENGE="PASSWORD_SRP", SRP_A=srp.get_auth_params()["SRP_A"])
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER"
    responses = srp.process_challenge(verifier["ChallengeParameters"], srp.get_auth_params())
    result = cognito.respond_to_auth_challenge(ClientId=CLIENT, ChallengeName="PASSWORD_VERIFIER",
                                               Session=verifier["Session"], ChallengeResponses=responses)
    assert result["AuthenticationResult"]["AccessToken"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §15.3:
# a PREFERRED_CHALLENGE the pool does not allow is InvalidParameterException.
def test_a_preference_the_pool_does_not_allow_is_refused_one_the_user_lacks_is_offered_instead(emulator, cognito):
    signed_up(emulator, cognito, "+15550200010")
    error = error_of(user_auth, cognito, "+15550200010", PREFERRED_CHALLENGE="EMAIL_OTP")
    assert error["Code"] == "InvalidParameterException"
    assert len(messages(emulator, "+15550200010")) == 1  # the sign-up code only
    cognito.update_user_pool(UserPoolId=POOL, AutoVerifiedAttributes=["phone_number"], Policies={
        "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "SMS_OTP", "EMAIL_OTP"]}})
    challenge = user_auth(cognito, "+15550200010", PREFERRED_CHALLENGE="EMAIL_OTP")  # the user has no email
    assert challenge["ChallengeName"] == "SELECT_CHALLENGE"
    assert challenge["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "SMS_OTP"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §15.3 and §14.1:
# a code to an unverified email is offered (§15.3), and the default subject (§14.1).
def test_email_otp_first_factor(emulator, cognito):
    pool_id = cognito.create_user_pool(
        PoolName="email-otp", UsernameAttributes=["email"],
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}})["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="c",
                                             ExplicitAuthFlows=["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    client_id = client["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool_id, Username="ana@example.com", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "ana@example.com"}])
    challenge = user_auth(cognito, "ana@example.com", client=client_id, PREFERRED_CHALLENGE="EMAIL_OTP")
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    mail = requests.get(f"{emulator.url}/_emulator/email", timeout=5).json()["messages"][-1]
    assert mail["email"] == "ana@example.com" and mail["subject"] == "Your authentication code"
    tokens = respond(cognito, challenge, "EMAIL_OTP", "ana@example.com", client=client_id, EMAIL_OTP_CODE=mail["code"])
    assert tokens["AuthenticationResult"]["AccessToken"]
    got = cognito.admin_get_user(UserPoolId=pool_id, Username="ana@example.com")
    assert {"Name": "email_verified", "Value": "true"} in got["UserAttributes"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §15.4:
# first-factor codes go through CustomMessage_Authentication.
def test_sign_in_codes_go_through_custom_message_authentication(emulator, cognito):
    seen = []

    def custom_message(event, context):
        seen.append(event["triggerSource"])
        event["response"]["smsMessage"] = f"Code for {event['request']['userAttributes']['phone_number']}: " \
                                          f"{event['request']['codeParameter']}"
        return event

    emulator.services.functions.register("native-message", custom_message)
    signed_up(emulator, cognito, "+15550200011")
    cognito.update_user_pool(UserPoolId=POOL, AutoVerifiedAttributes=["phone_number"], Policies={
        "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "SMS_OTP"]}},
        LambdaConfig={"CustomMessage": "arn:aws:lambda:us-east-1:123456789012:function:native-message"})
    user_auth(cognito, "+15550200011", PREFERRED_CHALLENGE="SMS_OTP")
    text = messages(emulator, "+15550200011")[-1]
    assert seen == ["CustomMessage_Authentication"]
    assert text["message"] == f"Code for +15550200011: {text['code']}"


def test_user_auth_needs_the_client_flag_and_the_plan(emulator, cognito):
    signed_up(emulator, cognito, "+15550200012")
    error = error_of(user_auth, cognito, "+15550200012", client="otpdemowebclient0000000001")
    assert error["Code"] == "NotAuthorizedException" or error["Code"] == "UserNotFoundException"
    client = cognito.create_user_pool_client(UserPoolId=POOL, ClientName="no-user-auth",
                                             ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    error = error_of(user_auth, cognito, "+15550200012", client=client["UserPoolClient"]["ClientId"])
    assert error == {**error, "Code": "InvalidParameterException",
                     "Message": "USER_AUTH flow not enabled for this client"}
    lite = cognito.create_user_pool(PoolName="lite", UserPoolTier="LITE")["UserPool"]["Id"]
    lite_client = cognito.create_user_pool_client(UserPoolId=lite, ClientName="c", ExplicitAuthFlows=[
        "ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    assert error_of(user_auth, cognito, "someone", client=lite_client)["Code"] == "FeatureUnavailableInTierException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §15.2:
# leaving PASSWORD out of AllowedFirstAuthFactors is InvalidParameterException.
@pytest.mark.parametrize("factors, code", [
    (["SMS_OTP"], "InvalidParameterException"),  # PASSWORD is always a first factor
    (["PASSWORD", "SOFTWARE_TOKEN"], "InvalidParameterException"),  # a second factor only
])
def test_sign_in_policy_checks(cognito, factors, code):
    error = error_of(cognito.create_user_pool, PoolName="p",
                     Policies={"SignInPolicy": {"AllowedFirstAuthFactors": factors}})
    assert error["Code"] == code


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §15.5:
# SignUp's Session lives 24 hours, as long as the code it waits for.
def test_sign_ups_session_lives_a_day(emulator, cognito):
    auto_confirming(emulator, cognito)
    early = cognito.sign_up(ClientId=CLIENT, Username="+15550200030", Password=PASSWORD)
    late = cognito.sign_up(ClientId=CLIENT, Username="+15550200031", Password=PASSWORD)
    clock = emulator.services.clock
    clock.advance(24 * 3600 - 10)  # far beyond AuthSessionValidity's 3 minutes
    assert user_auth(cognito, "+15550200030", Session=early["Session"])["AuthenticationResult"]["AccessToken"]
    clock.advance(11)
    error = error_of(user_auth, cognito, "+15550200031", Session=late["Session"])
    assert (error["Code"], error["Message"]) == ("NotAuthorizedException",
                                                 "Invalid session for the user, session is expired.")


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §15.1:
# UpdateUserPool to LITE with email MFA on is TierChangeNotAllowedException (wording chosen).
def test_a_pool_with_email_mfa_cannot_move_to_lite(cognito):
    email = {"EmailSendingAccount": "DEVELOPER", "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/a@b.c"}
    pool_id = cognito.create_user_pool(PoolName="mail-mfa", EmailConfiguration=email)["UserPool"]["Id"]
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OPTIONAL",
                                     EmailMfaConfiguration={"Message": "Code {####}"})
    error = error_of(cognito.update_user_pool, UserPoolId=pool_id, UserPoolTier="LITE", EmailConfiguration=email,
                     MfaConfiguration="OPTIONAL")
    assert error == {"Code": "TierChangeNotAllowedException", "Status": 400,
                     "Message": "Email MFA is active: the pool cannot change to the LITE plan."}
    assert cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]["UserPoolTier"] == "ESSENTIALS"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §15.1:
# the feature name in FeatureUnavailableInTierException.
def test_passwordless_needs_essentials(cognito):
    error = error_of(cognito.create_user_pool, PoolName="p", UserPoolTier="LITE",
                     Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "SMS_OTP"]}})
    assert error == {**error, "Code": "FeatureUnavailableInTierException",
                     "Message": "The following features need to be disabled for the LITE pricing tier configured: "
                                "Passwordless Sign-In"}


def test_unknown_users(emulator, cognito):
    assert error_of(user_auth, cognito, "+15550200099")["Code"] == "UserNotFoundException"
    client = cognito.create_user_pool_client(UserPoolId=POOL, ClientName="hiding", PreventUserExistenceErrors="ENABLED",
                                             ExplicitAuthFlows=["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    error = error_of(user_auth, cognito, "+15550200099", client=client["UserPoolClient"]["ClientId"])
    assert error == {**error, "Code": "NotAuthorizedException", "Message": "Incorrect username or password."}


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §14.2:
# which factors ConfiguredUserAuthFactors lists.
def test_get_user_auth_factors(emulator, cognito):
    confirmed = signed_up(emulator, cognito, "+15550200013")
    access = user_auth(cognito, "+15550200013", Session=confirmed["Session"])["AuthenticationResult"]["AccessToken"]
    factors = cognito.get_user_auth_factors(AccessToken=access)
    assert factors["ConfiguredUserAuthFactors"] == ["PASSWORD", "SMS_OTP"]
    assert cognito.admin_get_user_auth_factors(UserPoolId=POOL, Username="+15550200013")[
        "ConfiguredUserAuthFactors"] == ["PASSWORD", "SMS_OTP"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §4.1:
# the wording "Password is required for this user pool.".
def test_sign_up_without_a_password_where_codes_sign_in(emulator, cognito):
    phone = "+15550200015"
    answer = cognito.sign_up(ClientId=CLIENT, Username=phone)
    confirmed = cognito.confirm_sign_up(ClientId=CLIENT, Username=phone,
                                        ConfirmationCode=messages(emulator, phone)[-1]["code"])
    assert user_auth(cognito, phone, Session=confirmed["Session"])["AuthenticationResult"]["AccessToken"]
    assert answer["UserConfirmed"] is False
    challenge = user_auth(cognito, phone)
    assert challenge["AvailableChallenges"] == ["SMS_OTP"]
    # A password they do not have is not a choice: the choice is offered instead.
    challenge = user_auth(cognito, phone, PREFERRED_CHALLENGE="PASSWORD", PASSWORD="Any-Passw0rd!")
    assert challenge["ChallengeName"] == "SELECT_CHALLENGE" and challenge["AvailableChallenges"] == ["SMS_OTP"]
    error = error_of(cognito.initiate_auth, ClientId=CLIENT, AuthFlow="USER_SRP_AUTH",
                     AuthParameters={"USERNAME": phone, "SRP_A": "1234abcd"})
    assert error == {**error, "Code": "NotAuthorizedException", "Message": "Incorrect username or password."}
    # A pool that signs in only with passwords still needs one.
    error = error_of(cognito.sign_up, ClientId="otpdemowebclient0000000001", Username="+15550200016")
    assert error == {**error, "Code": "InvalidParameterException", "Message": "Password is required for this user pool."}


def test_sign_ups_session_never_signs_in_a_user_confirmed_afterwards(emulator, cognito):
    phone = "+15550200017"
    signed = cognito.sign_up(ClientId=CLIENT, Username=phone, Password=PASSWORD)
    cognito.confirm_sign_up(ClientId=CLIENT, Username=phone, ConfirmationCode=messages(emulator, phone)[-1]["code"])
    error = error_of(user_auth, cognito, phone, Session=signed["Session"])
    assert error == {**error, "Code": "NotAuthorizedException", "Message": "Invalid session for the user."}


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §14.3:
# every session is bound to its user's sub as well as the username.
def test_a_sign_up_session_does_not_carry_over_to_a_new_user_of_the_same_name(emulator, cognito):
    pool_id = cognito.create_user_pool(PoolName="names", AutoVerifiedAttributes=["phone_number"], Policies={
        "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "SMS_OTP"]}})["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="c", ExplicitAuthFlows=[
        "ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]

    def sign_up_and_confirm(phone):
        cognito.sign_up(ClientId=client_id, Username="kim", Password=PASSWORD,
                        UserAttributes=[{"Name": "phone_number", "Value": phone}])
        return cognito.confirm_sign_up(ClientId=client_id, Username="kim",
                                       ConfirmationCode=messages(emulator, phone)[-1]["code"])

    first = sign_up_and_confirm("+15550200018")
    cognito.admin_delete_user(UserPoolId=pool_id, Username="kim")
    sign_up_and_confirm("+15550200019")
    error = error_of(user_auth, cognito, "kim", client=client_id, Session=first["Session"])
    assert error == {**error, "Code": "NotAuthorizedException", "Message": "Invalid session for the user."}


def test_the_sign_up_session_signs_in_only_a_user_who_may_sign_in(emulator, cognito):
    confirmed = signed_up(emulator, cognito, "+15550200020")
    cognito.admin_disable_user(UserPoolId=POOL, Username="+15550200020")
    error = error_of(user_auth, cognito, "+15550200020", Session=confirmed["Session"])
    assert error == {**error, "Code": "NotAuthorizedException", "Message": "User is disabled."}


def test_pre_authentication_runs_before_the_sign_up_session_signs_in(emulator, cognito):
    """Signing in with ConfirmSignUp's Session runs PreAuthentication (triggerSource
    PreAuthentication_Authentication) with the internal username, the app client, the user's attributes and
    InitiateAuth's ClientMetadata (docs/cognito-behaviour.md §15.5, §6.3)."""
    seen = []

    def pre_authentication(event, context):
        seen.append(event)
        return event

    emulator.services.functions.register("native-pre-auth", pre_authentication)
    cognito.update_user_pool(UserPoolId=POOL, AutoVerifiedAttributes=["phone_number"], Policies={
        "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "SMS_OTP"]}},
        LambdaConfig={"PreAuthentication": "arn:aws:lambda:us-east-1:123456789012:function:native-pre-auth"})
    phone = "+15550200021"
    confirmed = signed_up(emulator, cognito, phone)
    tokens = cognito.initiate_auth(ClientId=CLIENT, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": phone},
                                   Session=confirmed["Session"], ClientMetadata={"screen": "welcome"})
    assert tokens["AuthenticationResult"]["AccessToken"]
    [event] = seen
    internal = cognito.admin_get_user(UserPoolId=POOL, Username=phone)["Username"]  # the sub: phone-number usernames
    assert event["triggerSource"] == "PreAuthentication_Authentication"
    assert event["userName"] == internal
    assert event["callerContext"]["clientId"] == CLIENT
    assert event["request"]["userAttributes"]["phone_number"] == phone
    assert event["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"
    assert event["request"]["clientMetadata"] == {"screen": "welcome"}


def test_a_first_factor_code_challenge_names_the_user(emulator, cognito):
    """The SMS_OTP challenge's parameters carry USERNAME, the internal username (the sub in a pool with
    phone-number usernames), which the client sends back in its answer as Amplify does."""
    phone = "+15550200022"
    signed_up(emulator, cognito, phone)
    internal = cognito.admin_get_user(UserPoolId=POOL, Username=phone)["Username"]
    challenge = user_auth(cognito, phone, PREFERRED_CHALLENGE="SMS_OTP")
    assert challenge["ChallengeName"] == "SMS_OTP"
    assert challenge["ChallengeParameters"]["USERNAME"] == internal
    code = messages(emulator, phone)[-1]["code"]
    tokens = respond(cognito, challenge, "SMS_OTP", challenge["ChallengeParameters"]["USERNAME"], SMS_OTP_CODE=code)
    assert tokens["AuthenticationResult"]["AccessToken"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §15.1:
# the feature name in FeatureUnavailableInTierException at InitiateAuth.
def test_user_auth_in_a_lite_pool_names_the_feature_it_lacks(cognito):
    """InitiateAuth USER_AUTH in a pool on the LITE plan is FeatureUnavailableInTierException naming choice-based
    sign-in, in the wording Cognito uses for features above the plan."""
    lite = cognito.create_user_pool(PoolName="lite", UserPoolTier="LITE")["UserPool"]["Id"]
    lite_client = cognito.create_user_pool_client(UserPoolId=lite, ClientName="c", ExplicitAuthFlows=[
        "ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    error = error_of(user_auth, cognito, "someone", client=lite_client)
    assert error == {**error, "Code": "FeatureUnavailableInTierException",
                     "Message": "The following features need to be disabled for the LITE pricing tier configured: "
                                "Choice-based sign-in (USER_AUTH)"}
