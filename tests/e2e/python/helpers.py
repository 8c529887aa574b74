"""Small helpers shared by the e2e tests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import uuid

import jwt
import pytest


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    """Base64(HMAC-SHA256(key=secret, msg=username + client_id)), as the AWS docs define it."""
    digest = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def unique_email(tag: str = "user") -> str:
    return f"{tag}-{uuid.uuid4().hex[:12]}@example.com"


def unique_username(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:10]}"


def wrong_code(code: str) -> str:
    """Another six-digit code than `code`."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


def raises(cognito, name: str, message: str | None = None):
    """pytest.raises for boto3's modeled exception `name`: checks the code, the exact message (when
    given) and that the wire status was 400."""

    class _Ctx:
        def __enter__(self):
            self.ctx = pytest.raises(getattr(cognito.exceptions, name))
            self.info = self.ctx.__enter__()
            return self.info

        def __exit__(self, *exc):
            handled = self.ctx.__exit__(*exc)
            err = self.info.value.response["Error"]
            assert err["Code"] == name
            if message is not None:
                assert err["Message"] == message
            status = self.info.value.response["ResponseMetadata"]["HTTPStatusCode"]
            assert status == 400, f"client errors are HTTP 400 on the wire, got {status}"
            return handled

    return _Ctx()


CODE_RE = re.compile(r"\b(\d{6})\b")


def code_from(body: str) -> str:
    m = CODE_RE.search(body)
    assert m, f"no 6-digit code in email body: {body!r}"
    return m.group(1)


def issuer(emulator_url: str, pool_id: str) -> str:
    """The default `iss`: the URL the request came in on, plus the pool id."""
    return f"{emulator_url}/{pool_id}"


def jwks_client(emulator_url: str, pool_id: str) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(f"{issuer(emulator_url, pool_id)}/.well-known/jwks.json", cache_keys=True)


def verify_id_token(token: str, emulator_url: str, pool_id: str, client_id: str) -> dict:
    """Full verification of an ID token: RS256 signature against the JWKS, exp, iss, aud, token_use."""
    key = jwks_client(emulator_url, pool_id).get_signing_key_from_jwt(token)
    claims = jwt.decode(
        token,
        key.key,
        algorithms=["RS256"],
        audience=client_id,
        issuer=issuer(emulator_url, pool_id),
        options={"require": ["exp", "iat", "iss", "sub", "aud", "token_use", "auth_time"]},
    )
    assert claims["token_use"] == "id"
    return claims


def verify_access_token(token: str, emulator_url: str, pool_id: str, client_id: str) -> dict:
    """Full verification of an access token. It has no `aud` (PyJWT rejects one when no audience is
    given); the client is in `client_id`."""
    key = jwks_client(emulator_url, pool_id).get_signing_key_from_jwt(token)
    claims = jwt.decode(
        token,
        key.key,
        algorithms=["RS256"],
        issuer=issuer(emulator_url, pool_id),
        options={"require": ["exp", "iat", "iss", "sub", "token_use", "client_id", "auth_time"]},
    )
    assert "aud" not in claims
    assert claims["token_use"] == "access"
    assert claims["client_id"] == client_id
    return claims
