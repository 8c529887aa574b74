"""Passkeys through boto3 with a software authenticator from another ecosystem: python-fido2 parses the
emulator's CredentialCreationOptions / CREDENTIAL_REQUEST_OPTIONS (`from_dict`), and builds the client
data, authenticator data, attestation objects (`none`, `packed` self and `packed` with an x5c certificate)
and the RegistrationResponseJSON / AuthenticationResponseJSON the emulator receives; keys and
signatures come from `cryptography` (ES256 and RS256). Then the same flows as in the browser, and the
refusals: wrong origin, wrong RP id, replayed challenge, tampered signature, counter going backwards,
another user's credential."""

from __future__ import annotations

import datetime
import hashlib
import json
import os

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from fido2.cose import ES256, RS256
from fido2.utils import websafe_decode, websafe_encode
from fido2.webauthn import (
    Aaguid,
    AttestationObject,
    AttestedCredentialData,
    AuthenticationResponse,
    AuthenticatorAssertionResponse,
    AuthenticatorAttestationResponse,
    AuthenticatorData,
    CollectedClientData,
    PublicKeyCredentialCreationOptions,
    PublicKeyCredentialRequestOptions,
    RegistrationResponse,
)

from helpers import raises, unique_username

PASSWORD = "Corr3ct-Horse!"
ORIGIN = "https://app.example.com"
RP_ID = "example.com"
AAGUID = Aaguid(bytes.fromhex("0123456789abcdef0123456789abcdef"))


class SoftKey:
    """One credential of a software authenticator (python-fido2 data classes, `cryptography` keys)."""

    def __init__(self, alg: str = "ES256", attestation: str = "none", origin: str = ORIGIN):
        self.alg = alg
        if alg == "ES256":
            self.private = ec.generate_private_key(ec.SECP256R1())
            self.cose = ES256.from_cryptography_key(self.private.public_key())
        else:
            self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self.cose = RS256.from_cryptography_key(self.private.public_key())
        self.id = os.urandom(32)
        self.counter = 0
        self.attestation = attestation
        self.origin = origin
        self.rp_id: str | None = None  # the RP id the authenticator hashes; None = the options' one
        self.uv = True

    def sign(self, data: bytes, key=None) -> bytes:
        key = key or self.private
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(hashes.SHA256()))
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())

    def flags(self, attested: bool) -> AuthenticatorData.FLAG:
        f = AuthenticatorData.FLAG.UP
        if self.uv:
            f |= AuthenticatorData.FLAG.UV
        if attested:
            f |= AuthenticatorData.FLAG.AT
        return f

    def statement(self, auth_data: bytes, client_data: CollectedClientData) -> dict:
        signed = auth_data + client_data.hash
        if self.attestation == "none":
            return {}
        if self.attestation == "packed-self":
            return {"alg": self.cose.ALGORITHM, "sig": self.sign(signed)}
        # packed with an x5c batch certificate (WebAuthn 8.2.1 requirements), signed by its own key.
        batch = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Vendor"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Authenticator Attestation"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Test Batch"),
        ])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(batch.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.UnrecognizedExtension(
                    x509.ObjectIdentifier("1.3.6.1.4.1.45724.1.1.4"), b"\x04\x10" + bytes(AAGUID)
                ),
                critical=False,
            )
            .sign(batch, hashes.SHA256())
        )
        from cryptography.hazmat.primitives.serialization import Encoding

        return {"alg": -7, "sig": self.sign(signed, batch), "x5c": [cert.public_bytes(Encoding.DER)]}

    def register(self, options_json: dict) -> dict:
        """navigator.credentials.create: RegistrationResponseJSON for the emulator's options."""
        options = PublicKeyCredentialCreationOptions.from_dict(options_json)
        client_data = CollectedClientData.create("webauthn.create", options.challenge, self.origin)
        rp_id = self.rp_id or options.rp.id
        auth_data = AuthenticatorData.create(
            hashlib.sha256(rp_id.encode()).digest(),
            self.flags(True),
            self.counter,
            AttestedCredentialData.create(AAGUID, self.id, self.cose),
        )
        obj = AttestationObject.create(
            "none" if self.attestation == "none" else "packed", auth_data, self.statement(auth_data, client_data)
        )
        response = RegistrationResponse(
            raw_id=self.id,
            response=AuthenticatorAttestationResponse(client_data=client_data, attestation_object=obj),
            authenticator_attachment="cross-platform",
        )
        out = dict(response)
        out["response"]["transports"] = ["usb"]
        return out

    def assertion(self, options_json: dict, tamper: bool = False, credential_id: bytes | None = None) -> str:
        """navigator.credentials.get: AuthenticationResponseJSON (a string, as CREDENTIAL is)."""
        options = PublicKeyCredentialRequestOptions.from_dict(options_json)
        self.counter += 1
        client_data = CollectedClientData.create("webauthn.get", options.challenge, self.origin)
        rp_id = self.rp_id or options.rp_id
        auth_data = AuthenticatorData.create(
            hashlib.sha256(rp_id.encode()).digest(), self.flags(False), self.counter
        )
        signature = bytearray(self.sign(auth_data + client_data.hash))
        if tamper:
            signature[-1] ^= 1
        response = AuthenticationResponse(
            raw_id=credential_id or self.id,
            response=AuthenticatorAssertionResponse(
                client_data=client_data, authenticator_data=auth_data, signature=bytes(signature)
            ),
        )
        return json.dumps(dict(response))


