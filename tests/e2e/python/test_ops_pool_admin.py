"""Pool administration operations of issue 15 through boto3: tags, client secrets, the SAML signing
certificate, MFA configuration, AdminDeleteSoftwareToken, AdminGetUserAuthFactors, replicas and
provisioned limits — each with its happy path and its documented errors."""

from __future__ import annotations

import base64

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import padding

from helpers import raises, secret_hash, unique_username

PASSWORD = "Corr3ct-Horse!"


@pytest.fixture()
def pool(cognito):
    out = cognito.create_user_pool(PoolName=unique_username("admin"), UserPoolTags={"team": "auth"})
    return out["UserPool"]


def test_tags_follow_tag_and_untag(cognito, pool):
    arn = pool["Arn"]
    cognito.tag_resource(ResourceArn=arn, Tags={"env": "test", "team": "identity"})
    assert cognito.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"team": "identity", "env": "test"}
    cognito.untag_resource(ResourceArn=arn, TagKeys=["team", "unknown"])
    assert cognito.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"env": "test"}
    # DescribeUserPool shows the same map; an UpdateUserPool without UserPoolTags keeps it.
    cognito.update_user_pool(UserPoolId=pool["Id"], MfaConfiguration="OFF")
    assert cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]["UserPoolTags"] == {"env": "test"}


def test_tag_errors(cognito, pool):
    arn = pool["Arn"]
    with raises(cognito, "ResourceNotFoundException"):
        cognito.list_tags_for_resource(ResourceArn=arn.replace(pool["Id"], "us-east-1_Missing00"))
    with raises(cognito, "InvalidParameterException"):
        cognito.tag_resource(ResourceArn="arn:aws:s3:::bucket/not-a-pool-arn-at-all:0", Tags={"a": "b"})
    with raises(cognito, "InvalidParameterException"):
        cognito.tag_resource(ResourceArn=arn, Tags={f"k{i}": "v" for i in range(51)})
    assert cognito.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"team": "auth"}


def test_client_secret_rotation(cognito, pool):
    pool_id = pool["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="rotating", GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    client_id, first = client["ClientId"], client["ClientSecret"]
    user = unique_username("rotate")
    cognito.admin_create_user(UserPoolId=pool_id, Username=user, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=user, Password=PASSWORD, Permanent=True)

    def sign_in(secret: str):
        return cognito.initiate_auth(
            ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": user, "PASSWORD": PASSWORD, "SECRET_HASH": secret_hash(user, client_id, secret)},
        )

    added = cognito.add_user_pool_client_secret(UserPoolId=pool_id, ClientId=client_id)["ClientSecretDescriptor"]
    second = added["ClientSecretValue"]
    assert added["ClientSecretId"].startswith(client_id + "--")
    sign_in(first)
    sign_in(second)
    listed = cognito.list_user_pool_client_secrets(UserPoolId=pool_id, ClientId=client_id)["ClientSecrets"]
    assert [s["ClientSecretId"] for s in listed][1] == added["ClientSecretId"]
    assert all("ClientSecretValue" not in s for s in listed)
    with raises(cognito, "LimitExceededException"):
        cognito.add_user_pool_client_secret(UserPoolId=pool_id, ClientId=client_id, ClientSecret="x" * 30)
    cognito.delete_user_pool_client_secret(
        UserPoolId=pool_id, ClientId=client_id, ClientSecretId=listed[0]["ClientSecretId"]
    )
    with raises(cognito, "NotAuthorizedException", f"Unable to verify secret hash for client {client_id}"):
        sign_in(first)
    sign_in(second)
    with raises(cognito, "InvalidParameterException"):
        cognito.delete_user_pool_client_secret(
            UserPoolId=pool_id, ClientId=client_id, ClientSecretId=added["ClientSecretId"]
        )
    with raises(cognito, "ResourceNotFoundException"):
        cognito.delete_user_pool_client_secret(
            UserPoolId=pool_id, ClientId=client_id, ClientSecretId=listed[0]["ClientSecretId"]
        )
    # A custom secret is not echoed; a public client has none to add to.
    custom = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="custom", GenerateSecret=True)
    custom_id = custom["UserPoolClient"]["ClientId"]
    descriptor = cognito.add_user_pool_client_secret(
        UserPoolId=pool_id, ClientId=custom_id, ClientSecret="MyOwnSecretValue0123456789"
    )["ClientSecretDescriptor"]
    assert "ClientSecretValue" not in descriptor
    with raises(cognito, "InvalidParameterException"):
        cognito.create_user_pool_client(
            UserPoolId=pool_id, ClientName="both", GenerateSecret=True, ClientSecret="MyOwnSecretValue0123456789"
        )
    public = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="public")["UserPoolClient"]["ClientId"]
    with raises(cognito, "InvalidParameterException"):
        cognito.add_user_pool_client_secret(UserPoolId=pool_id, ClientId=public)
    with raises(cognito, "ResourceNotFoundException"):
        cognito.list_user_pool_client_secrets(UserPoolId=pool_id, ClientId="nosuchclient0000000000000")


