# CreateAuthChallenge (CUSTOM_AUTH): a CAPTCHA whose URL is public and whose answer stays private.
# AWS's "Create Auth challenge example", followed as written (Python rendering of the Node.js example):
# https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-create-auth-challenge.html
# CAPTCHA_ANSWER (default "5") changes the expected answer.
import os


def handler(event, context):
    if event['request']['challengeName'] == 'CUSTOM_CHALLENGE':
        event['response']['publicChallengeParameters'] = {}
        event['response']['publicChallengeParameters']['captchaUrl'] = 'url/123.jpg'
        event['response']['privateChallengeParameters'] = {}
        event['response']['privateChallengeParameters']['answer'] = os.environ.get('CAPTCHA_ANSWER', '5')
        event['response']['challengeMetadata'] = 'CAPTCHA_CHALLENGE'

    # Return to Amazon Cognito
    return event
