# VerifyAuthChallengeResponse (CUSTOM_AUTH): the answer is right when it equals the private answer.
# AWS's "Verify Auth challenge response example", followed as written (Python rendering):
# https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-verify-auth-challenge-response.html


def handler(event, context):
    if event['request']['privateChallengeParameters']['answer'] == event['request']['challengeAnswer']:
        event['response']['answerCorrect'] = True
    else:
        event['response']['answerCorrect'] = False

    # Return to Amazon Cognito
    return event
