"""signup-limbo-check: call before SignUp, with {"phone_number": "+91..."}.

A number that signed up but never confirmed is in limbo: SignUp says it exists, sign-in says
it is not confirmed. This function clears the way:
- unknown number            → {"next": "SIGN_UP", "deleted": false}
- only unconfirmed users    → deletes them, {"next": "SIGN_UP", "deleted": true}
- a confirmed (or any other) user → {"next": "SIGN_IN", "deleted": false}
- a bad payload             → {"error": "..."}, nothing deleted.

Environment: USER_POOL_ID. Deployable to AWS Lambda as is (it needs cognito-idp:ListUsers and
cognito-idp:AdminDeleteUser on the pool).
"""

import os
import re

from .clients import client

PHONE_NUMBER = re.compile(r"\+[1-9][0-9]{1,14}")


def handler(event, context):
    phone_number = event.get("phone_number") if isinstance(event, dict) else None
    if not isinstance(phone_number, str) or not PHONE_NUMBER.fullmatch(phone_number):
        return {"error": 'Expected {"phone_number": "<E.164 number>"}, e.g. {"phone_number": "+919876543210"}.'}
    pool_id = os.environ["USER_POOL_ID"]
    cognito = client("cognito-idp")
    users = cognito.list_users(UserPoolId=pool_id, Filter=f'phone_number = "{phone_number}"')["Users"]
    if not users:
        return {"next": "SIGN_UP", "deleted": False}
    if any(user["UserStatus"] != "UNCONFIRMED" for user in users):
        return {"next": "SIGN_IN", "deleted": False}
    for user in users:
        cognito.admin_delete_user(UserPoolId=pool_id, Username=user["Username"])
    return {"next": "SIGN_UP", "deleted": True}
