// CreateAuthChallenge: a 6-digit code texted through SNS on the first try; later tries of the same sign-in re-use
// it from challengeMetadata, which only the triggers see. Deployable to AWS Lambda (nodejs20.x) as it is.

const { randomInt } = require('crypto');
const { SNSClient, PublishCommand } = require('@aws-sdk/client-sns');

const sns = new SNSClient({});

async function sendSMS(phoneNumber, code) {
  const message = (process.env.OTP_MESSAGE || 'Your sign-in code is {code}').replace('{code}', code);
  await sns.send(new PublishCommand({ PhoneNumber: phoneNumber, Message: message }));
}

exports.handler = async (event) => {
  const session = event.request.session || [];
  const phoneNumber = event.request.userAttributes.phone_number;
  let secretLoginCode;

  if (session.length === 0) {
    secretLoginCode = String(randomInt(0, 1000000)).padStart(6, '0');
    if (!event.request.userNotFound) {  // a client that hides unknown users still gets a challenge, but no text
      await sendSMS(phoneNumber, secretLoginCode);
    }
  } else {
    const previous = session[session.length - 1];
    secretLoginCode = previous.challengeMetadata.match(/CODE-(\d*)/)[1];
  }

  event.response.publicChallengeParameters = { phone: phoneNumber || '' };
  event.response.privateChallengeParameters = { secretLoginCode };
  event.response.challengeMetadata = `CODE-${secretLoginCode}`;
  return event;
};