@pytest.fixture(scope="module")
def pool(cognito):
    pool_id = cognito.create_user_pool(
        PoolName="passkeys-fido2",
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}},
    )["UserPool"]["Id"]
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id, WebAuthnConfiguration={"RelyingPartyId": RP_ID, "UserVerification": "required"}
    )
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        ExplicitAuthFlows=["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def new_user(cognito, pool) -> tuple[str, str]:
    """A confirmed user signed in with a password: (username, access token)."""
    pool_id, client_id = pool
    name = unique_username("pk")
    cognito.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=PASSWORD, Permanent=True)
    auth = cognito.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId=client_id, AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD}
    )
    return name, auth["AuthenticationResult"]["AccessToken"]


def register(cognito, access: str, key: SoftKey) -> None:
    options = cognito.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    cognito.complete_web_authn_registration(AccessToken=access, Credential=key.register(options))


def challenge(cognito, pool, name: str) -> tuple[str, dict]:
    out = cognito.initiate_auth(
        AuthFlow="USER_AUTH",
        ClientId=pool[1],
        AuthParameters={"USERNAME": name, "PREFERRED_CHALLENGE": "WEB_AUTHN"},
    )
    assert out["ChallengeName"] == "WEB_AUTHN"
    return out["Session"], json.loads(out["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])


def answer(cognito, pool, name: str, session: str, credential: str) -> dict:
    return cognito.respond_to_auth_challenge(
        ClientId=pool[1],
        ChallengeName="WEB_AUTHN",
        Session=session,
        ChallengeResponses={"USERNAME": name, "CREDENTIAL": credential},
    )


@pytest.mark.parametrize(
    "alg,attestation", [("ES256", "none"), ("ES256", "packed-self"), ("ES256", "packed-x5c"), ("RS256", "none"), ("RS256", "packed-self")]
)
def test_register_sign_in_twice_and_delete(cognito, pool, alg, attestation):
    name, access = new_user(cognito, pool)
    options = cognito.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    parsed = PublicKeyCredentialCreationOptions.from_dict(options)
    assert parsed.rp.id == RP_ID and parsed.user.name == name
    assert [p.alg for p in parsed.pub_key_cred_params] == [-7, -257]
    key = SoftKey(alg, attestation)
    assert cognito.complete_web_authn_registration(AccessToken=access, Credential=key.register(options)) is not None
    for _ in range(2):
        session, request = challenge(cognito, pool, name)
        assert PublicKeyCredentialRequestOptions.from_dict(request).rp_id == RP_ID
        tokens = answer(cognito, pool, name, session, key.assertion(request))["AuthenticationResult"]
        assert cognito.get_user(AccessToken=tokens["AccessToken"])["Username"] == name
    listed = cognito.list_web_authn_credentials(AccessToken=access)["Credentials"]
    assert [c["CredentialId"] for c in listed] == [websafe_encode(key.id)]
    assert listed[0]["AuthenticatorTransports"] == ["usb"]
    assert listed[0]["AuthenticatorAttachment"] == "cross-platform"
    factors = cognito.get_user_auth_factors(AccessToken=access)["ConfiguredUserAuthFactors"]
    assert factors == ["PASSWORD", "WEB_AUTHN"]
    cognito.delete_web_authn_credential(AccessToken=access, CredentialId=websafe_encode(key.id))
    assert cognito.list_web_authn_credentials(AccessToken=access)["Credentials"] == []


def test_registration_refusals(cognito, pool):
    name, access = new_user(cognito, pool)
    start = lambda: cognito.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]  # noqa: E731
    complete = lambda c: cognito.complete_web_authn_registration(AccessToken=access, Credential=c)  # noqa: E731

    with raises(cognito, "WebAuthnOriginNotAllowedException"):
        complete(SoftKey(origin="https://app.example.org").register(start()))
    with raises(cognito, "WebAuthnOriginNotAllowedException"):
        complete(SoftKey(origin="http://app.example.com").register(start()))
    wrong_rp = SoftKey()
    wrong_rp.rp_id = "example.org"
    with raises(cognito, "WebAuthnRelyingPartyMismatchException"):
        complete(wrong_rp.register(start()))
    no_uv = SoftKey()
    no_uv.uv = False
    with raises(cognito, "WebAuthnCredentialNotSupportedException"):
        complete(no_uv.register(start()))
    # A replayed registration: the same response twice.
    key = SoftKey()
    response = key.register(start())
    complete(response)
    with raises(cognito, "WebAuthnChallengeNotFoundException"):
        complete(response)
    # A packed statement whose signature was changed.
    bad = SoftKey("ES256", "packed-self")
    doc = bad.register(start())
    obj = bytearray(websafe_decode(doc["response"]["attestationObject"]))
    i = obj.find(b"csig") + 4 + 2 + 10  # inside the signature bytes
    obj[i] ^= 1
    doc["response"]["attestationObject"] = websafe_encode(bytes(obj))
    with raises(cognito, "InvalidParameterException"):
        complete(doc)
    assert len(cognito.list_web_authn_credentials(AccessToken=access)["Credentials"]) == 1


def test_sign_in_refusals(cognito, pool):
    name, access = new_user(cognito, pool)
    key = SoftKey()
    register(cognito, access, key)
    other_name, other_access = new_user(cognito, pool)
    other = SoftKey("RS256")
    register(cognito, other_access, other)

    # Replayed challenge: a good assertion, then the same one in a new session.
    session, request = challenge(cognito, pool, name)
    credential = key.assertion(request)
    answer(cognito, pool, name, session, credential)
    session, _ = challenge(cognito, pool, name)
    with raises(cognito, "NotAuthorizedException"):
        answer(cognito, pool, name, session, credential)
    # Tampered signature.
    session, request = challenge(cognito, pool, name)
    with raises(cognito, "NotAuthorizedException"):
        answer(cognito, pool, name, session, key.assertion(request, tamper=True))
    # Counter going backwards.
    session, request = challenge(cognito, pool, name)
    key.counter -= 3
    with raises(cognito, "NotAuthorizedException"):
        answer(cognito, pool, name, session, key.assertion(request))
    key.counter += 10
    # Wrong origin; wrong RP id.
    session, request = challenge(cognito, pool, name)
    key.origin = "https://app.example.org"
    with raises(cognito, "NotAuthorizedException"):
        answer(cognito, pool, name, session, key.assertion(request))
    key.origin = ORIGIN
    session, request = challenge(cognito, pool, name)
    key.rp_id = "example.org"
    with raises(cognito, "NotAuthorizedException"):
        answer(cognito, pool, name, session, key.assertion(request))
    key.rp_id = None
    # Another user's credential on this user's challenge.
    session, request = challenge(cognito, pool, name)
    with raises(cognito, "NotAuthorizedException"):
        answer(cognito, pool, name, session, other.assertion(request))
    # After all that, both still sign in.
    session, request = challenge(cognito, pool, name)
    assert answer(cognito, pool, name, session, key.assertion(request))["AuthenticationResult"]["IdToken"]
    session, request = challenge(cognito, pool, other_name)
    assert answer(cognito, pool, other_name, session, other.assertion(request))["AuthenticationResult"]["IdToken"]
