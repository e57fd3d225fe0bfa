"""The real JavaScript clients, unchanged, against a running emulator: amazon-cognito-identity-js, Amplify JS v6
and the AWS SDK for JavaScript v3 (pinned in tests/js/package.json), each driven by a Node script that prints
what happened as JSON."""

import json
import os
import subprocess

import pytest

from tests.auth_helpers import confirmed_user
from tests.conftest import ROOT, error_of
from tests.node_setup import node_or_skip, npm_ci

JS = os.path.join(ROOT, "tests", "js")
POOL = "us-east-1_otpDemo01"
CLIENT = "otpdemowebclient0000000001"


@pytest.fixture(scope="session")
def node_clients():
    """Node with the pinned packages installed in tests/js/node_modules (git ignores it)."""
    node = node_or_skip("the JavaScript client tests")
    npm_ci(JS)
    return node


def run_client(node, script, emulator, phone, **extra):
    env = {**os.environ, "ENDPOINT": emulator.url, "POOL_ID": POOL, "CLIENT_ID": CLIENT, "PHONE": phone, **extra}
    result = subprocess.run([node, script], cwd=JS, capture_output=True, text=True, timeout=180, env=env)
    assert result.returncode == 0, f"{script} failed:\n{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_amazon_cognito_identity_js(node_clients, emulator):
    results = run_client(node_clients, "identity-js.mjs", emulator, "+919700000001")
    assert results["signUp"] == {"userConfirmed": False, "medium": "SMS"}
    assert results["confirm"] == "SUCCESS"
    assert results["srp"] == {"valid": True, "phone": "+919700000001"}
    assert results["refresh"] == {"valid": True, "newAccessToken": True}
    assert results["wrongPassword"]["code"] == "NotAuthorizedException"
    assert results["wrongPassword"]["message"] == "Incorrect username or password."
    assert results["customAuth"] == {"challenge": ["USERNAME", "deliveryMedium", "destination"], "valid": True}
    assert results["customWithSrp"] == {"challenged": True, "valid": True}


def test_amplify_v6(node_clients, emulator):
    results = run_client(node_clients, "amplify.mjs", emulator, "+919700000002")
    assert results["signUp"] == "CONFIRM_SIGN_UP"
    assert results["confirmSignUp"] == "COMPLETE_AUTO_SIGN_IN"
    assert results["autoSignIn"] is True
    assert results["attributes"] == {"phone": "+919700000002", "verified": "true"}
    assert results["currentUser"]["hasUserId"] is True
    assert results["forceRefresh"] == {"refreshed": True, "phone": "+919700000002"}
    assert results["revokedBySignOut"] == "Access Token has been revoked"
    assert results["srpSignIn"] is True
    assert results["revokedByGlobalSignOut"] == "Access Token has been revoked"
    assert results["customStep"] == results["customSrpStep"] == "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE"
    assert results["customSignedIn"] is True and results["customSrpSignedIn"] is True
    assert results["wrongPassword"] == "NotAuthorizedException"


def test_aws_sdk_v3(node_clients, emulator):
    results = run_client(node_clients, "sdk-v3.mjs", emulator, "+919700000003")
    assert results["signUp"] == {"confirmed": False, "medium": "SMS"}
    assert results["customAuth"] == {"challenge": "CUSTOM_CHALLENGE", "phone": "+919700000003"}
    assert results["error"] == {"name": "UsernameExistsException", "status": 400,
                                "message": "An account with the given phone_number already exists."}


def test_aws_jwt_verify(node_clients, emulator):
    """aws-jwt-verify's CognitoJwtVerifier, keys primed from the emulator's JWKS with cacheJwks, accepts its ID and
    access tokens: the AWS issuer for the seeded pool, issuer-cognito-idp for a pool with IssuerConfiguration UPDATED."""
    results = run_client(node_clients, "jwt-verify.mjs", emulator, "+919700000004")
    issuers = {"seeded": f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}",
               "updated": f"https://issuer-cognito-idp.us-east-1.amazonaws.com/{results['updatedPool']}"}
    for pool, issuer in issuers.items():
        verified = results[pool]
        assert verified["id"]["iss"] == verified["access"]["iss"] == issuer
        assert (verified["id"]["tokenUse"], verified["access"]["tokenUse"]) == ("id", "access")
        assert verified["idAsAccess"] == "CognitoJwtInvalidTokenUseError"
        assert verified["wrongSignature"] == "JwtInvalidSignatureError"
    assert results["seeded"]["id"]["aud"] == results["seeded"]["access"]["clientId"] == CLIENT
    assert results["fetched"] == []  # only the primed cache was used: nothing was asked of AWS


def masked(phone):
    return "+********" + phone[-4:]


