"""Tokens: RS256 JWTs with Cognito's claims and issuer, the JWKS, refresh, revocation, and every way a token is
refused."""

import base64
import json
import re

import jwt
import pytest
import requests

from emulator.embedded import EmbeddedEmulator
from emulator.settings import Settings
from tests.auth_helpers import CLIENT, PASSWORD, POOL, confirmed_user, otp_sign_in, wire_pre_token
from tests.conftest import client_for_url, error_of

ROLE = "arn:aws:iam::123456789012:role/{}"
AWS_ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_otpDemo01"


def verify(emulator, token, issuer=AWS_ISSUER, pool=POOL, audience=None):
    """The claims of a token, verified as production code verifies Cognito's: the AWS issuer, keys from the JWKS
    (fetched from the emulator, since the AWS URL does not know its pools)."""
    key = jwt.PyJWKClient(f"{emulator.url}/{pool}/.well-known/jwks.json").get_signing_key_from_jwt(token)
    return jwt.decode(token, key.key, algorithms=["RS256"], issuer=issuer, audience=audience,
                      options={"verify_aud": audience is not None, "verify_exp": False, "verify_iat": False})


def password_client(cognito, pool):
    return cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="web", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]


def password_sign_in(cognito, pool, client, username):
    cognito.sign_up(ClientId=client, Username=username, Password=PASSWORD)
    cognito.admin_confirm_sign_up(UserPoolId=pool, Username=username)
    return cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})["AuthenticationResult"]


@pytest.fixture
def signed_in(emulator, cognito):
    confirmed_user(emulator, cognito, "+919877000001")
    return otp_sign_in(emulator, cognito, "+919877000001")


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §8.12:
# keys and discovery stay on the emulator; the document's issuer is the iss the tokens carry.
def test_jwks_has_a_key_per_token_use(emulator, cognito, signed_in):
    keys = requests.get(f"{emulator.url}/{POOL}/.well-known/jwks.json", timeout=5).json()["keys"]
    assert len(keys) == 2 and keys[0]["kid"] != keys[1]["kid"]
    assert all(key["alg"] == "RS256" and key["kty"] == "RSA" and key["use"] == "sig" and key["e"] == "AQAB" for key in keys)
    # 2048-bit keys, as Cognito's: a 256-byte modulus.
    assert all(len(base64.urlsafe_b64decode(key["n"] + "=" * (-len(key["n"]) % 4))) == 256 for key in keys)
    id_kid = jwt.get_unverified_header(signed_in["IdToken"])["kid"]
    access_kid = jwt.get_unverified_header(signed_in["AccessToken"])["kid"]
    assert {id_kid, access_kid} == {key["kid"] for key in keys}
    discovery = requests.get(f"{emulator.url}/{POOL}/.well-known/openid-configuration", timeout=5).json()
    # The issuer the tokens carry, and keys where they can be fetched: the emulator (docs/cognito-behaviour.md §8.12).
    assert discovery["issuer"] == discovery["authorization_endpoint"] == AWS_ISSUER
    assert discovery["jwks_uri"] == f"{emulator.url}/{POOL}/.well-known/jwks.json"
    assert requests.get(f"{emulator.url}/us-east-1_nothere00/.well-known/jwks.json", timeout=5).status_code == 404


