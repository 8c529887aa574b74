# DefineAuthChallenge (CUSTOM_AUTH): SRP_A -> PASSWORD_VERIFIER -> CUSTOM_CHALLENGE -> tokens.
# AWS's "Define Auth challenge example", followed as written (Python rendering of the Node.js example):
# https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-define-auth-challenge.html
# A session that does not follow the sequence, or any failed step, fails the authentication.


def handler(event, context):
    session = event['request']['session']
    if len(session) == 1 and session[0]['challengeName'] == 'SRP_A':
        event['response']['issueTokens'] = False
        event['response']['failAuthentication'] = False
        event['response']['challengeName'] = 'PASSWORD_VERIFIER'
    elif (len(session) == 2 and session[1]['challengeName'] == 'PASSWORD_VERIFIER'
          and session[1]['challengeResult'] is True):
        event['response']['issueTokens'] = False
        event['response']['failAuthentication'] = False
        event['response']['challengeName'] = 'CUSTOM_CHALLENGE'
    elif (len(session) == 3 and session[2]['challengeName'] == 'CUSTOM_CHALLENGE'
          and session[2]['challengeResult'] is True):
        event['response']['issueTokens'] = True
        event['response']['failAuthentication'] = False
    else:
        event['response']['issueTokens'] = False
        event['response']['failAuthentication'] = True

    # Return to Amazon Cognito
    return event
