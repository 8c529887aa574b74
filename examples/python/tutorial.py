"""The classic Cognito tutorial against the emulator, only the endpoint changed.

Signs a new user up in the example pool (examples/seed.json), reads the mailed code from the emulator's
outbox (Mailpit shows the same mail at http://localhost:8025), confirms, signs in, verifies the ID token's
RS256 signature against the pool's JWKS, refreshes, and calls the example backend's POST /notes.

    pip install boto3 "PyJWT[crypto]"   # or use tests/e2e/.venv
    python examples/python/tutorial.py

Environment: COGNITO_ENDPOINT (http://localhost:9229), BACKEND_URL (http://localhost:8080), POOL_ID,
CLIENT_ID, ISSUER (<COGNITO_ENDPOINT>/<POOL_ID>).
"""

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import boto3
import jwt

ENDPOINT = os.environ.get("COGNITO_ENDPOINT", "http://localhost:9229")
BACKEND = os.environ.get("BACKEND_URL", "http://localhost:8080")
POOL_ID = os.environ.get("POOL_ID", "us-east-1_Example01")
CLIENT_ID = os.environ.get("CLIENT_ID", "localwebclient000000000001")
ISSUER = os.environ.get("ISSUER", f"{ENDPOINT}/{POOL_ID}")


def latest_code(email):
    """The newest code the pool sent to `email` (GET /_emulator/messages)."""
    for _ in range(50):
        url = f"{ENDPOINT}/_emulator/messages?destination={urllib.parse.quote(email)}"
        messages = json.load(urllib.request.urlopen(url))["messages"]
        if messages:
            return messages[-1]["code"]
        time.sleep(0.1)
    raise SystemExit(f"no code was sent to {email}")


def post_note(id_token, text):
    req = urllib.request.Request(f"{BACKEND}/notes", data=json.dumps({"text": text}).encode(), method="POST")
    if id_token:
        req.add_header("Authorization", id_token)
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def main():
    idp = boto3.client(
        "cognito-idp",
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    email = f"dev+{uuid.uuid4().hex[:8]}@example.com"
    password = "Corr3ct-Horse!"

    out = idp.sign_up(ClientId=CLIENT_ID, Username=email, Password=password,
                      UserAttributes=[{"Name": "custom:tenant", "Value": "tutorial"}])
    print("signed up", email, "sub", out["UserSub"], "code sent to", out["CodeDeliveryDetails"]["Destination"])

    idp.confirm_sign_up(ClientId=CLIENT_ID, Username=email, ConfirmationCode=latest_code(email))
    print("confirmed")

    auth = idp.initiate_auth(ClientId=CLIENT_ID, AuthFlow="USER_PASSWORD_AUTH",
                             AuthParameters={"USERNAME": email, "PASSWORD": password})["AuthenticationResult"]
    id_token = auth["IdToken"]

    key = jwt.PyJWKClient(f"{ENDPOINT}/{POOL_ID}/.well-known/jwks.json").get_signing_key_from_jwt(id_token)
    claims = jwt.decode(id_token, key.key, algorithms=["RS256"], audience=CLIENT_ID, issuer=ISSUER)
    assert claims["token_use"] == "id" and claims["email"] == email and claims["email_verified"] is True
    print("ID token verified against the JWKS:", claims["email"], claims["custom:tenant"])

    refreshed = idp.initiate_auth(ClientId=CLIENT_ID, AuthFlow="REFRESH_TOKEN_AUTH",
                                  AuthParameters={"REFRESH_TOKEN": auth["RefreshToken"]})["AuthenticationResult"]
    assert "RefreshToken" not in refreshed
    me = idp.get_user(AccessToken=refreshed["AccessToken"])
    print("refreshed; get_user says", me["Username"])

    status, body = post_note(None, "no token")
    assert status == 401, (status, body)
    status, body = post_note(id_token + "x", "bad token")
    assert status == 401, (status, body)
    status, body = post_note(refreshed["IdToken"], "hello")
    assert status == 200 and body["email"] == email, (status, body)
    print("backend answered", status, body)
    print("tutorial: OK")


if __name__ == "__main__":
    main()
