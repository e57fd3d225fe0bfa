"""Multi-factor authentication and Cognito's native passwordless sign-in (the USER_AUTH flow) through Amplify JS v6,
unchanged (pinned in tests/js/package.json): Node scripts drive it against the emulator and print what happened as
JSON. Passwordless runs on the seeded otp-native pool; each MFA flow on a pool made here through boto3."""

from tests.auth_helpers import verify
from tests.inbox import messages
from tests.test_js_clients import masked, node_clients, run_client  # noqa: F401  (node_clients is a fixture)

NATIVE_POOL = "us-east-1_otpNative1"
NATIVE_CLIENT = "otpnativewebclient00000001"
PASSWORD = "Generated-Passw0rd!"
SIGNED_IN = {"isSignedIn": True, "nextStep": {"signInStep": "DONE"}}


def signed_in_as(emulator, session, pool, client, **claims):
    """The ID token of a session Amplify holds after signing in verifies against the pool's JWKS, for this client,
    with the expected claims. (The script checked the access token with GetUser.)"""
    token = verify(emulator, session["idToken"], pool=pool, audience=client)
    assert token["token_use"] == "id"
    for name, value in claims.items():
        assert token[name] == value, (name, token)
    return token


def test_amplify_passwordless_sms(node_clients, emulator, cognito):
    """signUp with autoSignIn by USER_AUTH (one text in all: the sign-up code), SMS_OTP as the preferred challenge
    (a wrong code, then the right one in the same sign-in), the first-factor selection answered with SMS_OTP and
    with PASSWORD, and PASSWORD / PASSWORD_SRP preferred."""
    phone = "+919700000101"
    results = run_client(node_clients, "amplify-passwordless.mjs", emulator, phone,
                         POOL_ID=NATIVE_POOL, CLIENT_ID=NATIVE_CLIENT)
    assert "failed" not in results, results.get("failed")
    delivery = {"deliveryMedium": "SMS", "destination": masked(phone)}

    # 1. Sign-up, confirmation, automatic sign-in: exactly one SMS, the confirmation code.
    assert results["signUp"] == {"step": "CONFIRM_SIGN_UP", "complete": False,
                                 "delivery": {**delivery, "attributeName": "phone_number"}}
    assert results["confirmSignUp"] == {"step": "COMPLETE_AUTO_SIGN_IN", "complete": True}
    assert results["autoSignIn"] == SIGNED_IN
    assert results["textsAfterAutoSignIn"] == 1
    first = messages(emulator, phone)[0]
    assert (first["origin"], first["pool_id"]) == ("SignUp", NATIVE_POOL)
    assert first["code"] and first["code"] in first["message"]

    # 2. SMS_OTP preferred: one text; a wrong code refused, the same sign-in then completed.
    assert results["smsOtpStep"] == {"isSignedIn": False, "nextStep": {
        "signInStep": "CONFIRM_SIGN_IN_WITH_SMS_CODE", "codeDeliveryDetails": delivery}}
    assert results["smsOtpWrongCode"] == "CodeMismatchException"
    assert results["smsOtpConfirm"] == SIGNED_IN
    assert results["smsOtpTexts"] == 1

    # 3. No preference: the first factors on offer; SMS_OTP chosen (one text), PASSWORD chosen (none).
    selection = results["selection"]
    assert (selection["isSignedIn"], selection["nextStep"]["signInStep"]) == (
        False, "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION")
    assert sorted(selection["nextStep"]["availableChallenges"]) == ["PASSWORD", "PASSWORD_SRP", "SMS_OTP"]
    assert results["selectionTexts"] == 0
    assert results["chosenSms"] == {"isSignedIn": False, "nextStep": {
        "signInStep": "CONFIRM_SIGN_IN_WITH_SMS_CODE", "codeDeliveryDetails": delivery}}
    assert results["chosenSmsConfirm"] == SIGNED_IN
    assert results["chosenSmsTexts"] == 1
    assert results["selectionAgain"] == "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION"
    assert results["chosenPassword"] == {"isSignedIn": False,
                                         "nextStep": {"signInStep": "CONFIRM_SIGN_IN_WITH_PASSWORD"}}
    assert results["chosenPasswordConfirm"] == SIGNED_IN
    assert results["chosenPasswordTexts"] == 0
    assert results["preferredPasswordWrong"] == "NotAuthorizedException"
    assert results["preferredPassword"] == results["preferredSrp"] == SIGNED_IN
    assert results["preferredTexts"] == 0
    assert results["textsInAll"] == len(messages(emulator, phone)) == 3
    assert [m["origin"] for m in messages(emulator, phone)] == ["SignUp", "SMS_OTP", "SMS_OTP"]

    # Every sign-in left a working session for the same user.
    sub = cognito.admin_get_user(UserPoolId=NATIVE_POOL, Username=phone)["Username"]
    for name in ("autoSignInSession", "smsOtpSession", "chosenSmsSession", "chosenPasswordSession",
                 "preferredPasswordSession", "preferredSrpSession"):
        assert (results[name]["getUser"], results[name]["phone"]) == (sub, phone), name
        signed_in_as(emulator, results[name], NATIVE_POOL, NATIVE_CLIENT, phone_number=phone,
                     phone_number_verified=True, **{"cognito:username": sub})
    user = cognito.admin_get_user(UserPoolId=NATIVE_POOL, Username=phone)
    assert user["UserStatus"] == "CONFIRMED"


