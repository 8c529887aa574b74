"""pycognito end to end, unmodified except for the endpoint (boto3_client_kwargs={"endpoint_url": ...}).

pycognito builds `user_pool_url` from that endpoint, so `verify_tokens` (and the same verification that
pycognito runs on the tokens of every sign-in and renewal) fetches `<endpoint>/<poolId>/.well-known/jwks.json` and requires `iss` to equal
`<endpoint>/<poolId>`: every sign-in below is also a full RS256 + iss + aud + token_use check.

Covered: register, confirm with the code from the email (real SMTP server), SRP `authenticate`,
`verify_tokens`, `check_token` / `renew_access_token`, `change_password`, `admin_authenticate`, wrong
password, TOTP set-up with pyotp and the SOFTWARE_TOKEN_MFA challenge, and remembered devices
(NewDeviceMetadata, ConfirmDevice, DEVICE_SRP_AUTH -> DEVICE_PASSWORD_VERIFIER).

pycognito 2024.5.1 and devices: its `Cognito` class has no device support (it ignores NewDeviceMetadata
and never sends DEVICE_KEY); `AWSSRP` takes device_key/device_group_key/device_password and runs
DEVICE_SRP_AUTH inside `authenticate_user`, and `aws_srp.generate_hash_device` computes the verifier, but
`AWSSRP.confirm_device` / `update_device_status` / `forget_device` POST with `requests` to the hard-coded
`https://cognito-idp.<region>.amazonaws.com/` (they ignore the client's endpoint), so ConfirmDevice goes
through the same boto3 client pycognito uses, with pycognito's own verifier.

pycognito also answers DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER without a Session (the emulator finds the
pending step by the user and by the SECRET_BLOCK); the second device test drives the same steps with Session
through pycognito's boto3 client and SRP math.
"""

from __future__ import annotations

import uuid

import botocore.exceptions
import jwt
import pyotp
import pytest
from botocore.config import Config
from pycognito import Cognito
from pycognito.aws_srp import AWSSRP, generate_hash_device
from pycognito.exceptions import SoftwareTokenMFAChallengeException, TokenVerificationException

from helpers import code_from, unique_email, unique_username, verify_access_token, verify_id_token, wrong_code

PASSWORD = "Corr3ct-Horse!"
NEW_PASSWORD = "N3w-Battery-Staple!"
CREDENTIALS = {"aws_access_key_id": "AKIAEMULATORTEST0000", "aws_secret_access_key": "emulator-test-secret"}
# pycognito's own way of passing IAM credentials (access_key/secret_key), used for admin_authenticate.
CREDENTIALS_AS_KWARGS = {"access_key": CREDENTIALS["aws_access_key_id"], "secret_key": CREDENTIALS["aws_secret_access_key"]}


def cognito_for(emulator, pool_id: str, client_id: str, **kwargs) -> Cognito:
    """A pycognito `Cognito` pointed at the emulator — the only change from production use."""
    return Cognito(
        pool_id,
        client_id,
        boto3_client_kwargs={"endpoint_url": emulator.url, **CREDENTIALS},
        botocore_config=Config(retries={"max_attempts": 1, "mode": "standard"}),
        **kwargs,
    )


def jwt_claim(token: str, name: str):
    return jwt.decode(token, options={"verify_signature": False})[name]


def error_of(exc_info) -> tuple[str, str]:
    err = exc_info.value.response["Error"]
    return err["Code"], err["Message"]


