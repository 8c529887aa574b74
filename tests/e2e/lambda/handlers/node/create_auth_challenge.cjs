// CreateAuthChallenge (CUSTOM_AUTH): a CAPTCHA whose URL is public and whose answer ("5") stays private.
// AWS's "Create Auth challenge example":
// https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-create-auth-challenge.html
// (AWS's published snippet lacks the "//" before "Return to Amazon Cognito", a syntax error; fixed here.)
// CAPTCHA_ANSWER overrides the answer.
exports.handler = (event, context, callback) => {
  if (event.request.challengeName == "CUSTOM_CHALLENGE") {
    event.response.publicChallengeParameters = {};
    event.response.publicChallengeParameters.captchaUrl = "url/123.jpg";
    event.response.privateChallengeParameters = {};
    event.response.privateChallengeParameters.answer = process.env.CAPTCHA_ANSWER || "5";
    event.response.challengeMetadata = "CAPTCHA_CHALLENGE";
  }

  // Return to Amazon Cognito
  callback(null, event);
};
