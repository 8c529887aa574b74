# CustomMessage: branded messages for every triggerSource, built around the placeholders Cognito sends.
# Follows AWS's "Custom message for sign up example" and "Custom message for admin create user example"
# (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html):
# every message contains event.request.codeParameter (the code placeholder, e.g. "{####}"), and the
# AdminCreateUser one also event.request.usernameParameter. AWS's example only answers for one pool
# ("theSpecialUserPool"); set BRANDED_USER_POOL_ID to do the same, unset it to brand every pool.
import os

BRAND = 'Acme'

SUBJECTS = {
    'CustomMessage_SignUp': f'Welcome to {BRAND}',
    'CustomMessage_ResendCode': f'Your {BRAND} confirmation code',
    'CustomMessage_ForgotPassword': f'Reset your {BRAND} password',
    'CustomMessage_UpdateUserAttribute': f'Confirm your new {BRAND} email',
    'CustomMessage_VerifyUserAttribute': f'Verify your {BRAND} email',
    'CustomMessage_AdminCreateUser': f'Your {BRAND} account is ready',
    'CustomMessage_Authentication': f'Your {BRAND} sign-in code',
}


def handler(event, context):
    only_pool = os.environ.get('BRANDED_USER_POOL_ID')
    if only_pool and event['userPoolId'] != only_pool:
        # Customize messages for other user pools: leave Cognito's own message
        return event

    source = event['triggerSource']
    code = event['request']['codeParameter']
    if source == 'CustomMessage_AdminCreateUser':
        username = event['request']['usernameParameter']
        text = f'Welcome to {BRAND}. Your user name is {username} Your temporary password is {code}'
        event['response']['smsMessage'] = text
        event['response']['emailMessage'] = f'<p>{text}</p>'
    elif source in SUBJECTS:
        # Ensure that your message contains event.request.codeParameter. This is the placeholder for code that will be sent
        event['response']['smsMessage'] = f'{BRAND}: your code is {code}'
        event['response']['emailMessage'] = f'<h1>{BRAND}</h1><p>{SUBJECTS[source]}: {code}</p>'
    else:
        return event
    event['response']['emailSubject'] = SUBJECTS[source]

    # Return to Amazon Cognito
    return event
