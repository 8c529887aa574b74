# PreSignUp: auto-confirm users whose email domain equals their custom:domain attribute.
# AWS's example "Pre sign-up example: Auto-confirm users from a registered domain", followed as written:
# https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html#aws-lambda-triggers-pre-registration-example
# (source also in github.com/awsdocs/amazon-cognito-developer-guide doc_source/user-pool-lambda-pre-sign-up.md)


def handler(event, context):
    # It sets the user pool autoConfirmUser flag after validating the email domain
    event['response']['autoConfirmUser'] = False

    # Split the email address so we can compare domains
    address = event['request']['userAttributes']['email'].split('@')

    # This example uses a custom attribute 'custom:domain'
    if 'custom:domain' in event['request']['userAttributes']:
        if event['request']['userAttributes']['custom:domain'] == address[1]:
            event['response']['autoConfirmUser'] = True

    # Return to Amazon Cognito
    return event
