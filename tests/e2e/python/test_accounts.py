"""Account lifecycle and administration through boto3, with every mailed code read from the real SMTP
server: forgotten passwords, attribute changes and verification, sign-out and token revocation,
administrator-created users and passwords, disabling and deleting users, ListUsers with filters and
pagination, groups (and their claims in PyJWT-verified tokens), alias sign-in and the sign-in lockout.

Messages are asserted byte for byte where AWS's wording is known; where it is not confirmed only the
exception class is asserted."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass

import pytest
from botocore.exceptions import ClientError

from helpers import (
    code_from,
    raises,
    secret_hash,
    unique_email,
    unique_username,
    verify_access_token,
    verify_id_token,
    wrong_code,
)

PASSWORD = "Corr3ct-Horse!"
NEW_PASSWORD = "N3w-Battery-Staple!"
OTHER_PASSWORD = "0ther-Passw0rd!"
TEMP_PASSWORD = "Temp-Passw0rd!"

INCORRECT = "Incorrect username or password."
WRONG_CODE = "Invalid verification code provided, please try again."
USED_CODE = "Invalid code provided, please request a code again."
ACCESS_REVOKED = "Access Token has been revoked"
REFRESH_REVOKED = "Refresh Token has been revoked"
TOO_SHORT = "Password did not conform with policy: Password not long enough"


# --------------------------------------------------------------------------------------------- tools


def refused(call, *codes: str) -> ClientError:
    """The call fails with one of `codes` (for cases whose exact AWS answer is not confirmed)."""
    with pytest.raises(ClientError) as info:
        call()
    assert info.value.response["Error"]["Code"] in codes, info.value.response["Error"]
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return info.value


def attrs_of(attributes: list[dict]) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in attributes}


def mask(email: str) -> str:
    """AWS's masking of CodeDeliveryDetails.Destination: `j***@e***` (first letter of each side)."""
    local, domain = email.split("@")
    return f"{local[0]}***@{domain[0]}***"


@dataclass
class App:
    """A pool and its public app client."""

    pool_id: str
    client_id: str

    def sign_in(self, cognito, username: str, password: str = PASSWORD) -> dict:
        resp = cognito.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
        assert "AuthenticationResult" in resp, f"expected tokens, got challenge {resp.get('ChallengeName')}"
        return resp["AuthenticationResult"]

    def refresh(self, cognito, refresh_token: str) -> dict:
        return cognito.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )["AuthenticationResult"]

    def make_user(
        self, cognito, username: str, email: str | None = None, password: str = PASSWORD,
        verified: bool = True, extra: tuple[tuple[str, str], ...] = (),
    ) -> str:
        """A CONFIRMED user with a permanent password (no invitation sent)."""
        attributes = []
        if email:
            attributes += [
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true" if verified else "false"},
            ]
        attributes += [{"Name": n, "Value": v} for n, v in extra]
        cognito.admin_create_user(
            UserPoolId=self.pool_id, Username=username, UserAttributes=attributes, MessageAction="SUPPRESS"
        )
        cognito.admin_set_user_password(
            UserPoolId=self.pool_id, Username=username, Password=password, Permanent=True
        )
        return username

    def status(self, cognito, username: str) -> str:
        return cognito.admin_get_user(UserPoolId=self.pool_id, Username=username)["UserStatus"]

    def admin_attrs(self, cognito, username: str) -> dict[str, str]:
        return attrs_of(cognito.admin_get_user(UserPoolId=self.pool_id, Username=username)["UserAttributes"])


