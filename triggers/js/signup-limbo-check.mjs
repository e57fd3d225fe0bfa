// signup-limbo-check: call before SignUp with {"phone_number": "+91..."}. A number that signed up and never
// confirmed is in limbo (SignUp says it exists, sign-in says it is not confirmed); this clears the way:
//   unknown number              -> {"next": "SIGN_UP", "deleted": false}
//   only unconfirmed users      -> deletes them, {"next": "SIGN_UP", "deleted": true}
//   a confirmed (or other) user -> {"next": "SIGN_IN", "deleted": false}
//   a bad payload               -> {"error": "..."}, nothing deleted.
// Environment: USER_POOL_ID. Needs cognito-idp:ListUsers and cognito-idp:AdminDeleteUser on the pool.
// An ES module, deployable to AWS Lambda (nodejs20.x) as it is.

import {
  AdminDeleteUserCommand, CognitoIdentityProviderClient, ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';

const cognito = new CognitoIdentityProviderClient({});
const PHONE_NUMBER = /^\+[1-9][0-9]{1,14}$/;

export const handler = async (event) => {
  const phoneNumber = event && typeof event === 'object' ? event.phone_number : undefined;
  if (typeof phoneNumber !== 'string' || !PHONE_NUMBER.test(phoneNumber)) {
    return { error: 'Expected {"phone_number": "<E.164 number>"}, e.g. {"phone_number": "+919876543210"}.' };
  }
  const UserPoolId = process.env.USER_POOL_ID;
  const { Users: users } = await cognito.send(new ListUsersCommand({
    UserPoolId, Filter: `phone_number = "${phoneNumber}"`,
  }));
  if (users.length === 0) {
    return { next: 'SIGN_UP', deleted: false };
  }
  if (users.some((user) => user.UserStatus !== 'UNCONFIRMED')) {
    return { next: 'SIGN_IN', deleted: false };
  }
  for (const user of users) {
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId, Username: user.Username }));
  }
  return { next: 'SIGN_UP', deleted: true };
};
