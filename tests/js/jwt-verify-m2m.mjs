// A back end's view of the managed login over HTTPS: a client-credentials token from /oauth2/token on the
// emulator's HTTPS listener (its local CA trusted through NODE_EXTRA_CA_CERTS, as the emulator's banner says),
// verified by aws-jwt-verify's CognitoJwtVerifier with the scope it requires.
import { CognitoJwtVerifier } from "aws-jwt-verify";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { report } from "./inbox.mjs";

const { TLS_ENDPOINT, POOL_ID, CLIENT_ID, CLIENT_SECRET, SCOPE } = process.env;
const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64");
const response = await fetch(`${TLS_ENDPOINT}/oauth2/token`, {
  method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${basic}` },
  body: new URLSearchParams({ grant_type: "client_credentials", scope: SCOPE }),
});
const token = await response.json();
const jwks = await (await fetch(`${TLS_ENDPOINT}/${POOL_ID}/.well-known/jwks.json`)).json();
const offline = new SimpleJwksCache({ fetcher: { fetch: async (uri) => { throw new Error(`no network: ${uri}`); } } });
const verifier = CognitoJwtVerifier.create({ userPoolId: POOL_ID, tokenUse: "access", clientId: CLIENT_ID, scope: SCOPE },
                                          { jwksCache: offline });
verifier.cacheJwks(jwks);
const payload = await verifier.verify(token.access_token);
const otherScope = CognitoJwtVerifier.create({ userPoolId: POOL_ID, tokenUse: "access", clientId: CLIENT_ID,
                                               scope: "https://api.example.com/write" }, { jwksCache: offline });
otherScope.cacheJwks(jwks);
report({
  status: response.status, tokenType: token.token_type,
  verified: { sub: payload.sub, clientId: payload.client_id, scope: payload.scope, tokenUse: payload.token_use },
  wrongScope: await otherScope.verify(token.access_token).then(() => "accepted", (error) => error.constructor.name),
});
