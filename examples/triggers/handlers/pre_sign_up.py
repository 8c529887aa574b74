"""PreSignUp: auto-confirm (and verify) sign-ups from the company domain, refuse a blocked one.
After AWS's example: https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html
"""

import os


def handler(event, context):
    email = event["request"]["userAttributes"].get("email", "")
    domain = email.rpartition("@")[2].lower()
    if domain == os.environ.get("BLOCKED_DOMAIN", "blocked.example"):
        raise Exception(f"Sign-ups from {domain} are not allowed")
    if domain == os.environ.get("COMPANY_DOMAIN", "example.com"):
        event["response"]["autoConfirmUser"] = True
        event["response"]["autoVerifyEmail"] = True
    return event
