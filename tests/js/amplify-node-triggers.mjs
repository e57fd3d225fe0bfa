// Amplify JS v6 against the otp-node pool, whose custom-auth triggers are the JavaScript handlers of triggers/js:
// sign up, confirm with the texted code, then sign in with a texted code, one wrong answer first.
import { Amplify } from "aws-amplify";
import { confirmSignIn, confirmSignUp, fetchAuthSession, signIn, signOut, signUp } from "aws-amplify/auth";
import { codeAfter, lastTextId, report } from "./inbox.mjs";

const { ENDPOINT, POOL_ID, CLIENT_ID, PHONE } = process.env;
Amplify.configure({ Auth: { Cognito: { userPoolId: POOL_ID, userPoolClientId: CLIENT_ID, userPoolEndpoint: ENDPOINT,
                                       loginWith: { phone: true } } } });
const results = {};

const signedUp = await signUp({ username: PHONE, password: "Generated-Passw0rd!",
                                options: { userAttributes: { phone_number: PHONE } } });
results.signUp = signedUp.nextStep.signUpStep;
results.confirmSignUp = (await confirmSignUp({ username: PHONE, confirmationCode: await codeAfter(PHONE) }))
  .nextStep.signUpStep;

const before = await lastTextId(PHONE);
const started = await signIn({ username: PHONE, options: { authFlowType: "CUSTOM_WITHOUT_SRP" } });
results.signInStep = started.nextStep.signInStep;
results.publicParameters = started.nextStep.additionalInfo;
const code = await codeAfter(PHONE, before);
const wrong = await confirmSignIn({ challengeResponse: code === "000000" ? "111111" : "000000" });
results.afterWrongCode = wrong.nextStep.signInStep;
results.signedIn = (await confirmSignIn({ challengeResponse: code })).isSignedIn;
results.idTokenPhone = (await fetchAuthSession()).tokens.idToken.payload.phone_number;
await signOut();

report(results);
process.exit(0);  // Amplify leaves timers behind
