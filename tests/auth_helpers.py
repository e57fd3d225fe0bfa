"""Shared steps for the sign-in tests: a confirmed user of the seeded pool, the OTP round trip."""

import jwt

from tests.inbox import latest_code, messages

POOL = "us-east-1_otpDemo01"
CLIENT = "otpdemowebclient0000000001"
PASSWORD = "Generated-Passw0rd!"


def confirmed_user(emulator, cognito, phone, password=PASSWORD, client=CLIENT):
    cognito.sign_up(ClientId=client, Username=phone, Password=password)
    cognito.confirm_sign_up(ClientId=client, Username=phone, ConfirmationCode=latest_code(emulator, phone))


def start_otp(cognito, phone, client=CLIENT, **extra):
    return cognito.initiate_auth(ClientId=client, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": phone}, **extra)


def answer(cognito, challenge, username, code, client=CLIENT, **extra):
    return cognito.respond_to_auth_challenge(ClientId=client, ChallengeName="CUSTOM_CHALLENGE",
                                             Session=challenge["Session"],
                                             ChallengeResponses={"USERNAME": username, "ANSWER": code}, **extra)


def wire_pre_token(emulator, cognito, handler, version=None):
    """`handler` as the seeded pool's PreTokenGeneration (the V1_0 event unless `version` says another)."""
    emulator.services.functions.register("pre-token", handler)
    arn = "arn:aws:lambda:us-east-1:123456789012:function:pre-token"
    pool = cognito.describe_user_pool(UserPoolId=POOL)["UserPool"]
    config = {**pool["LambdaConfig"], "PreTokenGeneration": arn}
    if version:
        config["PreTokenGenerationConfig"] = {"LambdaVersion": version, "LambdaArn": arn}
    cognito.update_user_pool(UserPoolId=POOL, AutoVerifiedAttributes=["phone_number"], LambdaConfig=config)


def otp_sign_in(emulator, cognito, phone, client=CLIENT):
    challenge = start_otp(cognito, phone, client)
    return answer(cognito, challenge, phone, latest_code(emulator, phone), client)["AuthenticationResult"]


def wrong_code(code):
    return "000000" if code != "000000" else "111111"


def verify(emulator, token, pool=POOL, audience=None):
    """The claims of a token, verified the way an app's back end would: keys from the JWKS URL."""
    issuer = f"https://cognito-idp.{pool.split('_')[0]}.amazonaws.com/{pool}"  # what Cognito mints
    signing_key = jwt.PyJWKClient(f"{emulator.url}/{pool}/.well-known/jwks.json").get_signing_key_from_jwt(token)
    return jwt.decode(token, signing_key.key, algorithms=["RS256"], issuer=issuer, audience=audience,
                      options={"verify_aud": audience is not None, "verify_exp": False, "verify_iat": False})


__all__ = ["POOL", "CLIENT", "PASSWORD", "confirmed_user", "start_otp", "answer", "otp_sign_in", "wrong_code",
           "verify", "latest_code", "messages"]
