// PostConfirmation: write a "profile row" for the newly confirmed user.
// AWS's post confirmation example sends an email through Amazon SES
// (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-confirmation.html#aws-lambda-triggers-post-confirmation-example);
// here the observable side effect is a row appended to a JSON-lines "table" named by PROFILE_TABLE
// (nothing is written when it is unset). The event is returned unchanged.
import { appendFile } from "node:fs/promises";

export const handler = async (event, context) => {
  const table = process.env.PROFILE_TABLE;
  if (table) {
    const attributes = event.request.userAttributes;
    const row = {
      sub: attributes.sub,
      userName: event.userName,
      email: attributes.email,
      userPoolId: event.userPoolId,
      triggerSource: event.triggerSource,
      createdAt: new Date().toISOString(),
      requestId: context.awsRequestId,
    };
    await appendFile(table, JSON.stringify(row) + "\n", "utf8");
  }
  // Return to Amazon Cognito
  return event;
};
