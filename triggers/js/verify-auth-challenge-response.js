// VerifyAuthChallengeResponse: the answer is right when it is the code CreateAuthChallenge texted.
// Deployable to AWS Lambda (nodejs20.x) as it is.

const { timingSafeEqual } = require('crypto');

exports.handler = async (event) => {
  const expected = Buffer.from(event.request.privateChallengeParameters.secretLoginCode || '');
  const answer = Buffer.from(String(event.request.challengeAnswer || '').trim());
  event.response.answerCorrect = expected.length > 0 && answer.length === expected.length
    && timingSafeEqual(answer, expected);
  return event;
};
