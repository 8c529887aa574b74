// PreSignUp: AWS's "Pre sign-up example: Auto-confirm and auto-verify all users" (async rendering):
// https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html#aws-lambda-triggers-pre-registration-example-2
export const handler = async (event, context) => {
  // Confirm the user
  event.response.autoConfirmUser = true;
  // Set the email as verified if it is in the request
  if (Object.hasOwn(event.request.userAttributes, "email")) event.response.autoVerifyEmail = true;
  // Set the phone number as verified if it is in the request
  if (Object.hasOwn(event.request.userAttributes, "phone_number")) event.response.autoVerifyPhone = true;
  // Return to Amazon Cognito
  return event;
};
