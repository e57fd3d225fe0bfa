// Amplify JS v6 multi-factor authentication against the emulator, in a pool the Python test made. FLOW chooses:
//   totp   MFA OPTIONAL: signIn (SRP), setUpTOTP + verifyTOTPSetup, updateMFAPreference, fetchMFAPreference, then
//          signIn answered with the authenticator's code (CONFIRM_SIGN_IN_WITH_TOTP_CODE), a code not taken twice.
//   sms    MFA ON with SMS: signIn answered with the texted code (CONFIRM_SIGN_IN_WITH_SMS_CODE).
//   setup  MFA ON with TOTP only and no token yet: signIn sets one up (CONTINUE_SIGN_IN_WITH_TOTP_SETUP).
//   select MFA OPTIONAL with SMS and TOTP, both enabled and neither preferred: signIn offers the choice
//          (CONTINUE_SIGN_IN_WITH_MFA_SELECTION), answered with TOTP, then in another sign-in with SMS.
// The codes an authenticator app would show are computed here from the shared secret, at the emulator's clock.
import { Amplify } from "aws-amplify";
import {
  confirmSignIn, fetchMFAPreference, setUpTOTP, signIn, signOut, updateMFAPreference, verifyTOTPSetup,
} from "aws-amplify/auth";
import { codeAfter, lastTextId, messages, report } from "./inbox.mjs";
import { signedInSession } from "./session.mjs";
import { currentTotp, nextTotpStep, otherCode } from "./totp.mjs";

const { ENDPOINT, POOL_ID, CLIENT_ID, USERNAME, PHONE, FLOW } = process.env;
const PASSWORD = "Generated-Passw0rd!";
Amplify.configure({ Auth: { Cognito: { userPoolId: POOL_ID, userPoolClientId: CLIENT_ID,
                                       userPoolEndpoint: ENDPOINT } } });
const results = {};
const errorName = (promise) => promise.then(() => "none", (error) => error.name);
const step = (name) => console.error(`step: ${name}`);

async function totpFlow() {
  // Optional MFA and nothing set up yet: the password alone signs in.
  results.firstSignIn = await signIn({ username: USERNAME, password: PASSWORD });
  results.preferenceBefore = await fetchMFAPreference();
  step("firstSignIn");

  // setUpTOTP (AssociateSoftwareToken) and verifyTOTPSetup (VerifySoftwareToken): a wrong code, then the right one.
  const setup = await setUpTOTP();
  results.sharedSecret = setup.sharedSecret;
  results.setupUri = setup.getSetupUri("EmulatorApp").toString();
  const setupCode = await currentTotp(setup.sharedSecret);
  results.verifyWrong = await errorName(verifyTOTPSetup({ code: otherCode(setupCode) }));
  results.verify = await errorName(verifyTOTPSetup({ code: setupCode }));
  step("verifyTOTPSetup");
  await updateMFAPreference({ totp: "PREFERRED" });
  results.preferenceAfter = await fetchMFAPreference();
  step("updateMFAPreference");
  await signOut();

  // Signing in now asks for the authenticator's code: a wrong one is refused, then the current one signs in.
  await nextTotpStep();
  results.mfaStep = await signIn({ username: USERNAME, password: PASSWORD });
  const code = await currentTotp(results.sharedSecret);
  results.mfaWrong = await errorName(confirmSignIn({ challengeResponse: otherCode(code) }));
  results.mfaConfirm = await confirmSignIn({ challengeResponse: code });
  results.mfaSession = await signedInSession();
  step("TOTP sign-in");
  await signOut();

  // The same code again (same 30-second step) is refused; after the clock moves on, the next code signs in.
  results.reuseStep = (await signIn({ username: USERNAME, password: PASSWORD })).nextStep.signInStep;
  results.reusedCode = await errorName(confirmSignIn({ challengeResponse: code }));
  await signOut();
  await nextTotpStep();
  results.nextStep = (await signIn({ username: USERNAME, password: PASSWORD })).nextStep.signInStep;
  results.nextConfirm = await confirmSignIn({ challengeResponse: await currentTotp(results.sharedSecret) });
  results.nextSession = await signedInSession();
  step("TOTP next step");
  await signOut();

  // USER_AUTH with the password as the first factor asks for the TOTP code too.
  await nextTotpStep();
  results.userAuthStep = await signIn({ username: USERNAME, password: PASSWORD,
                                        options: { authFlowType: "USER_AUTH", preferredChallenge: "PASSWORD" } });
  results.userAuthConfirm = await confirmSignIn({ challengeResponse: await currentTotp(results.sharedSecret) });
  results.userAuthSession = await signedInSession();
  step("USER_AUTH + TOTP");
  await signOut();
}

