// The AWS SDK for JavaScript v3 against the emulator, configured only with `endpoint`.
import {
  CognitoIdentityProviderClient, ConfirmSignUpCommand, GetUserCommand, InitiateAuthCommand, RespondToAuthChallengeCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { codeAfter, lastTextId, report } from "./inbox.mjs";

const { ENDPOINT, CLIENT_ID, PHONE } = process.env;
const client = new CognitoIdentityProviderClient({ region: "us-east-1", endpoint: ENDPOINT,
                                                   credentials: { accessKeyId: "x", secretAccessKey: "x" } });
const results = {};
const PASSWORD = "Generated-Passw0rd!";

const signUp = await client.send(new SignUpCommand({ ClientId: CLIENT_ID, Username: PHONE, Password: PASSWORD }));
results.signUp = { confirmed: signUp.UserConfirmed, medium: signUp.CodeDeliveryDetails.DeliveryMedium };
await client.send(new ConfirmSignUpCommand({ ClientId: CLIENT_ID, Username: PHONE, ConfirmationCode: await codeAfter(PHONE) }));

const before = await lastTextId(PHONE);
const challenge = await client.send(new InitiateAuthCommand({ ClientId: CLIENT_ID, AuthFlow: "CUSTOM_AUTH",
                                                              AuthParameters: { USERNAME: PHONE } }));
const answered = await client.send(new RespondToAuthChallengeCommand({
  ClientId: CLIENT_ID, ChallengeName: "CUSTOM_CHALLENGE", Session: challenge.Session,
  ChallengeResponses: { USERNAME: PHONE, ANSWER: await codeAfter(PHONE, before) } }));
const user = await client.send(new GetUserCommand({ AccessToken: answered.AuthenticationResult.AccessToken }));
results.customAuth = { challenge: challenge.ChallengeName,
                       phone: user.UserAttributes.find((a) => a.Name === "phone_number").Value };

results.error = await client.send(new SignUpCommand({ ClientId: CLIENT_ID, Username: PHONE, Password: PASSWORD }))
  .then(() => ({ name: "none" }), (error) => ({ name: error.name, message: error.message, status: error.$metadata.httpStatusCode }));

report(results);