def test_pyjwt_verifies_with_the_issuer_cognito_mints(emulator, cognito, signed_in):
    keys = jwt.PyJWKClient(f"{emulator.url}/{POOL}/.well-known/jwks.json")
    id_token, access = signed_in["IdToken"], signed_in["AccessToken"]
    id_claims = jwt.decode(id_token, keys.get_signing_key_from_jwt(id_token).key, algorithms=["RS256"],
                           issuer="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_otpDemo01", audience=CLIENT)
    access_claims = jwt.decode(access, keys.get_signing_key_from_jwt(access).key, algorithms=["RS256"],
                               issuer="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_otpDemo01")
    assert (id_claims["token_use"], access_claims["token_use"]) == ("id", "access")
    assert cognito.get_user(AccessToken=access)["Username"] == id_claims["cognito:username"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §8.12:
# after a switch, access tokens of the pool's other issuer form are refused.
def test_issuer_configuration_updated(emulator, cognito):
    pool = cognito.create_user_pool(PoolName="global", IssuerConfiguration={"Type": "UPDATED"})["UserPool"]["Id"]
    assert cognito.describe_user_pool(UserPoolId=pool)["UserPool"]["IssuerConfiguration"] == {"Type": "UPDATED"}
    client = password_client(cognito, pool)
    tokens = password_sign_in(cognito, pool, client, "alice")
    updated = f"https://issuer-cognito-idp.us-east-1.amazonaws.com/{pool}"
    assert verify(emulator, tokens["IdToken"], issuer=updated, pool=pool, audience=client)["token_use"] == "id"
    assert verify(emulator, tokens["AccessToken"], issuer=updated, pool=pool)["token_use"] == "access"
    assert cognito.get_user(AccessToken=tokens["AccessToken"])["Username"] == "alice"
    discovery = requests.get(f"{emulator.url}/{pool}/.well-known/openid-configuration", timeout=5).json()
    assert discovery["issuer"] == updated
    # Back to ORIGINAL: new tokens carry the classic form and the pool's tokens with the other form are refused.
    cognito.update_user_pool(UserPoolId=pool, IssuerConfiguration={"Type": "ORIGINAL"})
    assert error_of(cognito.get_user, AccessToken=tokens["AccessToken"])["Message"] == "Invalid Access Token"
    again = cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})["AuthenticationResult"]
    original = f"https://cognito-idp.us-east-1.amazonaws.com/{pool}"
    assert verify(emulator, again["AccessToken"], issuer=original, pool=pool)["iss"] == original


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §8.12:
# IssuerConfiguration absent means ORIGINAL, so an UpdateUserPool that leaves it out goes back to the classic issuer.
def test_an_update_without_issuer_configuration_goes_back_to_the_original_issuer(emulator, cognito):
    pool = cognito.create_user_pool(PoolName="global", IssuerConfiguration={"Type": "UPDATED"})["UserPool"]["Id"]
    client = password_client(cognito, pool)
    updated = password_sign_in(cognito, pool, client, "alice")
    assert jwt.decode(updated["IdToken"], options={"verify_signature": False})["iss"] == (
        f"https://issuer-cognito-idp.us-east-1.amazonaws.com/{pool}")
    cognito.update_user_pool(UserPoolId=pool)  # IssuerConfiguration left out
    tokens = cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})["AuthenticationResult"]
    original = f"https://cognito-idp.us-east-1.amazonaws.com/{pool}"
    assert verify(emulator, tokens["AccessToken"], issuer=original, pool=pool)["iss"] == original
    discovery = requests.get(f"{emulator.url}/{pool}/.well-known/openid-configuration", timeout=5).json()
    assert discovery["issuer"] == original
    # A pool made without the setting mints the classic form too.
    plain = cognito.create_user_pool(PoolName="plain")["UserPool"]["Id"]
    plain_client = password_client(cognito, plain)
    plain_tokens = password_sign_in(cognito, plain, plain_client, "bob")
    assert jwt.decode(plain_tokens["IdToken"], options={"verify_signature": False})["iss"] == (
        f"https://cognito-idp.us-east-1.amazonaws.com/{plain}")


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §8.12:
# the `--issuer emulator` setting.
def test_the_emulator_issuer_option(spawn):
    process = spawn("--data", ":memory:", "--issuer", "emulator").wait_ready()
    cognito = client_for_url(process.url)
    tokens = password_sign_in(cognito, POOL, CLIENT, "+919877000009")
    issuer = jwt.decode(tokens["IdToken"], options={"verify_signature": False})["iss"]
    assert issuer == f"{process.url}/{POOL}"
    # An OIDC client finds everything from the issuer alone.
    discovery = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5).json()
    assert discovery["issuer"] == issuer and discovery["jwks_uri"] == f"{issuer}/.well-known/jwks.json"
    keys = jwt.PyJWKClient(f"{issuer}/.well-known/jwks.json")
    for token, audience in ((tokens["IdToken"], CLIENT), (tokens["AccessToken"], None)):
        jwt.decode(token, keys.get_signing_key_from_jwt(token).key, algorithms=["RS256"], issuer=issuer,
                   audience=audience)
    assert cognito.get_user(AccessToken=tokens["AccessToken"])["Username"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §8.12:
# which issuer each setting accepts.
def test_the_emulator_setting_refuses_the_aws_issuer():
    with EmbeddedEmulator(Settings(data=":memory:", port=0, issuer="emulator")) as running:
        cognito = running.client()
        tokens = password_sign_in(cognito, POOL, CLIENT, "+919877000010")
        own_key = running.services.tokens._pool_keys(POOL)["access"]["private"]
        assert cognito.get_user(AccessToken=forge(tokens["AccessToken"], key=own_key))["Username"]  # the control
        forged = forge(tokens["AccessToken"], claim_changes={"iss": AWS_ISSUER}, key=own_key)
        assert error_of(cognito.get_user, AccessToken=forged)["Message"] == "Invalid Access Token"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §8.12:
# an unknown issuer setting refused at start.
def test_an_unknown_issuer_setting_is_refused():
    with pytest.raises(ValueError, match="issuer must be one of cognito, emulator"):
        EmbeddedEmulator(Settings(data=":memory:", port=0, issuer="aws"))


def test_claims(emulator, cognito, signed_in):
    user = cognito.admin_get_user(UserPoolId=POOL, Username="+919877000001")["Username"]
    id_claims = verify(emulator, signed_in["IdToken"], audience=CLIENT)
    assert id_claims["token_use"] == "id"
    assert id_claims["cognito:username"] == id_claims["sub"] == user
    assert id_claims["phone_number_verified"] is True
    assert {"auth_time", "exp", "iat", "jti", "origin_jti", "event_id"} <= set(id_claims)
    access = verify(emulator, signed_in["AccessToken"])
    assert "aud" not in access
    assert (access["token_use"], access["scope"], access["username"], access["client_id"]) == (
        "access", "aws.cognito.signin.user.admin", user, CLIENT)
    assert access["origin_jti"] == id_claims["origin_jti"] and access["jti"] != id_claims["jti"]
    assert access["exp"] - access["iat"] == 3600


UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


# The claim sets of the Developer Guide's sample ID and access tokens, for a sign-in through the API; jti is each
# token's own, event_id the sign-in's (both tokens share it), and a new sign-in has new ones.
def test_a_sign_in_has_exactly_cognitos_claims_and_its_own_ids(emulator, cognito, signed_in):
    id_claims = verify(emulator, signed_in["IdToken"], audience=CLIENT)
    access = verify(emulator, signed_in["AccessToken"])
    assert set(id_claims) == {"sub", "phone_number_verified", "iss", "cognito:username", "origin_jti", "aud",
                              "event_id", "token_use", "auth_time", "phone_number", "exp", "iat", "jti"}
    assert set(access) == {"sub", "iss", "client_id", "origin_jti", "event_id", "token_use", "scope", "auth_time",
                           "exp", "iat", "jti", "username"}
    for claims in (id_claims, access):
        assert all(re.fullmatch(UUID, claims[name]) for name in ("jti", "event_id", "origin_jti"))
    assert access["event_id"] == id_claims["event_id"]
    again = otp_sign_in(emulator, cognito, "+919877000001")
    id_again, access_again = verify(emulator, again["IdToken"], audience=CLIENT), verify(emulator, again["AccessToken"])
    assert len({id_claims["jti"], access["jti"], id_again["jti"], access_again["jti"]}) == 4
    assert id_again["event_id"] == access_again["event_id"] != id_claims["event_id"]
    assert id_again["origin_jti"] != id_claims["origin_jti"]


def test_group_claims_ordered_by_precedence_with_the_preferred_role(emulator, cognito):
    phone = "+919877000004"
    confirmed_user(emulator, cognito, phone)
    for name, precedence, role in (("readers", None, "reader"), ("editors", 2, "editor"), ("admins", 1, "admin"),
                                   ("no-role", 0, None)):
        cognito.create_group(GroupName=name, UserPoolId=POOL, **({"Precedence": precedence} if precedence is not None else {}),
                             **({"RoleArn": ROLE.format(role)} if role else {}))
        cognito.admin_add_user_to_group(UserPoolId=POOL, Username=phone, GroupName=name)
    tokens = otp_sign_in(emulator, cognito, phone)
    id_claims, access_claims = verify(emulator, tokens["IdToken"], audience=CLIENT), verify(emulator, tokens["AccessToken"])
    assert id_claims["cognito:groups"] == ["no-role", "admins", "editors", "readers"]
    assert id_claims["cognito:roles"] == [ROLE.format(r) for r in ("admin", "editor", "reader")]
    assert id_claims["cognito:preferred_role"] == ROLE.format("admin")
    assert list(id_claims)[:2] == ["sub", "cognito:groups"]
    assert access_claims["cognito:groups"] == id_claims["cognito:groups"]
    assert "cognito:roles" not in access_claims and "cognito:preferred_role" not in access_claims
    # A tie on the best precedence between two different roles: no preferred role.
    cognito.update_group(GroupName="editors", UserPoolId=POOL, Precedence=1, RoleArn=ROLE.format("editor"))
    assert "cognito:preferred_role" not in verify(emulator, otp_sign_in(emulator, cognito, phone)["IdToken"], audience=CLIENT)
    # Refreshed tokens see membership changes; a user in no group has no group claims.
    for name in ("readers", "editors", "admins", "no-role"):
        cognito.admin_remove_user_from_group(UserPoolId=POOL, Username=phone, GroupName=name)
    refreshed = cognito.initiate_auth(ClientId=CLIENT, AuthFlow="REFRESH_TOKEN_AUTH",
                                      AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})["AuthenticationResult"]
    assert not {"cognito:groups", "cognito:roles", "cognito:preferred_role"} & set(verify(emulator, refreshed["IdToken"], audience=CLIENT))