def mfa_pool(cognito, name, mfa, totp=False, sms=False):
    """A pool (made through boto3) with the given MFA configuration and a client allowing SRP, password, refresh and
    choice-based sign-in."""
    extra = {"SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/sms"}} if sms else {}
    pool = cognito.create_user_pool(PoolName=name, **extra)["UserPool"]["Id"]
    config = {"MfaConfiguration": mfa, "SoftwareTokenMfaConfiguration": {"Enabled": totp}}
    if sms:
        config["SmsMfaConfiguration"] = {"SmsConfiguration": extra["SmsConfiguration"]}
    cognito.set_user_pool_mfa_config(UserPoolId=pool, **config)
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName=f"{name}-web",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH",
                           "ALLOW_USER_AUTH"])["UserPoolClient"]["ClientId"]
    return pool, client


def permanent_user(cognito, pool, username, **attributes):
    cognito.admin_create_user(UserPoolId=pool, Username=username, MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()])
    cognito.admin_set_user_password(UserPoolId=pool, Username=username, Password=PASSWORD, Permanent=True)


def run_mfa(node_clients, emulator, flow, pool, client, username, phone="+919700000199"):
    results = run_client(node_clients, "amplify-mfa.mjs", emulator, phone, FLOW=flow, POOL_ID=pool, CLIENT_ID=client,
                         USERNAME=username)
    assert "failed" not in results, (results.get("failed"), results)
    return results


def test_amplify_totp_mfa(node_clients, emulator, cognito):
    """MFA OPTIONAL with software tokens: setUpTOTP, verifyTOTPSetup, updateMFAPreference({totp: 'PREFERRED'}),
    fetchMFAPreference; then every sign-in (SRP, and USER_AUTH with PASSWORD) asks for the code, each code once."""
    pool, client = mfa_pool(cognito, "amplify-totp", "OPTIONAL", totp=True)
    permanent_user(cognito, pool, "tara", email="tara@example.com")
    results = run_mfa(node_clients, emulator, "totp", pool, client, "tara")

    assert results["firstSignIn"] == SIGNED_IN
    assert results["preferenceBefore"] == {}  # neither preferred nor enabled: fields left undefined
    secret = results["sharedSecret"]
    assert len(secret) >= 16 and secret.isalnum() and secret.upper() == secret
    # Amplify's own doing: setUpTOTP passes the username through JSON.stringify, so it arrives quoted.
    assert results["setupUri"] == f"otpauth://totp/EmulatorApp:%22tara%22?secret={secret}&issuer=EmulatorApp"
    assert results["verifyWrong"] == "EnableSoftwareTokenMFAException"
    assert results["verify"] == "none"
    assert results["preferenceAfter"] == {"preferred": "TOTP", "enabled": ["TOTP"]}

    assert results["mfaStep"] == {"isSignedIn": False, "nextStep": {"signInStep": "CONFIRM_SIGN_IN_WITH_TOTP_CODE"}}
    assert results["mfaWrong"] == "CodeMismatchException"
    assert results["mfaConfirm"] == SIGNED_IN
    assert results["reuseStep"] == "CONFIRM_SIGN_IN_WITH_TOTP_CODE"
    assert results["reusedCode"] == "ExpiredCodeException"
    assert results["nextStep"] == "CONFIRM_SIGN_IN_WITH_TOTP_CODE"
    assert results["nextConfirm"] == SIGNED_IN
    assert results["userAuthStep"] == results["mfaStep"]
    assert results["userAuthConfirm"] == SIGNED_IN
    for name in ("mfaSession", "nextSession", "userAuthSession"):
        assert results[name]["getUser"] == "tara", name
        signed_in_as(emulator, results[name], pool, client, email="tara@example.com", **{"cognito:username": "tara"})

    user = cognito.admin_get_user(UserPoolId=pool, Username="tara")
    assert (user["PreferredMfaSetting"], user["UserMFASettingList"]) == ("SOFTWARE_TOKEN_MFA", ["SOFTWARE_TOKEN_MFA"])
    assert messages(emulator) == []  # nothing texted to anyone


