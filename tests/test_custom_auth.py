"""The OTP sign-in: custom auth with the seed's triggers, through boto3 against a running emulator."""

import threading

import pytest
import requests

from tests.auth_helpers import (
    CLIENT, POOL, answer, confirmed_user, latest_code, messages, otp_sign_in, start_otp, verify, wire_pre_token,
    wrong_code,
)
from tests.conftest import error_of

INCORRECT = {"Code": "NotAuthorizedException", "Status": 400, "Message": "Incorrect username or password."}


def test_the_seed_story(emulator, cognito):
    phone = "+919866000001"
    confirmed_user(emulator, cognito, phone)
    challenge = start_otp(cognito, phone)
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    user = cognito.admin_get_user(UserPoolId=POOL, Username=phone)
    assert challenge["ChallengeParameters"] == {"USERNAME": user["Username"], "deliveryMedium": "SMS",
                                                "destination": "+********0001"}
    sms = messages(emulator, phone)[-1]
    assert (sms["origin"], sms["message"]) == ("SNS Publish", f"Your sign-in code is {sms['code']}")
    tokens = answer(cognito, challenge, phone, sms["code"])
    assert tokens["ChallengeParameters"] == {}  # undocumented, chosen: docs/cognito-behaviour.md §7.4
    result = tokens["AuthenticationResult"]
    assert (result["TokenType"], result["ExpiresIn"]) == ("Bearer", 3600)
    id_claims = verify(emulator, result["IdToken"], audience=CLIENT)
    assert (id_claims["sub"], id_claims["phone_number"], id_claims["phone_number_verified"]) == (
        user["Username"], phone, True)
    assert verify(emulator, result["AccessToken"])["client_id"] == CLIENT
    assert {a["Name"]: a["Value"] for a in cognito.get_user(AccessToken=result["AccessToken"])["UserAttributes"]}[
        "phone_number"] == phone
    refreshed = cognito.initiate_auth(ClientId=CLIENT, AuthFlow="REFRESH_TOKEN_AUTH",
                                      AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]})["AuthenticationResult"]
    assert "RefreshToken" not in refreshed
    cognito.global_sign_out(AccessToken=refreshed["AccessToken"])
    assert error_of(cognito.get_user, AccessToken=result["AccessToken"])["Message"] == "Access Token has been revoked"
    assert error_of(cognito.initiate_auth, ClientId=CLIENT, AuthFlow="REFRESH_TOKEN_AUTH",
                    AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]})["Message"] == "Refresh Token has been revoked"


def test_three_wrong_codes_end_the_sign_in(emulator, cognito):
    phone = "+919866000002"
    confirmed_user(emulator, cognito, phone)
    challenge = start_otp(cognito, phone)
    wrong = wrong_code(latest_code(emulator, phone))
    for _ in range(2):
        challenge = answer(cognito, challenge, phone, wrong)
        assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert error_of(answer, cognito, challenge, phone, wrong) == INCORRECT
    # One text for the whole sign-in: later rounds re-use the code.
    assert [m["origin"] for m in messages(emulator, phone)] == ["SignUp", "SNS Publish"]


def test_right_code_on_the_second_try(emulator, cognito):
    phone = "+919866000003"
    confirmed_user(emulator, cognito, phone)
    challenge = start_otp(cognito, phone)
    code = latest_code(emulator, phone)
    challenge = answer(cognito, challenge, phone, wrong_code(code))
    user = cognito.admin_get_user(UserPoolId=POOL, Username=phone)["Username"]
    # Amplify answers with the internal username from ChallengeParameters; either is accepted.
    assert "AuthenticationResult" in answer(cognito, challenge, user, code)


def test_a_session_works_once(emulator, cognito):
    phone = "+919866000004"
    confirmed_user(emulator, cognito, phone)
    challenge = start_otp(cognito, phone)
    code = latest_code(emulator, phone)
    answer(cognito, challenge, phone, code)
    assert error_of(answer, cognito, challenge, phone, code) == {
        "Code": "NotAuthorizedException", "Status": 400, "Message": "Invalid session for the user."}


def test_a_session_expires_after_three_minutes(emulator, cognito):
    phone = "+919866000005"
    confirmed_user(emulator, cognito, phone)
    challenge = start_otp(cognito, phone)
    emulator.services.clock.advance(3 * 60 + 1)
    assert error_of(answer, cognito, challenge, phone, latest_code(emulator, phone)) == {
        "Code": "NotAuthorizedException", "Status": 400, "Message": "Invalid session for the user, session is expired."}


