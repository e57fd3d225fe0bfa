// amazon-cognito-identity-js account operations against the emulator: forgotPassword + confirmPassword,
// changePassword, updateAttributes, getAttributeVerificationCode + verifyAttribute. The Python test made the user
// (confirmed, PASSWORD).
import pkg from "amazon-cognito-identity-js";
import { codeAfter, lastTextId, messages, report } from "./inbox.mjs";

const { AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool } = pkg;
const { ENDPOINT, POOL_ID, CLIENT_ID, PHONE, NEW_PHONE } = process.env;
const PASSWORD = "Generated-Passw0rd!";
const RESET_PASSWORD = "Reset-Passw0rd!";
const CHANGED_PASSWORD = "Changed-Passw0rd!";
const pool = new CognitoUserPool({ UserPoolId: POOL_ID, ClientId: CLIENT_ID, endpoint: ENDPOINT });
const results = {};

const call = (fn) => new Promise((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value))));
const failure = (error) => ({ code: error.code, message: error.message });
const outcome = (promise) => promise.then((value) => ({ code: "none", value }), failure);
const otherThan = (code) => (code === "000000" ? "111111" : "000000");
const step = (name) => console.error(`step: ${name}`);

const authenticate = (username, password) => new Promise((resolve, reject) => {
  const user = new CognitoUser({ Username: username, Pool: pool });
  user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }),
                        { onSuccess: () => resolve(user), onFailure: reject });
});

const attributesOf = async (user) => Object.fromEntries(
  (await call((done) => user.getUserAttributes(done))).map((attribute) => [attribute.getName(), attribute.getValue()]));

// forgotPassword: the code's delivery comes to inputVerificationCode, which answers with confirmPassword.
const resetting = new CognitoUser({ Username: PHONE, Pool: pool });
const before = await lastTextId(PHONE);
results.forgotPassword = await new Promise((resolve, reject) => {
  const seen = {};
  resetting.forgotPassword({
    onFailure: reject,
    onSuccess: () => reject(new Error("onSuccess before inputVerificationCode")),
    async inputVerificationCode(data) {
      seen.delivery = data.CodeDeliveryDetails;
      const code = await codeAfter(PHONE, before);
      seen.wrongCode = await new Promise((done) => resetting.confirmPassword(otherThan(code), RESET_PASSWORD, {
        onSuccess: (value) => done({ code: "none", value }), onFailure: (error) => done(failure(error)) }));
      resetting.confirmPassword(code, RESET_PASSWORD, {
        onSuccess: (value) => resolve({ ...seen, confirmPassword: value }), onFailure: reject });
    },
  });
});
step("forgotPassword");
results.oldPasswordAfterReset = await outcome(authenticate(PHONE, PASSWORD));
const user = await authenticate(PHONE, RESET_PASSWORD);
results.signInAfterReset = user.getSignInUserSession().isValid();
step("signInAfterReset");

// changePassword: a wrong old password, then the right one.
results.changeWrongOld = await outcome(call((done) => user.changePassword("Wrong-Passw0rd!", CHANGED_PASSWORD, done)));
results.changePassword = await call((done) => user.changePassword(RESET_PASSWORD, CHANGED_PASSWORD, done));
results.resetPasswordAfterChange = (await outcome(authenticate(PHONE, RESET_PASSWORD))).code;
results.changedPasswordWorks = (await authenticate(PHONE, CHANGED_PASSWORD)).getSignInUserSession().isValid();
step("changePassword");

// updateAttributes: a new number (its code texted there, not to the old one) and a name.
const oldBefore = await lastTextId(PHONE);
let newBefore = await lastTextId(NEW_PHONE);
const updated = await new Promise((resolve, reject) => user.updateAttributes(
  [new CognitoUserAttribute({ Name: "phone_number", Value: NEW_PHONE }), { Name: "given_name", Value: "Ravi" }],
  (error, value, details) => (error ? reject(error) : resolve({ value, details }))));
results.updateAttributes = { result: updated.value, deliveries: updated.details.CodeDeliveryDetailsList };
results.updateCodeTexted = /^\d{6}$/.test(await codeAfter(NEW_PHONE, newBefore));
results.textsToOldPhone = (await messages(PHONE)).filter((m) => m.id > oldBefore).length;
results.attributesAfterUpdate = await attributesOf(user);
step("updateAttributes");

// getAttributeVerificationCode: a new code to the new number, then verifyAttribute (a wrong code first).
newBefore = await lastTextId(NEW_PHONE);
results.getAttributeVerificationCode = await new Promise((resolve, reject) => user.getAttributeVerificationCode(
  "phone_number", { onFailure: reject, onSuccess: () => resolve("onSuccess"), inputVerificationCode: resolve }));
const resentCode = await codeAfter(NEW_PHONE, newBefore);
const verify = (code) => new Promise((resolve) => user.verifyAttribute("phone_number", code, {
  onSuccess: (value) => resolve({ code: "none", value }), onFailure: (error) => resolve(failure(error)) }));
results.verifyWrong = await verify(otherThan(resentCode));
results.verifyAttribute = await verify(resentCode);
results.attributesAfterVerify = await attributesOf(user);
results.getCodeForEmail = await new Promise((resolve) => user.getAttributeVerificationCode(
  "email", { onFailure: (error) => resolve(failure(error)), inputVerificationCode: () => resolve({ code: "none" }) }));
step("verifyAttribute");

// The new number signs in.
results.newPhoneSignsIn = (await authenticate(NEW_PHONE, CHANGED_PASSWORD)).getSignInUserSession()
  .getIdToken().payload.phone_number;

report(results);
