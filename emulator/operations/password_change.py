"""Setting a password without a code: ChangePassword (the signed-in user) and AdminSetUserPassword.
(docs/cognito-behaviour.md §11)"""

from __future__ import annotations

from emulator import errors
from emulator.operations import token_issue, verification
from emulator.operations.registry import operation
from emulator.operations.user_pools import require_pool
from emulator.operations.users import (
    CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED, check_password_history, check_password_policy, require_user, set_password,
)
from emulator.services import Services, passwords


@operation("ChangePassword")
def change_password(services: Services, request: dict) -> dict:
    """The signed-in user's new password, given the current one. Other sessions keep their tokens."""
    pool, user, _ = token_issue.user_of_access_token(services, request["AccessToken"])
    if user["UserStatus"] == RESET_REQUIRED:
        # The reset goes through ConfirmForgotPassword and its code (docs/cognito-behaviour.md §11.4).
        raise errors.PasswordResetRequiredException("Password reset required for the user")
    stored = user.get("Password")
    previous = request.get("PreviousPassword")
    if stored is not None:
        if previous is None:
            # Only a user without a password may leave it out (docs/cognito-behaviour.md §11.4).
            raise errors.InvalidParameterException("Missing required parameter PreviousPassword")
        verification.limit_attempts(services, pool, user, "ChangePassword", per_hour=5)
        if not passwords.password_matches(pool["Id"], user["Username"], previous, stored):
            raise errors.NotAuthorizedException("Incorrect username or password.")
    proposed = request["ProposedPassword"]
    check_password_policy(pool, proposed)
    check_password_history(pool, user, proposed)
    set_password(pool, user, proposed, temporary=False, now=services.clock.now())
    user["UserLastModifiedDate"] = services.clock.now()
    services.store.replace_user(pool["Id"], user)
    return {}


@operation("AdminSetUserPassword")
def admin_set_user_password(services: Services, request: dict) -> dict:
    """Permanent: the user is CONFIRMED and signs in with it. Otherwise it is a temporary password: the user is
    FORCE_CHANGE_PASSWORD and must choose a new one at the next sign-in (NEW_PASSWORD_REQUIRED)."""
    pool = require_pool(services, request["UserPoolId"])
    user = require_user(services, pool, request["Username"])
    password = request["Password"]
    permanent = request.get("Permanent", False)
    check_password_policy(pool, password, lead="Password does not conform to policy")
    if permanent:
        check_password_history(pool, user, password)
    now = services.clock.now()
    set_password(pool, user, password, temporary=not permanent, now=now)
    user["UserStatus"] = CONFIRMED if permanent else FORCE_CHANGE_PASSWORD
    user["UserLastModifiedDate"] = now
    services.store.replace_user(pool["Id"], user)
    return {}
