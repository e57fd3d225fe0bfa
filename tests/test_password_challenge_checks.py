"""Password sign-in details `make mutation` found untested: the attributes NEW_PASSWORD_REQUIRED shows (the user's
own, without `sub` or the verified flags), and a PASSWORD_VERIFIER answer whose Session is not its SECRET_BLOCK."""

import json

from pycognito.aws_srp import AWSSRP

from tests.auth_helpers import CLIENT, PASSWORD, POOL, confirmed_user
from tests.conftest import error_of
from tests.test_sign_in_challenges import pool_and_client, sign_in


def test_new_password_required_shows_the_users_attributes_but_not_sub_or_the_verified_flags(cognito):
    pool_id, client_id = pool_and_client(cognito)
    cognito.admin_create_user(UserPoolId=pool_id, Username="olu", TemporaryPassword="Temp-Passw0rd!",
                              MessageAction="SUPPRESS", UserAttributes=[
                                  {"Name": "email", "Value": "olu@example.com"},
                                  {"Name": "email_verified", "Value": "true"}, {"Name": "name", "Value": "Olu"}])
    challenge = sign_in(cognito, client_id, "olu", "Temp-Passw0rd!")
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    # Not sub, an id rather than an attribute to fill in; real Cognito also shows the verified flags here, which the
    # emulator leaves out (docs/cognito-behaviour.md §10, item 10).
    assert json.loads(challenge["ChallengeParameters"]["userAttributes"]) == {
        "email": "olu@example.com", "name": "Olu"}


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §7.6:
# a Session that differs from the SECRET_BLOCK is refused.
def test_a_password_verifier_answer_must_carry_its_own_session_or_none(emulator, cognito):
    confirmed_user(emulator, cognito, "+919711000101")
    confirmed_user(emulator, cognito, "+919711000102")
    mine = AWSSRP(username="+919711000101", password=PASSWORD, pool_id=POOL, client_id=CLIENT, client=cognito)
    other = AWSSRP(username="+919711000102", password=PASSWORD, pool_id=POOL, client_id=CLIENT, client=cognito)
    challenge = cognito.initiate_auth(ClientId=CLIENT, AuthFlow="USER_SRP_AUTH", AuthParameters=mine.get_auth_params())
    others = cognito.initiate_auth(ClientId=CLIENT, AuthFlow="USER_SRP_AUTH", AuthParameters=other.get_auth_params())
    responses = mine.process_challenge(challenge["ChallengeParameters"], mine.get_auth_params())
    # Another sign-in's SECRET_BLOCK as the Session: refused, though the answer itself is right.
    error = error_of(cognito.respond_to_auth_challenge, ClientId=CLIENT, ChallengeName="PASSWORD_VERIFIER",
                     Session=others["ChallengeParameters"]["SECRET_BLOCK"], ChallengeResponses=responses)
    assert (error["Code"], error["Message"]) == ("NotAuthorizedException", "Invalid session for the user.")
    # Its own SECRET_BLOCK as the Session is the same sign-in: tokens.
    result = cognito.respond_to_auth_challenge(ClientId=CLIENT, ChallengeName="PASSWORD_VERIFIER",
                                               Session=challenge["ChallengeParameters"]["SECRET_BLOCK"],
                                               ChallengeResponses=responses)
    assert result["AuthenticationResult"]["AccessToken"]
