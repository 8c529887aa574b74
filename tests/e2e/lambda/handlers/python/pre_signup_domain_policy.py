# PreSignUp: auto-confirm (and auto-verify the email of) users from a trusted domain, refuse a blocked one.
# Combines AWS's "Pre sign-up example: Auto-confirm and auto-verify all users"
# https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html#aws-lambda-triggers-pre-registration-example-2
# with AWS Amplify's "Email domain filtering" pre sign-up trigger, which refuses a sign-up by throwing
# (Cognito then answers SignUp with UserLambdaValidationException "PreSignUp failed with error <message>."):
# https://docs.amplify.aws/javascript/build-a-backend/functions/examples/email-domain-filtering/
#
# TRUSTED_DOMAIN (default example.com): auto-confirm + autoVerifyEmail (+ autoVerifyPhone when present).
# BLOCKED_DOMAIN (default blocked.example): raise -> the host answers 200 with X-Amz-Function-Error: Unhandled.
# Any other domain: left to the normal confirmation flow.
import os


def handler(event, context):
    trusted = os.environ.get('TRUSTED_DOMAIN', 'example.com')
    blocked = os.environ.get('BLOCKED_DOMAIN', 'blocked.example')
    attributes = event['request']['userAttributes']
    domain = attributes.get('email', '').rpartition('@')[2].lower()

    if domain == blocked:
        raise Exception(f'Sign-ups from {blocked} are not allowed')

    if domain == trusted:
        # Confirm the user
        event['response']['autoConfirmUser'] = True
        # Set the email as verified if it is in the request
        if 'email' in attributes:
            event['response']['autoVerifyEmail'] = True
        # Set the phone number as verified if it is in the request
        if 'phone_number' in attributes:
            event['response']['autoVerifyPhone'] = True

    # Return to Amazon Cognito
    return event