async function smsFlow() {
  const before = await lastTextId(PHONE);
  results.mfaStep = await signIn({ username: USERNAME, password: PASSWORD });
  const code = await codeAfter(PHONE, before);
  results.mfaWrong = await errorName(confirmSignIn({ challengeResponse: otherCode(code) }));
  results.mfaConfirm = await confirmSignIn({ challengeResponse: code });
  results.mfaSession = await signedInSession();
  results.texts = (await messages(PHONE)).filter((m) => m.id > before).length;
  results.preference = await fetchMFAPreference();
  step("SMS MFA sign-in");
  await signOut();
}

async function setupFlow() {
  results.setupStep = await signIn({ username: USERNAME, password: PASSWORD });
  const secret = results.setupStep.nextStep.totpSetupDetails?.sharedSecret;
  results.sharedSecret = secret;
  results.setupConfirm = await confirmSignIn({ challengeResponse: await currentTotp(secret) });
  results.setupSession = await signedInSession();
  results.preference = await fetchMFAPreference();
  step("MFA_SETUP");
  await signOut();

  await nextTotpStep();
  results.mfaStep = (await signIn({ username: USERNAME, password: PASSWORD })).nextStep.signInStep;
  results.mfaConfirm = await confirmSignIn({ challengeResponse: await currentTotp(secret) });
  results.mfaSession = await signedInSession();
  step("TOTP sign-in after setup");
  await signOut();
}

async function selectFlow() {
  results.firstSignIn = await signIn({ username: USERNAME, password: PASSWORD });
  const setup = await setUpTOTP();
  await verifyTOTPSetup({ code: await currentTotp(setup.sharedSecret) });
  await updateMFAPreference({ sms: "ENABLED", totp: "ENABLED" });
  results.preference = await fetchMFAPreference();
  step("both enabled");
  await signOut();

  await nextTotpStep();
  let before = await lastTextId(PHONE);
  results.selection = await signIn({ username: USERNAME, password: PASSWORD });
  results.chosenTotp = await confirmSignIn({ challengeResponse: "TOTP" });
  results.chosenTotpConfirm = await confirmSignIn({ challengeResponse: await currentTotp(setup.sharedSecret) });
  results.chosenTotpSession = await signedInSession();
  results.textsForTotp = (await messages(PHONE)).filter((m) => m.id > before).length;
  step("chose TOTP");
  await signOut();

  before = await lastTextId(PHONE);
  results.selectionAgain = (await signIn({ username: USERNAME, password: PASSWORD })).nextStep.signInStep;
  results.chosenSms = await confirmSignIn({ challengeResponse: "SMS" });
  results.chosenSmsConfirm = await confirmSignIn({ challengeResponse: await codeAfter(PHONE, before) });
  results.chosenSmsSession = await signedInSession();
  results.textsForSms = (await messages(PHONE)).filter((m) => m.id > before).length;
  step("chose SMS");
  await signOut();
}

try {
  await { totp: totpFlow, sms: smsFlow, setup: setupFlow, select: selectFlow }[FLOW]();
} catch (error) {
  results.failed = { name: error.name, message: error.message };
}
report(results);
process.exit(0);  // Amplify leaves timers behind