# Suppressing a claim the token lacks is no error: docs/cognito-behaviour.md §8.5.
def test_pre_token_generation_may_suppress_claims_the_token_does_not_carry(emulator, cognito):
    def pre_token(event, context):
        event["response"]["claimsOverrideDetails"] = {"claimsToSuppress": ["nickname", "phone_number"]}
        return event

    wire_pre_token(emulator, cognito, pre_token)
    confirmed_user(emulator, cognito, "+919877000005")
    id_claims = verify(emulator, otp_sign_in(emulator, cognito, "+919877000005")["IdToken"], audience=CLIENT)
    assert "phone_number" not in id_claims and "nickname" not in id_claims and id_claims["phone_number_verified"]


def test_validity_comes_from_the_client(emulator, cognito):
    client = cognito.create_user_pool_client(
        UserPoolId=POOL, ClientName="short", ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        AccessTokenValidity=5, IdTokenValidity=10, TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes"},
    )["UserPoolClient"]["ClientId"]
    confirmed_user(emulator, cognito, "+919877000002")
    tokens = otp_sign_in(emulator, cognito, "+919877000002", client=client)
    assert tokens["ExpiresIn"] == 300
    access, id_token = verify(emulator, tokens["AccessToken"]), verify(emulator, tokens["IdToken"])
    assert (access["exp"] - access["iat"], id_token["exp"] - id_token["iat"]) == (300, 600)


