// Amplify v6's signInWithRedirect and signOut against the emulator's managed login over its HTTPS listener.
// tests/test_hosted_login_browser.py bundles this with esbuild into a temporary folder (never committed), writes
// config.json next to it ({userPoolId, userPoolClientId, userPoolEndpoint, domain, appUrl}) and serves the folder
// at http://localhost:<port>/, the client's callback and logout URL.
import { Amplify } from "aws-amplify";
import { Hub } from "aws-amplify/utils";
import { fetchAuthSession, fetchUserAttributes, getCurrentUser, signInWithRedirect, signOut } from "aws-amplify/auth";

const $ = (id) => document.getElementById(id);
const events = [];
window.authEvents = events; // for the test: the Hub's auth events, in order

function fail(where, error) {
  $("error").textContent = `${where}: ${error?.name}: ${error?.message}`;
}

Hub.listen("auth", ({ payload }) => {
  events.push(payload.event);
  if (payload.event === "signInWithRedirect_failure") {
    fail("signInWithRedirect", payload.data?.error);
  }
});

async function show() {
  try {
    const user = await getCurrentUser(); // waits for a redirect's code exchange in flight
    const { tokens } = await fetchAuthSession();
    const attributes = await fetchUserAttributes(); // GetUser at userPoolEndpoint, with the OAuth access token
    $("username").textContent = user.username;
    $("email").textContent = tokens.idToken.payload.email;
    $("attribute-email").textContent = attributes.email;
    $("scope").textContent = tokens.accessToken.payload.scope;
    $("status").textContent = "signed in";
    $("sign-out").disabled = false;
  } catch (error) {
    if (error?.name !== "UserUnAuthenticatedException") {
      fail("show", error);
    }
    $("status").textContent = "signed out";
    $("sign-in").disabled = false;
  }
}

$("sign-in").addEventListener("click", () => {
  $("sign-in").disabled = true;
  signInWithRedirect().catch((error) => fail("signInWithRedirect", error));
});

$("sign-out").addEventListener("click", () => {
  $("sign-out").disabled = true;
  signOut().catch((error) => fail("signOut", error));
});

const config = await (await fetch("config.json", { cache: "no-store" })).json();
Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: config.userPoolId,
      userPoolClientId: config.userPoolClientId,
      userPoolEndpoint: config.userPoolEndpoint,
      loginWith: {
        oauth: {
          domain: config.domain,
          scopes: ["openid", "email", "profile", "aws.cognito.signin.user.admin"],
          redirectSignIn: [config.appUrl],
          redirectSignOut: [config.appUrl],
          responseType: "code",
        },
      },
    },
  },
});
await show();
