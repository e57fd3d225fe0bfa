// Amplify JS v6 with Cognito's native passwordless sign-in (the USER_AUTH flow) against the emulator's seeded
// otp-native pool (phone-number usernames; first factors PASSWORD and SMS_OTP): signUp with autoSignIn by USER_AUTH,
// SMS_OTP as the preferred challenge, the first-factor selection answered with SMS_OTP and with PASSWORD, and
// PASSWORD / PASSWORD_SRP as the preferred challenge.
import { Amplify } from "aws-amplify";
import { autoSignIn, confirmSignIn, confirmSignUp, signIn, signOut, signUp } from "aws-amplify/auth";
import { codeAfter, lastTextId, messages, report } from "./inbox.mjs";
import { signedInSession } from "./session.mjs";

const { ENDPOINT, POOL_ID, CLIENT_ID, PHONE } = process.env;
const PASSWORD = "Generated-Passw0rd!";
Amplify.configure({ Auth: { Cognito: { userPoolId: POOL_ID, userPoolClientId: CLIENT_ID, userPoolEndpoint: ENDPOINT,
                                       loginWith: { phone: true } } } });
const results = {};
const errorName = (promise) => promise.then(() => "none", (error) => error.name);
const step = (name) => console.error(`step: ${name}`);
const otherCode = (code) => (code === "000000" ? "111111" : "000000");
const textsAfter = async (id) => (await messages(PHONE)).filter((m) => m.id > id).length;

// 1. signUp with autoSignIn by USER_AUTH; confirmSignUp with the texted code; autoSignIn() signs in with the
//    ConfirmSignUp session, so no second text.
const signedUp = await signUp({ username: PHONE, password: PASSWORD, options: {
  userAttributes: { phone_number: PHONE }, autoSignIn: { authFlowType: "USER_AUTH" } } });
results.signUp = { step: signedUp.nextStep.signUpStep, complete: signedUp.isSignUpComplete,
                   delivery: signedUp.nextStep.codeDeliveryDetails };
step("signUp");
const confirmed = await confirmSignUp({ username: PHONE, confirmationCode: await codeAfter(PHONE) });
results.confirmSignUp = { step: confirmed.nextStep.signUpStep, complete: confirmed.isSignUpComplete };
step("confirmSignUp");
results.autoSignIn = await autoSignIn();
results.autoSignInSession = await signedInSession();
results.textsAfterAutoSignIn = (await messages(PHONE)).length;
step("autoSignIn");
await signOut();

// 2. SMS_OTP preferred: one text; a wrong code is refused and the same sign-in then completes with the right one.
let before = await lastTextId(PHONE);
const smsOtp = await signIn({ username: PHONE, options: { authFlowType: "USER_AUTH", preferredChallenge: "SMS_OTP" } });
results.smsOtpStep = smsOtp;
const smsCode = await codeAfter(PHONE, before);
step("signIn SMS_OTP");
results.smsOtpWrongCode = await errorName(confirmSignIn({ challengeResponse: otherCode(smsCode) }));
results.smsOtpConfirm = await confirmSignIn({ challengeResponse: smsCode });
results.smsOtpSession = await signedInSession();
results.smsOtpTexts = await textsAfter(before);
step("confirmSignIn SMS_OTP");
await signOut();

// 3a. No preference: the first-factor selection, answered with SMS_OTP, then the texted code.
before = await lastTextId(PHONE);
const selection = await signIn({ username: PHONE, options: { authFlowType: "USER_AUTH" } });
results.selection = selection;
results.selectionTexts = await textsAfter(before);
const chosenSms = await confirmSignIn({ challengeResponse: "SMS_OTP" });
results.chosenSms = chosenSms;
results.chosenSmsConfirm = await confirmSignIn({ challengeResponse: await codeAfter(PHONE, before) });
results.chosenSmsSession = await signedInSession();
results.chosenSmsTexts = await textsAfter(before);
step("first factor SMS_OTP");
await signOut();

// 3b. The first-factor selection answered with PASSWORD, then the password; nothing texted.
before = await lastTextId(PHONE);
const again = await signIn({ username: PHONE, options: { authFlowType: "USER_AUTH" } });
results.selectionAgain = again.nextStep.signInStep;
results.chosenPassword = await confirmSignIn({ challengeResponse: "PASSWORD" });
results.chosenPasswordConfirm = await confirmSignIn({ challengeResponse: PASSWORD });
results.chosenPasswordSession = await signedInSession();
results.chosenPasswordTexts = await textsAfter(before);
step("first factor PASSWORD");
await signOut();

// 3c. PASSWORD and PASSWORD_SRP as the preferred challenge: signed in at once (a wrong password refused), nothing
//     texted.
results.preferredPasswordWrong = await errorName(signIn({ username: PHONE, password: "Wrong-Passw0rd!",
  options: { authFlowType: "USER_AUTH", preferredChallenge: "PASSWORD" } }));
results.preferredPassword = await signIn({ username: PHONE, password: PASSWORD,
                                           options: { authFlowType: "USER_AUTH", preferredChallenge: "PASSWORD" } });
results.preferredPasswordSession = await signedInSession();
await signOut();
step("preferred PASSWORD");
results.preferredSrp = await signIn({ username: PHONE, password: PASSWORD,
                                      options: { authFlowType: "USER_AUTH", preferredChallenge: "PASSWORD_SRP" } });
results.preferredSrpSession = await signedInSession();
await signOut();
step("preferred PASSWORD_SRP");
results.preferredTexts = await textsAfter(before);
results.textsInAll = (await messages(PHONE)).length;

report(results);
process.exit(0);  // Amplify leaves timers behind