def test_expired_access_token_on_the_emulator_clock(emulator, cognito, signed_in):
    emulator.services.clock.advance(3601)
    assert error_of(cognito.get_user, AccessToken=signed_in["AccessToken"]) == {
        "Code": "NotAuthorizedException", "Status": 400, "Message": "Access Token has expired"}


def forge(token, header_changes=None, claim_changes=None, key=None):
    header = {**jwt.get_unverified_header(token), **(header_changes or {})}
    claims = {**jwt.decode(token, options={"verify_signature": False}), **(claim_changes or {})}
    if key is not None:
        return jwt.encode(claims, key, algorithm="RS256", headers=header)

    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(claims)}.{token.split('.')[2]}"


def test_refused_tokens(emulator, cognito, signed_in):
    from cryptography.hazmat.primitives.asymmetric import rsa

    access = signed_in["AccessToken"]
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other_pool = cognito.create_user_pool(PoolName="other")["UserPool"]["Id"]
    other_key = emulator.services.tokens._pool_keys(other_pool)["access"]["private"]
    own_key = emulator.services.tokens._pool_keys(POOL)["access"]["private"]
    assert cognito.get_user(AccessToken=forge(access, key=own_key))["Username"]  # re-signing alone changes nothing
    forgeries = [
        forge(access, claim_changes={"username": "someone-else"}),  # tampered payload
        forge(access, {"alg": "none"}).rsplit(".", 1)[0] + ".",  # alg none
        forge(access, key=stranger),  # a key that is not the pool's
        forge(access, key=other_key),  # another pool's key
        signed_in["IdToken"],  # an ID token is not an access token
        "abc.def.ghi",
        # Foreign issuers, signed with the pool's own key: only the issuer check stands in the way.
        *(forge(access, claim_changes={"iss": issuer}, key=own_key) for issuer in (
            f"{emulator.url}/{POOL}",  # the --issuer emulator form
            f"https://issuer-cognito-idp.us-east-1.amazonaws.com/{POOL}",  # UPDATED form, pool is ORIGINAL
            f"https://cognito-idp.eu-west-1.amazonaws.com/{POOL}",  # another region
            f"https://attacker.example/{POOL}",
            "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_nothere00",  # a pool that does not exist
        )),
    ]
    for forged in forgeries:
        assert error_of(cognito.get_user, AccessToken=forged) == {
            "Code": "NotAuthorizedException", "Status": 400, "Message": "Invalid Access Token"}


