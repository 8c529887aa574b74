"""PreTokenGeneration (V1): a tenant claim in the ID token, from the email domain.
After AWS's example: https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
"""


def handler(event, context):
    email = event["request"]["userAttributes"].get("email", "")
    event["response"]["claimsOverrideDetails"] = {
        "claimsToAddOrOverride": {"tenant": email.rpartition("@")[2]},
    }
    return event
