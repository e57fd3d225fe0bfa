// Amplify JS v6 account operations against the emulator: password reset and change, the user's attributes with
// verification codes, groups in the tokens, deleting the user. The Python test made the user (confirmed, PASSWORD)
// and put it in the group "readers"; this script adds it to "admins" itself through the SDK v3 admin API.
import { AdminAddUserToGroupCommand, CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { Amplify } from "aws-amplify";
import {
  confirmResetPassword, confirmUserAttribute, deleteUser, fetchAuthSession, fetchUserAttributes, resetPassword,
  sendUserAttributeVerificationCode, signIn, signOut, updatePassword, updateUserAttributes,
} from "aws-amplify/auth";
import { codeAfter, lastTextId, messages, report } from "./inbox.mjs";

const { ENDPOINT, POOL_ID, CLIENT_ID, PHONE, NEW_PHONE } = process.env;
const PASSWORD = "Generated-Passw0rd!";
const RESET_PASSWORD = "Reset-Passw0rd!";
const CHANGED_PASSWORD = "Changed-Passw0rd!";
Amplify.configure({ Auth: { Cognito: { userPoolId: POOL_ID, userPoolClientId: CLIENT_ID, userPoolEndpoint: ENDPOINT,
                                       loginWith: { phone: true } } } });
const admin = new CognitoIdentityProviderClient({ region: "us-east-1", endpoint: ENDPOINT,
                                                  credentials: { accessKeyId: "x", secretAccessKey: "x" } });
const results = {};
const errorName = (promise) => promise.then(() => "none", (error) => error.name);
const step = (name) => console.error(`step: ${name}`);

async function getUserError(accessToken) {
  const response = await fetch(ENDPOINT, { method: "POST", body: JSON.stringify({ AccessToken: accessToken }),
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityProviderService.GetUser" } });
  return response.ok ? "none" : (await response.json()).__type;
}

async function groupsNow(forceRefresh = false) {
  const { tokens } = await fetchAuthSession({ forceRefresh });
  return { id: tokens.idToken.payload["cognito:groups"] ?? null,
           access: tokens.accessToken.payload["cognito:groups"] ?? null };
}

// resetPassword → confirmResetPassword with the texted code; the old password keeps working until then.
let before = await lastTextId(PHONE);
const reset = await resetPassword({ username: PHONE });
results.resetPassword = { step: reset.nextStep.resetPasswordStep,
                          medium: reset.nextStep.codeDeliveryDetails.deliveryMedium,
                          destination: reset.nextStep.codeDeliveryDetails.destination };
const resetCode = await codeAfter(PHONE, before);
step("resetPassword");
results.wrongResetCode = await errorName(confirmResetPassword({
  username: PHONE, confirmationCode: resetCode === "000000" ? "111111" : "000000", newPassword: RESET_PASSWORD }));
await confirmResetPassword({ username: PHONE, confirmationCode: resetCode, newPassword: RESET_PASSWORD });
results.reusedResetCode = await errorName(confirmResetPassword({
  username: PHONE, confirmationCode: resetCode, newPassword: "Another-Passw0rd!" }));
step("confirmResetPassword");
results.oldPasswordAfterReset = await errorName(signIn({ username: PHONE, password: PASSWORD }));
results.signInAfterReset = (await signIn({ username: PHONE, password: RESET_PASSWORD })).isSignedIn;
step("signInAfterReset");

// Groups: "readers" from before sign-in; "admins" added by an administrator now shows after a refresh.
results.groupsAtSignIn = await groupsNow();
await admin.send(new AdminAddUserToGroupCommand({ UserPoolId: POOL_ID, Username: PHONE, GroupName: "admins" }));
results.groupsCached = await groupsNow();
results.groupsRefreshed = await groupsNow(true);
step("groups");

// updatePassword (ChangePassword): a wrong old password, then the right one; sign in again with the new one.
results.updateWrongOld = await errorName(updatePassword({ oldPassword: "Wrong-Passw0rd!", newPassword: CHANGED_PASSWORD }));
await updatePassword({ oldPassword: RESET_PASSWORD, newPassword: CHANGED_PASSWORD });
await signOut();
results.resetPasswordAfterUpdate = await errorName(signIn({ username: PHONE, password: RESET_PASSWORD }));
results.signInAfterUpdate = (await signIn({ username: PHONE, password: CHANGED_PASSWORD })).isSignedIn;
step("updatePassword");

// updateUserAttributes: a new phone number gets a code (texted to the new number); a name is updated at once.
const oldPhoneBefore = await lastTextId(PHONE);
before = await lastTextId(NEW_PHONE);
const updated = await updateUserAttributes({ userAttributes: { phone_number: NEW_PHONE, given_name: "Asha" } });
results.updateUserAttributes = updated;
const updateCode = await codeAfter(NEW_PHONE, before);
results.textsToOldPhone = (await messages(PHONE)).filter((m) => m.id > oldPhoneBefore).length;
let attributes = await fetchUserAttributes();
results.attributesBeforeConfirm = { phone: attributes.phone_number, verified: attributes.phone_number_verified,
                                    givenName: attributes.given_name };
results.wrongAttributeCode = await errorName(confirmUserAttribute({
  userAttributeKey: "phone_number", confirmationCode: updateCode === "000000" ? "111111" : "000000" }));
await confirmUserAttribute({ userAttributeKey: "phone_number", confirmationCode: updateCode });
attributes = await fetchUserAttributes();
results.attributesAfterConfirm = { phone: attributes.phone_number, verified: attributes.phone_number_verified };
step("updateUserAttributes");

// sendUserAttributeVerificationCode: a fresh code to the (new) number, confirmed in turn; an attribute the user lacks.
before = await lastTextId(NEW_PHONE);
const sent = await sendUserAttributeVerificationCode({ userAttributeKey: "phone_number" });
results.sendCode = sent;
results.sendCodeConfirmed = await errorName(confirmUserAttribute({
  userAttributeKey: "phone_number", confirmationCode: await codeAfter(NEW_PHONE, before) }));
results.sendCodeForEmail = await errorName(sendUserAttributeVerificationCode({ userAttributeKey: "email" }));
step("sendUserAttributeVerificationCode");

// The new number signs in; the old one no longer names anyone.
await signOut();
results.signInWithNewPhone = (await signIn({ username: NEW_PHONE, password: CHANGED_PASSWORD })).isSignedIn;
results.newPhoneInIdToken = (await fetchAuthSession()).tokens.idToken.payload.phone_number;
step("signInWithNewPhone");

// deleteUser: the session ends, the access token stops working, the user cannot sign in.
const lastAccess = (await fetchAuthSession()).tokens.accessToken.toString();
await deleteUser();
results.sessionAfterDelete = (await fetchAuthSession()).tokens === undefined;
results.deletedAccessToken = await getUserError(lastAccess);
results.signInAfterDelete = await errorName(signIn({ username: NEW_PHONE, password: CHANGED_PASSWORD }));
step("deleteUser");

report(results);
process.exit(0);  // Amplify leaves timers behind