def make_app(cognito, name: str, **pool_args) -> App:
    pool_id = cognito.create_user_pool(PoolName=name, **pool_args)["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=f"{name}-app",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return App(pool_id, client_id)


@pytest.fixture(scope="module")
def app(cognito) -> App:
    """Plain usernames, email auto-verified, a mutable and an immutable custom attribute."""
    return make_app(
        cognito,
        "accounts",
        AutoVerifiedAttributes=["email"],
        Schema=[
            {"Name": "tier", "AttributeDataType": "String", "Mutable": True},
            {"Name": "x", "AttributeDataType": "String", "Mutable": False},
        ],
    )


# ---------------------------------------------------------------------------------- forgot password


def test_forgot_password_with_the_mailed_code(cognito, app, smtp_inbox):
    email = unique_email("forgot")
    user = app.make_user(cognito, unique_username("forgot"), email)
    app.sign_in(cognito, user)

    sent = cognito.forgot_password(ClientId=app.client_id, Username=user)
    assert sent["CodeDeliveryDetails"] == {
        "Destination": mask(email), "DeliveryMedium": "EMAIL", "AttributeName": "email"
    }
    mail = smtp_inbox.wait_for(email)
    code = code_from(mail.body)
    wrong = wrong_code(code)

    with raises(cognito, "CodeMismatchException", WRONG_CODE):
        cognito.confirm_forgot_password(
            ClientId=app.client_id, Username=user, ConfirmationCode=wrong, Password=NEW_PASSWORD
        )
    with raises(cognito, "InvalidPasswordException", TOO_SHORT):
        cognito.confirm_forgot_password(
            ClientId=app.client_id, Username=user, ConfirmationCode=code, Password="Sh0rt!"
        )
    # Neither failure used the code up.
    cognito.confirm_forgot_password(
        ClientId=app.client_id, Username=user, ConfirmationCode=code, Password=NEW_PASSWORD
    )

    tokens = app.sign_in(cognito, user, NEW_PASSWORD)
    assert cognito.get_user(AccessToken=tokens["AccessToken"])["Username"] == user
    with raises(cognito, "NotAuthorizedException", INCORRECT):
        app.sign_in(cognito, user, PASSWORD)
    assert app.status(cognito, user) == "CONFIRMED"

    # A code works once.
    with raises(cognito, "ExpiredCodeException", USED_CODE):
        cognito.confirm_forgot_password(
            ClientId=app.client_id, Username=user, ConfirmationCode=code, Password=OTHER_PASSWORD
        )
    app.sign_in(cognito, user, NEW_PASSWORD)


def test_forgot_password_needs_a_verified_channel(cognito, app, emulator):
    email = unique_email("unverified")
    user = app.make_user(cognito, unique_username("noreset"), email, verified=False)
    with raises(
        cognito,
        "InvalidParameterException",
        "Cannot reset password for the user as there is no registered/verified email or phone_number",
    ):
        cognito.forgot_password(ClientId=app.client_id, Username=user)
    assert emulator.messages(email) == []


# ------------------------------------------------------------------------------------- attributes


def test_changing_email_sends_a_code_to_the_new_address(emulator, cognito, app, smtp_inbox):
    old, new = unique_email("old"), unique_email("new")
    user = app.make_user(cognito, unique_username("mover"), old)
    tokens = app.sign_in(cognito, user)
    access = tokens["AccessToken"]

    resp = cognito.update_user_attributes(AccessToken=access, UserAttributes=[{"Name": "email", "Value": new}])
    assert resp["CodeDeliveryDetailsList"] == [
        {"Destination": mask(new), "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    ]
    attrs = attrs_of(cognito.get_user(AccessToken=access)["UserAttributes"])
    assert attrs["email"] == new
    assert attrs["email_verified"] == "false"

    code = code_from(smtp_inbox.wait_for(new).body)
    assert [m["destination"] for m in emulator.messages(new)] == [new]
    assert emulator.messages(old) == []  # nothing went to the old address

    wrong = wrong_code(code)
    with raises(cognito, "CodeMismatchException", WRONG_CODE):
        cognito.verify_user_attribute(AccessToken=access, AttributeName="email", Code=wrong)
    cognito.verify_user_attribute(AccessToken=access, AttributeName="email", Code=code)
    attrs = attrs_of(cognito.get_user(AccessToken=access)["UserAttributes"])
    assert attrs["email"] == new and attrs["email_verified"] == "true"

    # New tokens carry the new, verified address.
    refreshed = app.refresh(cognito, tokens["RefreshToken"])
    claims = verify_id_token(refreshed["IdToken"], emulator.url, app.pool_id, app.client_id)
    assert claims["email"] == new and claims["email_verified"] is True

    # Reset password codes now go to the new address too.
    cognito.forgot_password(ClientId=app.client_id, Username=user)
    code_from(smtp_inbox.wait_for(new).body)
    assert emulator.messages(old) == []


def test_get_user_attribute_verification_code(cognito, app, smtp_inbox):
    email = unique_email("later")
    user = app.make_user(cognito, unique_username("later"), email, verified=False)
    access = app.sign_in(cognito, user)["AccessToken"]
    assert attrs_of(cognito.get_user(AccessToken=access)["UserAttributes"])["email_verified"] == "false"

    sent = cognito.get_user_attribute_verification_code(AccessToken=access, AttributeName="email")
    assert sent["CodeDeliveryDetails"] == {
        "Destination": mask(email), "DeliveryMedium": "EMAIL", "AttributeName": "email"
    }
    first = code_from(smtp_inbox.wait_for(email).body)
    # Asking again replaces the code.
    cognito.get_user_attribute_verification_code(AccessToken=access, AttributeName="email")
    second = code_from(smtp_inbox.wait_for(email).body)
    if first != second:
        with raises(cognito, "CodeMismatchException", WRONG_CODE):
            cognito.verify_user_attribute(AccessToken=access, AttributeName="email", Code=first)
    cognito.verify_user_attribute(AccessToken=access, AttributeName="email", Code=second)
    assert attrs_of(cognito.get_user(AccessToken=access)["UserAttributes"])["email_verified"] == "true"
    # The code is used up.
    with raises(cognito, "ExpiredCodeException", USED_CODE):
        cognito.verify_user_attribute(AccessToken=access, AttributeName="email", Code=second)


def test_immutable_custom_attribute_cannot_change(cognito, app):
    user = app.make_user(
        cognito, unique_username("immutable"), unique_email("immutable"),
        extra=(("custom:x", "1"), ("custom:tier", "gold")),
    )
    access = app.sign_in(cognito, user)["AccessToken"]
    with raises(cognito, "InvalidParameterException", "user.custom:x: Attribute cannot be updated.\n"):
        cognito.update_user_attributes(AccessToken=access, UserAttributes=[{"Name": "custom:x", "Value": "2"}])
    # Administrators cannot either.
    with raises(cognito, "InvalidParameterException", "user.custom:x: Attribute cannot be updated.\n"):
        cognito.admin_update_user_attributes(
            UserPoolId=app.pool_id, Username=user, UserAttributes=[{"Name": "custom:x", "Value": "2"}]
        )
    # The mutable one can.
    resp = cognito.update_user_attributes(
        AccessToken=access, UserAttributes=[{"Name": "custom:tier", "Value": "platinum"}]
    )
    assert "CodeDeliveryDetailsList" not in resp
    attrs = attrs_of(cognito.get_user(AccessToken=access)["UserAttributes"])
    assert attrs["custom:x"] == "1" and attrs["custom:tier"] == "platinum"


def test_unknown_attribute_in_update(cognito, app):
    user = app.make_user(cognito, unique_username("unknown-attr"), unique_email("unknown-attr"))
    access = app.sign_in(cognito, user)["AccessToken"]
    with raises(cognito, "InvalidParameterException", "user.custom:nope: Attribute does not exist in the schema.\n"):
        cognito.update_user_attributes(AccessToken=access, UserAttributes=[{"Name": "custom:nope", "Value": "1"}])


def test_delete_user_attributes(cognito, app):
    user = app.make_user(
        cognito, unique_username("deleter"), unique_email("deleter"),
        extra=(("custom:tier", "gold"), ("given_name", "Ada"), ("family_name", "Lovelace")),
    )
    access = app.sign_in(cognito, user)["AccessToken"]
    cognito.delete_user_attributes(AccessToken=access, UserAttributeNames=["custom:tier", "given_name"])
    attrs = attrs_of(cognito.get_user(AccessToken=access)["UserAttributes"])
    assert "custom:tier" not in attrs and "given_name" not in attrs
    assert attrs["family_name"] == "Lovelace"

    cognito.admin_delete_user_attributes(UserPoolId=app.pool_id, Username=user, UserAttributeNames=["family_name"])
    attrs = app.admin_attrs(cognito, user)
    assert "family_name" not in attrs
    assert set(attrs) >= {"sub", "email", "email_verified"}


def test_admin_update_with_email_verified_sends_no_code(emulator, cognito, app, smtp_inbox):
    user = app.make_user(cognito, unique_username("admin-upd"), unique_email("admin-upd"))
    before = cognito.admin_get_user(UserPoolId=app.pool_id, Username=user)

    verified = unique_email("verified-by-admin")
    resp = cognito.admin_update_user_attributes(
        UserPoolId=app.pool_id,
        Username=user,
        UserAttributes=[{"Name": "email", "Value": verified}, {"Name": "email_verified", "Value": "true"}],
    )
    assert set(resp) == {"ResponseMetadata"}
    after = cognito.admin_get_user(UserPoolId=app.pool_id, Username=user)
    attrs = attrs_of(after["UserAttributes"])
    assert attrs["email"] == verified and attrs["email_verified"] == "true"
    assert after["UserLastModifiedDate"] >= before["UserLastModifiedDate"]
    # The message is queued in the same transaction as the change, so the outbox is authoritative now.
    assert emulator.messages(verified) == []

    # Without email_verified the administrator's change is verified by a code, as the user's is.
    unverified = unique_email("unverified-by-admin")
    cognito.admin_update_user_attributes(
        UserPoolId=app.pool_id, Username=user, UserAttributes=[{"Name": "email", "Value": unverified}]
    )
    attrs = app.admin_attrs(cognito, user)
    assert attrs["email"] == unverified and attrs["email_verified"] == "false"
    code = code_from(smtp_inbox.wait_for(unverified).body)
    assert [m["code"] for m in emulator.messages(unverified)] == [code]
    access = app.sign_in(cognito, user)["AccessToken"]
    cognito.verify_user_attribute(AccessToken=access, AttributeName="email", Code=code)
    assert app.admin_attrs(cognito, user)["email_verified"] == "true"


def test_verification_before_update_keeps_the_old_email(emulator, cognito, smtp_inbox):
    """UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate: the old value stays (and
    stays verified) until the new one is confirmed by its code, as
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserAttributeUpdateSettingsType.html
    describes."""
    app = make_app(
        cognito,
        "verify-before-update",
        AutoVerifiedAttributes=["email"],
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
    )
    old, new = unique_email("keep-old"), unique_email("keep-new")
    user = app.make_user(cognito, unique_username("keeper"), old)
    access = app.sign_in(cognito, user)["AccessToken"]

    resp = cognito.update_user_attributes(AccessToken=access, UserAttributes=[{"Name": "email", "Value": new}])
    assert resp["CodeDeliveryDetailsList"] == [
        {"Destination": mask(new), "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    ]
    attrs = attrs_of(cognito.get_user(AccessToken=access)["UserAttributes"])
    assert attrs["email"] == old and attrs["email_verified"] == "true"
    code = code_from(smtp_inbox.wait_for(new).body)
    assert emulator.messages(old) == []

    cognito.verify_user_attribute(AccessToken=access, AttributeName="email", Code=code)
    attrs = attrs_of(cognito.get_user(AccessToken=access)["UserAttributes"])
    assert attrs["email"] == new and attrs["email_verified"] == "true"

    # An administrator setting email_verified=true updates at once and sends nothing.
    direct = unique_email("keep-direct")
    cognito.admin_update_user_attributes(
        UserPoolId=app.pool_id,
        Username=user,
        UserAttributes=[{"Name": "email", "Value": direct}, {"Name": "email_verified", "Value": "true"}],
    )
    attrs = app.admin_attrs(cognito, user)
    assert attrs["email"] == direct and attrs["email_verified"] == "true"
    assert emulator.messages(direct) == []


def test_change_password(cognito, app):
    user = app.make_user(cognito, unique_username("changer"), unique_email("changer"))
    access = app.sign_in(cognito, user)["AccessToken"]
    refused(
        lambda: cognito.change_password(
            AccessToken=access, PreviousPassword="Wr0ng-Password!", ProposedPassword=NEW_PASSWORD
        ),
        "NotAuthorizedException",
    )
    with raises(cognito, "InvalidPasswordException", TOO_SHORT):
        cognito.change_password(AccessToken=access, PreviousPassword=PASSWORD, ProposedPassword="Sh0rt!")
    cognito.change_password(AccessToken=access, PreviousPassword=PASSWORD, ProposedPassword=NEW_PASSWORD)
    app.sign_in(cognito, user, NEW_PASSWORD)
    with raises(cognito, "NotAuthorizedException", INCORRECT):
        app.sign_in(cognito, user, PASSWORD)
    cognito.get_user(AccessToken=access)  # changing the password signs nobody out


# ----------------------------------------------------------------------------- sign-out, revocation


def test_global_sign_out(cognito, app):
    user = app.make_user(cognito, unique_username("global"), unique_email("global"))
    one, two = app.sign_in(cognito, user), app.sign_in(cognito, user)
    cognito.get_user(AccessToken=two["AccessToken"])

    cognito.global_sign_out(AccessToken=one["AccessToken"])
    for tokens in (one, two):  # every sign-in of the user, not just the one that signed out
        with raises(cognito, "NotAuthorizedException", ACCESS_REVOKED):
            cognito.get_user(AccessToken=tokens["AccessToken"])
        with raises(cognito, "NotAuthorizedException", REFRESH_REVOKED):
            app.refresh(cognito, tokens["RefreshToken"])

    # Signing in again works.
    three = app.sign_in(cognito, user)
    assert cognito.get_user(AccessToken=three["AccessToken"])["Username"] == user
    app.refresh(cognito, three["RefreshToken"])


def test_revoke_token_revokes_one_sign_in(emulator, cognito, app):
    user = app.make_user(cognito, unique_username("revoke"), unique_email("revoke"))
    one, two = app.sign_in(cognito, user), app.sign_in(cognito, user)
    one_refreshed = app.refresh(cognito, one["RefreshToken"])

    cognito.revoke_token(Token=one["RefreshToken"], ClientId=app.client_id)

    with raises(cognito, "NotAuthorizedException", REFRESH_REVOKED):
        app.refresh(cognito, one["RefreshToken"])
    # Every access token of that authentication, including ones minted by refreshing it.
    for access in (one["AccessToken"], one_refreshed["AccessToken"]):
        with raises(cognito, "NotAuthorizedException", ACCESS_REVOKED):
            cognito.get_user(AccessToken=access)
    # The other sign-in is untouched.
    assert cognito.get_user(AccessToken=two["AccessToken"])["Username"] == user
    again = app.refresh(cognito, two["RefreshToken"])
    cognito.get_user(AccessToken=again["AccessToken"])
    # ID tokens stay cryptographically valid (AWS: only Cognito's APIs refuse revoked tokens).
    verify_id_token(one["IdToken"], emulator.url, app.pool_id, app.client_id)


def test_revoke_token_refuses_an_access_token(cognito, app):
    user = app.make_user(cognito, unique_username("revoke-access"), unique_email("revoke-access"))
    tokens = app.sign_in(cognito, user)
    with raises(cognito, "UnsupportedTokenTypeException"):
        cognito.revoke_token(Token=tokens["AccessToken"], ClientId=app.client_id)
    cognito.get_user(AccessToken=tokens["AccessToken"])


def test_revoke_token_with_a_client_secret(cognito, app):
    client = cognito.create_user_pool_client(
        UserPoolId=app.pool_id,
        ClientName="confidential",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    user = app.make_user(cognito, unique_username("revoke-secret"), unique_email("revoke-secret"))
    tokens = cognito.admin_initiate_auth(
        UserPoolId=app.pool_id,
        ClientId=client["ClientId"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": user,
            "PASSWORD": PASSWORD,
            "SECRET_HASH": secret_hash(user, client["ClientId"], client["ClientSecret"]),
        },
    )["AuthenticationResult"]
    refused(lambda: cognito.revoke_token(Token=tokens["RefreshToken"], ClientId=client["ClientId"]),
            "NotAuthorizedException")
    refused(
        lambda: cognito.revoke_token(
            Token=tokens["RefreshToken"], ClientId=client["ClientId"], ClientSecret=client["ClientSecret"] + "x"
        ),
        "NotAuthorizedException",
    )
    cognito.get_user(AccessToken=tokens["AccessToken"])  # the failed attempts revoked nothing
    cognito.revoke_token(Token=tokens["RefreshToken"], ClientId=client["ClientId"], ClientSecret=client["ClientSecret"])
    with raises(cognito, "NotAuthorizedException", ACCESS_REVOKED):
        cognito.get_user(AccessToken=tokens["AccessToken"])


def test_admin_user_global_sign_out(cognito, app):
    user = app.make_user(cognito, unique_username("admin-out"), unique_email("admin-out"))
    tokens = app.sign_in(cognito, user)
    cognito.admin_user_global_sign_out(UserPoolId=app.pool_id, Username=user)
    with raises(cognito, "NotAuthorizedException", ACCESS_REVOKED):
        cognito.get_user(AccessToken=tokens["AccessToken"])
    with raises(cognito, "NotAuthorizedException", REFRESH_REVOKED):
        app.refresh(cognito, tokens["RefreshToken"])
    fresh = app.sign_in(cognito, user)
    cognito.get_user(AccessToken=fresh["AccessToken"])


# ------------------------------------------------------------------------------ administrator users


INVITATION = re.compile(r"^Your username is (\S+) and temporary password is (\S+)\. $")


def test_admin_create_user_invitation_and_new_password(emulator, cognito, app, smtp_inbox):
    username, email = unique_username("invited"), unique_email("invited")
    created = cognito.admin_create_user(
        UserPoolId=app.pool_id,
        Username=username,
        TemporaryPassword=TEMP_PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
        DesiredDeliveryMediums=["EMAIL"],
    )["User"]
    assert created["Username"] == username
    assert created["Enabled"] is True
    assert created["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    attrs = attrs_of(created["Attributes"])
    assert attrs["email"] == email and re.fullmatch(r"[0-9a-f-]{36}", attrs["sub"])
    assert isinstance(created["UserCreateDate"], dt.datetime)

    mail = smtp_inbox.wait_for(email)
    assert mail.subject == "Your temporary password"
    assert mail.body.rstrip("\r\n") == f"Your username is {username} and temporary password is {TEMP_PASSWORD}. "

    first = cognito.initiate_auth(
        ClientId=app.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": TEMP_PASSWORD},
    )
    assert "AuthenticationResult" not in first
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    params = first["ChallengeParameters"]
    assert params["USER_ID_FOR_SRP"] == username
    assert json.loads(params["requiredAttributes"]) == []
    assert json.loads(params["userAttributes"])["email"] == email

    with raises(cognito, "InvalidPasswordException", TOO_SHORT):
        cognito.respond_to_auth_challenge(
            ClientId=app.client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=first["Session"],
            ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": "Sh0rt!"},
        )
    second = cognito.initiate_auth(
        ClientId=app.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": TEMP_PASSWORD},
    )
    done = cognito.respond_to_auth_challenge(
        ClientId=app.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=second["Session"],
        ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": NEW_PASSWORD},
    )["AuthenticationResult"]
    claims = verify_id_token(done["IdToken"], emulator.url, app.pool_id, app.client_id)
    assert claims["cognito:username"] == username and claims["sub"] == attrs["sub"]
    verify_access_token(done["AccessToken"], emulator.url, app.pool_id, app.client_id)

    got = cognito.admin_get_user(UserPoolId=app.pool_id, Username=username)
    assert got["Username"] == username
    assert got["UserStatus"] == "CONFIRMED"
    assert got["Enabled"] is True
    assert isinstance(got["UserCreateDate"], dt.datetime) and got["UserCreateDate"].tzinfo is not None
    assert got["UserCreateDate"] == created["UserCreateDate"]
    assert got["UserLastModifiedDate"] >= got["UserCreateDate"]
    assert attrs_of(got["UserAttributes"])["sub"] == attrs["sub"]

    app.sign_in(cognito, username, NEW_PASSWORD)
    with raises(cognito, "NotAuthorizedException", INCORRECT):
        app.sign_in(cognito, username, TEMP_PASSWORD)


def test_admin_create_user_with_a_generated_password(cognito, app, smtp_inbox):
    username, email = unique_username("generated"), unique_email("generated")
    cognito.admin_create_user(
        UserPoolId=app.pool_id,
        Username=username,
        UserAttributes=[{"Name": "email", "Value": email}],
        DesiredDeliveryMediums=["EMAIL"],
    )
    body = smtp_inbox.wait_for(email).body.rstrip("\r\n")
    m = INVITATION.match(body)
    assert m, f"unexpected invitation: {body!r}"
    assert m.group(1) == username
    temporary = m.group(2)
    resp = cognito.initiate_auth(
        ClientId=app.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": temporary},
    )
    assert resp["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    with raises(cognito, "UsernameExistsException"):
        cognito.admin_create_user(UserPoolId=app.pool_id, Username=username, MessageAction="SUPPRESS")


def test_admin_set_user_password(cognito, app):
    user = app.make_user(cognito, unique_username("setpw"), unique_email("setpw"))
    assert app.status(cognito, user) == "CONFIRMED"

    cognito.admin_set_user_password(UserPoolId=app.pool_id, Username=user, Password=TEMP_PASSWORD, Permanent=False)
    assert app.status(cognito, user) == "FORCE_CHANGE_PASSWORD"
    with raises(cognito, "NotAuthorizedException", INCORRECT):
        app.sign_in(cognito, user, PASSWORD)
    resp = cognito.initiate_auth(
        ClientId=app.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user, "PASSWORD": TEMP_PASSWORD},
    )
    assert resp["ChallengeName"] == "NEW_PASSWORD_REQUIRED"

    cognito.admin_set_user_password(UserPoolId=app.pool_id, Username=user, Password=NEW_PASSWORD, Permanent=True)
    assert app.status(cognito, user) == "CONFIRMED"
    app.sign_in(cognito, user, NEW_PASSWORD)
    with raises(cognito, "NotAuthorizedException", INCORRECT):
        app.sign_in(cognito, user, TEMP_PASSWORD)

    with raises(cognito, "InvalidPasswordException", TOO_SHORT):
        cognito.admin_set_user_password(UserPoolId=app.pool_id, Username=user, Password="Sh0rt!", Permanent=True)
    app.sign_in(cognito, user, NEW_PASSWORD)


def test_admin_reset_user_password(cognito, app, smtp_inbox):
    email = unique_email("reset")
    user = app.make_user(cognito, unique_username("reset"), email)
    cognito.admin_reset_user_password(UserPoolId=app.pool_id, Username=user)
    assert app.status(cognito, user) == "RESET_REQUIRED"
    code = code_from(smtp_inbox.wait_for(email).body)

    # Widely string-matched by apps (e.g. `/PasswordResetRequiredException: Password reset required for
    # the user$/`), no trailing period.
    with raises(cognito, "PasswordResetRequiredException", "Password reset required for the user"):
        app.sign_in(cognito, user, PASSWORD)

    cognito.confirm_forgot_password(ClientId=app.client_id, Username=user, ConfirmationCode=code, Password=NEW_PASSWORD)
    assert app.status(cognito, user) == "CONFIRMED"
    app.sign_in(cognito, user, NEW_PASSWORD)
    with raises(cognito, "NotAuthorizedException", INCORRECT):
        app.sign_in(cognito, user, PASSWORD)


# ------------------------------------------------------------------------------ disable and delete


def test_disable_and_enable(cognito, app):
    user = app.make_user(cognito, unique_username("disabled"), unique_email("disabled"))
    tokens = app.sign_in(cognito, user)

    cognito.admin_disable_user(UserPoolId=app.pool_id, Username=user)
    got = cognito.admin_get_user(UserPoolId=app.pool_id, Username=user)
    assert got["Enabled"] is False
    assert got["UserStatus"] == "CONFIRMED"  # the flag only; the status is unchanged
    with raises(cognito, "NotAuthorizedException", "User is disabled."):
        app.sign_in(cognito, user)
    refused(lambda: app.refresh(cognito, tokens["RefreshToken"]), "NotAuthorizedException")
    refused(lambda: cognito.get_user(AccessToken=tokens["AccessToken"]), "NotAuthorizedException")

    cognito.admin_enable_user(UserPoolId=app.pool_id, Username=user)
    assert cognito.admin_get_user(UserPoolId=app.pool_id, Username=user)["Enabled"] is True
    fresh = app.sign_in(cognito, user)
    cognito.get_user(AccessToken=fresh["AccessToken"])


def test_admin_delete_user(cognito, app):
    user = app.make_user(cognito, unique_username("admin-del"), unique_email("admin-del"))
    tokens = app.sign_in(cognito, user)
    cognito.admin_delete_user(UserPoolId=app.pool_id, Username=user)

    with raises(cognito, "UserNotFoundException", "User does not exist."):
        cognito.admin_get_user(UserPoolId=app.pool_id, Username=user)
    with raises(cognito, "UserNotFoundException", "User does not exist."):
        app.sign_in(cognito, user)
    refused(lambda: app.refresh(cognito, tokens["RefreshToken"]), "NotAuthorizedException")
    refused(lambda: cognito.get_user(AccessToken=tokens["AccessToken"]),
            "NotAuthorizedException", "UserNotFoundException")
    # The username is free again.
    app.make_user(cognito, user, unique_email("admin-del-again"), password=OTHER_PASSWORD)
    app.sign_in(cognito, user, OTHER_PASSWORD)


def test_delete_user(cognito, app):
    user = app.make_user(cognito, unique_username("self-del"), unique_email("self-del"))
    tokens = app.sign_in(cognito, user)
    cognito.delete_user(AccessToken=tokens["AccessToken"])

    with raises(cognito, "UserNotFoundException", "User does not exist."):
        cognito.admin_get_user(UserPoolId=app.pool_id, Username=user)
    with raises(cognito, "UserNotFoundException", "User does not exist."):
        app.sign_in(cognito, user)
    refused(lambda: app.refresh(cognito, tokens["RefreshToken"]), "NotAuthorizedException")
    refused(lambda: cognito.get_user(AccessToken=tokens["AccessToken"]),
            "NotAuthorizedException", "UserNotFoundException")


# ------------------------------------------------------------------------------------------ ListUsers


@dataclass
class Directory:
    app: App
    prefix: str
    subs: dict[str, str]
    emails: dict[str, str]

    A = [f"dir-a{i}" for i in range(1, 6)]  # CONFIRMED, dir-a5 disabled
    B = ["dir-b1", "dir-b2"]  # UNCONFIRMED (signed up)
    C = ["dir-c1"]  # FORCE_CHANGE_PASSWORD
    ALL = A + B + C


@pytest.fixture(scope="module")
def directory(cognito) -> Directory:
    # No auto-verification: signing up sends nothing.
    app = make_app(cognito, "directory")
    prefix = f"d{uuid.uuid4().hex[:8]}"
    emails = {u: f"{prefix}-{u[4:]}@example.com" for u in Directory.ALL}
    for u in Directory.A:
        app.make_user(cognito, u, emails[u], extra=(("given_name", "Ada" if u == "dir-a2" else "Bob"),))
    for u in Directory.B:
        cognito.sign_up(
            ClientId=app.client_id, Username=u, Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": emails[u]}],
        )
    cognito.admin_create_user(
        UserPoolId=app.pool_id, Username="dir-c1", MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": emails["dir-c1"]}],
    )
    cognito.admin_disable_user(UserPoolId=app.pool_id, Username="dir-a5")
    subs = {u: app.admin_attrs(cognito, u)["sub"] for u in Directory.ALL}
    return Directory(app, prefix, subs, emails)


def all_pages(cognito, **kwargs) -> tuple[list[str], list[int]]:
    """Every page of ListUsers: the usernames in order and each page's size."""
    names, sizes, token = [], [], None
    while True:
        resp = cognito.list_users(**kwargs, **({"PaginationToken": token} if token else {}))
        names += [u["Username"] for u in resp["Users"]]
        sizes.append(len(resp["Users"]))
        token = resp.get("PaginationToken")
        if not token:
            return names, sizes
        assert len(sizes) < 50, "pagination does not end"


def test_list_users_pages(cognito, directory):
    pool = directory.app.pool_id
    full = cognito.list_users(UserPoolId=pool)
    assert "PaginationToken" not in full
    order = [u["Username"] for u in full["Users"]]
    assert sorted(order) == sorted(Directory.ALL) and len(order) == len(set(order))

    names, sizes = all_pages(cognito, UserPoolId=pool, Limit=3)
    assert names == order  # every user once, in the same stable order
    assert sizes == [3, 3, 2]
    assert all_pages(cognito, UserPoolId=pool, Limit=3) == (names, sizes)  # and again
    names, sizes = all_pages(cognito, UserPoolId=pool, Limit=1)
    assert names == order and sizes == [1] * len(order)

    # A filtered listing pages too.
    names, sizes = all_pages(cognito, UserPoolId=pool, Filter='username ^= "dir-a"', Limit=2)
    assert names == [u for u in order if u in Directory.A]
    assert sizes == [2, 2, 1]

    # UserType members.
    by_name = {u["Username"]: u for u in full["Users"]}
    a1 = by_name["dir-a1"]
    assert a1["Enabled"] is True and a1["UserStatus"] == "CONFIRMED"
    assert isinstance(a1["UserCreateDate"], dt.datetime) and isinstance(a1["UserLastModifiedDate"], dt.datetime)
    assert attrs_of(a1["Attributes"])["email"] == directory.emails["dir-a1"]
    assert by_name["dir-a5"]["Enabled"] is False
    assert by_name["dir-b1"]["UserStatus"] == "UNCONFIRMED"
    assert by_name["dir-c1"]["UserStatus"] == "FORCE_CHANGE_PASSWORD"


def test_list_users_paginator(cognito, directory):
    pool = directory.app.pool_id
    order = [u["Username"] for u in cognito.list_users(UserPoolId=pool)["Users"]]
    assert cognito.can_paginate("list_users")
    pages = list(cognito.get_paginator("list_users").paginate(UserPoolId=pool, PaginationConfig={"PageSize": 3}))
    assert [len(p["Users"]) for p in pages] == [3, 3, 2]
    assert [u["Username"] for p in pages for u in p["Users"]] == order
    result = (
        cognito.get_paginator("list_users")
        .paginate(UserPoolId=pool, Filter=f'email ^= "{directory.prefix}-a"', PaginationConfig={"PageSize": 2})
        .build_full_result()
    )
    assert [u["Username"] for u in result["Users"]] == [u for u in order if u in Directory.A]


def test_list_users_filters(cognito, directory):
    pool = directory.app.pool_id
    order = [u["Username"] for u in cognito.list_users(UserPoolId=pool)["Users"]]

    def names(flt: str) -> list[str]:
        return [u["Username"] for u in cognito.list_users(UserPoolId=pool, Filter=flt)["Users"]]

    def expect(members) -> list[str]:
        return [u for u in order if u in members]

    p = directory.prefix
    assert names(f'email = "{directory.emails["dir-a3"]}"') == ["dir-a3"]
    assert names(f'email ^= "{p}-a"') == expect(Directory.A)
    assert names(f'email^="{p}-b"') == expect(Directory.B)  # no spaces, as in the CLI example
    assert names(f'email = "{p}-a"') == []  # `=` is exact
    assert names('cognito:user_status = "UNCONFIRMED"') == expect(Directory.B)
    assert names('cognito:user_status = "FORCE_CHANGE_PASSWORD"') == expect(Directory.C)
    assert names('cognito:user_status = "confirmed"') == expect(Directory.A)  # case-insensitive
    assert names('status = "Enabled"') == expect(set(Directory.ALL) - {"dir-a5"})
    assert names('status = "Disabled"') == ["dir-a5"]
    assert names('username ^= "dir-a"') == expect(Directory.A)
    assert names('username = "dir-b2"') == ["dir-b2"]
    assert names('given_name = "Ada"') == ["dir-a2"]
    assert names(f'sub = "{directory.subs["dir-c1"]}"') == ["dir-c1"]
    assert names('username ^= "nobody"') == []


def test_list_users_attributes_to_get(cognito, directory):
    resp = cognito.list_users(UserPoolId=directory.app.pool_id, Filter='username ^= "dir-a"', AttributesToGet=["email"])
    assert len(resp["Users"]) == len(Directory.A)
    for u in resp["Users"]:
        assert u["Attributes"] == [{"Name": "email", "Value": directory.emails[u["Username"]]}]
        assert u["UserStatus"] == "CONFIRMED"  # the other members are still there
    resp = cognito.list_users(
        UserPoolId=directory.app.pool_id, Filter='username = "dir-a2"', AttributesToGet=["given_name", "sub"]
    )
    assert attrs_of(resp["Users"][0]["Attributes"]) == {"given_name": "Ada", "sub": directory.subs["dir-a2"]}


@pytest.mark.parametrize(
    "flt, message",
    [
        ("email = jo", "Error while parsing filter."),
        ('email == "jo"', "Error while parsing filter."),
        ('custom:x = "1"', "Invalid search attribute: custom:x"),
    ],
)
def test_list_users_bad_filter(cognito, directory, flt, message):
    with raises(cognito, "InvalidParameterException", message):
        cognito.list_users(UserPoolId=directory.app.pool_id, Filter=flt)


def test_list_users_bad_pagination_token(cognito, directory):
    token = "bm90LWEtdG9rZW4"
    with pytest.raises(ClientError) as info:
        cognito.list_users(UserPoolId=directory.app.pool_id, PaginationToken=token)
    err, meta = info.value.response["Error"], info.value.response["ResponseMetadata"]
    assert err["Code"] == "InvalidParameterException"  # the class is not confirmed, the text is
    assert err["Message"] == f"Paging marker {token} is invalid for request {meta['RequestId']}"


def test_list_users_in_group(cognito, directory):
    pool = directory.app.pool_id
    order = [u["Username"] for u in cognito.list_users(UserPoolId=pool)["Users"]]
    cognito.create_group(GroupName="staff", UserPoolId=pool)
    members = ["dir-b1", "dir-a1", "dir-a4"]
    for u in members:
        cognito.admin_add_user_to_group(UserPoolId=pool, Username=u, GroupName="staff")
    cognito.admin_add_user_to_group(UserPoolId=pool, Username="dir-a1", GroupName="staff")  # idempotent

    got, token, sizes = [], None, []
    while True:
        resp = cognito.list_users_in_group(
            UserPoolId=pool, GroupName="staff", Limit=2, **({"NextToken": token} if token else {})
        )
        got += resp["Users"]
        sizes.append(len(resp["Users"]))
        token = resp.get("NextToken")
        if not token:
            break
    assert sizes == [2, 1]
    assert sorted(u["Username"] for u in got) == sorted(members)
    assert len({u["Username"] for u in got}) == len(got)
    a1 = next(u for u in got if u["Username"] == "dir-a1")
    assert attrs_of(a1["Attributes"])["email"] == directory.emails["dir-a1"] and a1["UserStatus"] == "CONFIRMED"

    pages = cognito.get_paginator("list_users_in_group").paginate(
        UserPoolId=pool, GroupName="staff", PaginationConfig={"PageSize": 2}
    )
    assert [u["Username"] for p in pages for u in p["Users"]] == [u["Username"] for u in got]
    assert set(u["Username"] for u in got) <= set(order)


# --------------------------------------------------------------------------------------------- groups


ROLE = "arn:aws:iam::123456789012:role/{}"


def group_claims(emulator, app: App, tokens: dict) -> tuple[dict, dict]:
    id_claims = verify_id_token(tokens["IdToken"], emulator.url, app.pool_id, app.client_id)
    access_claims = verify_access_token(tokens["AccessToken"], emulator.url, app.pool_id, app.client_id)
    return id_claims, access_claims


def test_group_crud(cognito):
    app = make_app(cognito, "groups-crud")
    pool = app.pool_id
    g = cognito.create_group(
        GroupName="editors", UserPoolId=pool, Description="Edit things", RoleArn=ROLE.format("editor"), Precedence=3
    )["Group"]
    assert g["GroupName"] == "editors" and g["UserPoolId"] == pool
    assert g["Description"] == "Edit things" and g["RoleArn"] == ROLE.format("editor") and g["Precedence"] == 3
    assert isinstance(g["CreationDate"], dt.datetime) and isinstance(g["LastModifiedDate"], dt.datetime)
    assert cognito.get_group(GroupName="editors", UserPoolId=pool)["Group"] == g

    with raises(cognito, "GroupExistsException"):
        cognito.create_group(GroupName="editors", UserPoolId=pool)

    updated = cognito.update_group(
        GroupName="editors", UserPoolId=pool, Description="Edit more", RoleArn=ROLE.format("editor2"), Precedence=4
    )["Group"]
    assert (updated["Description"], updated["RoleArn"], updated["Precedence"]) == (
        "Edit more", ROLE.format("editor2"), 4
    )
    assert updated["CreationDate"] == g["CreationDate"]
    assert updated["LastModifiedDate"] >= g["LastModifiedDate"]
    assert cognito.get_group(GroupName="editors", UserPoolId=pool)["Group"] == updated

    for name in ["viewers", "admins", "guests"]:
        cognito.create_group(GroupName=name, UserPoolId=pool)
    listed, token, sizes = [], None, []
    while True:
        resp = cognito.list_groups(UserPoolId=pool, Limit=3, **({"NextToken": token} if token else {}))
        listed += [x["GroupName"] for x in resp["Groups"]]
        sizes.append(len(resp["Groups"]))
        token = resp.get("NextToken")
        if not token:
            break
    assert sizes == [3, 1]
    assert sorted(listed) == ["admins", "editors", "guests", "viewers"] and len(set(listed)) == 4
    pages = cognito.get_paginator("list_groups").paginate(UserPoolId=pool, PaginationConfig={"PageSize": 3})
    assert [x["GroupName"] for p in pages for x in p["Groups"]] == listed

    cognito.delete_group(GroupName="guests", UserPoolId=pool)
    with raises(cognito, "ResourceNotFoundException"):
        cognito.get_group(GroupName="guests", UserPoolId=pool)
    assert sorted(x["GroupName"] for x in cognito.list_groups(UserPoolId=pool)["Groups"]) == [
        "admins", "editors", "viewers"
    ]
    with raises(cognito, "ResourceNotFoundException"):
        cognito.delete_group(GroupName="guests", UserPoolId=pool)


def test_group_membership_and_token_claims(emulator, cognito):
    app = make_app(cognito, "groups-claims")
    pool = app.pool_id
    cognito.create_group(GroupName="low", UserPoolId=pool, RoleArn=ROLE.format("low"), Precedence=10)
    cognito.create_group(GroupName="high", UserPoolId=pool, RoleArn=ROLE.format("high"), Precedence=1)
    cognito.create_group(GroupName="plain", UserPoolId=pool)  # no role, no precedence
    user = app.make_user(cognito, "member", unique_email("member"))

    # No groups: no group claims at all.
    id_c, access_c = group_claims(emulator, app, app.sign_in(cognito, "member"))
    for claim in ("cognito:groups", "cognito:roles", "cognito:preferred_role"):
        assert claim not in id_c and claim not in access_c

    for g in ("low", "high", "plain"):
        cognito.admin_add_user_to_group(UserPoolId=pool, Username=user, GroupName=g)
    listed = cognito.admin_list_groups_for_user(UserPoolId=pool, Username=user, Limit=2)
    assert len(listed["Groups"]) == 2 and listed.get("NextToken")
    rest = cognito.admin_list_groups_for_user(UserPoolId=pool, Username=user, Limit=2, NextToken=listed["NextToken"])
    assert "NextToken" not in rest
    names = [g["GroupName"] for g in listed["Groups"] + rest["Groups"]]
    assert sorted(names) == ["high", "low", "plain"]
    high = next(g for g in listed["Groups"] + rest["Groups"] if g["GroupName"] == "high")
    assert high["RoleArn"] == ROLE.format("high") and high["Precedence"] == 1 and high["UserPoolId"] == pool

    tokens = app.sign_in(cognito, user)
    id_c, access_c = group_claims(emulator, app, tokens)
    assert sorted(id_c["cognito:groups"]) == ["high", "low", "plain"]
    assert sorted(access_c["cognito:groups"]) == ["high", "low", "plain"]
    assert sorted(id_c["cognito:roles"]) == [ROLE.format("high"), ROLE.format("low")]
    assert id_c["cognito:preferred_role"] == ROLE.format("high")  # lowest precedence value wins
    assert "cognito:roles" not in access_c and "cognito:preferred_role" not in access_c

    in_group = cognito.list_users_in_group(UserPoolId=pool, GroupName="high")["Users"]
    assert [u["Username"] for u in in_group] == [user]

    cognito.admin_remove_user_from_group(UserPoolId=pool, Username=user, GroupName="high")
    assert sorted(g["GroupName"] for g in cognito.admin_list_groups_for_user(UserPoolId=pool, Username=user)["Groups"]) == [
        "low", "plain"
    ]
    assert cognito.list_users_in_group(UserPoolId=pool, GroupName="high")["Users"] == []
    # Refreshed tokens follow the membership.
    id_c, access_c = group_claims(emulator, app, app.refresh(cognito, tokens["RefreshToken"]))
    assert sorted(id_c["cognito:groups"]) == ["low", "plain"] and sorted(access_c["cognito:groups"]) == ["low", "plain"]
    assert id_c["cognito:roles"] == [ROLE.format("low")]
    assert id_c["cognito:preferred_role"] == ROLE.format("low")

    # A deleted group disappears from the user's groups and tokens.
    cognito.delete_group(GroupName="plain", UserPoolId=pool)
    assert [g["GroupName"] for g in cognito.admin_list_groups_for_user(UserPoolId=pool, Username=user)["Groups"]] == [
        "low"
    ]
    id_c, access_c = group_claims(emulator, app, app.sign_in(cognito, user))
    assert id_c["cognito:groups"] == ["low"] and access_c["cognito:groups"] == ["low"]

    with raises(cognito, "ResourceNotFoundException"):
        cognito.admin_add_user_to_group(UserPoolId=pool, Username=user, GroupName="plain")
    with raises(cognito, "UserNotFoundException", "User does not exist."):
        cognito.admin_add_user_to_group(UserPoolId=pool, Username="nobody", GroupName="low")


def test_preferred_role_with_equal_precedence(emulator, cognito):
    """AWS (AWS::Cognito::UserPoolGroup / CreateGroup docs): two groups with the same precedence and the
    same role ARN give that role as cognito:preferred_role; with different role ARNs the claim is not set."""
    app = make_app(cognito, "groups-tie")
    pool = app.pool_id
    cognito.create_group(GroupName="tie-a", UserPoolId=pool, RoleArn=ROLE.format("a"), Precedence=7)
    cognito.create_group(GroupName="tie-b", UserPoolId=pool, RoleArn=ROLE.format("b"), Precedence=7)
    cognito.create_group(GroupName="same-1", UserPoolId=pool, RoleArn=ROLE.format("same"), Precedence=5)
    cognito.create_group(GroupName="same-2", UserPoolId=pool, RoleArn=ROLE.format("same"), Precedence=5)

    app.make_user(cognito, "same", unique_email("same"))
    for g in ("same-1", "same-2"):
        cognito.admin_add_user_to_group(UserPoolId=pool, Username="same", GroupName=g)
    id_c, _ = group_claims(emulator, app, app.sign_in(cognito, "same"))
    assert id_c["cognito:preferred_role"] == ROLE.format("same")

    app.make_user(cognito, "tie", unique_email("tie"))
    for g in ("tie-a", "tie-b"):
        cognito.admin_add_user_to_group(UserPoolId=pool, Username="tie", GroupName=g)
    id_c, _ = group_claims(emulator, app, app.sign_in(cognito, "tie"))
    assert sorted(id_c["cognito:roles"]) == [ROLE.format("a"), ROLE.format("b")]
    assert "cognito:preferred_role" not in id_c, id_c.get("cognito:preferred_role")


# ----------------------------------------------------------------------------------- alias sign-in


@pytest.fixture(scope="module")
def alias_app(cognito) -> App:
    return make_app(
        cognito,
        "alias",
        AliasAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        UsernameConfiguration={"CaseSensitive": False},
    )


def test_alias_sign_in_and_alias_exists(emulator, cognito, alias_app, smtp_inbox):
    app = alias_app
    tag = uuid.uuid4().hex[:8]
    email = f"Mixed.Case-{tag}@Example.com"
    one, two = f"alias-one-{tag}", f"alias-two-{tag}"

    cognito.sign_up(ClientId=app.client_id, Username=one, Password=PASSWORD,
                    UserAttributes=[{"Name": "email", "Value": email}])
    code = code_from(smtp_inbox.wait_for(email).body)
    # Not yet verified: the email is no sign-in alias.
    with raises(cognito, "UserNotFoundException", "User does not exist."):
        app.sign_in(cognito, email.lower())
    cognito.confirm_sign_up(ClientId=app.client_id, Username=one, ConfirmationCode=code)

    # The verified email, in another case, signs in; so does the username in another case.
    for name in (email.lower(), email.upper(), one.upper()):
        claims = verify_id_token(app.sign_in(cognito, name)["IdToken"], emulator.url, app.pool_id, app.client_id)
        assert claims["cognito:username"] == one
        assert claims["email_verified"] is True
    # Administrators may name the user by the alias too; the answer is the real username.
    assert cognito.admin_get_user(UserPoolId=app.pool_id, Username=email.upper())["Username"] == one
    with raises(cognito, "UsernameExistsException", "User already exists"):
        cognito.sign_up(ClientId=app.client_id, Username=one.upper(), Password=PASSWORD)

    # A second account with the same email (another case) may sign up, but not confirm it...
    cognito.sign_up(ClientId=app.client_id, Username=two, Password=OTHER_PASSWORD,
                    UserAttributes=[{"Name": "email", "Value": email.lower()}])
    code_two = code_from(smtp_inbox.wait_for(email).body)
    with raises(cognito, "AliasExistsException", "An account with the given email already exists."):
        cognito.confirm_sign_up(ClientId=app.client_id, Username=two, ConfirmationCode=code_two)
    assert app.status(cognito, two) == "UNCONFIRMED"
    assert app.sign_in(cognito, email)  # still the first account's alias
    # ...unless it forces the alias over, which unverifies it on the first account.
    cognito.confirm_sign_up(ClientId=app.client_id, Username=two, ConfirmationCode=code_two, ForceAliasCreation=True)
    assert app.status(cognito, two) == "CONFIRMED"
    assert app.admin_attrs(cognito, one)["email_verified"] == "false"
    assert app.admin_attrs(cognito, two)["email_verified"] == "true"

    claims = verify_id_token(
        app.sign_in(cognito, email.upper(), OTHER_PASSWORD)["IdToken"], emulator.url, app.pool_id, app.client_id
    )
    assert claims["cognito:username"] == two
    with raises(cognito, "NotAuthorizedException", INCORRECT):
        app.sign_in(cognito, email, PASSWORD)  # the email now names the second account
    app.sign_in(cognito, one, PASSWORD)  # the first still signs in by username


def test_alias_pool_rejects_email_usernames(cognito, alias_app):
    with raises(
        cognito,
        "InvalidParameterException",
        "Username cannot be of email format, since user pool is configured for email alias.",
    ):
        cognito.sign_up(ClientId=alias_app.client_id, Username=unique_email("as-username"), Password=PASSWORD)


# ------------------------------------------------------------------------------------------- lockout


@pytest.fixture(scope="module")
def lockout_emulator(start_emulator):
    """An emulator of its own whose lockouts last at most 2 s; the lockout tests move its clock forward
    instead of sleeping."""
    return start_emulator(extra_args=["--lockout-max-seconds", "2"])


def sign_in_error(cognito, app: App, user: str, password: str) -> str | None:
    """None on success, else the NotAuthorizedException message."""
    try:
        app.sign_in(cognito, user, password)
        return None
    except cognito.exceptions.NotAuthorizedException as e:
        return e.response["Error"]["Message"]


def wait_for_unlock(emulator, cognito, app: App, user: str, password: str, deadline_s: float = 30.0) -> None:
    """Retries the correct password, moving the emulator's clock 0.1 s forward between tries, until it is
    accepted; every refusal meanwhile must be the lockout. The deadline (on the emulator's clock) only
    bounds the test; no duration is asserted."""
    deadline = emulator.clock_now() + deadline_s
    while (msg := sign_in_error(cognito, app, user, password)) is not None:
        assert msg == "Password attempts exceeded"
        assert emulator.clock_now() < deadline, "still locked out"
        emulator.advance_clock(0.1)


def test_lockout_after_five_wrong_passwords(lockout_emulator):
    cognito = lockout_emulator.client()
    app = make_app(cognito, "lockout")
    user = app.make_user(cognito, "locked")

    for _ in range(5):
        with raises(cognito, "NotAuthorizedException", INCORRECT):
            app.sign_in(cognito, user, "Wr0ng-Password!")
    # Locked: even the right password is refused.
    with raises(cognito, "NotAuthorizedException", "Password attempts exceeded"):
        app.sign_in(cognito, user, PASSWORD)
    wait_for_unlock(lockout_emulator, cognito, app, user, PASSWORD)

    # A success clears the count: one failure does not lock again.
    with raises(cognito, "NotAuthorizedException", INCORRECT):
        app.sign_in(cognito, user, "Wr0ng-Password!")
    app.sign_in(cognito, user, PASSWORD)


def test_lockout_is_capped_by_lockout_max_seconds(lockout_emulator):
    cognito = lockout_emulator.client()
    app = make_app(cognito, "lockout-cap")
    user = app.make_user(cognito, "capped")

    failures = 0
    deadline = lockout_emulator.clock_now() + 60  # on the emulator's clock, which the loop moves
    while failures < 11:  # uncapped, the 11th failure would lock for 2^6 = 64 s
        msg = sign_in_error(cognito, app, user, "Wr0ng-Password!")
        if msg == INCORRECT:
            failures += 1
        else:
            assert msg == "Password attempts exceeded"
            assert failures >= 5, f"locked after only {failures} failures"
            lockout_emulator.advance_clock(0.1)
        assert lockout_emulator.clock_now() < deadline
    with raises(cognito, "NotAuthorizedException", "Password attempts exceeded"):
        app.sign_in(cognito, user, PASSWORD)
    wait_for_unlock(lockout_emulator, cognito, app, user, PASSWORD)
