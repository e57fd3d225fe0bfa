// The stock Amplify UI Authenticator against the emulator. tests/test_authenticator_browser.py bundles this with
// esbuild into a temporary folder (never committed) and opens index.html?endpoint=...&pool=...&client=...
// Optional: &login=username|email|phone, the sign-in field (phone when absent); tests/test_authenticator_mfa_browser.py
// passes login=username for the pool it creates.
import React from "react";
import { createRoot } from "react-dom/client";
import { Amplify } from "aws-amplify";
import { Authenticator } from "@aws-amplify/ui-react";
import "@aws-amplify/ui-react/styles.css";

const params = new URLSearchParams(window.location.search);
const login = params.get("login") || "phone";
Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: params.get("pool"),
      userPoolClientId: params.get("client"),
      userPoolEndpoint: params.get("endpoint"),
      loginWith: { [login]: true },
    },
  },
});

function SignedIn({ user, signOut }) {
  return (
    <main id="signed-in">
      <h1>Signed in</h1>
      <p id="login-id">{user.signInDetails?.loginId}</p>
      <button onClick={signOut}>Sign out</button>
    </main>
  );
}

createRoot(document.getElementById("root")).render(
  <Authenticator hideSignUp>{({ user, signOut }) => <SignedIn user={user} signOut={signOut} />}</Authenticator>,
);