def test_refresh_keeps_the_sign_in_and_issues_no_new_refresh_token(emulator, cognito, signed_in):
    emulator.services.clock.advance(600)
    refreshed = cognito.initiate_auth(ClientId=CLIENT, AuthFlow="REFRESH_TOKEN_AUTH",
                                      AuthParameters={"REFRESH_TOKEN": signed_in["RefreshToken"]})
    result = refreshed["AuthenticationResult"]
    assert "RefreshToken" not in result
    before, after = verify(emulator, signed_in["IdToken"]), verify(emulator, result["IdToken"])
    assert after["auth_time"] == before["auth_time"] and after["origin_jti"] == before["origin_jti"]
    assert after["iat"] >= before["iat"] + 600 and after["jti"] != before["jti"]
    from_operation = cognito.get_tokens_from_refresh_token(RefreshToken=signed_in["RefreshToken"], ClientId=CLIENT)
    assert verify(emulator, from_operation["AuthenticationResult"]["AccessToken"])["token_use"] == "access"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §8.6:
# the wording for an expired refresh token.
def test_refresh_token_errors(emulator, cognito, signed_in):
    assert error_of(cognito.initiate_auth, ClientId=CLIENT, AuthFlow="REFRESH_TOKEN_AUTH",
                    AuthParameters={"REFRESH_TOKEN": "not-a-token"}) == {
        "Code": "NotAuthorizedException", "Status": 400, "Message": "Invalid Refresh Token."}
    other = cognito.create_user_pool_client(UserPoolId=POOL, ClientName="other")["UserPoolClient"]["ClientId"]
    assert error_of(cognito.get_tokens_from_refresh_token, RefreshToken=signed_in["RefreshToken"],
                    ClientId=other)["Message"] == "Invalid Refresh Token."
    emulator.services.clock.advance(30 * 86400 + 1)
    assert error_of(cognito.get_tokens_from_refresh_token, RefreshToken=signed_in["RefreshToken"],
                    ClientId=CLIENT)["Message"] == "Refresh Token has expired"