def test_amplify_sms_mfa(node_clients, emulator, cognito):
    """MFA ON with SMS: signIn (SRP) → CONFIRM_SIGN_IN_WITH_SMS_CODE, one text; a wrong code, then the texted one."""
    phone = "+919700000102"
    pool, client = mfa_pool(cognito, "amplify-sms-mfa", "ON", sms=True)
    permanent_user(cognito, pool, "sunil", phone_number=phone, phone_number_verified="true")
    results = run_mfa(node_clients, emulator, "sms", pool, client, "sunil", phone)

    assert results["mfaStep"] == {"isSignedIn": False, "nextStep": {
        "signInStep": "CONFIRM_SIGN_IN_WITH_SMS_CODE",
        "codeDeliveryDetails": {"deliveryMedium": "SMS", "destination": masked(phone)}}}
    assert results["mfaWrong"] == "CodeMismatchException"
    assert results["mfaConfirm"] == SIGNED_IN
    assert results["texts"] == 1
    assert [(m["origin"], m["pool_id"]) for m in messages(emulator, phone)] == [("SMS_MFA", pool)]
    assert results["mfaSession"]["getUser"] == "sunil"
    signed_in_as(emulator, results["mfaSession"], pool, client, phone_number=phone, **{"cognito:username": "sunil"})


def test_amplify_mfa_setup(node_clients, emulator, cognito):
    """MFA ON with only software tokens and none set up: signIn → CONTINUE_SIGN_IN_WITH_TOTP_SETUP with the shared
    secret; confirmSignIn with the authenticator's code signs in; the next sign-in asks for a code."""
    pool, client = mfa_pool(cognito, "amplify-mfa-setup", "ON", totp=True)
    permanent_user(cognito, pool, "uma")
    results = run_mfa(node_clients, emulator, "setup", pool, client, "uma")

    step = results["setupStep"]
    assert (step["isSignedIn"], step["nextStep"]["signInStep"]) == (False, "CONTINUE_SIGN_IN_WITH_TOTP_SETUP")
    assert results["sharedSecret"] and results["sharedSecret"].isalnum()
    assert results["setupConfirm"] == SIGNED_IN
    assert results["setupSession"]["getUser"] == "uma"
    signed_in_as(emulator, results["setupSession"], pool, client, **{"cognito:username": "uma"})
    assert results["preference"]["enabled"] == ["TOTP"]
    assert cognito.admin_get_user(UserPoolId=pool, Username="uma")["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert results["mfaStep"] == "CONFIRM_SIGN_IN_WITH_TOTP_CODE"
    assert results["mfaConfirm"] == SIGNED_IN
    signed_in_as(emulator, results["mfaSession"], pool, client, **{"cognito:username": "uma"})
    assert messages(emulator) == []


def test_amplify_mfa_selection(node_clients, emulator, cognito):
    """SMS and TOTP both enabled for the user, neither preferred: signIn → CONTINUE_SIGN_IN_WITH_MFA_SELECTION;
    TOTP chosen (no text), and in another sign-in SMS chosen (one text)."""
    phone = "+919700000103"
    pool, client = mfa_pool(cognito, "amplify-mfa-select", "OPTIONAL", totp=True, sms=True)
    permanent_user(cognito, pool, "vani", phone_number=phone, phone_number_verified="true")
    results = run_mfa(node_clients, emulator, "select", pool, client, "vani", phone)

    assert results["firstSignIn"] == SIGNED_IN
    assert results["preference"] == {"enabled": ["SMS", "TOTP"]}
    selection = results["selection"]
    assert (selection["isSignedIn"], selection["nextStep"]["signInStep"]) == (
        False, "CONTINUE_SIGN_IN_WITH_MFA_SELECTION")
    assert sorted(selection["nextStep"]["allowedMFATypes"]) == ["SMS", "TOTP"]
    assert results["chosenTotp"] == {"isSignedIn": False, "nextStep": {"signInStep": "CONFIRM_SIGN_IN_WITH_TOTP_CODE"}}
    assert results["chosenTotpConfirm"] == SIGNED_IN
    assert results["textsForTotp"] == 0
    assert results["selectionAgain"] == "CONTINUE_SIGN_IN_WITH_MFA_SELECTION"
    assert results["chosenSms"] == {"isSignedIn": False, "nextStep": {
        "signInStep": "CONFIRM_SIGN_IN_WITH_SMS_CODE",
        "codeDeliveryDetails": {"deliveryMedium": "SMS", "destination": masked(phone)}}}
    assert results["chosenSmsConfirm"] == SIGNED_IN
    assert results["textsForSms"] == 1
    assert [m["origin"] for m in messages(emulator, phone)] == ["SMS_MFA"]
    for name in ("chosenTotpSession", "chosenSmsSession"):
        assert results[name]["getUser"] == "vani", name
        signed_in_as(emulator, results[name], pool, client, phone_number=phone, **{"cognito:username": "vani"})
