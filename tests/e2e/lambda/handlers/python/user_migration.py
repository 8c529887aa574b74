# UserMigration: migrate a user from a legacy directory at sign-in and in the forgot-password flow.
# AWS's example "Migrate a user with an existing password", followed as written (Python rendering of
# the Node.js example; `callback("Bad password")` becomes an exception):
# https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-migrate-user.html#aws-lambda-triggers-user-migration-example-1
# The legacy directory is _legacy_users.LEGACY_USERS.
from _legacy_users import authenticate_user, lookup_user


def handler(event, context):
    if event['triggerSource'] == 'UserMigration_Authentication':
        # authenticate the user with your existing user directory service
        user = authenticate_user(event['userName'], event['request']['password'])
        if user:
            event['response']['userAttributes'] = {
                'email': user['emailAddress'],
                'email_verified': 'true',
                'name': user['name'],
            }
            event['response']['finalUserStatus'] = 'CONFIRMED'
            event['response']['messageAction'] = 'SUPPRESS'
            return event
        # Return error to Amazon Cognito
        raise Exception('Bad password')

    if event['triggerSource'] == 'UserMigration_ForgotPassword':
        # Lookup the user in your existing user directory service
        user = lookup_user(event['userName'])
        if user:
            event['response']['userAttributes'] = {
                'email': user['emailAddress'],
                # required to enable password-reset code to be sent to user
                'email_verified': 'true',
                'name': user['name'],
            }
            event['response']['messageAction'] = 'SUPPRESS'
            return event
        # Return error to Amazon Cognito
        raise Exception('Bad password')

    # Return error to Amazon Cognito
    raise Exception('Bad triggerSource ' + event['triggerSource'])
