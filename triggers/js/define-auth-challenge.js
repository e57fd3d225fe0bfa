// DefineAuthChallenge for sign-in with a texted code: one CUSTOM_CHALLENGE, three tries, tokens on a right answer.
// Deployable to AWS Lambda (nodejs20.x) as it is.

const MAX_ATTEMPTS = 3;

exports.handler = async (event) => {
  const session = event.request.session || [];
  const last = session[session.length - 1];

  if (session.some((attempt) => attempt.challengeName !== 'CUSTOM_CHALLENGE')) {
    // Only the code is asked in this flow: a session with a password step in it is not ours.
    event.response.issueTokens = false;
    event.response.failAuthentication = true;
  } else if (session.length >= MAX_ATTEMPTS && last.challengeResult === false) {
    event.response.issueTokens = false;
    event.response.failAuthentication = true;
  } else if (last && last.challengeResult === true) {
    event.response.issueTokens = true;
    event.response.failAuthentication = false;
  } else {
    event.response.issueTokens = false;
    event.response.failAuthentication = false;
    event.response.challengeName = 'CUSTOM_CHALLENGE';
  }
  return event;
};
