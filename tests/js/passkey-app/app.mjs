// Amplify v6 passkeys in a browser against the emulator: sign in with a texted code (USER_AUTH, SMS_OTP), register a
// passkey with associateWebAuthnCredential (navigator.credentials.create), list it, sign out, then sign in with the
// passkey alone (USER_AUTH, WEB_AUTHN: navigator.credentials.get). tests/test_passkeys_browser.py bundles this with
// esbuild into a temporary folder (never committed), writes config.json next to it ({userPoolId, userPoolClientId,
// userPoolEndpoint}) and serves the folder at http://localhost:<port>/ (and, for the wrong-origin case, at
// http://127.0.0.1:<port>/), with a CDP virtual authenticator in the tab.
import { Amplify } from "aws-amplify";
import {
  associateWebAuthnCredential, confirmSignIn, getCurrentUser, listWebAuthnCredentials, signIn, signOut,
} from "aws-amplify/auth";

const $ = (id) => document.getElementById(id);
const buttons = ["send-code", "confirm-code", "sign-in-passkey", "add-passkey", "sign-out"];

function fail(where, error) {
  $("error").textContent = `${where}: ${error?.name}: ${error?.message}`;
  $("error-cause").textContent = error?.underlyingError ? `${error.underlyingError.name}` : "";
}

// Each button runs one step; the page shows the outcome in #step (the last signIn/confirmSignIn step) or #error,
// then counts the step in #done (what the test waits for).
function action(id, where, run) {
  $(id).addEventListener("click", async () => {
    buttons.forEach((name) => { $(name).disabled = true; });
    $("error").textContent = "";
    $("error-cause").textContent = "";
    $("status").textContent = "working";
    try {
      await run();
    } catch (error) {
      fail(where, error);
    }
    await show();
    $("done").textContent = String(Number($("done").textContent) + 1);
  });
}

async function showPasskeys() {
  const { credentials } = await listWebAuthnCredentials();
  $("passkeys").replaceChildren(...credentials.map((credential) => {
    const item = document.createElement("li");
    item.dataset.credentialId = credential.credentialId;
    item.dataset.relyingPartyId = credential.relyingPartyId;
    item.dataset.createdAt = String(credential.createdAt?.getTime()); // ms since the epoch, from CreatedAt (seconds)
    item.textContent = `${credential.friendlyCredentialName} (${credential.relyingPartyId}, `
      + `${credential.authenticatorAttachment}, ${(credential.authenticatorTransports || []).join(" ")})`;
    return item;
  }));
  $("passkey-count").textContent = String(credentials.length);
}

async function show() {
  let signedIn = false;
  try {
    const user = await getCurrentUser();
    $("login-id").textContent = user.signInDetails?.loginId ?? "";
    $("auth-flow").textContent = user.signInDetails?.authFlowType ?? "";
    $("username").textContent = user.username;
    signedIn = true;
  } catch (error) {
    if (error?.name !== "UserUnAuthenticatedException") {
      fail("getCurrentUser", error);
    }
    for (const id of ["login-id", "auth-flow", "username", "passkey-count"]) $(id).textContent = "";
    $("passkeys").replaceChildren();
  }
  if (signedIn) {
    try {
      await showPasskeys();
    } catch (error) {
      fail("listWebAuthnCredentials", error);
    }
  }
  $("send-code").disabled = $("sign-in-passkey").disabled = signedIn;
  $("confirm-code").disabled = signedIn || $("step").textContent !== "CONFIRM_SIGN_IN_WITH_SMS_CODE";
  $("add-passkey").disabled = $("sign-out").disabled = !signedIn;
  $("status").textContent = signedIn ? "signed in" : "signed out";
}

function showStep(result) {
  $("step").textContent = result.nextStep.signInStep;
}

action("send-code", "signIn", async () => {
  showStep(await signIn({ username: $("phone").value,
                          options: { authFlowType: "USER_AUTH", preferredChallenge: "SMS_OTP" } }));
});
action("confirm-code", "confirmSignIn", async () => {
  showStep(await confirmSignIn({ challengeResponse: $("code").value }));
});
action("sign-in-passkey", "signIn", async () => {
  $("step").textContent = "";
  showStep(await signIn({ username: $("phone").value,
                          options: { authFlowType: "USER_AUTH", preferredChallenge: "WEB_AUTHN" } }));
});
action("add-passkey", "associateWebAuthnCredential", async () => {
  await associateWebAuthnCredential();
  $("registered").textContent = "yes";
});
action("sign-out", "signOut", async () => {
  await signOut();
  $("step").textContent = "";
});

const config = await (await fetch("config.json", { cache: "no-store" })).json();
Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: config.userPoolId,
      userPoolClientId: config.userPoolClientId,
      userPoolEndpoint: config.userPoolEndpoint,
      loginWith: { phone: true },
    },
  },
});
$("origin").textContent = window.location.origin;
$("secure").textContent = String(window.isSecureContext);
await show();
