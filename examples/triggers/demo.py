#!/usr/bin/env python3
"""Triggers demo: a pool whose PreSignUp and PreTokenGeneration run the functions in handlers/, served by a
Lambda-compatible host. Run (from the repository root):

    python3 tests/e2e/lambda/host.py --port 9001 --handlers examples/triggers/handlers &
    cognito-emulator --lambda-endpoint http://127.0.0.1:9001 &
    EMULATOR_URL=http://localhost:9229 python3 examples/triggers/demo.py

Needs boto3 and PyJWT (pip install boto3 pyjwt).
"""

import os
import sys

import boto3
import jwt

URL = os.environ.get("EMULATOR_URL", "http://localhost:9229")
ARN = "arn:aws:lambda:us-east-1:123456789012:function:{}"

idp = boto3.client("cognito-idp", endpoint_url=URL, region_name="us-east-1",
                   aws_access_key_id="local", aws_secret_access_key="local")
pool = idp.create_user_pool(
    PoolName="triggers-demo",
    UsernameAttributes=["email"],
    LambdaConfig={"PreSignUp": ARN.format("pre_sign_up"), "PreTokenGeneration": ARN.format("pre_token_generation")},
)["UserPool"]["Id"]
client = idp.create_user_pool_client(UserPoolId=pool, ClientName="demo",
                                     ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
client_id = client["UserPoolClient"]["ClientId"]

# A blocked domain: the function refuses, nothing is created.
try:
    idp.sign_up(ClientId=client_id, Username="mallory@blocked.example", Password="Passw0rd!")
    sys.exit("the blocked domain was accepted")
except idp.exceptions.UserLambdaValidationException as e:
    print("refused:", e.response["Error"]["Message"])

# The company domain: confirmed at once, no code needed.
out = idp.sign_up(ClientId=client_id, Username="alice@example.com", Password="Passw0rd!")
print("UserConfirmed:", out["UserConfirmed"])
tokens = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                           AuthParameters={"USERNAME": "alice@example.com", "PASSWORD": "Passw0rd!"})
claims = jwt.decode(tokens["AuthenticationResult"]["IdToken"], options={"verify_signature": False})
print("tenant claim:", claims["tenant"])
if not out["UserConfirmed"] or claims["tenant"] != "example.com":
    sys.exit("the triggers did not run as expected")
