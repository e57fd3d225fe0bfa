// amazon-cognito-identity-js against the emulator, configured only with `endpoint`.
import pkg from "amazon-cognito-identity-js";
import { codeAfter, lastTextId, report } from "./inbox.mjs";

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = pkg;
const { ENDPOINT, POOL_ID, CLIENT_ID, PHONE } = process.env;
const PASSWORD = "Generated-Passw0rd!";
const pool = new CognitoUserPool({ UserPoolId: POOL_ID, ClientId: CLIENT_ID, endpoint: ENDPOINT });
const results = {};

const call = (fn) => new Promise((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value))));
const failure = (error) => ({ code: error.code, name: error.name, message: error.message });

function callbacks(resolve, reject) {
  return { onSuccess: resolve, onFailure: reject, customChallenge: (parameters) => resolve({ customChallenge: parameters }) };
}

const authenticate = (user, password) => new Promise((resolve, reject) =>
  user.authenticateUser(new AuthenticationDetails({ Username: PHONE, Password: password }), callbacks(resolve, reject)));

const answerChallenge = (user, answer) => new Promise((resolve, reject) =>
  user.sendCustomChallengeAnswer(answer, callbacks(resolve, reject)));

// Sign up and confirm with the texted code.
const signUp = await call((done) => pool.signUp(PHONE, PASSWORD, [], null, done));
results.signUp = { userConfirmed: signUp.userConfirmed, medium: signUp.codeDeliveryDetails.DeliveryMedium };
const user = new CognitoUser({ Username: PHONE, Pool: pool });
const confirmationCode = await codeAfter(PHONE);
results.confirm = await call((done) => user.confirmRegistration(confirmationCode, true, done));

// SRP sign-in (authenticateUser's default flow), then refresh.
const session = await authenticate(user, PASSWORD);
results.srp = { valid: session.isValid(), phone: session.getIdToken().payload.phone_number };
const refreshed = await call((done) => user.refreshSession(session.getRefreshToken(), done));
results.refresh = { valid: refreshed.isValid(), newAccessToken: refreshed.getAccessToken().getJwtToken() !== session.getAccessToken().getJwtToken() };

// A wrong password.
results.wrongPassword = await authenticate(new CognitoUser({ Username: PHONE, Pool: pool }), "Wrong-Passw0rd!")
  .then(() => ({ code: "none" }), failure);

// Custom auth without SRP: initiateAuth + sendCustomChallengeAnswer with the texted code.
const otpUser = new CognitoUser({ Username: PHONE, Pool: pool });
otpUser.setAuthenticationFlowType("CUSTOM_AUTH");
let before = await lastTextId(PHONE);
const challenge = await new Promise((resolve, reject) =>
  otpUser.initiateAuth(new AuthenticationDetails({ Username: PHONE }), callbacks(resolve, reject)));
const otpSession = await answerChallenge(otpUser, await codeAfter(PHONE, before));
results.customAuth = { challenge: Object.keys(challenge.customChallenge).sort(), valid: otpSession.isValid() };

// Custom auth starting with SRP: the password first, then the texted code.
const srpFirst = new CognitoUser({ Username: PHONE, Pool: pool });
srpFirst.setAuthenticationFlowType("CUSTOM_AUTH");
before = await lastTextId(PHONE);
const afterPassword = await authenticate(srpFirst, PASSWORD);
const srpFirstSession = await answerChallenge(srpFirst, await codeAfter(PHONE, before));
results.customWithSrp = { challenged: "customChallenge" in afterPassword, valid: srpFirstSession.isValid() };

report(results);
