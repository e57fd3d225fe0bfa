"""Pool settings that change who a username names and what a user may hold: UsernameConfiguration.CaseSensitive,
a required standard attribute, a non-mutable or developer-only custom attribute and an email alias, each set to a
non-default value."""

from tests.auth_helpers import PASSWORD
from tests.conftest import error_of
from tests.test_tokens import password_client, password_sign_in


def pool_with(cognito, name, **settings):
    """A new pool with `settings`, and an app client that signs in with USER_PASSWORD_AUTH."""
    pool = cognito.create_user_pool(PoolName=name, **settings)["UserPool"]["Id"]
    return pool, password_client(cognito, pool)


def attributes_of(cognito, pool, username):
    return {a["Name"]: a["Value"] for a in cognito.admin_get_user(UserPoolId=pool, Username=username)["UserAttributes"]}


def password_auth(cognito, client, username):
    return cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})


# -- UsernameConfiguration.CaseSensitive (docs/cognito-behaviour.md §3.3) ---------------------------------------

def test_a_case_insensitive_pool_finds_a_user_by_any_case_and_refuses_another_case(cognito):
    pool, client = pool_with(cognito, "any-case", UsernameConfiguration={"CaseSensitive": False})
    sub = cognito.sign_up(ClientId=client, Username="Alice", Password=PASSWORD)["UserSub"]
    for spelling in ("Alice", "ALICE", "alice"):
        assert attributes_of(cognito, pool, spelling)["sub"] == sub
    assert error_of(cognito.sign_up, ClientId=client, Username="alice", Password=PASSWORD) == {
        "Code": "UsernameExistsException", "Status": 400, "Message": "User already exists"}
    assert len(cognito.list_users(UserPoolId=pool)["Users"]) == 1
    # The same holds for signing in.
    cognito.admin_confirm_sign_up(UserPoolId=pool, Username="ALICE")
    assert "AccessToken" in password_auth(cognito, client, "aLiCe")["AuthenticationResult"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §5.1:
# AdminCreateUser's UsernameExistsException message.
def test_a_case_insensitive_pool_refuses_an_admin_created_user_in_another_case(cognito):
    pool, _ = pool_with(cognito, "any-case-admin", UsernameConfiguration={"CaseSensitive": False})
    cognito.admin_create_user(UserPoolId=pool, Username="Alice", MessageAction="SUPPRESS")
    assert cognito.admin_get_user(UserPoolId=pool, Username="ALICE")["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert error_of(cognito.admin_create_user, UserPoolId=pool, Username="alice", MessageAction="SUPPRESS") == {
        "Code": "UsernameExistsException", "Status": 400, "Message": "User account already exists."}


def test_a_case_sensitive_pool_treats_another_case_as_another_user(cognito):
    pool, client = pool_with(cognito, "exact-case")  # CaseSensitive: true, the default
    cognito.sign_up(ClientId=client, Username="Alice", Password=PASSWORD)
    assert error_of(cognito.admin_get_user, UserPoolId=pool, Username="ALICE") == {
        "Code": "UserNotFoundException", "Status": 400, "Message": "User does not exist."}
    cognito.sign_up(ClientId=client, Username="alice", Password=PASSWORD)
    assert sorted(user["Username"] for user in cognito.list_users(UserPoolId=pool)["Users"]) == ["Alice", "alice"]


# -- a required standard attribute (docs/cognito-behaviour.md §3.5) --------------------------------------------

def test_a_required_email_must_be_given_at_sign_up_and_creation(cognito):
    pool, client = pool_with(cognito, "email-required", Schema=[
        {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}])
    required = {"Code": "InvalidParameterException", "Status": 400,
                "Message": "Attributes did not conform to the schema: email: The attribute is required"}
    assert error_of(cognito.sign_up, ClientId=client, Username="bea", Password=PASSWORD,
                    UserAttributes=[{"Name": "name", "Value": "Bea"}]) == required
    assert error_of(cognito.admin_create_user, UserPoolId=pool, Username="bea", MessageAction="SUPPRESS") == required
    assert cognito.list_users(UserPoolId=pool)["Users"] == []
    cognito.sign_up(ClientId=client, Username="bea", Password=PASSWORD,
                    UserAttributes=[{"Name": "email", "Value": "bea@example.com"}])
    assert attributes_of(cognito, pool, "bea")["email"] == "bea@example.com"


# -- a non-mutable custom attribute, the user's own update (docs/cognito-behaviour.md §12.1) -------------------

def test_a_user_cannot_change_a_non_mutable_custom_attribute(cognito):
    pool, client = pool_with(cognito, "fixed-tenant", Schema=[
        {"Name": "tenant", "AttributeDataType": "String", "Mutable": False},
        {"Name": "team", "AttributeDataType": "String", "Mutable": True}])
    tokens = password_sign_in(cognito, pool, client, "tess")
    cognito.admin_update_user_attributes(UserPoolId=pool, Username="tess",
                                         UserAttributes=[{"Name": "custom:tenant", "Value": "acme"}])
    for value in ("globex", "acme", ""):  # another value, the same one, and deleting it
        assert error_of(cognito.update_user_attributes, AccessToken=tokens["AccessToken"],
                        UserAttributes=[{"Name": "custom:tenant", "Value": value}]) == {
            "Code": "NotAuthorizedException", "Status": 400,
            "Message": "A client attempted to write unauthorized attribute"}
    # A mutable custom attribute of the same pool still changes.
    cognito.update_user_attributes(AccessToken=tokens["AccessToken"],
                                   UserAttributes=[{"Name": "custom:team", "Value": "blue"}])
    attributes = attributes_of(cognito, pool, "tess")
    assert (attributes["custom:tenant"], attributes["custom:team"]) == ("acme", "blue")


# The refusal's wording is the emulator's choice: docs/cognito-behaviour.md §12.1.
def test_a_developer_only_attribute_is_written_by_the_administrator_only(cognito):
    pool, client = pool_with(cognito, "dev-only", Schema=[
        {"Name": "plan", "AttributeDataType": "String", "Mutable": True, "DeveloperOnlyAttribute": True}])
    tokens = password_sign_in(cognito, pool, client, "dev")
    cognito.admin_update_user_attributes(UserPoolId=pool, Username="dev",
                                         UserAttributes=[{"Name": "dev:custom:plan", "Value": "gold"}])
    refused = {"Code": "NotAuthorizedException", "Status": 400,
               "Message": "A client attempted to write unauthorized attribute"}
    assert error_of(cognito.update_user_attributes, AccessToken=tokens["AccessToken"],
                    UserAttributes=[{"Name": "dev:custom:plan", "Value": "platinum"}]) == refused
    assert error_of(cognito.delete_user_attributes, AccessToken=tokens["AccessToken"],
                    UserAttributeNames=["dev:custom:plan"]) == refused
    assert attributes_of(cognito, pool, "dev")["dev:custom:plan"] == "gold"


def test_a_case_insensitive_pool_matches_emails_and_aliases_in_any_case(cognito):
    pool, client = pool_with(cognito, "any-case-email", UsernameConfiguration={"CaseSensitive": False},
                             UsernameAttributes=["email"])
    cognito.sign_up(ClientId=client, Username="Alice@Example.com", Password=PASSWORD)
    cognito.admin_confirm_sign_up(UserPoolId=pool, Username="alice@example.com")
    assert "AccessToken" in password_auth(cognito, client, "ALICE@example.COM")["AuthenticationResult"]
    assert error_of(cognito.sign_up, ClientId=client, Username="alice@example.com", Password=PASSWORD)["Code"] == (
        "UsernameExistsException")
    assert len(cognito.list_users(UserPoolId=pool)["Users"]) == 1
    # Nor may another user take the address in another case.
    cognito.sign_up(ClientId=client, Username="bob@example.com", Password=PASSWORD)
    assert error_of(cognito.admin_update_user_attributes, UserPoolId=pool, Username="bob@example.com",
                    UserAttributes=[{"Name": "email", "Value": "ALICE@example.com"}])["Code"] == "AliasExistsException"
    # Aliases too: a verified email and a preferred_username, typed in another case.
    pool, client = pool_with(cognito, "any-case-alias", UsernameConfiguration={"CaseSensitive": False},
                             AliasAttributes=["email", "preferred_username"])
    cognito.sign_up(ClientId=client, Username="dana", Password=PASSWORD, UserAttributes=[
        {"Name": "email", "Value": "Dana@Example.com"}, {"Name": "preferred_username", "Value": "DanaK"}])
    cognito.admin_confirm_sign_up(UserPoolId=pool, Username="dana")
    cognito.admin_update_user_attributes(UserPoolId=pool, Username="dana",
                                         UserAttributes=[{"Name": "email_verified", "Value": "true"}])
    for alias in ("dana@example.com", "danak"):
        tokens = password_auth(cognito, client, alias)["AuthenticationResult"]
        assert cognito.get_user(AccessToken=tokens["AccessToken"])["Username"] == "dana"


def test_a_case_sensitive_pool_matches_emails_only_as_written(cognito):
    pool, client = pool_with(cognito, "exact-email", UsernameAttributes=["email"])
    cognito.sign_up(ClientId=client, Username="Alice@Example.com", Password=PASSWORD)
    cognito.admin_confirm_sign_up(UserPoolId=pool, Username="Alice@Example.com")
    assert error_of(password_auth, cognito, client, "alice@example.com")["Code"] == "UserNotFoundException"
    cognito.sign_up(ClientId=client, Username="alice@example.com", Password=PASSWORD)
    assert len(cognito.list_users(UserPoolId=pool)["Users"]) == 2


# -- AliasAttributes: email (docs/cognito-behaviour.md §3.2) ---------------------------------------------------

def test_an_email_alias_signs_in_only_once_verified(cognito):
    pool, client = pool_with(cognito, "email-alias", AliasAttributes=["email"])
    cognito.sign_up(ClientId=client, Username="dana", Password=PASSWORD,
                    UserAttributes=[{"Name": "email", "Value": "dana@example.com"}])
    cognito.admin_confirm_sign_up(UserPoolId=pool, Username="dana")
    assert attributes_of(cognito, pool, "dana")["email_verified"] == "false"
    assert error_of(password_auth, cognito, client, "dana@example.com") == {
        "Code": "UserNotFoundException", "Status": 400, "Message": "User does not exist."}
    assert error_of(cognito.admin_get_user, UserPoolId=pool, Username="dana@example.com")["Code"] == (
        "UserNotFoundException")

    cognito.admin_update_user_attributes(UserPoolId=pool, Username="dana",
                                         UserAttributes=[{"Name": "email_verified", "Value": "true"}])
    result = password_auth(cognito, client, "dana@example.com")["AuthenticationResult"]
    assert cognito.get_user(AccessToken=result["AccessToken"])["Username"] == "dana"


def test_an_email_alias_pool_refuses_a_username_in_email_format(cognito):
    pool, client = pool_with(cognito, "email-alias-names", AliasAttributes=["email"])
    refused = {"Code": "InvalidParameterException", "Status": 400,
               "Message": "Username cannot be of email format, since user pool is configured for email alias."}
    assert error_of(cognito.sign_up, ClientId=client, Username="erin@example.com", Password=PASSWORD) == refused
    assert error_of(cognito.admin_create_user, UserPoolId=pool, Username="erin@example.com",
                    MessageAction="SUPPRESS") == refused
    assert cognito.list_users(UserPoolId=pool)["Users"] == []
