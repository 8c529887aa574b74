// PreSignUp: auto-confirm (and auto-verify) users from a trusted domain, refuse a blocked one by throwing.
// AWS's "Pre sign-up example: Auto-confirm and auto-verify all users"
// https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html#aws-lambda-triggers-pre-registration-example-2
// combined with AWS Amplify's "Email domain filtering" trigger, which throws to refuse a sign-up:
// https://docs.amplify.aws/javascript/build-a-backend/functions/examples/email-domain-filtering/
// TRUSTED_DOMAIN (default example.com), BLOCKED_DOMAIN (default blocked.example).
export const handler = async (event) => {
  const trusted = process.env.TRUSTED_DOMAIN ?? "example.com";
  const blocked = process.env.BLOCKED_DOMAIN ?? "blocked.example";
  const attributes = event.request.userAttributes;
  const domain = (attributes.email ?? "").split("@").pop().toLowerCase();

  if (domain === blocked) {
    throw new Error(`Sign-ups from ${blocked} are not allowed`);
  }
  if (domain === trusted) {
    // Confirm the user
    event.response.autoConfirmUser = true;
    // Set the email as verified if it is in the request
    if (Object.hasOwn(attributes, "email")) event.response.autoVerifyEmail = true;
    // Set the phone number as verified if it is in the request
    if (Object.hasOwn(attributes, "phone_number")) event.response.autoVerifyPhone = true;
  }
  // Return to Amazon Cognito
  return event;
};
