"""The managed login's passwordless sign-in for an app client with a secret (the emulator makes the SECRET_HASH its
own USER_AUTH start and the code's answer need), and the PostAuthentication trigger told which client signed the user
in. `make mutation` found both untested (tests/test_hosted_login_checks.py covers the password form only)."""

import jwt
import requests

from urllib.parse import parse_qs, urlsplit

from tests.test_oauth import (CALLBACK, POOL, authorize, authorize_url, code_flow, live, redeem,  # noqa: F401
                              signed_in_code, submit, texted_code, user)


def test_a_client_with_a_secret_signs_in_with_a_texted_code(live):
    cognito = live.client()
    told = []

    def post_authentication(event, context):
        told.append(event["callerContext"]["clientId"])
        return event

    live.services.functions.register("hosted-post-auth", post_authentication)
    pool_id = cognito.create_user_pool(
        PoolName="hosted-secret", SmsConfiguration={"SnsCallerArn": "arn:aws:iam::1:role/s"},
        UsernameAttributes=["phone_number"], UserPoolTier="ESSENTIALS",
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "SMS_OTP"]}},
        LambdaConfig={"PostAuthentication": "arn:aws:lambda:us-east-1:123456789012:function:hosted-post-auth"},
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web", GenerateSecret=True, AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid", "phone"], CallbackURLs=[CALLBACK],
        SupportedIdentityProviders=["COGNITO"])["UserPoolClient"]["ClientId"]
    phone = "+919812000091"
    cognito.admin_create_user(UserPoolId=pool_id, Username=phone, MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "phone_number", "Value": phone}, {"Name": "phone_number_verified", "Value": "true"}])
    browser = requests.Session()
    login = authorize(browser, authorize_url(live, client_id=client_id, scope="openid phone"))
    challenge = submit(browser, live, login, username=phone, step="start-SMS_OTP")
    assert "Enter your code" in challenge.text, challenge.text
    answer = submit(browser, live, challenge, code=texted_code(live, phone))
    assert answer.status_code == 302 and answer.headers["Location"].startswith(CALLBACK + "?code="), answer.text
    assert told == [client_id]


def test_a_redeemed_codes_tokens_keep_the_time_of_the_sign_in(live, user):
    """auth_time is when the user signed in at the managed login, not when the code was redeemed
    (docs/cognito-behaviour.md §16.4)."""
    code, verifier, _ = signed_in_code(live, user)
    signed_in = int(live.services.clock.now())
    live.services.clock.advance(120)
    tokens = redeem(live, code, verifier).json()
    claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    assert claims["iat"] >= signed_in + 120
    assert signed_in - 1 <= claims["auth_time"] <= signed_in


def test_implicit_tokens_from_a_kept_session_keep_the_time_of_the_sign_in(live, user):
    """A browser signed in earlier gets implicit-grant tokens at once: auth_time is the sign-in's, not the grant's
    (docs/cognito-behaviour.md §16.4), and PreTokenGeneration is told the managed login made them."""
    sources = []

    def pre_token(event, context):
        sources.append(event["triggerSource"])
        return event

    live.services.functions.register("implicit-pre-token", pre_token)
    live.client().update_user_pool(UserPoolId=POOL, AutoVerifiedAttributes=["email"], LambdaConfig={
        "PreTokenGeneration": "arn:aws:lambda:us-east-1:123456789012:function:implicit-pre-token"})
    _, _, _, browser = code_flow(live, user)
    signed_in = int(live.services.clock.now())
    live.services.clock.advance(120)
    answer = authorize(browser, authorize_url(live, response_type="token"))
    assert answer.status_code == 302 and answer.headers["Location"].startswith(CALLBACK + "#"), answer.text
    fragment = parse_qs(urlsplit(answer.headers["Location"]).fragment)
    claims = jwt.decode(fragment["id_token"][0], options={"verify_signature": False})
    assert claims["iat"] >= signed_in + 120
    assert signed_in - 1 <= claims["auth_time"] <= signed_in
    assert sources == ["TokenGeneration_HostedAuth", "TokenGeneration_HostedAuth"]  # the code's, then the fragment's
