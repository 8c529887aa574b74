"""Negative cases through boto3: each asserts the modeled exception class boto3 raises and, where AWS's
wording is known, its exact message."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

import jwt
import pytest

from helpers import code_from, raises, secret_hash, unique_email, verify_access_token, wrong_code

PASSWORD = "Corr3ct-Horse!"


@dataclass
class Setup:
    pool_id: str
    client_id: str
    client_secret: str

    def hash(self, username: str) -> str:
        return secret_hash(username, self.client_id, self.client_secret)


@pytest.fixture(scope="module")
def setup(cognito) -> Setup:
    pool_id = cognito.create_user_pool(
        PoolName="errors",
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        Schema=[{"Name": "tenant", "AttributeDataType": "String", "Mutable": True}],
    )["UserPool"]["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="errors-app",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    return Setup(pool_id, client["ClientId"], client["ClientSecret"])


def sign_up(cognito, s: Setup, email: str, password: str = PASSWORD):
    return cognito.sign_up(
        ClientId=s.client_id,
        SecretHash=s.hash(email),
        Username=email,
        Password=password,
        UserAttributes=[{"Name": "email", "Value": email}],
    )


@pytest.fixture(scope="module")
def confirmed_user(cognito, setup) -> str:
    email = unique_email("confirmed")
    sign_up(cognito, setup, email)
    cognito.admin_confirm_sign_up(UserPoolId=setup.pool_id, Username=email)
    return email


def password_auth(cognito, s: Setup, username: str, password: str = PASSWORD, **extra):
    params = {"USERNAME": username, "PASSWORD": password, "SECRET_HASH": s.hash(username)}
    params.update(extra)
    return cognito.initiate_auth(ClientId=s.client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=params)


# ----------------------------------------------------------------------------------------- sign-up


def test_username_exists(cognito, setup):
    email = unique_email("dup")
    sign_up(cognito, setup, email)
    with raises(cognito, "UsernameExistsException", "An account with the given email already exists."):
        sign_up(cognito, setup, email)


@pytest.mark.parametrize(
    "password, rule",
    [
        ("Sh0rt!", "Password not long enough"),
        ("lowercase-only-1", "Password must have uppercase characters"),
        ("UPPERCASE-ONLY-1", "Password must have lowercase characters"),
        ("No-Numbers-Here", "Password must have numeric characters"),
        ("NoSymbols123", "Password must have symbol characters"),
    ],
)
def test_weak_password(cognito, setup, password, rule):
    # Default policy (Policies omitted): length 8 and all four character classes.
    with raises(cognito, "InvalidPasswordException", f"Password did not conform with policy: {rule}"):
        sign_up(cognito, setup, unique_email("weak"), password)


def test_sign_up_without_secret_hash(cognito, setup):
    with raises(
        cognito,
        "NotAuthorizedException",
        f"Client {setup.client_id} is configured for secret but secret was not received",
    ):
        cognito.sign_up(ClientId=setup.client_id, Username=unique_email("nohash"), Password=PASSWORD)


def test_sign_up_with_wrong_secret_hash(cognito, setup):
    email = unique_email("badhash")
    with raises(cognito, "NotAuthorizedException", f"Unable to verify secret hash for client {setup.client_id}"):
        cognito.sign_up(
            ClientId=setup.client_id,
            SecretHash=setup.hash(email + "x"),
            Username=email,
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": email}],
        )


def test_wrong_confirmation_code(cognito, setup, smtp_inbox):
    email = unique_email("wrongcode")
    sign_up(cognito, setup, email)
    real = code_from(smtp_inbox.wait_for(email).body)
    wrong = wrong_code(real)
    with raises(cognito, "CodeMismatchException", "Invalid verification code provided, please try again."):
        cognito.confirm_sign_up(
            ClientId=setup.client_id, SecretHash=setup.hash(email), Username=email, ConfirmationCode=wrong
        )
    # The right code still works afterwards.
    cognito.confirm_sign_up(ClientId=setup.client_id, SecretHash=setup.hash(email), Username=email, ConfirmationCode=real)


# ----------------------------------------------------------------------------------------- sign-in


def test_sign_in_before_confirmation(cognito, setup):
    email = unique_email("unconfirmed")
    sign_up(cognito, setup, email)
    with raises(cognito, "UserNotConfirmedException", "User is not confirmed."):
        password_auth(cognito, setup, email)


def test_wrong_password(cognito, setup, confirmed_user):
    with raises(cognito, "NotAuthorizedException", "Incorrect username or password."):
        password_auth(cognito, setup, confirmed_user, "Wr0ng-Password!")


# AWS words a missing SECRET_HASH in AuthParameters differently from a missing top-level SecretHash
# (captures: aws-amplify/amplify-android#2504, furaiev/amazon-cognito-identity-dart-2#249).
MISSING_SECRET = "Client {} is configured with secret but SECRET_HASH was not received"


def test_sign_in_without_secret_hash(cognito, setup, confirmed_user):
    with raises(cognito, "NotAuthorizedException", MISSING_SECRET.format(setup.client_id)):
        cognito.initiate_auth(
            ClientId=setup.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": confirmed_user, "PASSWORD": PASSWORD},
        )


def test_sign_in_with_wrong_secret_hash(cognito, setup, confirmed_user):
    with raises(cognito, "NotAuthorizedException", f"Unable to verify secret hash for client {setup.client_id}"):
        password_auth(cognito, setup, confirmed_user, SECRET_HASH=setup.hash(confirmed_user + "x"))


def test_refresh_with_wrong_secret_hash(cognito, setup, confirmed_user):
    refresh = password_auth(cognito, setup, confirmed_user)["AuthenticationResult"]["RefreshToken"]
    with raises(cognito, "NotAuthorizedException"):
        cognito.initiate_auth(
            ClientId=setup.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh, "SECRET_HASH": setup.hash("someone-else")},
        )


def test_unknown_user(cognito, setup):
    # PreventUserExistenceErrors defaults to LEGACY for clients created through the API.
    with raises(cognito, "UserNotFoundException", "User does not exist."):
        password_auth(cognito, setup, unique_email("nobody"))


def test_flow_not_enabled(cognito, setup, confirmed_user):
    client_id = cognito.create_user_pool_client(
        UserPoolId=setup.pool_id,
        ClientName="srp-only",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    with raises(cognito, "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client"):
        cognito.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": confirmed_user, "PASSWORD": PASSWORD},
        )


# ---------------------------------------------------------------------------------- forged tokens


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _flip(s: str, i: int) -> str:
    # Every character in the middle of a base64url string carries six significant bits, so any other
    # character changes the decoded bytes.
    return s[:i] + ("A" if s[i] != "A" else "B") + s[i + 1 :]


def _tamper_signature(token: str) -> str:
    h, p, sig = token.split(".")
    return ".".join([h, p, _flip(sig, len(sig) // 2)])


def _tamper_payload_char(token: str) -> str:
    h, p, sig = token.split(".")
    return ".".join([h, _flip(p, len(p) // 2), sig])


def _tamper_claims(token: str) -> str:
    # A well-formed payload with an extended expiry, re-encoded, keeping the original signature.
    h, p, sig = token.split(".")
    claims = json.loads(_unb64url(p))
    claims["exp"] += 86400
    return ".".join([h, _b64url(json.dumps(claims, separators=(",", ":")).encode()), sig])


def _alg_none(token: str) -> str:
    _, p, _ = token.split(".")
    return ".".join([_b64url(b'{"alg":"none","typ":"JWT"}'), p, ""])


@pytest.mark.parametrize(
    "tamper", [_tamper_signature, _tamper_payload_char, _tamper_claims, _alg_none], ids=lambda f: f.__name__[1:]
)
def test_tampered_access_token(emulator, cognito, setup, confirmed_user, tamper):
    access = password_auth(cognito, setup, confirmed_user)["AuthenticationResult"]["AccessToken"]
    # The genuine token passes both the emulator and PyJWT...
    verify_access_token(access, emulator.url, setup.pool_id, setup.client_id)
    cognito.get_user(AccessToken=access)

    forged = tamper(access)
    assert forged != access
    # ...the forged one neither.
    with pytest.raises(jwt.PyJWTError):
        verify_access_token(forged, emulator.url, setup.pool_id, setup.client_id)
    with raises(cognito, "NotAuthorizedException", "Invalid Access Token"):
        cognito.get_user(AccessToken=forged)


def test_id_token_is_not_an_access_token(cognito, setup, confirmed_user):
    # A validly signed token of the wrong token_use must not be accepted as an access token.
    id_token = password_auth(cognito, setup, confirmed_user)["AuthenticationResult"]["IdToken"]
    with raises(cognito, "NotAuthorizedException"):
        cognito.get_user(AccessToken=id_token)
