"""The triggerSource PreTokenGeneration is told: TokenGeneration_RefreshTokens for a refresh, and
TokenGeneration_NewPasswordChallenge for a sign-in that changed a temporary password and then answered a second
factor (texted or from an authenticator). `make mutation` found these untested (the sign-in's own steps were, not the
source they hand on)."""

import pytest

from tests.inbox import messages
from tests.test_mfa import PASSWORD, code_now, mfa_pool, password_sign_in, respond, with_totp

ARN = "arn:aws:lambda:us-east-1:123456789012:function:source-pre-token"


def pool_telling(emulator, cognito, sources, **mfa):
    def pre_token_generation(event, context):
        sources.append(event["triggerSource"])
        return event

    emulator.services.functions.register("source-pre-token", pre_token_generation)
    return mfa_pool(cognito, LambdaConfig={"PreTokenGeneration": ARN}, **mfa)


def test_a_refresh_is_told_as_one(emulator, cognito):
    sources = []
    pool_id, client_id = pool_telling(emulator, cognito, sources, mfa="OFF", sms=False, totp=False)
    cognito.admin_create_user(UserPoolId=pool_id, Username="rafa", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="rafa", Password=PASSWORD, Permanent=True)
    tokens = password_sign_in(cognito, client_id, "rafa")["AuthenticationResult"]
    cognito.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                          AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
    assert sources == ["TokenGeneration_Authentication", "TokenGeneration_RefreshTokens"]


def test_a_new_password_then_a_texted_code_is_told_as_the_new_password_challenge(emulator, cognito):
    sources = []
    pool_id, client_id = pool_telling(emulator, cognito, sources, mfa="ON", totp=False)
    cognito.admin_create_user(UserPoolId=pool_id, Username="hal", TemporaryPassword="Temp-Passw0rd!",
                              MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "phone_number", "Value": "+15550901001"}])
    challenge = password_sign_in(cognito, client_id, "hal", "Temp-Passw0rd!")
    challenge = respond(cognito, client_id, challenge, "hal", NEW_PASSWORD=PASSWORD)
    assert challenge["ChallengeName"] == "SMS_MFA"
    respond(cognito, client_id, challenge, "hal", SMS_MFA_CODE=messages(emulator, "+15550901001")[-1]["code"])
    assert sources == ["TokenGeneration_NewPasswordChallenge"]


def test_a_new_password_then_an_authenticator_code_is_told_as_the_new_password_challenge(emulator, cognito):
    sources = []
    pool_id, client_id = pool_telling(emulator, cognito, sources, mfa="OPTIONAL", sms=False)
    secret = with_totp(emulator, cognito, pool_id, client_id, "tove")
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="tove", Password="Temp-Passw0rd!", Permanent=False)
    challenge = password_sign_in(cognito, client_id, "tove", "Temp-Passw0rd!")
    challenge = respond(cognito, client_id, challenge, "tove", NEW_PASSWORD="Other-Passw0rd!")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    respond(cognito, client_id, challenge, "tove", SOFTWARE_TOKEN_MFA_CODE=code_now(emulator, secret))
    assert sources == ["TokenGeneration_Authentication", "TokenGeneration_NewPasswordChallenge"]


@pytest.mark.parametrize("mfa", [{"mfa": "OFF", "sms": False}, {"mfa": "OPTIONAL"}])
def test_a_new_password_with_no_second_factor_is_told_as_the_new_password_challenge(emulator, cognito, mfa):
    """A temporary password changed, and no second factor asked (MFA off, or optional and none turned on):
    TokenGeneration_NewPasswordChallenge."""
    sources = []
    pool_id, client_id = pool_telling(emulator, cognito, sources, totp=False, **mfa)
    cognito.admin_create_user(UserPoolId=pool_id, Username="nia", TemporaryPassword="Temp-Passw0rd!",
                              MessageAction="SUPPRESS")
    challenge = password_sign_in(cognito, client_id, "nia", "Temp-Passw0rd!")
    assert "AuthenticationResult" in respond(cognito, client_id, challenge, "nia", NEW_PASSWORD=PASSWORD)
    assert sources == ["TokenGeneration_NewPasswordChallenge"]


def test_a_first_sign_in_after_a_confirmation_code_is_told_as_authentication(emulator, cognito):
    """The first sign-in of a user who confirmed with a code skips MFA, and is still TokenGeneration_Authentication;
    given a temporary password before it, TokenGeneration_NewPasswordChallenge."""
    sources = []
    pool_id, client_id = pool_telling(emulator, cognito, sources, mfa="ON", totp=False,
                                      AutoVerifiedAttributes=["phone_number"])
    for name, phone in (("gil", "+15550901011"), ("gwen", "+15550901012")):
        cognito.sign_up(ClientId=client_id, Username=name, Password=PASSWORD,
                        UserAttributes=[{"Name": "phone_number", "Value": phone}])
        cognito.confirm_sign_up(ClientId=client_id, Username=name,
                                ConfirmationCode=messages(emulator, phone)[-1]["code"])
    assert "AuthenticationResult" in password_sign_in(cognito, client_id, "gil")
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="gwen", Password="Temp-Passw0rd!", Permanent=False)
    challenge = password_sign_in(cognito, client_id, "gwen", "Temp-Passw0rd!")
    assert "AuthenticationResult" in respond(cognito, client_id, challenge, "gwen", NEW_PASSWORD=PASSWORD)
    assert sources == ["TokenGeneration_Authentication", "TokenGeneration_NewPasswordChallenge"]