def test_rotation_returns_a_new_refresh_token(emulator, cognito):
    client = cognito.create_user_pool_client(
        UserPoolId=POOL, ClientName="rotating", ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 0})["UserPoolClient"]["ClientId"]
    confirmed_user(emulator, cognito, "+919877000003")
    first = otp_sign_in(emulator, cognito, "+919877000003", client=client)["RefreshToken"]
    second = cognito.get_tokens_from_refresh_token(RefreshToken=first, ClientId=client)["AuthenticationResult"]["RefreshToken"]
    assert second != first
    emulator.services.clock.advance(1)
    assert error_of(cognito.get_tokens_from_refresh_token, RefreshToken=first, ClientId=client)["Code"] == "NotAuthorizedException"
    assert cognito.get_tokens_from_refresh_token(RefreshToken=second, ClientId=client)["AuthenticationResult"]


# The rotated-out token's refusal wording is the emulator's choice: docs/cognito-behaviour.md §8.6.
@pytest.mark.parametrize("rotation, grace", [({"Feature": "ENABLED", "RetryGracePeriodSeconds": 30}, 30),
                                             ({"Feature": "ENABLED"}, 0)])
def test_a_rotated_refresh_token_works_for_the_grace_period_only(emulator, cognito, rotation, grace):
    client = cognito.create_user_pool_client(
        UserPoolId=POOL, ClientName="rotating", ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        RefreshTokenRotation=rotation)["UserPoolClient"]["ClientId"]
    confirmed_user(emulator, cognito, "+919877000003")
    first = otp_sign_in(emulator, cognito, "+919877000003", client=client)["RefreshToken"]
    emulator.services.clock.freeze()
    assert cognito.get_tokens_from_refresh_token(RefreshToken=first, ClientId=client)["AuthenticationResult"]
    if grace:
        emulator.services.clock.advance(grace - 1)
        retried = cognito.get_tokens_from_refresh_token(RefreshToken=first, ClientId=client)["AuthenticationResult"]
        assert retried["RefreshToken"] != first
        emulator.services.clock.advance(1)
    assert error_of(cognito.get_tokens_from_refresh_token, RefreshToken=first, ClientId=client)["Message"] == (
        "Refresh Token has expired")


def test_revoke_token_and_admin_global_sign_out(emulator, cognito, signed_in):
    cognito.revoke_token(Token=signed_in["RefreshToken"], ClientId=CLIENT)
    assert error_of(cognito.get_user, AccessToken=signed_in["AccessToken"])["Message"] == "Access Token has been revoked"
    assert cognito.revoke_token(Token="unknown-token", ClientId=CLIENT)["ResponseMetadata"]["HTTPStatusCode"] == 200
    second = otp_sign_in(emulator, cognito, "+919877000001")
    assert cognito.get_user(AccessToken=second["AccessToken"])
    cognito.admin_user_global_sign_out(UserPoolId=POOL, Username="+919877000001")
    assert error_of(cognito.get_user, AccessToken=second["AccessToken"])["Message"] == "Access Token has been revoked"


