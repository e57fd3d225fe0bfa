"""The real JavaScript clients, unchanged, against a running emulator: amazon-cognito-identity-js, Amplify JS v6
and the AWS SDK for JavaScript v3 (pinned in tests/js/package.json), each driven by a Node script that prints
what happened as JSON."""

import json
import os
import shutil
import subprocess

import pytest

from tests.conftest import ROOT

JS = os.path.join(ROOT, "tests", "js")
POOL = "us-east-1_otpDemo01"
CLIENT = "otpdemowebclient0000000001"


@pytest.fixture(scope="session")
def node_clients():
    """Node with the pinned packages installed in tests/js/node_modules (git ignores it)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        if os.environ.get("REQUIRE_NODE") == "1":
            pytest.fail("the JavaScript client tests are required here but node or npm is missing")
        pytest.skip("node and npm are needed for the JavaScript client tests")
    lock = os.path.join(JS, "package-lock.json")
    stamp = os.path.join(JS, "node_modules", ".installed-lock")
    with open(lock, "rb") as handle:
        wanted = handle.read()
    if not os.path.exists(stamp) or open(stamp, "rb").read() != wanted:
        result = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=JS,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
        with open(stamp, "wb") as handle:
            handle.write(wanted)
    return node


def run_client(node, script, emulator, phone):
    env = {**os.environ, "ENDPOINT": emulator.url, "POOL_ID": POOL, "CLIENT_ID": CLIENT, "PHONE": phone}
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
