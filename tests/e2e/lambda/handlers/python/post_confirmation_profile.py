# PostConfirmation: write a "profile row" for the newly confirmed user.
# AWS's post confirmation example (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-confirmation.html#aws-lambda-triggers-post-confirmation-example)
# sends the user an email through Amazon SES; the usual real-world use, and the one a local test can observe,
# is to create the user's row in the application's database. Here the "table" is a JSON-lines file whose path
# comes from the PROFILE_TABLE environment variable (nothing is written when it is unset).
# Post confirmation ignores the response: the handler returns the event unchanged, as AWS's example does.
import json
import os
from datetime import datetime, timezone


def handler(event, context):
    path = os.environ.get('PROFILE_TABLE')
    if path:
        attributes = event['request']['userAttributes']
        row = {
            'sub': attributes.get('sub'),
            'userName': event['userName'],
            'email': attributes.get('email'),
            'userPoolId': event['userPoolId'],
            'triggerSource': event['triggerSource'],
            'createdAt': datetime.now(timezone.utc).isoformat(),
            'requestId': context.aws_request_id,
        }
        with open(path, 'a', encoding='utf-8') as table:
            table.write(json.dumps(row) + '\n')

    # Return to Amazon Cognito
    return event
