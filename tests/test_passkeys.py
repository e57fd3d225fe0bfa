"""Passkeys (WEB_AUTHN) through boto3 with a software authenticator: the pool's configuration, registration
(StartWebAuthnRegistration → the authenticator → CompleteWebAuthnRegistration), listing and deleting, and
USER_AUTH sign-in with a passkey alone; forged, replayed and wrong-origin assertions refused.
(docs/cognito-behaviour.md §17)"""

import json

import pytest

from tests.conftest import error_of
from tests.passkey_authenticator import SoftwareAuthenticator

PASSWORD = "Passkey-Passw0rd!"
ORIGIN = "http://localhost:3000"


@pytest.fixture
def pool(cognito):
    """A pool allowing passkeys and texted codes, relying party localhost: (pool id, client id)."""
    pool_id = cognito.create_user_pool(
        PoolName="passkeys", UsernameAttributes=["phone_number"], UserPoolTier="ESSENTIALS",
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "SMS_OTP", "WEB_AUTHN"]}},
    )["UserPool"]["Id"]
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OFF",
                                     WebAuthnConfiguration={"RelyingPartyId": "localhost", "UserVerification": "required"})
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app",
        ExplicitAuthFlows=["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def signed_in_user(cognito, pool, phone="+919813000001"):
    pool_id, client_id = pool
    cognito.admin_create_user(UserPoolId=pool_id, Username=phone, MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "phone_number", "Value": phone}, {"Name": "phone_number_verified", "Value": "true"}])
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=phone, Password=PASSWORD, Permanent=True)
    return cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": phone, "PASSWORD": PASSWORD})["AuthenticationResult"]["AccessToken"]


def register(cognito, access_token, authenticator, **overrides):
    options = cognito.start_web_authn_registration(AccessToken=access_token)["CredentialCreationOptions"]
    credential = authenticator.register(options, **overrides)
    cognito.complete_web_authn_registration(AccessToken=access_token, Credential=credential)
    return options, credential


def passkey_challenge(cognito, client_id, phone):
    return cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_AUTH", AuthParameters={
        "USERNAME": phone, "PREFERRED_CHALLENGE": "WEB_AUTHN"})


def answer(cognito, client_id, phone, challenge, credential):
    return cognito.respond_to_auth_challenge(ClientId=client_id, ChallengeName="WEB_AUTHN",
                                             Session=challenge["Session"], ChallengeResponses={
                                                 "USERNAME": phone, "CREDENTIAL": json.dumps(credential)})


@pytest.mark.parametrize("attestation", ["none", "packed"])
def test_register_a_passkey_then_sign_in_with_it_alone(cognito, pool, attestation):
    pool_id, client_id = pool
    token = signed_in_user(cognito, pool)
    authenticator = SoftwareAuthenticator(attestation=attestation)
    options, credential = register(cognito, token, authenticator)
    assert options["rp"]["id"] == "localhost" and options["authenticatorSelection"]["userVerification"] == "required"
    listed = cognito.list_web_authn_credentials(AccessToken=token)["Credentials"]
    assert [(c["CredentialId"], c["RelyingPartyId"], c["AuthenticatorTransports"]) for c in listed] == [
        (credential["id"], "localhost", ["internal"])]
    assert "WEB_AUTHN" in cognito.get_user_auth_factors(AccessToken=token)["ConfiguredUserAuthFactors"]
    challenge = passkey_challenge(cognito, client_id, "+919813000001")
    assert challenge["ChallengeName"] == "WEB_AUTHN"
    request_options = json.loads(challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])  # a JSON string
    assert request_options["rpId"] == "localhost"
    assert [entry["id"] for entry in request_options["allowCredentials"]] == [credential["id"]]
    result = answer(cognito, client_id, "+919813000001", challenge, authenticator.assert_(request_options))
    assert "AccessToken" in result["AuthenticationResult"]


def test_web_authn_is_offered_among_the_choices_only_to_a_user_with_a_passkey(cognito, pool):
    pool_id, client_id = pool
    token = signed_in_user(cognito, pool)
    select = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": "+919813000001"})
    assert "WEB_AUTHN" not in select["AvailableChallenges"]
    register(cognito, token, SoftwareAuthenticator())
    select = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": "+919813000001"})
    assert select["AvailableChallenges"][-1] == "WEB_AUTHN"
    chosen = cognito.respond_to_auth_challenge(ClientId=client_id, ChallengeName="SELECT_CHALLENGE",
                                               Session=select["Session"],
                                               ChallengeResponses={"USERNAME": "+919813000001", "ANSWER": "WEB_AUTHN"})
    assert chosen["ChallengeName"] == "WEB_AUTHN" and "CREDENTIAL_REQUEST_OPTIONS" in chosen["ChallengeParameters"]