def test_amazon_cognito_identity_js_account(node_clients, emulator, cognito):
    """forgotPassword (inputVerificationCode answered with confirmPassword), changePassword, updateAttributes with a
    new phone number, getAttributeVerificationCode + verifyAttribute."""
    phone, new_phone = "+919700000005", "+919700000006"
    confirmed_user(emulator, cognito, phone)
    results = run_client(node_clients, "identity-js-account.mjs", emulator, phone, NEW_PHONE=new_phone)
    mismatch = {"code": "CodeMismatchException", "message": "Invalid verification code provided, please try again."}
    incorrect = {"code": "NotAuthorizedException", "message": "Incorrect username or password."}
    assert results["forgotPassword"] == {
        "delivery": {"Destination": masked(phone), "DeliveryMedium": "SMS", "AttributeName": "phone_number"},
        "wrongCode": mismatch, "confirmPassword": "SUCCESS"}
    assert results["oldPasswordAfterReset"] == incorrect
    assert results["signInAfterReset"] is True
    assert results["changeWrongOld"] == incorrect
    assert results["changePassword"] == "SUCCESS"
    assert results["resetPasswordAfterChange"] == "NotAuthorizedException"
    assert results["changedPasswordWorks"] is True
    assert results["updateAttributes"] == {"result": "SUCCESS", "deliveries": [
        {"Destination": masked(new_phone), "DeliveryMedium": "SMS", "AttributeName": "phone_number"}]}
    assert results["updateCodeTexted"] is True and results["textsToOldPhone"] == 0
    after_update = results["attributesAfterUpdate"]
    assert (after_update["phone_number"], after_update["phone_number_verified"], after_update["given_name"]) == (
        new_phone, "false", "Ravi")
    assert results["getAttributeVerificationCode"] == {"CodeDeliveryDetails": {
        "Destination": masked(new_phone), "DeliveryMedium": "SMS", "AttributeName": "phone_number"}}
    assert results["verifyWrong"] == mismatch
    assert results["verifyAttribute"] == {"code": "none", "value": "SUCCESS"}
    assert results["attributesAfterVerify"]["phone_number_verified"] == "true"
    assert results["getCodeForEmail"] == {"code": "InvalidParameterException",
                                          "message": "Invalid attribute name or the user has no email."}
    assert results["newPhoneSignsIn"] == new_phone
    # What the administrator sees afterwards.
    user = cognito.admin_get_user(UserPoolId=POOL, Username=new_phone)
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert (user["UserStatus"], attributes["phone_number"], attributes["phone_number_verified"],
            attributes["given_name"]) == ("CONFIRMED", new_phone, "true", "Ravi")
    signed_in = cognito.initiate_auth(ClientId=CLIENT, AuthFlow="USER_PASSWORD_AUTH",
                                      AuthParameters={"USERNAME": new_phone, "PASSWORD": "Changed-Passw0rd!"})
    assert "AccessToken" in signed_in["AuthenticationResult"]


def test_amplify_v6_account(node_clients, emulator, cognito):
    """resetPassword/confirmResetPassword, groups in fetchAuthSession's tokens (one added by an administrator while
    signed in), updatePassword, updateUserAttributes with a new phone number, confirmUserAttribute,
    sendUserAttributeVerificationCode, deleteUser."""
    phone, new_phone = "+919700000007", "+919700000008"
    confirmed_user(emulator, cognito, phone)
    cognito.create_group(UserPoolId=POOL, GroupName="admins", Precedence=0)
    cognito.create_group(UserPoolId=POOL, GroupName="readers", Precedence=5)
    cognito.admin_add_user_to_group(UserPoolId=POOL, Username=phone, GroupName="readers")
    results = run_client(node_clients, "amplify-account.mjs", emulator, phone, NEW_PHONE=new_phone)
    assert results["resetPassword"] == {"step": "CONFIRM_RESET_PASSWORD_WITH_CODE", "medium": "SMS",
                                        "destination": masked(phone)}
    assert results["wrongResetCode"] == "CodeMismatchException"
    assert results["reusedResetCode"] == "ExpiredCodeException"
    assert results["oldPasswordAfterReset"] == "NotAuthorizedException"
    assert results["signInAfterReset"] is True
    assert results["groupsAtSignIn"] == results["groupsCached"] == {"id": ["readers"], "access": ["readers"]}
    assert results["groupsRefreshed"] == {"id": ["admins", "readers"], "access": ["admins", "readers"]}
    assert results["updateWrongOld"] == "NotAuthorizedException"
    assert results["resetPasswordAfterUpdate"] == "NotAuthorizedException"
    assert results["signInAfterUpdate"] is True
    assert results["updateUserAttributes"] == {
        "phone_number": {"isUpdated": False, "nextStep": {
            "updateAttributeStep": "CONFIRM_ATTRIBUTE_WITH_CODE",
            "codeDeliveryDetails": {"attributeName": "phone_number", "deliveryMedium": "SMS",
                                    "destination": masked(new_phone)}}},
        "given_name": {"isUpdated": True, "nextStep": {"updateAttributeStep": "DONE"}}}
    assert results["textsToOldPhone"] == 0
    assert results["attributesBeforeConfirm"] == {"phone": new_phone, "verified": "false", "givenName": "Asha"}
    assert results["wrongAttributeCode"] == "CodeMismatchException"
    assert results["attributesAfterConfirm"] == {"phone": new_phone, "verified": "true"}
    assert results["sendCode"] == {"destination": masked(new_phone), "deliveryMedium": "SMS",
                                   "attributeName": "phone_number"}
    assert results["sendCodeConfirmed"] == "none"
    assert results["sendCodeForEmail"] == "InvalidParameterException"
    assert results["signInWithNewPhone"] is True and results["newPhoneInIdToken"] == new_phone
    assert results["sessionAfterDelete"] is True
    assert results["deletedAccessToken"] == "NotAuthorizedException"
    assert results["signInAfterDelete"] == "UserNotFoundException"
    for gone in (phone, new_phone):
        assert error_of(cognito.admin_get_user, UserPoolId=POOL, Username=gone)["Code"] == "UserNotFoundException"
    assert cognito.list_users_in_group(UserPoolId=POOL, GroupName="admins")["Users"] == []
