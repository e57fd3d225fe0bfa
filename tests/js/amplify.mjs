// Amplify JS v6 against the emulator, configured only with `userPoolEndpoint`.
import { Amplify } from "aws-amplify";
import {
  autoSignIn, confirmSignIn, confirmSignUp, fetchAuthSession, fetchUserAttributes, getCurrentUser, signIn, signOut, signUp,
} from "aws-amplify/auth";
import { codeAfter, lastTextId, report } from "./inbox.mjs";

const { ENDPOINT, POOL_ID, CLIENT_ID, PHONE } = process.env;
const PASSWORD = "Generated-Passw0rd!";
Amplify.configure({ Auth: { Cognito: { userPoolId: POOL_ID, userPoolClientId: CLIENT_ID, userPoolEndpoint: ENDPOINT,
                                       loginWith: { phone: true } } } });
const results = {};

// GetUser straight on the wire: the error name, or "none" when the token still works.
async function getUserError(accessToken) {
  const response = await fetch(ENDPOINT, { method: "POST", body: JSON.stringify({ AccessToken: accessToken }),
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityProviderService.GetUser" } });
  return response.ok ? "none" : (await response.json()).message;
}

// Sign up with auto sign-in, confirm with the texted code, sign in automatically.
const signedUp = await signUp({ username: PHONE, password: PASSWORD,
                                options: { userAttributes: { phone_number: PHONE }, autoSignIn: true } });
results.signUp = signedUp.nextStep.signUpStep;
console.error("step: signUp");
const confirmed = await confirmSignUp({ username: PHONE, confirmationCode: await codeAfter(PHONE) });
results.confirmSignUp = confirmed.nextStep.signUpStep;
console.error("step: confirmSignUp");
results.autoSignIn = (await autoSignIn()).isSignedIn;
console.error("step: autoSignIn");

const attributes = await fetchUserAttributes();
results.attributes = { phone: attributes.phone_number, verified: attributes.phone_number_verified };
console.error("step: attributes");
const current = await getCurrentUser();
results.currentUser = { hasUserId: Boolean(current.userId), username: current.username };
console.error("step: currentUser");
const first = await fetchAuthSession();
const forced = await fetchAuthSession({ forceRefresh: true });
results.forceRefresh = { refreshed: forced.tokens.accessToken.toString() !== first.tokens.accessToken.toString(),
                         phone: forced.tokens.idToken.payload.phone_number };
await signOut();
results.revokedBySignOut = await getUserError(forced.tokens.accessToken.toString());
console.error("step: revokedBySignOut");

// The default flow: SRP with the password.
results.srpSignIn = (await signIn({ username: PHONE, password: PASSWORD })).isSignedIn;
console.error("step: srpSignIn");
const beforeGlobal = (await fetchAuthSession()).tokens.accessToken.toString();
await signOut({ global: true });
results.revokedByGlobalSignOut = await getUserError(beforeGlobal);

// Custom auth without SRP: the texted code.
let before = await lastTextId(PHONE);
const custom = await signIn({ username: PHONE, options: { authFlowType: "CUSTOM_WITHOUT_SRP" } });
results.customStep = custom.nextStep.signInStep;
console.error("step: customStep");
results.customSignedIn = (await confirmSignIn({ challengeResponse: await codeAfter(PHONE, before) })).isSignedIn;
console.error("step: customSignedIn");
await signOut();

// Custom auth with SRP: the password, then the texted code.
before = await lastTextId(PHONE);
const customSrp = await signIn({ username: PHONE, password: PASSWORD, options: { authFlowType: "CUSTOM_WITH_SRP" } });
results.customSrpStep = customSrp.nextStep.signInStep;
console.error("step: customSrpStep");
results.customSrpSignedIn = (await confirmSignIn({ challengeResponse: await codeAfter(PHONE, before) })).isSignedIn;
console.error("step: customSrpSignedIn");
await signOut();

// A wrong password.
results.wrongPassword = await signIn({ username: PHONE, password: "Wrong-Passw0rd!" })
  .then(() => "none", (error) => error.name);

report(results);
process.exit(0);  // Amplify leaves timers behind
