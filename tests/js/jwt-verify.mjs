// aws-jwt-verify's CognitoJwtVerifier, created as production code creates it, verifies the emulator's tokens once
// its key cache is primed with the emulator's JWKS (verifier.cacheJwks). Nothing is fetched from AWS: the cache's
// fetcher only records what it was asked for and refuses (test instrumentation; the verifier is otherwise stock).
import {
  AdminConfirmSignUpCommand, CognitoIdentityProviderClient, CreateUserPoolClientCommand, CreateUserPoolCommand,
  InitiateAuthCommand, SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { CognitoJwtVerifier } from "aws-jwt-verify";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { report } from "./inbox.mjs";

const { ENDPOINT, POOL_ID, CLIENT_ID, PHONE } = process.env;
const client = new CognitoIdentityProviderClient({ region: "us-east-1", endpoint: ENDPOINT,
                                                   credentials: { accessKeyId: "x", secretAccessKey: "x" } });
const PASSWORD = "Generated-Passw0rd!";
const fetched = [];
const offline = () => new SimpleJwksCache({ fetcher: { fetch: async (uri) => {
  fetched.push(uri);
  throw new Error(`no network in this test: ${uri}`);
} } });

async function signIn(poolId, clientId, username) {
  await client.send(new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD }));
  await client.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: username }));
  const signedIn = await client.send(new InitiateAuthCommand({
    ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: username, PASSWORD } }));
  return signedIn.AuthenticationResult;
}

async function verifyBoth(poolId, clientId, tokens) {
  const jwks = await (await fetch(`${ENDPOINT}/${poolId}/.well-known/jwks.json`)).json();
  const idVerifier = CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: "id", clientId }, { jwksCache: offline() });
  const accessVerifier = CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: "access", clientId },
                                                   { jwksCache: offline() });
  idVerifier.cacheJwks(jwks);
  accessVerifier.cacheJwks(jwks);
  const id = await idVerifier.verify(tokens.IdToken);
  const access = await accessVerifier.verify(tokens.AccessToken);
  const refused = (promise) => promise.then(() => "accepted", (error) => error.constructor.name);
  const [head, payload] = tokens.AccessToken.split(".");
  return {
    id: { iss: id.iss, tokenUse: id.token_use, aud: id.aud },
    access: { iss: access.iss, tokenUse: access.token_use, clientId: access.client_id },
    // The verifier still refuses what it should: an ID token as an access token, another token's signature.
    idAsAccess: await refused(accessVerifier.verify(tokens.IdToken)),
    wrongSignature: await refused(accessVerifier.verify(`${head}.${payload}.${tokens.IdToken.split(".")[2]}`)),
  };
}

const results = {};
results.seeded = await verifyBoth(POOL_ID, CLIENT_ID, await signIn(POOL_ID, CLIENT_ID, PHONE));

// A pool with IssuerConfiguration UPDATED: its tokens carry the issuer-cognito-idp form.
const pool = (await client.send(new CreateUserPoolCommand({ PoolName: "jwt-verify-updated",
                                                             IssuerConfiguration: { Type: "UPDATED" } }))).UserPool;
const poolClient = (await client.send(new CreateUserPoolClientCommand({
  UserPoolId: pool.Id, ClientName: "jwt-verify", ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
}))).UserPoolClient;
results.updatedPool = pool.Id;
results.updated = await verifyBoth(pool.Id, poolClient.ClientId, await signIn(pool.Id, poolClient.ClientId, "jwt-verify-user"));
results.fetched = fetched;

report(results);
