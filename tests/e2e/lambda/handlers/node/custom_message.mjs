// CustomMessage: branded messages per triggerSource around the placeholders Cognito sends.
// Follows AWS's "Custom message for sign up example" and "Custom message for admin create user example"
// (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html): every
// message contains event.request.codeParameter; AdminCreateUser's also event.request.usernameParameter.
// AWS's example answers for one pool only ("theSpecialUserPool"): set BRANDED_USER_POOL_ID to do the same.
const BRAND = "Acme";
const SUBJECTS = {
  CustomMessage_SignUp: `Welcome to ${BRAND}`,
  CustomMessage_ResendCode: `Your ${BRAND} confirmation code`,
  CustomMessage_ForgotPassword: `Reset your ${BRAND} password`,
  CustomMessage_UpdateUserAttribute: `Confirm your new ${BRAND} email`,
  CustomMessage_VerifyUserAttribute: `Verify your ${BRAND} email`,
  CustomMessage_AdminCreateUser: `Your ${BRAND} account is ready`,
  CustomMessage_Authentication: `Your ${BRAND} sign-in code`,
};

export const handler = async (event) => {
  const onlyPool = process.env.BRANDED_USER_POOL_ID;
  if (onlyPool && event.userPoolId !== onlyPool) return event; // Customize messages for other user pools

  const source = event.triggerSource;
  const code = event.request.codeParameter;
  if (source === "CustomMessage_AdminCreateUser") {
    const text = `Welcome to ${BRAND}. Your user name is ${event.request.usernameParameter} Your temporary password is ${code}`;
    event.response.smsMessage = text;
    event.response.emailMessage = `<p>${text}</p>`;
  } else if (source in SUBJECTS) {
    // Ensure that your message contains event.request.codeParameter. This is the placeholder for code that will be sent
    event.response.smsMessage = `${BRAND}: your code is ${code}`;
    event.response.emailMessage = `<h1>${BRAND}</h1><p>${SUBJECTS[source]}: ${code}</p>`;
  } else {
    return event;
  }
  event.response.emailSubject = SUBJECTS[source];
  // Return to Amazon Cognito
  return event;
};
