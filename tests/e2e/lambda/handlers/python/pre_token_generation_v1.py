# PreTokenGeneration, event version V1_0: add claims, override one, suppress one, override the groups.
# AWS's examples "Add a new claim and suppress an existing claim" and "Modify the user's group membership"
# (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html),
# with the same claim names and values, plus an override of an existing attribute claim (family_name).
# Set event['request']['clientMetadata']['groups'] == 'keep' to leave the groups as Cognito computed them
# (the docs: copy request.groupConfiguration to response.claimsOverrideDetails.groupOverrideDetails).


def handler(event, context):
    keep_groups = (event['request'].get('clientMetadata') or {}).get('groups') == 'keep'
    event['response'] = {
        'claimsOverrideDetails': {
            'claimsToAddOrOverride': {
                'attribute_key2': 'attribute_value2',
                'attribute_key': 'attribute_value',
                'family_name': 'Overridden',
            },
            'claimsToSuppress': ['email'],
            'groupOverrideDetails': event['request']['groupConfiguration'] if keep_groups else {
                'groupsToOverride': ['group-A', 'group-B', 'group-C'],
                'iamRolesToOverride': [
                    'arn:aws:iam::123456789012:role/sns_callerA',
                    'arn:aws:iam::123456789012:role/sns_callerB',
                    'arn:aws:iam::123456789012:role/sns_callerC',
                ],
                'preferredRole': 'arn:aws:iam::123456789012:role/sns_caller',
            },
        }
    }

    # Return to Amazon Cognito
    return event