def assertion_for(cognito, pool, authenticator, **overrides):
    pool_id, client_id = pool
    challenge = passkey_challenge(cognito, client_id, "+919813000001")
    options = json.loads(challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    return challenge, authenticator.assert_(options, **overrides)


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §17.3:
# a refused assertion is NotAuthorizedException: Incorrect username or password.
@pytest.mark.parametrize("change, code", [
    ("origin", "WebAuthnOriginNotAllowedException"),
    ("rp_id", "NotAuthorizedException"),
    ("signature", "NotAuthorizedException"),
    ("no user verification", "NotAuthorizedException"),
    ("other challenge", "NotAuthorizedException"),
])
def test_a_forged_or_misdirected_assertion_is_refused(cognito, pool, change, code):
    pool_id, client_id = pool
    authenticator = SoftwareAuthenticator()
    register(cognito, signed_in_user(cognito, pool), authenticator)
    if change == "origin":
        challenge, credential = assertion_for(cognito, pool, authenticator, origin="https://evil.example")
    elif change == "rp_id":
        challenge, credential = assertion_for(cognito, pool, authenticator, rp_id="evil.example")
    elif change == "signature":
        challenge, credential = assertion_for(cognito, pool, authenticator)
        signature = bytearray(credential["response"]["signature"].encode())
        signature[-3] = ord("A") if signature[-3] != ord("A") else ord("B")
        credential["response"]["signature"] = signature.decode()
    elif change == "no user verification":
        authenticator.user_verified = False
        challenge, credential = assertion_for(cognito, pool, authenticator)
    else:
        _, credential = assertion_for(cognito, pool, authenticator)  # answered to another sign-in's challenge
        challenge = passkey_challenge(cognito, client_id, "+919813000001")
    error = error_of(answer, cognito, client_id, "+919813000001", challenge, credential)
    assert error["Code"] == code
    if code == "NotAuthorizedException":
        assert error["Message"] == "Incorrect username or password."


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §17.3:
# a refused assertion is NotAuthorizedException.
def test_a_replayed_assertion_is_refused(cognito, pool):
    pool_id, client_id = pool
    authenticator = SoftwareAuthenticator()
    register(cognito, signed_in_user(cognito, pool), authenticator)
    challenge, credential = assertion_for(cognito, pool, authenticator)
    answer(cognito, client_id, "+919813000001", challenge, credential)
    assert error_of(answer, cognito, client_id, "+919813000001", challenge, credential)["Code"] == \
        "NotAuthorizedException"  # the sign-in's session is used up
    # The same assertion against a new sign-in: its challenge is not this one.
    fresh = passkey_challenge(cognito, client_id, "+919813000001")
    assert error_of(answer, cognito, client_id, "+919813000001", fresh, credential)["Code"] == "NotAuthorizedException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §17.3:
# a refused assertion is NotAuthorizedException.
def test_a_sign_count_that_does_not_rise_is_refused(cognito, pool):
    pool_id, client_id = pool
    authenticator = SoftwareAuthenticator()
    register(cognito, signed_in_user(cognito, pool), authenticator)
    challenge, credential = assertion_for(cognito, pool, authenticator)
    answer(cognito, client_id, "+919813000001", challenge, credential)
    held = next(iter(authenticator.credentials.values()))
    held["count"] -= 1  # a cloned authenticator, behind the original
    challenge, credential = assertion_for(cognito, pool, authenticator)
    assert error_of(answer, cognito, client_id, "+919813000001", challenge, credential)["Code"] == \
        "NotAuthorizedException"


@pytest.mark.parametrize("change, code", [
    ("origin", "WebAuthnOriginNotAllowedException"),
    ("rp_id", "WebAuthnRelyingPartyMismatchException"),
    ("challenge", "WebAuthnChallengeNotFoundException"),
])
def test_a_registration_for_another_origin_rp_or_challenge_is_refused(cognito, pool, change, code):
    token = signed_in_user(cognito, pool)
    options = cognito.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    authenticator = SoftwareAuthenticator()
    if change == "origin":
        credential = authenticator.register(options, origin="https://evil.example")
    elif change == "rp_id":
        credential = authenticator.register(options, rp_id="evil.example")
    else:
        credential = authenticator.register({**options, "challenge": "c29tZXRoaW5nIGVsc2U"})
    assert error_of(cognito.complete_web_authn_registration, AccessToken=token, Credential=credential)["Code"] == code
    assert cognito.list_web_authn_credentials(AccessToken=token)["Credentials"] == []


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §17.2:
# a registration challenge works once, within 5 minutes.
def test_a_registration_challenge_answers_once_and_expires(cognito, pool, emulator):
    token = signed_in_user(cognito, pool)
    authenticator = SoftwareAuthenticator()
    options = cognito.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    credential = authenticator.register(options)
    cognito.complete_web_authn_registration(AccessToken=token, Credential=credential)
    again = authenticator.register(options)
    assert error_of(cognito.complete_web_authn_registration, AccessToken=token, Credential=again)["Code"] == \
        "WebAuthnChallengeNotFoundException"
    options = cognito.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    assert [entry["id"] for entry in options["excludeCredentials"]] == [credential["id"]]
    emulator.services.clock.advance(301)
    assert error_of(cognito.complete_web_authn_registration, AccessToken=token,
                    Credential=authenticator.register(options))["Code"] == "WebAuthnChallengeNotFoundException"


def test_a_registration_started_by_another_client_is_refused(cognito, pool):
    pool_id, client_id = pool
    token = signed_in_user(cognito, pool)
    other = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="other",
                                            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
                                            )["UserPoolClient"]["ClientId"]
    other_token = cognito.initiate_auth(ClientId=other, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": "+919813000001", "PASSWORD": PASSWORD})["AuthenticationResult"]["AccessToken"]
    options = cognito.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    credential = SoftwareAuthenticator().register(options)
    assert error_of(cognito.complete_web_authn_registration, AccessToken=other_token,
                    Credential=credential)["Code"] == "WebAuthnClientMismatchException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §17.3:
# a refused assertion is NotAuthorizedException.
def test_a_deleted_passkey_signs_no_one_in(cognito, pool):
    pool_id, client_id = pool
    token = signed_in_user(cognito, pool)
    authenticator = SoftwareAuthenticator()
    _, credential = register(cognito, token, authenticator)
    challenge, assertion = assertion_for(cognito, pool, authenticator)
    cognito.delete_web_authn_credential(AccessToken=token, CredentialId=credential["id"])
    assert cognito.list_web_authn_credentials(AccessToken=token)["Credentials"] == []
    assert error_of(answer, cognito, client_id, "+919813000001", challenge, assertion)["Code"] == \
        "NotAuthorizedException"
    assert error_of(cognito.delete_web_authn_credential, AccessToken=token, CredentialId=credential["id"])["Code"] == \
        "ResourceNotFoundException"


def test_list_pages_through_the_passkeys(cognito, pool):
    token = signed_in_user(cognito, pool)
    authenticator = SoftwareAuthenticator()
    ids = [register(cognito, token, authenticator)[1]["id"] for _ in range(3)]
    first = cognito.list_web_authn_credentials(AccessToken=token, MaxResults=2)
    rest = cognito.list_web_authn_credentials(AccessToken=token, MaxResults=2, NextToken=first["NextToken"])
    assert [c["CredentialId"] for c in first["Credentials"] + rest["Credentials"]] == ids and "NextToken" not in rest


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §17.1:
# the prefix domain as relying party, and WebAuthnNotEnabledException without WEB_AUTHN.
def test_passkeys_need_the_pool_to_allow_them_and_a_relying_party(cognito, pool):
    pool_id, client_id = pool
    token = signed_in_user(cognito, pool)
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OFF",
                                     WebAuthnConfiguration={"UserVerification": "preferred"})
    assert error_of(cognito.start_web_authn_registration, AccessToken=token)["Code"] == \
        "WebAuthnConfigurationMissingException"  # neither a RelyingPartyId nor a domain
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain="passkey-app")
    options = cognito.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    assert options["rp"]["id"] == "passkey-app.auth.us-east-1.amazoncognito.com"
    cognito.update_user_pool(UserPoolId=pool_id, UserPoolTier="ESSENTIALS",
                             Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD"]}})
    assert error_of(cognito.start_web_authn_registration, AccessToken=token)["Code"] == "WebAuthnNotEnabledException"


def test_the_users_page_lists_a_users_passkeys_and_deletes_one(cognito, pool, emulator):
    import re

    import requests

    pool_id, _ = pool
    token = signed_in_user(cognito, pool)
    _, credential = register(cognito, token, SoftwareAuthenticator())
    page = requests.get(f"{emulator.url}/users/table", params={"pool": pool_id}, timeout=10).text
    assert f'data-credential-id="{credential["id"]}"' in page and "Passkey 1" in page and "never used" in page
    action = re.search(r'action="([^"]*/passkeys/[^"]*/delete)"', page).group(1)
    assert requests.post(emulator.url + action, timeout=10).status_code == 200  # after the redirect to the page
    assert cognito.list_web_authn_credentials(AccessToken=token)["Credentials"] == []



# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §17.2:
# a registration challenge works once, a refused answer included.
def test_a_failed_registration_uses_its_challenge_up(cognito, pool):
    token = signed_in_user(cognito, pool)
    authenticator = SoftwareAuthenticator()
    options = cognito.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    refused = authenticator.register(options, origin="https://evil.example")
    assert error_of(cognito.complete_web_authn_registration, AccessToken=token, Credential=refused)["Code"] == \
        "WebAuthnOriginNotAllowedException"
    assert error_of(cognito.complete_web_authn_registration, AccessToken=token,
                    Credential=authenticator.register(options))["Code"] == "WebAuthnChallengeNotFoundException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §17.2:
# a passkey already registered is WebAuthnCredentialNotSupportedException.
def test_the_same_passkey_is_not_registered_twice(cognito, pool):
    token = signed_in_user(cognito, pool)
    authenticator = SoftwareAuthenticator()
    _, credential = register(cognito, token, authenticator)
    options = cognito.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    again = authenticator.register(options, same_as=next(iter(authenticator.credentials)))
    assert again["id"] == credential["id"]
    assert error_of(cognito.complete_web_authn_registration, AccessToken=token, Credential=again)["Code"] == \
        "WebAuthnCredentialNotSupportedException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §17.3:
# a refused assertion is NotAuthorizedException: Incorrect username or password.
def test_another_users_passkey_does_not_sign_this_user_in(cognito, pool):
    pool_id, client_id = pool
    mine, theirs = SoftwareAuthenticator(), SoftwareAuthenticator()
    register(cognito, signed_in_user(cognito, pool, "+919813000001"), mine)
    register(cognito, signed_in_user(cognito, pool, "+919813000002"), theirs)
    challenge = passkey_challenge(cognito, client_id, "+919813000001")
    options = json.loads(challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    forged = theirs.assert_({**options, "allowCredentials": []})  # signed by their passkey, over my challenge
    assert error_of(answer, cognito, client_id, "+919813000001", challenge, forged)["Message"] == \
        "Incorrect username or password."  # (a 500, retried by the SDK, would read "Invalid session")


def test_a_passkey_of_another_relying_party_is_refused(cognito, pool):
    pool_id, client_id = pool
    config = {"RelyingPartyId": "example.com", "UserVerification": "required"}
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OFF", WebAuthnConfiguration=config)
    authenticator = SoftwareAuthenticator(origin="https://example.com")
    register(cognito, signed_in_user(cognito, pool), authenticator)
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OFF",
                                     WebAuthnConfiguration={**config, "RelyingPartyId": "login.example.com"})
    challenge, credential = assertion_for(cognito, pool, authenticator, origin="https://login.example.com")
    assert error_of(answer, cognito, client_id, "+919813000001", challenge, credential)["Code"] == \
        "WebAuthnRelyingPartyMismatchException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §17.2:
# at most 20 passkeys per user (LimitExceededException).
def test_a_user_has_at_most_twenty_passkeys(cognito, pool):
    token = signed_in_user(cognito, pool)
    authenticator = SoftwareAuthenticator()
    for _ in range(20):
        register(cognito, token, authenticator)
    assert error_of(cognito.start_web_authn_registration, AccessToken=token)["Code"] == "LimitExceededException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §17.3:
# refused assertions count toward the lockout.
def test_refused_assertions_count_toward_the_lockout(cognito, pool):
    pool_id, client_id = pool
    authenticator = SoftwareAuthenticator()
    register(cognito, signed_in_user(cognito, pool), authenticator)
    for _ in range(5):
        challenge, credential = assertion_for(cognito, pool, authenticator, origin="http://localhost:3000")
        credential["response"]["signature"] = credential["response"]["signature"][:-4] + "AAAA"
        assert error_of(answer, cognito, client_id, "+919813000001", challenge, credential)["Message"] == \
            "Incorrect username or password."
    assert error_of(passkey_challenge, cognito, client_id, "+919813000001")["Message"] == "Password attempts exceeded"
