// A PreSignUp trigger written the Amplify Gen 2 way (amplify/auth/pre-sign-up/handler.ts).
import type { PreSignUpTriggerHandler } from 'aws-lambda';
import { env } from '$amplify/env/pre-sign-up';

export const handler: PreSignUpTriggerHandler = async (event) => {
  const allowed = env.ALLOWED_COUNTRY_CODE ?? '+91';
  const phoneNumber = event.request.userAttributes.phone_number ?? '';
  if (!phoneNumber.startsWith(allowed)) {
    throw new Error(`only ${allowed} numbers may sign up`);
  }
  console.log(`auto-confirming ${phoneNumber}`);
  event.response.autoConfirmUser = true;
  event.response.autoVerifyPhone = true;
  return event;
};
