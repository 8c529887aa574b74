"""The classic boto3 tutorial flow, unmodified except for endpoint_url: email-as-username pool with a
custom attribute, confidential client, sign-up, code by email, confirm, password sign-in, token
verification with PyJWT against the emulator's JWKS, refresh, GetUser."""

from __future__ import annotations

import time

import jwt

from helpers import code_from, secret_hash, unique_email, verify_access_token, verify_id_token

PASSWORD = "Corr3ct-Horse!"


def test_secret_hash_matches_reference_vector():
    # A known-answer vector of SECRET_HASH = Base64(HMAC-SHA256(key = client secret, message = username +
    # client id)) (https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash),
    # the one the emulator's own unit test checks, so a failure below is never the helper's fault.
    assert (
        secret_hash("alice", "26lowercasealnumclientid00", "examplesecret1234567890abcdefghijklmnopqrstuvwxyz12")
        == "5/nzO9Tj5iVfM9WrIqb9bpKtn0Qwojd0F2wlmnEJcXo="
    )


def test_tutorial_flow(emulator, cognito, smtp_inbox):
    pool = cognito.create_user_pool(
        PoolName="tutorial",
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        Schema=[{"Name": "tenant", "AttributeDataType": "String", "Mutable": True}],
    )["UserPool"]
    pool_id = pool["Id"]
    assert pool_id.startswith("us-east-1_")

    client = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="tutorial-app",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    client_id, client_secret = client["ClientId"], client["ClientSecret"]

    email = unique_email("tutorial")
    signed_up = cognito.sign_up(
        ClientId=client_id,
        SecretHash=secret_hash(email, client_id, client_secret),
        Username=email,
        Password=PASSWORD,
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "custom:tenant", "Value": "acme"},
        ],
    )
    assert signed_up["UserConfirmed"] is False
    sub = signed_up["UserSub"]
    delivery = signed_up["CodeDeliveryDetails"]
    assert delivery["DeliveryMedium"] == "EMAIL"
    assert delivery["AttributeName"] == "email"
    assert delivery["Destination"] != email  # masked, e.g. t***@e***.com

    # The code arrives by email through the real SMTP server.
    mail = smtp_inbox.wait_for(email)
    code = code_from(mail.body)

    cognito.confirm_sign_up(
        ClientId=client_id,
        SecretHash=secret_hash(email, client_id, client_secret),
        Username=email,
        ConfirmationCode=code,
    )

    auth = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": email,
            "PASSWORD": PASSWORD,
            "SECRET_HASH": secret_hash(email, client_id, client_secret),
        },
    )
    result = auth["AuthenticationResult"]
    assert result["TokenType"] == "Bearer"
    assert result["ExpiresIn"] == 3600
    assert result["RefreshToken"]

    now = time.time()
    id_claims = verify_id_token(result["IdToken"], emulator.url, pool_id, client_id)
    assert id_claims["aud"] == client_id
    assert id_claims["sub"] == sub
    assert id_claims["cognito:username"] == sub  # the UUID internal username, not the email
    assert id_claims["email"] == email
    assert id_claims["email_verified"] is True  # a JSON boolean, not the attribute's string
    assert id_claims["custom:tenant"] == "acme"
    assert id_claims["iat"] <= now + 5 and id_claims["exp"] - id_claims["iat"] == 3600

    access_claims = verify_access_token(result["AccessToken"], emulator.url, pool_id, client_id)
    assert access_claims["sub"] == sub
    assert access_claims["username"] == sub
    assert access_claims["scope"] == "aws.cognito.signin.user.admin"
    assert access_claims["exp"] - access_claims["iat"] == 3600

    # ID and access tokens are signed with different keys, both published in the JWKS (as AWS does).
    id_kid = jwt.get_unverified_header(result["IdToken"])["kid"]
    access_kid = jwt.get_unverified_header(result["AccessToken"])["kid"]
    assert id_kid != access_kid
    jwks = emulator.get_json(f"/{pool_id}/.well-known/jwks.json")
    published = {k["kid"] for k in jwks["keys"]}
    assert {id_kid, access_kid} <= published
    for k in jwks["keys"]:
        assert k["kty"] == "RSA" and k["alg"] == "RS256" and k["use"] == "sig" and k["e"] == "AQAB"
        assert "d" not in k  # never the private part

    # Refresh: SECRET_HASH over the internal username (the sub), no new refresh token.
    refreshed = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={
            "REFRESH_TOKEN": result["RefreshToken"],
            "SECRET_HASH": secret_hash(sub, client_id, client_secret),
        },
    )["AuthenticationResult"]
    assert "RefreshToken" not in refreshed
    assert refreshed["IdToken"] != result["IdToken"]
    assert refreshed["AccessToken"] != result["AccessToken"]
    new_id = verify_id_token(refreshed["IdToken"], emulator.url, pool_id, client_id)
    assert new_id["sub"] == sub and new_id["custom:tenant"] == "acme" and new_id["email_verified"] is True
    new_access = verify_access_token(refreshed["AccessToken"], emulator.url, pool_id, client_id)
    assert new_access["username"] == sub

    # The legacy flow name REFRESH_TOKEN behaves the same.
    again = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN",
        AuthParameters={
            "REFRESH_TOKEN": result["RefreshToken"],
            "SECRET_HASH": secret_hash(sub, client_id, client_secret),
        },
    )["AuthenticationResult"]
    assert "RefreshToken" not in again
    verify_access_token(again["AccessToken"], emulator.url, pool_id, client_id)

    # GetUser with the (refreshed) access token.
    user = cognito.get_user(AccessToken=refreshed["AccessToken"])
    assert user["Username"] == sub
    attrs = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attrs["sub"] == sub
    assert attrs["email"] == email
    assert attrs["email_verified"] == "true"  # attributes are strings
    assert attrs["custom:tenant"] == "acme"
