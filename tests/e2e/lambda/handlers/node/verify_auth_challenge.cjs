// VerifyAuthChallengeResponse (CUSTOM_AUTH): right when the answer equals the private answer.
// AWS's "Verify Auth challenge response example", as written:
// https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-verify-auth-challenge-response.html
exports.handler = (event, context, callback) => {
  if (event.request.privateChallengeParameters.answer == event.request.challengeAnswer) {
    event.response.answerCorrect = true;
  } else {
    event.response.answerCorrect = false;
  }

  // Return to Amazon Cognito
  callback(null, event);
};
