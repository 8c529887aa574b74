"""SRP sign-in with pycognito against the emulator (the flow Amplify and most SDKs use by default).

Signs in the example seed's user alice@example.com with USER_SRP_AUTH, lets pycognito verify the tokens
against the pool's JWKS (it fetches <endpoint>/<pool>/.well-known/jwks.json and checks iss, aud, exp),
reads the user back and refreshes.

    pip install pycognito   # or use tests/e2e/.venv
    python examples/python/pycognito_srp.py

Environment: COGNITO_ENDPOINT (http://localhost:9229), POOL_ID, CLIENT_ID, COGNITO_USERNAME, COGNITO_PASSWORD.
"""

import os

from pycognito import Cognito

ENDPOINT = os.environ.get("COGNITO_ENDPOINT", "http://localhost:9229")
POOL_ID = os.environ.get("POOL_ID", "us-east-1_Example01")
CLIENT_ID = os.environ.get("CLIENT_ID", "localwebclient000000000001")
USERNAME = os.environ.get("COGNITO_USERNAME", "alice@example.com")
PASSWORD = os.environ.get("COGNITO_PASSWORD", "Passw0rd!")


def main():
    user = Cognito(
        POOL_ID,
        CLIENT_ID,
        username=USERNAME,
        boto3_client_kwargs={
            "endpoint_url": ENDPOINT,
            "region_name": "us-east-1",
            "aws_access_key_id": "local",
            "aws_secret_access_key": "local",
        },
    )
    user.authenticate(password=PASSWORD)  # USER_SRP_AUTH -> PASSWORD_VERIFIER; verifies the tokens too
    user.verify_tokens()  # again, explicitly: RS256 against the JWKS, iss, aud, exp, token_use
    claims = user.id_claims
    print("signed in with SRP as", claims["email"], "groups", claims.get("cognito:groups"))

    me = user.get_user()
    print("get_user:", me.username, me.email)

    old = user.access_token
    user.renew_access_token()
    assert user.access_token != old
    print("pycognito: OK")


if __name__ == "__main__":
    main()