def register_and_confirm(emulator, smtp_inbox, pool_id, client_id, username, email, client_secret=None) -> dict:
    """pycognito register + confirm_sign_up with the code read from the delivered email."""
    u = cognito_for(emulator, pool_id, client_id, username=username, client_secret=client_secret)
    u.set_base_attributes(email=email)
    signed_up = u.register(username, PASSWORD)
    assert signed_up["UserConfirmed"] is False
    assert signed_up["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert signed_up["CodeDeliveryDetails"]["AttributeName"] == "email"
    code = code_from(smtp_inbox.wait_for(email).body)
    u.confirm_sign_up(code, username=username)
    return signed_up


# ------------------------------------------------------------------------------------------- setup


@pytest.fixture(scope="module")
def app(cognito):
    """A username pool (email auto-verified) and a confidential client allowing SRP, admin password
    sign-in and refresh — pycognito's usual set-up."""
    pool_id = cognito.create_user_pool(
        PoolName="pycognito",
        AutoVerifiedAttributes=["email"],
    )["UserPool"]["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="pycognito-app",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    return pool_id, client["ClientId"], client["ClientSecret"]


# ------------------------------------------------------------------------------------------- tests


def test_pool_id_looks_real(app):
    pool_id, client_id, _ = app
    region, _, suffix = pool_id.partition("_")
    assert region == "us-east-1" and len(suffix) == 9 and suffix.isalnum()
    assert len(client_id) == 26


def test_register_confirm_authenticate_verify_renew(emulator, smtp_inbox, app):
    pool_id, client_id, client_secret = app
    username, email = unique_username("pc"), unique_email("pycognito")
    signed_up = register_and_confirm(emulator, smtp_inbox, pool_id, client_id, username, email, client_secret)

    u = cognito_for(emulator, pool_id, client_id, username=username, client_secret=client_secret)
    assert u.user_pool_url == f"{emulator.url}/{pool_id}"  # where pycognito fetches the JWKS from
    u.authenticate(password=PASSWORD)  # USER_SRP_AUTH -> PASSWORD_VERIFIER, then pycognito verifies
    assert u.token_type == "Bearer"
    assert u.refresh_token
    u.verify_tokens()
    assert u.id_claims["cognito:username"] == username
    assert u.id_claims["sub"] == signed_up["UserSub"]
    assert u.id_claims["email"] == email and u.id_claims["email_verified"] is True
    assert u.id_claims["aud"] == client_id
    assert u.access_claims["username"] == username and u.access_claims["client_id"] == client_id
    # Independent check with PyJWT (iss = the URL the request came in on + pool id).
    verify_id_token(u.id_token, emulator.url, pool_id, client_id)
    verify_access_token(u.access_token, emulator.url, pool_id, client_id)

    # check_token only renews an expired token; this one is fresh.
    old_access, old_id, old_refresh = u.access_token, u.id_token, u.refresh_token
    assert u.check_token() is False
    assert u.access_token == old_access

    # renew_access_token: REFRESH_TOKEN_AUTH with SECRET_HASH over the username pycognito holds.
    u.renew_access_token()
    assert u.access_token != old_access and u.id_token != old_id
    assert u.refresh_token == old_refresh  # no rotation: the refresh response has no RefreshToken
    u.verify_tokens()
    assert u.access_claims["username"] == username
    assert u.id_claims["auth_time"] == jwt_claim(old_id, "auth_time")  # refresh keeps the sign-in time

    user = u.get_user()
    assert user.username == username
    assert user.email == email and user.email_verified is True
    assert user.sub == signed_up["UserSub"]


def test_tokens_of_another_pool_fail_verification(emulator, cognito, smtp_inbox, app):
    """All pools share the signing keys, so only `iss` (and `aud`) tell pools apart: pycognito must
    reject a genuine token from another pool."""
    pool_id, client_id, client_secret = app
    username, email = unique_username("iss"), unique_email("iss")
    register_and_confirm(emulator, smtp_inbox, pool_id, client_id, username, email, client_secret)
    u = cognito_for(emulator, pool_id, client_id, username=username, client_secret=client_secret)
    u.authenticate(password=PASSWORD)

    other_pool = cognito.create_user_pool(PoolName="pycognito-other")["UserPool"]["Id"]
    other = cognito_for(
        emulator, other_pool, client_id, id_token=u.id_token, access_token=u.access_token
    )
    with pytest.raises(TokenVerificationException, match=r"\(Invalid issuer\)"):
        other.verify_tokens()

    # Same pool, another app client: the id token's aud does not match.
    wrong_aud = cognito_for(emulator, pool_id, "1" * 26, id_token=u.id_token, access_token=u.access_token)
    with pytest.raises(TokenVerificationException, match=r"(?i)audience"):
        wrong_aud.verify_token(u.id_token, "id_token", "id")


def test_change_password_then_authenticate_admin_authenticate(emulator, smtp_inbox, app):
    pool_id, client_id, client_secret = app
    username, email = unique_username("chg"), unique_email("change")
    register_and_confirm(emulator, smtp_inbox, pool_id, client_id, username, email, client_secret)

    u = cognito_for(emulator, pool_id, client_id, username=username, client_secret=client_secret)
    u.authenticate(password=PASSWORD)
    u.change_password(PASSWORD, NEW_PASSWORD)

    fresh = cognito_for(emulator, pool_id, client_id, username=username, client_secret=client_secret)
    fresh.authenticate(password=NEW_PASSWORD)
    assert fresh.access_claims["username"] == username

    stale = cognito_for(emulator, pool_id, client_id, username=username, client_secret=client_secret)
    with pytest.raises(stale.client.exceptions.NotAuthorizedException) as exc:
        stale.authenticate(password=PASSWORD)
    assert error_of(exc) == ("NotAuthorizedException", "Incorrect username or password.")

    # admin_authenticate: AdminInitiateAuth ADMIN_NO_SRP_AUTH (the legacy name) with SECRET_HASH.
    admin = cognito_for(
        emulator, pool_id, client_id, username=username, client_secret=client_secret, **CREDENTIALS_AS_KWARGS
    )
    admin.admin_authenticate(password=NEW_PASSWORD)
    admin.verify_tokens()
    assert admin.id_claims["cognito:username"] == username
    assert admin.refresh_token
    with pytest.raises(admin.client.exceptions.NotAuthorizedException) as exc:
        admin.admin_authenticate(password=PASSWORD)
    assert error_of(exc) == ("NotAuthorizedException", "Incorrect username or password.")

    # GetUser works with the admin-issued access token.
    assert admin.get_user().email == email


def test_wrong_password_and_unknown_user(emulator, smtp_inbox, app):
    pool_id, client_id, client_secret = app
    username, email = unique_username("bad"), unique_email("badpw")
    register_and_confirm(emulator, smtp_inbox, pool_id, client_id, username, email, client_secret)

    u = cognito_for(emulator, pool_id, client_id, username=username, client_secret=client_secret)
    with pytest.raises(u.client.exceptions.NotAuthorizedException) as exc:
        u.authenticate(password="Wr0ng-Password!")
    assert error_of(exc) == ("NotAuthorizedException", "Incorrect username or password.")
    assert u.access_token is None

    # The client was created without PreventUserExistenceErrors (LEGACY): an unknown user is named.
    nobody = cognito_for(emulator, pool_id, client_id, username="nobody-" + uuid.uuid4().hex[:8], client_secret=client_secret)
    with pytest.raises(nobody.client.exceptions.UserNotFoundException) as exc:
        nobody.authenticate(password=PASSWORD)
    assert error_of(exc) == ("UserNotFoundException", "User does not exist.")

    # The right password still works after one failure.
    u.authenticate(password=PASSWORD)
    u.verify_tokens()


def test_totp_setup_and_software_token_mfa_challenge(start_emulator, smtp_inbox):
    # An emulator of its own, whose clock this test moves forward (tokens issued after the move carry an
    # `iat` ahead of this machine's clock, which the other tests' PyJWT checks would refuse). TOTP codes
    # are computed for the emulator's time, which the emulator checks them against.
    emulator = start_emulator(smtp_url=f"smtp://127.0.0.1:{smtp_inbox.port}")
    cognito = emulator.client()
    pool_id = cognito.create_user_pool(PoolName="pycognito-mfa", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="pycognito-mfa-app",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    client_id, client_secret = client["ClientId"], client["ClientSecret"]
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="OPTIONAL"
    )

    username, email = unique_username("totp"), unique_email("totp")
    register_and_confirm(emulator, smtp_inbox, pool_id, client_id, username, email, client_secret)
    u = cognito_for(emulator, pool_id, client_id, username=username, client_secret=client_secret)
    u.authenticate(password=PASSWORD)  # no factor yet: OPTIONAL MFA signs in directly

    secret = u.associate_software_token()
    assert len(secret) >= 16
    totp = pyotp.TOTP(secret)

    def code_now() -> str:
        return totp.at(emulator.clock_now())

    # A wrong code at set-up: AWS answers EnableSoftwareTokenMFAException "Code mismatch" here.
    with pytest.raises(u.client.exceptions.EnableSoftwareTokenMFAException) as exc:
        u.verify_software_token(wrong_code(code_now()), device_name="pyotp")
    assert error_of(exc) == ("EnableSoftwareTokenMFAException", "Code mismatch")
    assert u.verify_software_token(code_now(), device_name="pyotp") is True
    u.set_user_mfa_preference(sms_mfa=False, software_token_mfa=True, preferred="SOFTWARE_TOKEN")

    settings = u.client.get_user(AccessToken=u.access_token)
    assert settings["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    assert settings["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]

    # Sign-in now stops at SOFTWARE_TOKEN_MFA; pycognito raises and keeps the challenge.
    again = cognito_for(emulator, pool_id, client_id, username=username, client_secret=client_secret)
    with pytest.raises(SoftwareTokenMFAChallengeException) as challenge:
        again.authenticate(password=PASSWORD)
    tokens = challenge.value.get_tokens()
    assert tokens["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert tokens["Session"]
    assert tokens["ChallengeParameters"]["FRIENDLY_DEVICE_NAME"] == "pyotp"
    assert again.access_token is None

    # A TOTP code may be used once: the sign-in after VerifySoftwareToken needs the next 30-second step's
    # code, as a person waiting for their app to show a new code would.
    emulator.advance_clock(totp.interval)
    again.respond_to_software_token_mfa_challenge(code_now())  # uses again.mfa_tokens; verifies tokens
    assert again.access_claims["username"] == username
    assert again.id_claims["cognito:username"] == username
    assert again.refresh_token

    # A wrong code is CodeMismatchException (on a fresh challenge).
    third = cognito_for(emulator, pool_id, client_id, username=username, client_secret=client_secret)
    with pytest.raises(SoftwareTokenMFAChallengeException):
        third.authenticate(password=PASSWORD)
    with pytest.raises(third.client.exceptions.CodeMismatchException):
        third.respond_to_software_token_mfa_challenge(wrong_code(code_now()))
    assert third.access_token is None


# --------------------------------------------------------------------------------------- devices


@pytest.fixture(scope="module")
def device_app(cognito):
    """Email-as-username pool that always remembers devices (no user prompt), and a public client:
    pycognito's DEVICE_SRP_AUTH answer carries no SECRET_HASH, so a client secret cannot be used."""
    pool_id = cognito.create_user_pool(
        PoolName="pycognito-devices",
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        DeviceConfiguration={"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": False},
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="pycognito-devices-app",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def signed_up_device_user(emulator, smtp_inbox, device_app):
    pool_id, client_id = device_app
    email = unique_email("device")
    u = cognito_for(emulator, pool_id, client_id, username=email)
    u.set_base_attributes(email=email)
    sub = u.register(email, PASSWORD)["UserSub"]
    u.confirm_sign_up(code_from(smtp_inbox.wait_for(email).body), username=email)
    return u, email, sub


def confirm_new_device(u: Cognito, tokens: dict) -> tuple[str, str, str]:
    """ConfirmDevice with the verifier pycognito computes (generate_hash_device), sent through the
    boto3 client pycognito built for the emulator (AWSSRP.confirm_device would POST to AWS itself)."""
    meta = tokens["AuthenticationResult"]["NewDeviceMetadata"]
    device_key, group_key = meta["DeviceKey"], meta["DeviceGroupKey"]
    assert device_key.startswith("us-east-1_")
    device_password, verifier_config = generate_hash_device(group_key, device_key)
    confirmed = u.client.confirm_device(
        AccessToken=tokens["AuthenticationResult"]["AccessToken"],
        DeviceKey=device_key,
        DeviceName="pytest-laptop",
        DeviceSecretVerifierConfig=verifier_config,
    )
    assert confirmed["UserConfirmationNecessary"] is False  # DeviceOnlyRememberedOnUserPrompt: False
    return device_key, group_key, device_password


def test_remembered_device_sign_in_with_pycognito_awssrp(emulator, smtp_inbox, device_app):
    """The device flow exactly as pycognito runs it: AWSSRP.authenticate_user with the device's key,
    group key and password answers PASSWORD_VERIFIER, DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER."""
    pool_id, client_id = device_app
    u, email, sub = signed_up_device_user(emulator, smtp_inbox, device_app)

    first = AWSSRP(username=email, password=PASSWORD, pool_id=pool_id, client_id=client_id, client=u.client)
    tokens = first.authenticate_user()
    device_key, group_key, device_password = confirm_new_device(u, tokens)

    srp = AWSSRP(
        username=email,
        password=PASSWORD,
        pool_id=pool_id,
        client_id=client_id,
        client=u.client,
        device_key=device_key,
        device_group_key=group_key,
        device_password=device_password,
    )
    second = srp.authenticate_user()  # -> DEVICE_SRP_AUTH -> DEVICE_PASSWORD_VERIFIER -> tokens
    result = second["AuthenticationResult"]
    assert "NewDeviceMetadata" not in result  # a known device is not announced again
    access = verify_access_token(result["AccessToken"], emulator.url, pool_id, client_id)
    assert access["sub"] == sub and access["device_key"] == device_key
    u.id_token, u.access_token = result["IdToken"], result["AccessToken"]
    u.verify_tokens()  # pycognito's own verification of the result


def test_remembered_device_with_awssrp_math_and_session(emulator, smtp_inbox, device_app):
    """The same device sign-in, driven step by step through pycognito's boto3 client with pycognito's
    SRP math, passing each step's Session (what amazon-cognito-identity-js and the AWS docs do); then
    device management and device-bound refresh."""
    pool_id, client_id = device_app
    u, email, sub = signed_up_device_user(emulator, smtp_inbox, device_app)
    idp = u.client

    tokens = AWSSRP(username=email, password=PASSWORD, pool_id=pool_id, client_id=client_id, client=idp).authenticate_user()
    device_key, group_key, device_password = confirm_new_device(u, tokens)
    first_access = tokens["AuthenticationResult"]["AccessToken"]

    srp = AWSSRP(
        username=email, password=PASSWORD, pool_id=pool_id, client_id=client_id, client=idp,
        device_key=device_key, device_group_key=group_key, device_password=device_password,
    )
    auth_params = srp.get_auth_params()
    assert auth_params["DEVICE_KEY"] == device_key
    started = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=auth_params)
    assert started["ChallengeName"] == "PASSWORD_VERIFIER"
    assert started["ChallengeParameters"]["USER_ID_FOR_SRP"] == sub  # the internal username, not the email
    verified = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="PASSWORD_VERIFIER",
        Session=started["Session"],
        ChallengeResponses=srp.process_challenge(started["ChallengeParameters"], auth_params),
    )
    assert verified["ChallengeName"] == "DEVICE_SRP_AUTH"
    device_srp = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="DEVICE_SRP_AUTH",
        Session=verified["Session"],
        ChallengeResponses={"USERNAME": email, "DEVICE_KEY": device_key, "SRP_A": auth_params["SRP_A"]},
    )
    assert device_srp["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER"
    params = device_srp["ChallengeParameters"]
    assert params["USERNAME"] == sub
    assert {"SRP_B", "SALT", "SECRET_BLOCK"} <= params.keys()
    done = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="DEVICE_PASSWORD_VERIFIER",
        Session=device_srp["Session"],
        ChallengeResponses=srp.process_device_challenge(params),
    )
    result = done["AuthenticationResult"]
    assert "NewDeviceMetadata" not in result
    access = verify_access_token(result["AccessToken"], emulator.url, pool_id, client_id)
    assert access["device_key"] == device_key

    # A wrong device password fails the device verifier step.
    bad = AWSSRP(
        username=email, password=PASSWORD, pool_id=pool_id, client_id=client_id, client=idp,
        device_key=device_key, device_group_key=group_key, device_password="not-the-device-password",
    )
    bad_params = bad.get_auth_params()
    s1 = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=bad_params)
    s2 = idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", Session=s1["Session"],
        ChallengeResponses=bad.process_challenge(s1["ChallengeParameters"], bad_params),
    )
    s3 = idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="DEVICE_SRP_AUTH", Session=s2["Session"],
        ChallengeResponses={"USERNAME": email, "DEVICE_KEY": device_key, "SRP_A": bad_params["SRP_A"]},
    )
    with pytest.raises(idp.exceptions.NotAuthorizedException) as exc:
        idp.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="DEVICE_PASSWORD_VERIFIER", Session=s3["Session"],
            ChallengeResponses=bad.process_device_challenge(s3["ChallengeParameters"]),
        )
    assert error_of(exc) == ("NotAuthorizedException", "Incorrect username or password.")

    # Device management with the access token.
    listed = idp.list_devices(AccessToken=result["AccessToken"])["Devices"]
    assert [d["DeviceKey"] for d in listed] == [device_key]
    device = idp.get_device(AccessToken=result["AccessToken"], DeviceKey=device_key)["Device"]
    attrs = {a["Name"]: a["Value"] for a in device["DeviceAttributes"]}
    assert attrs["device_name"] == "pytest-laptop"
    assert attrs["device_status"] == "valid"
    assert attrs["dev:device_remembered_status"] == "remembered"  # no user prompt: remembered at once
    idp.update_device_status(
        AccessToken=result["AccessToken"], DeviceKey=device_key, DeviceRememberedStatus="not_remembered"
    )
    attrs = {
        a["Name"]: a["Value"]
        for a in idp.get_device(AccessToken=result["AccessToken"], DeviceKey=device_key)["Device"]["DeviceAttributes"]
    }
    assert attrs["dev:device_remembered_status"] == "not_remembered"

    # The refresh token is bound to the device: pycognito's renew_access_token (no DEVICE_KEY) is
    # refused; the same refresh with DEVICE_KEY works.
    u.refresh_token = result["RefreshToken"]
    u.access_token, u.id_token = result["AccessToken"], result["IdToken"]
    with pytest.raises(idp.exceptions.NotAuthorizedException) as exc:
        u.renew_access_token()
    # AWS's text has the full stop ("Invalid Refresh Token." in the AWS SDK for Java/.NET reports).
    assert error_of(exc) == ("NotAuthorizedException", "Invalid Refresh Token.")
    refreshed = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": result["RefreshToken"], "DEVICE_KEY": device_key},
    )
    u.id_token = refreshed["AuthenticationResult"]["IdToken"]
    u.access_token = refreshed["AuthenticationResult"]["AccessToken"]
    u.verify_tokens()
    assert u.access_claims["device_key"] == device_key

    # ForgetDevice: the device is gone from the user's list.
    idp.forget_device(AccessToken=first_access, DeviceKey=device_key)
    assert idp.list_devices(AccessToken=u.access_token)["Devices"] == []
