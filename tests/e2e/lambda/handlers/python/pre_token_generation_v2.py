# PreTokenGeneration, event version V2_0: customise the ID token and the access token (claims and scopes)
# and override the groups. AWS's V2_0 example from the pre token generation page
# (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html;
# the Node.js example that sets claimsAndScopeOverrideDetails), with the same values, plus an access-token claim.


def handler(event, context):
    event['response'] = {
        'claimsAndScopeOverrideDetails': {
            'idTokenGeneration': {
                'claimsToAddOrOverride': {
                    'family_name': 'Doe'
                },
                'claimsToSuppress': [
                    'email',
                    'phone_number'
                ]
            },
            'accessTokenGeneration': {
                'claimsToAddOrOverride': {
                    'tenant': 'acme'
                },
                'scopesToAdd': [
                    'openid',
                    'email',
                    'solar-system-data/asteroids.add'
                ],
                'scopesToSuppress': [
                    'phone_number',
                    'aws.cognito.signin.user.admin'
                ]
            },
            'groupOverrideDetails': {
                'groupsToOverride': [
                    'new-group-A',
                    'new-group-B',
                    'new-group-C'
                ],
                'iamRolesToOverride': [
                    'arn:aws:iam::123456789012:role/new_roleA',
                    'arn:aws:iam::123456789012:role/new_roleB',
                    'arn:aws:iam::123456789012:role/new_roleC'
                ],
                'preferredRole': 'arn:aws:iam::123456789012:role/new_role'
            }
        }
    }

    # Return to Amazon Cognito
    return event