def test_signing_certificate_is_a_real_x509_certificate(cognito, pool):
    pem = cognito.get_signing_certificate(UserPoolId=pool["Id"])["Certificate"]
    cert = x509.load_der_x509_certificate(base64.b64decode(pem))
    assert cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == pool["Id"]
    assert (cert.not_valid_after_utc - cert.not_valid_before_utc).days >= 3650
    cert.public_key().verify(
        cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), cert.signature_hash_algorithm
    )
    assert cognito.get_signing_certificate(UserPoolId=pool["Id"])["Certificate"] == pem
    with raises(cognito, "ResourceNotFoundException"):
        cognito.get_signing_certificate(UserPoolId="us-east-1_Missing00")


def test_mfa_configuration_parity(cognito, pool):
    pool_id = pool["Id"]
    with raises(cognito, "InvalidParameterException",
                "At least one of [SmsMfaConfiguration] or [SoftwareTokenMfaConfiguration] must be provided."):
        cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON")
    with raises(cognito, "InvalidParameterException",
                "[SmsConfiguration] is a required member of [SoftwareTokenMfaConfiguration]."):
        cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON", SmsMfaConfiguration={})
    out = cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="ON"
    )
    assert "SmsMfaConfiguration" not in out and out["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    got = cognito.get_user_pool_mfa_config(UserPoolId=pool_id)
    assert got["MfaConfiguration"] == "ON" and got["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    out = cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OFF")
    assert "SoftwareTokenMfaConfiguration" not in out and out["MfaConfiguration"] == "OFF"


def test_admin_delete_software_token_and_auth_factors(cognito, pool):
    pool_id = pool["Id"]
    user = unique_username("factors")
    cognito.admin_create_user(
        UserPoolId=pool_id, Username=user, MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": f"{user}@example.com"}, {"Name": "email_verified", "Value": "True"}],
    )
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=user, Password=PASSWORD, Permanent=True)
    factors = cognito.admin_get_user_auth_factors(UserPoolId=pool_id, Username=user)
    assert factors["Username"] == user
    # The options USER_AUTH offers this user (the pool allows PASSWORD only, the default) and the MFA
    # factors they turned on (none): a verified email alone is no factor.
    assert factors["ConfiguredUserAuthFactors"] == ["PASSWORD"]
    cognito.admin_delete_software_token(UserPoolId=pool_id, Username=user)
    with raises(cognito, "UserNotFoundException"):
        cognito.admin_delete_software_token(UserPoolId=pool_id, Username="nobody-here")
    with raises(cognito, "UserNotFoundException"):
        cognito.admin_get_user_auth_factors(UserPoolId=pool_id, Username="nobody-here")