def test_deleted_or_disabled_user(emulator, cognito, signed_in):
    cognito.admin_disable_user(UserPoolId=POOL, Username="+919877000001")
    assert error_of(cognito.get_user, AccessToken=signed_in["AccessToken"])["Message"] == "User is disabled."
    cognito.admin_delete_user(UserPoolId=POOL, Username="+919877000001")
    assert error_of(cognito.get_user, AccessToken=signed_in["AccessToken"])["Code"] == "UserNotFoundException"


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §8.2:
# a kid is the base64 SHA-256 of the public key (DER SubjectPublicKeyInfo).
def test_a_kid_is_the_base64_sha256_of_its_public_key(emulator, cognito, signed_in):
    import hashlib

    from cryptography.hazmat.primitives import serialization

    keys = requests.get(f"{emulator.url}/{POOL}/.well-known/jwks.json", timeout=5).json()["keys"]
    for key in keys:
        public = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(key))
        der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        assert key["kid"] == base64.b64encode(hashlib.sha256(der).digest()).decode()


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §8.6:
# a disabled user's refresh token is refused with NotAuthorizedException: User is disabled.
def test_a_disabled_users_refresh_token_is_refused(emulator, cognito, signed_in):
    cognito.admin_disable_user(UserPoolId=POOL, Username="+919877000001")
    disabled = {"Code": "NotAuthorizedException", "Status": 400, "Message": "User is disabled."}
    assert error_of(cognito.initiate_auth, ClientId=CLIENT, AuthFlow="REFRESH_TOKEN_AUTH",
                    AuthParameters={"REFRESH_TOKEN": signed_in["RefreshToken"]}) == disabled
    assert error_of(cognito.get_tokens_from_refresh_token, RefreshToken=signed_in["RefreshToken"],
                    ClientId=CLIENT) == disabled
    cognito.admin_enable_user(UserPoolId=POOL, Username="+919877000001")
    assert cognito.get_tokens_from_refresh_token(RefreshToken=signed_in["RefreshToken"],
                                                 ClientId=CLIENT)["AuthenticationResult"]["AccessToken"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §8.8:
# the three messages of RevokeToken's refusals.
def test_revoke_token_refusals_are_worded(emulator, cognito, signed_in):
    no_revocation = cognito.create_user_pool_client(UserPoolId=POOL, ClientName="no-revocation",
                                                    EnableTokenRevocation=False)["UserPoolClient"]["ClientId"]
    assert error_of(cognito.revoke_token, Token=signed_in["RefreshToken"], ClientId=no_revocation) == {
        "Code": "UnsupportedOperationException", "Status": 400,
        "Message": "Token revocation is not enabled for this app client."}
    assert error_of(cognito.revoke_token, Token=signed_in["RefreshToken"], ClientId="nosuchclient") == {
        "Code": "UnauthorizedException", "Status": 400, "Message": "Client nosuchclient does not exist."}
    secret = cognito.create_user_pool_client(UserPoolId=POOL, ClientName="secret",
                                             GenerateSecret=True)["UserPoolClient"]["ClientId"]
    assert error_of(cognito.revoke_token, Token=signed_in["RefreshToken"], ClientId=secret,
                    ClientSecret="notTheSecretAtAllButLongEnough") == {
        "Code": "UnauthorizedException", "Status": 400, "Message": f"Unable to verify secret for client {secret}"}
    assert cognito.get_user(AccessToken=signed_in["AccessToken"])  # nothing was revoked


def test_keys_and_tokens_survive_a_restart(tmp_path):
    settings = Settings(data=str(tmp_path), port=0)
    with EmbeddedEmulator(settings) as first:
        cognito = first.client()
        confirmed_user(first, cognito, "+919877000004")
        tokens = otp_sign_in(first, cognito, "+919877000004")
        kids = [key["kid"] for key in first.services.tokens.jwks(POOL)["keys"]]
    with EmbeddedEmulator(Settings(data=str(tmp_path), port=0, public_url=first.url)) as second:
        assert [key["kid"] for key in second.services.tokens.jwks(POOL)["keys"]] == kids
        assert second.client().get_user(AccessToken=tokens["AccessToken"])["Username"]


def test_revoke_token_for_an_unknown_client_is_unauthorized(cognito, signed_in):
    error = error_of(cognito.revoke_token, Token=signed_in["RefreshToken"], ClientId="nosuchclient")
    assert (error["Code"], error["Status"]) == ("UnauthorizedException", 400)
    assert cognito.get_user(AccessToken=signed_in["AccessToken"])["Username"]  # nothing was revoked


def test_tokens_of_a_deleted_user_do_not_work_for_a_new_user_of_the_same_name(emulator, cognito):
    pool = cognito.create_user_pool(PoolName="plain-names")["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="web", ExplicitAuthFlows=[
        "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]

    def make_alice():
        cognito.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS")
        cognito.admin_set_user_password(UserPoolId=pool, Username="alice", Password="Passw0rd!x", Permanent=True)

    make_alice()
    old = cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": "alice", "PASSWORD": "Passw0rd!x"})["AuthenticationResult"]
    cognito.admin_delete_user(UserPoolId=pool, Username="alice")
    emulator.services.clock.advance(2)  # the new alice is made in a later second than the old one signed in
    make_alice()
    assert error_of(cognito.get_user, AccessToken=old["AccessToken"])["Code"] == "UserNotFoundException"
    refreshed = error_of(cognito.initiate_auth, ClientId=client, AuthFlow="REFRESH_TOKEN_AUTH",
                         AuthParameters={"REFRESH_TOKEN": old["RefreshToken"]})
    assert (refreshed["Code"], refreshed["Message"]) == ("NotAuthorizedException", "Invalid Refresh Token.")


def test_id_token_attribute_claims_follow_the_clients_read_attributes_and_types(emulator, cognito):
    """Verified flags are JSON booleans and a numeric updated_at a number; other attributes stay strings even when
    all digits; a client's ReadAttributes limits the ID token's attributes and GetUser's, never hiding sub
    (docs/cognito-behaviour.md §8.3)."""
    pool = cognito.create_user_pool(PoolName="claims")["UserPool"]["Id"]
    flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    every = cognito.create_user_pool_client(UserPoolId=pool, ClientName="every",
                                            ExplicitAuthFlows=flows)["UserPoolClient"]["ClientId"]
    some = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="some", ExplicitAuthFlows=flows,
        ReadAttributes=["email", "email_verified", "nickname"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="ivy", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "email", "Value": "ivy@example.com"}, {"Name": "email_verified", "Value": "true"},
        {"Name": "nickname", "Value": "1234"}, {"Name": "updated_at", "Value": "1700000000"}])
    cognito.admin_set_user_password(UserPoolId=pool, Username="ivy", Password=PASSWORD, Permanent=True)

    def tokens(client):
        return cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
            "USERNAME": "ivy", "PASSWORD": PASSWORD})["AuthenticationResult"]

    issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{pool}"
    full = verify(emulator, tokens(every)["IdToken"], issuer=issuer, pool=pool)
    assert (full["email_verified"], full["nickname"], full["updated_at"]) == (True, "1234", 1700000000)
    limited_tokens = tokens(some)
    limited = verify(emulator, limited_tokens["IdToken"], issuer=issuer, pool=pool)
    assert (limited["email"], limited["email_verified"], limited["nickname"]) == ("ivy@example.com", True, "1234")
    assert "updated_at" not in limited and limited["sub"] == full["sub"]
    shown = {a["Name"] for a in cognito.get_user(AccessToken=limited_tokens["AccessToken"])["UserAttributes"]}
    assert shown == {"sub", "email", "email_verified", "nickname"}


def test_a_refresh_token_is_shaped_like_cognitos_jwe(emulator, cognito, signed_in):
    """Opaque, but shaped as Cognito's: five base64url parts, the JWE header RSA-OAEP/A256GCM, a 96-bit IV and a
    128-bit tag (RFC 7518 §5.3)."""
    parts = signed_in["RefreshToken"].split(".")
    assert len(parts) == 5
    assert all(part and set(part) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
               for part in parts)

    def decoded(part):
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))

    assert json.loads(decoded(parts[0])) == {"cty": "JWT", "enc": "A256GCM", "alg": "RSA-OAEP"}
    assert (len(decoded(parts[2])), len(decoded(parts[4]))) == (12, 16)
