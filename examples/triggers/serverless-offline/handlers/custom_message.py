# CustomMessage: AWS's "Custom message for sign up example" (Python rendering), for every pool:
# https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html


def handler(event, context):
    if event['triggerSource'] == 'CustomMessage_SignUp':
        # Ensure that your message contains event.request.codeParameter. This is the placeholder for code that will be sent
        event['response']['smsMessage'] = 'Welcome to the service. Your confirmation code is ' + event['request']['codeParameter']
        event['response']['emailSubject'] = 'Welcome to the service'
        event['response']['emailMessage'] = 'Thank you for signing up. ' + event['request']['codeParameter'] + ' is your verification code'
    # Return to Amazon Cognito
    return event