def test_replicas(cognito, pool):
    pool_id = pool["Id"]
    listed = cognito.list_user_pool_replicas(UserPoolId=pool_id)["UserPoolReplicas"]
    assert listed == [{"RegionName": "us-east-1", "Status": "ACTIVE", "Role": "PRIMARY", "UserPoolArn": pool["Arn"]}]
    made = cognito.create_user_pool_replica(UserPoolId=pool_id, RegionName="eu-west-1")["UserPoolReplica"]
    assert made["Status"] == "INACTIVE" and made["Role"] == "SECONDARY"
    assert made["UserPoolArn"] == pool["Arn"].replace(":us-east-1:", ":eu-west-1:")
    with raises(cognito, "InvalidParameterException"):
        cognito.create_user_pool_replica(UserPoolId=pool_id, RegionName="eu-west-1")
    with raises(cognito, "InvalidParameterException"):
        cognito.create_user_pool_replica(UserPoolId=pool_id, RegionName="us-east-1")
    with raises(cognito, "InvalidParameterException"):
        cognito.create_user_pool_replica(UserPoolId=pool_id, RegionName="nowhere")
    active = cognito.update_user_pool_replica(UserPoolId=pool_id, RegionName="eu-west-1", Status="ACTIVE")
    assert active["UserPoolReplica"]["Status"] == "ACTIVE"
    with raises(cognito, "InvalidParameterException"):
        cognito.delete_user_pool_replica(UserPoolId=pool_id, RegionName="eu-west-1")
    cognito.update_user_pool_replica(UserPoolId=pool_id, RegionName="eu-west-1", Status="INACTIVE")
    cognito.delete_user_pool_replica(UserPoolId=pool_id, RegionName="eu-west-1")
    with raises(cognito, "ResourceNotFoundException"):
        cognito.delete_user_pool_replica(UserPoolId=pool_id, RegionName="eu-west-1")
    assert len(cognito.list_user_pool_replicas(UserPoolId=pool_id)["UserPoolReplicas"]) == 1


def test_provisioned_limits(cognito):
    definition = {"LimitClass": "API_CATEGORY", "Attributes": {"Category": "UserCreation"}}
    limit = cognito.get_provisioned_limit(LimitDefinition=definition)["Limit"]
    assert limit["FreeLimitValue"] == 50 and limit["ProvisionedLimitValue"] >= 50
    updated = cognito.update_provisioned_limit(LimitDefinition=definition, RequestedLimitValue=80)["Limit"]
    assert updated["ProvisionedLimitValue"] == 80
    assert cognito.get_provisioned_limit(LimitDefinition=definition)["Limit"]["ProvisionedLimitValue"] == 80
    with raises(cognito, "InvalidParameterException"):
        cognito.update_provisioned_limit(LimitDefinition=definition, RequestedLimitValue=10)
    with raises(cognito, "InvalidParameterException"):
        cognito.get_provisioned_limit(
            LimitDefinition={"LimitClass": "API_CATEGORY", "Attributes": {"Category": "Nope"}}
        )


def test_client_and_derived_tokens_are_refused_with_their_reason(cognito, pool):
    client = cognito.create_user_pool_client(
        UserPoolId=pool["Id"], ClientName="m2m", GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_TOKEN_EXCHANGE_IMPERSONATION"],
    )["UserPoolClient"]
    with raises(cognito, "NotAuthorizedException") as info:
        cognito.get_client_token(ClientId=client["ClientId"], Secret=client["ClientSecret"])
    assert "ALLOW_CLIENT_TOKEN_AUTH" in info.value.response["Error"]["Message"]
    with raises(cognito, "NotAuthorizedException"):
        cognito.get_client_token(ClientId=client["ClientId"], Secret="wrongsecret0000000000000000")
    with raises(cognito, "UnsupportedOperationException") as info:
        cognito.get_derived_token(
            ClientId=client["ClientId"], ClientSecret=client["ClientSecret"],
            SubjectToken="a.b.c", SubjectTokenType="ACCESS_TOKEN",
        )
    assert "not documented precisely enough" in info.value.response["Error"]["Message"]