def test_session_validity_follows_the_client(emulator, cognito):
    client = cognito.create_user_pool_client(UserPoolId=POOL, ClientName="slow", AuthSessionValidity=10,
                                             ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    client_id = client["UserPoolClient"]["ClientId"]
    phone = "+919866000006"
    confirmed_user(emulator, cognito, phone)
    challenge = start_otp(cognito, phone, client=client_id)
    emulator.services.clock.advance(9 * 60)
    assert "AuthenticationResult" in answer(cognito, challenge, phone, latest_code(emulator, phone), client=client_id)


def test_a_session_is_bound_to_client_and_user(emulator, cognito):
    other = cognito.create_user_pool_client(UserPoolId=POOL, ClientName="other",
                                            ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    confirmed_user(emulator, cognito, "+919866000007")
    confirmed_user(emulator, cognito, "+919866000008")
    challenge = start_otp(cognito, "+919866000007")
    code = latest_code(emulator, "+919866000007")
    assert error_of(answer, cognito, challenge, "+919866000007", code,
                    client=other["UserPoolClient"]["ClientId"])["Message"] == "Invalid session for the user."
    challenge = start_otp(cognito, "+919866000007")
    assert error_of(answer, cognito, challenge, "+919866000008",
                    latest_code(emulator, "+919866000007"))["Message"] == "Invalid session for the user."


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §7.1:
# the wording for CUSTOM_AUTH not allowed.
def test_custom_auth_must_be_allowed_and_configured(emulator, cognito):
    password_only = cognito.create_user_pool_client(UserPoolId=POOL, ClientName="pw",
                                                    ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    error = error_of(start_otp, cognito, "+919866000009", client=password_only["UserPoolClient"]["ClientId"])
    assert error == {"Code": "InvalidParameterException", "Status": 400,
                     "Message": "Auth flow not enabled for this client"}
    pool = cognito.create_user_pool(PoolName="no-triggers", UsernameAttributes=["phone_number"])["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="c")["UserPoolClient"]["ClientId"]
    assert error_of(start_otp, cognito, "+919866000009", client=client) == {
        "Code": "InvalidParameterException", "Status": 400,
        "Message": "Custom auth lambda trigger is not configured for the user pool."}


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §7.1:
# a CUSTOM_AUTH_FLOW_ONLY client refuses the other flows with its own wording.
@pytest.mark.parametrize("flow", ["USER_PASSWORD_AUTH", "USER_SRP_AUTH"])
def test_a_custom_auth_only_client_names_itself_when_refusing_other_flows(emulator, cognito, flow):
    client_id = cognito.create_user_pool_client(UserPoolId=POOL, ClientName="custom-only",
                                                ExplicitAuthFlows=["CUSTOM_AUTH_FLOW_ONLY"])["UserPoolClient"]["ClientId"]
    confirmed_user(emulator, cognito, "+919866000030")
    error = error_of(cognito.initiate_auth, ClientId=client_id, AuthFlow=flow, AuthParameters={
        "USERNAME": "+919866000030", "PASSWORD": "Generated-Passw0rd!", "SRP_A": "ab"})
    assert error == {"Code": "InvalidParameterException", "Status": 400,
                     "Message": "Only custom auth (lambda driven) is enabled for this client."}
    assert start_otp(cognito, "+919866000030", client=client_id)["ChallengeName"] == "CUSTOM_CHALLENGE"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §7.3:
# the wording for an answer without a Session and for one naming another challenge.
def test_an_answer_without_a_session_or_for_another_challenge(emulator, cognito):
    phone = "+919866000031"
    confirmed_user(emulator, cognito, phone)
    challenge = start_otp(cognito, phone)
    code = latest_code(emulator, phone)
    missing = error_of(cognito.respond_to_auth_challenge, ClientId=CLIENT, ChallengeName="CUSTOM_CHALLENGE",
                       ChallengeResponses={"USERNAME": phone, "ANSWER": code})
    assert missing == {"Code": "InvalidParameterException", "Status": 400,
                       "Message": "Missing required parameter Session"}
    other = error_of(cognito.respond_to_auth_challenge, ClientId=CLIENT, ChallengeName="SMS_MFA",
                     Session=challenge["Session"], ChallengeResponses={"USERNAME": phone, "SMS_MFA_CODE": code})
    assert other == {"Code": "InvalidParameterException", "Status": 400,
                     "Message": "Invalid challenge name: expected CUSTOM_CHALLENGE, got SMS_MFA."}


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §7.2:
# CUSTOM_AUTH checks the user before DefineAuthChallenge.
def test_unknown_unconfirmed_and_disabled_users(emulator, cognito):
    assert error_of(start_otp, cognito, "+919866000010") == {
        "Code": "UserNotFoundException", "Status": 400, "Message": "User does not exist."}
    cognito.sign_up(ClientId=CLIENT, Username="+919866000011", Password="Generated-Passw0rd!")
    assert error_of(start_otp, cognito, "+919866000011") == {
        "Code": "UserNotConfirmedException", "Status": 400, "Message": "User is not confirmed."}
    confirmed_user(emulator, cognito, "+919866000012")
    cognito.admin_disable_user(UserPoolId=POOL, Username="+919866000012")
    assert error_of(start_otp, cognito, "+919866000012") == {
        "Code": "NotAuthorizedException", "Status": 400, "Message": "User is disabled."}


def test_unknown_user_with_existence_errors_hidden(emulator, cognito):
    hiding = cognito.create_user_pool_client(UserPoolId=POOL, ClientName="hiding", PreventUserExistenceErrors="ENABLED",
                                             ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    client = hiding["UserPoolClient"]["ClientId"]
    phone = "+919866000013"
    challenge = start_otp(cognito, phone, client=client)
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert challenge["ChallengeParameters"]["USERNAME"] == phone
    assert messages(emulator, phone) == []  # nobody to text
    define = [i for i in trace(emulator) if i["function"] == "define-auth-challenge"][-1]
    assert define["event"]["request"]["userNotFound"] is True
    for _ in range(2):
        challenge = answer(cognito, challenge, phone, "123456", client=client)
    assert error_of(answer, cognito, challenge, phone, "123456", client=client) == INCORRECT


def trace(emulator, **params):
    return requests.get(f"{emulator.url}/_emulator/triggers", params=params, timeout=5).json()["invocations"]


def test_events_and_client_metadata(emulator, cognito):
    phone = "+919866000014"
    confirmed_user(emulator, cognito, phone)
    username = cognito.admin_get_user(UserPoolId=POOL, Username=phone)["Username"]
    challenge = start_otp(cognito, phone, ClientMetadata={"step": "initiate"})
    answer(cognito, challenge, phone, latest_code(emulator, phone), ClientMetadata={"step": "respond"})
    calls = trace(emulator, username=username)
    assert [(c["function"], c["trigger_source"]) for c in calls] == [
        ("define-auth-challenge", "DefineAuthChallenge_Authentication"),
        ("create-auth-challenge", "CreateAuthChallenge_Authentication"),
        ("verify-auth-challenge-response", "VerifyAuthChallengeResponse_Authentication"),
        ("define-auth-challenge", "DefineAuthChallenge_Authentication"),
    ]
    first_define, first_create, verify_call, second_define = (c["event"] for c in calls)
    assert first_define["request"]["session"] == []
    assert "clientMetadata" not in first_define["request"]  # InitiateAuth's metadata is not forwarded
    assert first_define["response"] == {"challengeName": None, "issueTokens": None, "failAuthentication": None}
    assert first_define["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"
    assert first_create["request"]["challengeName"] == "CUSTOM_CHALLENGE"
    assert verify_call["request"]["clientMetadata"] == {"step": "respond"}
    assert verify_call["request"]["privateChallengeParameters"]["answer"] == verify_call["request"]["challengeAnswer"]
    assert second_define["request"]["clientMetadata"] == {"step": "respond"}
    [entry] = second_define["request"]["session"]
    assert entry["challengeName"] == "CUSTOM_CHALLENGE" and entry["challengeResult"] is True
    assert entry["challengeMetadata"].startswith("CODE-")
    assert calls[3]["response"]["response"]["issueTokens"] is True
    assert all(c["duration_ms"] >= 0 and c["error"] is None for c in calls)


def test_admin_initiate_and_respond(emulator, cognito):
    phone = "+919866000015"
    confirmed_user(emulator, cognito, phone)
    challenge = cognito.admin_initiate_auth(UserPoolId=POOL, ClientId=CLIENT, AuthFlow="CUSTOM_AUTH",
                                            AuthParameters={"USERNAME": phone})
    result = cognito.admin_respond_to_auth_challenge(
        UserPoolId=POOL, ClientId=CLIENT, ChallengeName="CUSTOM_CHALLENGE", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": phone, "ANSWER": latest_code(emulator, phone)})
    assert verify(emulator, result["AuthenticationResult"]["IdToken"])["phone_number"] == phone


def test_many_users_sign_in_at_once_each_with_their_own_code(emulator):
    phones = [f"+91986610{index:04d}" for index in range(24)]
    setup = emulator.client()
    for phone in phones:
        confirmed_user(emulator, setup, phone)
    results, failures = {}, []
    barrier = threading.Barrier(8, timeout=30)

    def sign_in(batch):
        cognito = emulator.client()
        barrier.wait()
        for phone in batch:
            try:
                challenge = start_otp(cognito, phone)
                code = latest_code(emulator, phone)
                results[phone] = (code, answer(cognito, challenge, phone, code)["AuthenticationResult"]["IdToken"])
            except Exception as error:  # collected and reported below
                failures.append((phone, repr(error)))

    threads = [threading.Thread(target=sign_in, args=(phones[index::8],)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert len(results) == len(phones)
    for phone, (code, id_token) in results.items():
        assert verify(emulator, id_token)["phone_number"] == phone
        otp_texts = [m for m in messages(emulator, phone) if m["origin"] == "SNS Publish"]
        assert [m["code"] for m in otp_texts] == [code]  # one text, to this number only


def test_a_raising_trigger(emulator, cognito):
    def broken(event, context):
        raise RuntimeError("database is down")

    emulator.services.functions.register("define-auth-challenge", broken)
    confirmed_user(emulator, cognito, "+919866000016")
    assert error_of(start_otp, cognito, "+919866000016") == {
        "Code": "UserLambdaValidationException", "Status": 400,
        "Message": "DefineAuthChallenge failed with error database is down."}
    assert trace(emulator)[-1]["error"]["errorMessage"] == "database is down"


@pytest.mark.parametrize("output", [{"response": {"challengeName": "SOMETHING_ELSE"}}, "not an event",
                                    {"response": "no"}])
def test_unusable_trigger_output(emulator, cognito, output):
    emulator.services.functions.register("define-auth-challenge", lambda event, context: output)
    confirmed_user(emulator, cognito, "+919866000017")
    assert error_of(start_otp, cognito, "+919866000017")["Code"] == "InvalidLambdaResponseException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §6.7:
# a raising PreAuthentication is NotAuthorizedException.
def test_pre_and_post_authentication_and_pre_token_generation(emulator, cognito):
    seen = []

    def pre_authentication(event, context):
        seen.append(event)
        if event["request"].get("clientMetadata", {}).get("block"):
            raise ValueError("Blocked for testing")
        return event

    def post_authentication(event, context):
        seen.append(event)
        return event

    def pre_token(event, context):
        seen.append(event)
        event["response"]["claimsOverrideDetails"] = {
            "claimsToAddOrOverride": {"tenant": "acme", "sub": "forged"}, "claimsToSuppress": ["phone_number"]}
        return event

    functions = emulator.services.functions
    for name, handler in (("pre-auth", pre_authentication), ("post-auth", post_authentication), ("pre-token", pre_token)):
        functions.register(name, handler)
    arn = "arn:aws:lambda:us-east-1:123456789012:function:{}"
    pool = cognito.describe_user_pool(UserPoolId=POOL)["UserPool"]
    cognito.update_user_pool(UserPoolId=POOL, AutoVerifiedAttributes=["phone_number"], LambdaConfig={
        **pool["LambdaConfig"], "PreAuthentication": arn.format("pre-auth"),
        "PostAuthentication": arn.format("post-auth"), "PreTokenGeneration": arn.format("pre-token")})
    phone = "+919866000018"
    confirmed_user(emulator, cognito, phone)
    assert error_of(start_otp, cognito, phone, ClientMetadata={"block": "yes"}) == {
        "Code": "NotAuthorizedException", "Status": 400, "Message": "PreAuthentication failed with error Blocked for testing."}
    challenge = start_otp(cognito, phone, ClientMetadata={"source": "app"})
    result = answer(cognito, challenge, phone, latest_code(emulator, phone), ClientMetadata={"k": "v"})
    claims = verify(emulator, result["AuthenticationResult"]["IdToken"])
    assert claims["tenant"] == "acme"
    assert "phone_number" not in claims
    assert claims["sub"] != "forged"  # protected claims cannot change
    sources = [event["triggerSource"] for event in seen]
    assert sources == ["PreAuthentication_Authentication", "PreAuthentication_Authentication",
                       "PostAuthentication_Authentication", "TokenGeneration_Authentication"]
    assert seen[1]["request"]["validationData"] == {"source": "app"}
    assert seen[2]["request"]["clientMetadata"] == {"k": "v"}
    assert seen[3]["request"]["groupConfiguration"] == {"groupsToOverride": [], "iamRolesToOverride": [],
                                                        "preferredRole": None}


def test_pre_token_generation_v2_changes_the_access_token(emulator, cognito):
    def pre_token(event, context):
        assert event["version"] == "2" and event["request"]["scopes"] == ["aws.cognito.signin.user.admin"]
        event["response"]["claimsAndScopeOverrideDetails"] = {
            "idTokenGeneration": {"claimsToAddOrOverride": {"plan": "gold"}},
            "accessTokenGeneration": {"claimsToAddOrOverride": {"roles": ["admin"]}, "scopesToAdd": ["orders/read"]}}
        return event

    emulator.services.functions.register("pre-token-v2", pre_token)
    arn = "arn:aws:lambda:us-east-1:123456789012:function:pre-token-v2"
    pool = cognito.describe_user_pool(UserPoolId=POOL)["UserPool"]
    cognito.update_user_pool(UserPoolId=POOL, AutoVerifiedAttributes=["phone_number"], LambdaConfig={
        **pool["LambdaConfig"], "PreTokenGeneration": arn,
        "PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": arn}})
    phone = "+919866000019"
    confirmed_user(emulator, cognito, phone)
    result = otp_sign_in(emulator, cognito, phone)
    assert verify(emulator, result["IdToken"])["plan"] == "gold"
    access = verify(emulator, result["AccessToken"])
    assert access["roles"] == ["admin"]
    assert access["scope"] == "aws.cognito.signin.user.admin orders/read"
    assert cognito.get_user(AccessToken=result["AccessToken"])["Username"] == access["username"]



# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §8.5:
# client_id, username, scope and event_id cannot be changed either.
def test_pre_token_generation_cannot_change_the_four_extra_protected_claims(emulator, cognito):
    forged = {"client_id": "forged", "username": "forged", "scope": "forged", "event_id": "forged"}

    def pre_token(event, context):
        event["response"]["claimsAndScopeOverrideDetails"] = {
            "idTokenGeneration": {"claimsToAddOrOverride": {**forged, "tenant": "acme"}},
            "accessTokenGeneration": {"claimsToAddOrOverride": {**forged, "tenant": "acme"},
                                      "claimsToSuppress": list(forged)}}
        return event

    wire_pre_token(emulator, cognito, pre_token, version="V2_0")
    phone = "+919866000032"
    confirmed_user(emulator, cognito, phone)
    result = otp_sign_in(emulator, cognito, phone)
    id_claims, access = verify(emulator, result["IdToken"]), verify(emulator, result["AccessToken"])
    assert id_claims["tenant"] == access["tenant"] == "acme"  # the function's other changes apply
    user = cognito.admin_get_user(UserPoolId=POOL, Username=phone)["Username"]
    assert (access["client_id"], access["username"], access["scope"]) == (CLIENT, user, "aws.cognito.signin.user.admin")
    assert access["event_id"] != "forged" and id_claims["event_id"] != "forged"
    assert not {"client_id", "username", "scope"} & set(id_claims)


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §8.5:
# a claims section that is not an object is InvalidLambdaResponseException: Unrecognizable lambda output.
@pytest.mark.parametrize("version, response", [
    (None, {"claimsOverrideDetails": "tenant=acme"}),
    ("V2_0", {"claimsAndScopeOverrideDetails": ["tenant"]}),
    ("V2_0", {"claimsAndScopeOverrideDetails": {"idTokenGeneration": "tenant=acme"}}),
    ("V2_0", {"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {"claimsToAddOrOverride": ["tenant"]}}}),
])
def test_a_claims_section_that_is_not_an_object_is_unrecognizable(emulator, cognito, version, response):
    def pre_token(event, context):
        event["response"] = response
        return event

    wire_pre_token(emulator, cognito, pre_token, version=version)
    phone = "+919866000033"
    confirmed_user(emulator, cognito, phone)
    challenge = start_otp(cognito, phone)
    assert error_of(answer, cognito, challenge, phone, latest_code(emulator, phone)) == {
        "Code": "InvalidLambdaResponseException", "Status": 400, "Message": "Unrecognizable lambda output"}
