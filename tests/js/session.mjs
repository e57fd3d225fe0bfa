// What Amplify holds after a sign-in: GetUser on the wire with its access token (the username and phone number it
// names, or the error), and its ID token for the Python test to verify against the pool's JWKS.
import { fetchAuthSession } from "aws-amplify/auth";

const endpoint = process.env.ENDPOINT;

export async function signedInSession() {
  const { tokens } = await fetchAuthSession();
  const response = await fetch(endpoint, {
    method: "POST", body: JSON.stringify({ AccessToken: tokens.accessToken.toString() }),
    headers: { "content-type": "application/x-amz-json-1.1",
               "x-amz-target": "AWSCognitoIdentityProviderService.GetUser" } });
  const user = await response.json();
  if (!response.ok) return { getUser: user.__type, idToken: tokens.idToken.toString() };
  const phone = user.UserAttributes.find((a) => a.Name === "phone_number")?.Value;
  return { getUser: user.Username, phone, idToken: tokens.idToken.toString() };
}
