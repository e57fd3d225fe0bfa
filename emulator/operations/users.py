"""What the user operations share: finding users by username or alias, attributes, passwords, shapes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from typing import Callable

from emulator import errors
from emulator.operations.user_pool_clients import client_not_found
from emulator.operations.user_pools import require_pool
from emulator.services import Services, passwords
from emulator.services.formats import EMAIL_ADDRESS, PHONE_NUMBER
from emulator.services.store import AttributeTaken, Unique, UsernameTaken

SYMBOLS = set("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")

UNCONFIRMED = "UNCONFIRMED"
CONFIRMED = "CONFIRMED"
FORCE_CHANGE_PASSWORD = "FORCE_CHANGE_PASSWORD"
RESET_REQUIRED = "RESET_REQUIRED"
KEPT_PASSWORDS = 24  # the largest PasswordHistorySize a pool may set


def user_not_found() -> errors.CognitoError:
    return errors.UserNotFoundException("User does not exist.")


def require_app_client(services: Services, client_id: str) -> tuple[dict, dict]:
    """The app client and its pool, for the operations a client calls with only a ClientId."""
    client = services.store.get_client(client_id)
    if client is None:
        raise client_not_found(client_id)
    return client, require_pool(services, client["UserPoolId"])


def check_secret_hash(client: dict, username: str | list[str], secret_hash: str | None) -> None:
    """SECRET_HASH = base64(HMAC-SHA256(client secret, username + client id)), for clients with a secret.
    A list of usernames accepts a hash made with any of them (a user's name and its aliases)."""
    secret = client.get("ClientSecret")
    if secret is None:
        return
    client_id = client["ClientId"]
    if not secret_hash:
        raise errors.NotAuthorizedException(f"Client {client_id} is configured for secret but secret was not received")
    for name in [username] if isinstance(username, str) else username:
        expected = base64.b64encode(hmac.new(secret.encode(), (name + client_id).encode(), hashlib.sha256).digest())
        if hmac.compare_digest(expected.decode(), secret_hash):
            return
    raise errors.NotAuthorizedException(f"Unable to verify secret hash for client {client_id}")


def client_and_user(services: Services, request: dict) -> tuple[dict, dict, dict | None]:
    """The app client, its pool and the user a client-called request names by `Username` (None if there is none),
    once the request's SecretHash checks out."""
    client, pool = require_app_client(services, request["ClientId"])
    check_secret_hash(client, request["Username"], request.get("SecretHash"))
    return client, pool, find_user(services, pool, request["Username"])


def hides_user_existence(client: dict) -> bool:
    """PreventUserExistenceErrors: ENABLED, answers must not tell whether a user exists."""
    return client.get("PreventUserExistenceErrors") == "ENABLED"


def any_case(pool: dict) -> bool:
    """UsernameConfiguration.CaseSensitive false: usernames and the email and preferred_username aliases match in any
    case (docs/cognito-behaviour.md §3.3)."""
    return not (pool.get("UsernameConfiguration") or {}).get("CaseSensitive", True)


def username_key(pool: dict, username: str) -> str:
    """How a username is looked up: lowercased in a case-insensitive pool."""
    return username.lower() if any_case(pool) else username


def find_user(services: Services, pool: dict, username: str) -> dict | None:
    """A user by username, or by an alias: in a pool with UsernameAttributes any user's phone number or
    email; with AliasAttributes only a verified one."""
    store = services.store
    user = store.get_user(pool["Id"], username_key(pool, username))
    if user is not None:
        return user
    username_attributes = pool.get("UsernameAttributes") or []
    alias_attributes = pool.get("AliasAttributes") or []
    for attribute in ("phone_number", "email", "preferred_username"):
        if attribute in username_attributes:
            matches = store.find_users(pool["Id"], attribute, username, any_case=any_case(pool))
        elif attribute in alias_attributes:
            matches = [candidate for candidate in store.find_users(pool["Id"], attribute, username,
                                                                   any_case=any_case(pool))
                       if attribute == "preferred_username"
                       or candidate["Attributes"].get(f"{attribute}_verified") == "true"]
        else:
            continue
        if matches:
            return matches[0]
    return None


def require_user(services: Services, pool: dict, username: str) -> dict:
    user = find_user(services, pool, username)
    if user is None:
        raise user_not_found()
    return user


def unique_attributes(pool: dict) -> Unique:
    """Attributes that identify a user and so can belong to only one user of the pool."""
    return Unique(tuple(name for name in ("phone_number", "email") if name in (pool.get("UsernameAttributes") or [])),
                  any_case(pool))


def new_username(pool: dict, username: str) -> tuple[str, dict]:
    """The internal username and the attributes a sign-up's Username implies.

    With UsernameAttributes the Username must be a phone number or email; the user gets a
    generated internal username (the same UUID as its sub) and the value becomes the attribute.
    """
    allowed = pool.get("UsernameAttributes") or []
    if not allowed:
        if "@" in username and "email" in (pool.get("AliasAttributes") or []):
            raise errors.InvalidParameterException("Username cannot be of email format, since user pool is configured for email alias.")
        if PHONE_NUMBER.fullmatch(username) and "phone_number" in (pool.get("AliasAttributes") or []):
            raise errors.InvalidParameterException("Username cannot be of phone number format, since user pool is configured for phone_number alias.")
        return username, {"sub": str(uuid.uuid4())}
    sub = str(uuid.uuid4())
    if "phone_number" in allowed and username.startswith("+"):
        if not PHONE_NUMBER.fullmatch(username):
            raise errors.InvalidParameterException("Invalid phone number format.")
        return sub, {"sub": sub, "phone_number": username}
    if "email" in allowed and "@" in username:
        if not EMAIL_ADDRESS.fullmatch(username):
            raise errors.InvalidParameterException("Invalid email address format.")
        return sub, {"sub": sub, "email": username}
    if allowed == ["phone_number"]:
        raise errors.InvalidParameterException("Username should be a phone number.")
    if allowed == ["email"]:
        raise errors.InvalidParameterException("Username should be an email.")
    raise errors.InvalidParameterException("Username should be either an email or a phone number.")


def schema_names(pool: dict) -> set[str]:
    return {attribute["Name"] for attribute in pool.get("SchemaAttributes", [])}


def unknown_attribute(name: str) -> errors.CognitoError:
    """An attribute the schema lacks, as the administrator's operations report it."""
    return errors.InvalidParameterException(
        f"Attributes did not conform to the schema: Type for attribute {{{name}}} could not be determined")


def unknown_attribute_at_sign_up(name: str) -> errors.CognitoError:
    """SignUp words a custom attribute the pool does not define differently (docs/cognito-behaviour.md §3.5)."""
    if name.startswith("custom:"):
        return errors.InvalidParameterException("Attribute does not exist in the schema.")
    return unknown_attribute(name)


def checked_attributes(pool: dict, given: list[dict] | None, *, admin: bool,
                       unknown: Callable[[str], errors.CognitoError] = unknown_attribute) -> dict:
    """`[{Name, Value}]` from a request as a dict, checked against the pool's schema and formats; `unknown` makes
    the error for a name the schema lacks."""
    names = schema_names(pool)
    attributes = {}
    for attribute in given or []:
        name, value = attribute["Name"], attribute.get("Value", "")
        if name not in names:
            raise unknown(name)
        if name == "sub":
            raise errors.InvalidParameterException(
                "Attributes did not conform to the schema: sub: Attribute cannot be updated. "
                "(changing an immutable attribute)"
            )
        if name in ("phone_number_verified", "email_verified") and not admin:
            continue  # a user cannot verify their own attribute (undocumented: docs/cognito-behaviour.md §3.5)
        if name == "phone_number" and not PHONE_NUMBER.fullmatch(value):
            raise errors.InvalidParameterException("Invalid phone number format.")
        if name == "email" and not EMAIL_ADDRESS.fullmatch(value):
            raise errors.InvalidParameterException("Invalid email address format.")
        attributes[name] = value
    return attributes


def check_required_attributes(pool: dict, attributes: dict) -> None:
    for attribute in pool.get("SchemaAttributes", []):
        if attribute.get("Required") and attribute["Name"] not in attributes:
            raise errors.InvalidParameterException(
                f"Attributes did not conform to the schema: {attribute['Name']}: The attribute is required"
            )


def check_password_policy(pool: dict, password: str, lead: str = "Password did not conform with policy") -> None:
    """Cognito names the first rule a password breaks."""
    policy = pool["Policies"]["PasswordPolicy"]
    if len(password) < policy.get("MinimumLength", 8):
        raise errors.InvalidPasswordException(f"{lead}: Password not long enough")
    rules = (("RequireUppercase", str.isupper, "uppercase"), ("RequireLowercase", str.islower, "lowercase"),
             ("RequireNumbers", str.isdigit, "numeric"), ("RequireSymbols", SYMBOLS.__contains__, "symbol"))
    for setting, test, name in rules:
        if policy.get(setting) and not any(test(character) for character in password):
            raise errors.InvalidPasswordException(f"{lead}: Password must have {name} characters")


def set_password(pool: dict, user: dict, password: str, temporary: bool, now: float) -> None:
    """Replace the user's password; the one it replaces joins the history PasswordHistorySize checks."""
    previous = user.get("Password")
    if previous is not None:
        user["PasswordHistory"] = [previous, *user.get("PasswordHistory", [])][:KEPT_PASSWORDS]
    user["Password"] = {**passwords.make_verifier(pool["Id"], user["Username"], password),
                        "temporary": temporary, "set_at": now}


def check_password_history(pool: dict, user: dict, password: str) -> None:
    """With PasswordHistorySize N, a new password may not be the current one or any of the N - 1 before it."""
    size = pool["Policies"]["PasswordPolicy"].get("PasswordHistorySize") or 0
    recent = ([user["Password"]] if user.get("Password") else []) + user.get("PasswordHistory", [])
    for stored in recent[:size]:
        if passwords.password_matches(pool["Id"], user["Username"], password, stored):
            # Wording undocumented (docs/cognito-behaviour.md §11.6).
            raise errors.PasswordHistoryPolicyViolationException("Password has previously been used.")


# -- making users: SignUp, AdminCreateUser and the bulk import all build and add them here --------------------


def new_user_attributes(pool: dict, given_username: str, attributes: dict, *,
                        verified: str = "false") -> tuple[str, dict]:
    """The internal username and the attributes of a user about to be made: the request's attributes, those its
    Username implies (and the sub), and `<attribute>_verified` = `verified` for a phone number or email the
    request did not mark. Only an administrator (or the bulk import) may mark one; `checked_attributes` drops a
    user's own marks."""
    username, implied = new_username(pool, given_username)
    merged = {**attributes, **implied}
    for attribute in ("phone_number", "email"):
        if attribute in merged:
            merged.setdefault(f"{attribute}_verified", verified)
    return username, merged


def submitted_view(attributes: dict, submitted: dict) -> dict:
    """A new user's attributes as PreSignUp sees them: those submitted and those the username implies (a phone number
    or email given as the username), without the sub or the verified flags the emulator adds itself."""
    return {name: value for name, value in attributes.items()
            if name in submitted or (name != "sub" and not name.endswith("_verified"))}


def new_user(pool: dict, username: str, attributes: dict, status: str, now: float, *, password: str | None = None,
             temporary: bool = False) -> dict:
    """A user record, not yet stored. Without a password the user can sign in only with custom auth."""
    ordered = {"sub": attributes["sub"], **{k: v for k, v in attributes.items() if k != "sub"}}
    user = {"Username": username, "Key": username_key(pool, username), "Attributes": ordered,
            "UserStatus": status, "Enabled": True, "UserCreateDate": now, "UserLastModifiedDate": now}
    if password is not None:
        set_password(pool, user, password, temporary=temporary, now=now)
    return user


def user_exists_error(pool: dict, given_username: str, operation: str,
                      attribute: str | None = None) -> errors.CognitoError:
    """Cognito's answer when a new user's username, or a phone number or email that only one user may have
    (`attribute`), is taken already (docs/cognito-behaviour.md §3.4)."""
    if operation == "AdminCreateUser":
        if attribute:
            return errors.UsernameExistsException(f"An account with the given {attribute} already exists.")
        return errors.UsernameExistsException("User account already exists.")
    if operation != "SignUp":  # a changed attribute that another user signs in with
        return errors.AliasExistsException(f"An account with the given {attribute} already exists.")
    for name in pool.get("UsernameAttributes") or []:  # SignUp names what the given username is
        if (name == "phone_number" and given_username.startswith("+")) or (name == "email" and "@" in given_username):
            return errors.UsernameExistsException(f"An account with the given {name} already exists.")
    return errors.UsernameExistsException("User already exists")


def add_user(services: Services, pool: dict, user: dict, given_username: str, operation: str) -> None:
    """Store a new user; a username or identifying attribute taken meanwhile is `operation`'s Cognito error."""
    try:
        services.store.insert_user(pool["Id"], user, unique_attributes(pool))
    except UsernameTaken:
        raise user_exists_error(pool, given_username, operation) from None
    except AttributeTaken as taken:
        raise user_exists_error(pool, given_username, operation, taken.attribute) from None


def attribute_list(user: dict, only: list[str] | None = None) -> list[dict]:
    return [{"Name": name, "Value": value} for name, value in user["Attributes"].items()
            if only is None or name in only]


def user_type(user: dict, only: list[str] | None = None) -> dict:
    """UserType, as AdminCreateUser and ListUsers return a user."""
    return {"Username": user["Username"], "Attributes": attribute_list(user, only),
            "UserCreateDate": user["UserCreateDate"], "UserLastModifiedDate": user["UserLastModifiedDate"],
            "Enabled": user["Enabled"], "UserStatus": user["UserStatus"]}


def mask_phone_number(phone_number: str) -> str:
    """'+919876543210' → '+*********3210' (docs/cognito-behaviour.md §3.9)."""
    return "+" + "*" * max(0, len(phone_number) - 5) + phone_number[-4:]


def mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"
