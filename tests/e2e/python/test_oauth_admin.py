"""Domains, resource servers and app-client OAuth settings through boto3, in the order Terraform's AWS
provider calls them (create, describe until ACTIVE, update, delete), then a client_credentials token from
the pool's /oauth2/token verified by PyJWT against the pool's JWKS."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request

import jwt
import pytest

from helpers import raises, unique_username


@pytest.fixture()
def pool_id(cognito):
    return cognito.create_user_pool(PoolName=unique_username("oauth"))["UserPool"]["Id"]


def describe_until_active(cognito, domain: str) -> dict:
    # Terraform's resource polls DescribeUserPoolDomain until Status is ACTIVE; the emulator is ACTIVE
    # at once, so the first answer must already say so.
    desc = cognito.describe_user_pool_domain(Domain=domain)["DomainDescription"]
    assert desc["Status"] == "ACTIVE", desc
    return desc


def test_prefix_domain_lifecycle(cognito, pool_id):
    prefix = unique_username("tf-app")
    created = cognito.create_user_pool_domain(Domain=prefix, UserPoolId=pool_id)
    assert created["ManagedLoginVersion"] == 1
    desc = describe_until_active(cognito, prefix)
    assert desc["UserPoolId"] == pool_id
    assert desc["Domain"] == prefix
    assert cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Domain"] == prefix

    updated = cognito.update_user_pool_domain(Domain=prefix, UserPoolId=pool_id, ManagedLoginVersion=2)
    assert updated["ManagedLoginVersion"] == 2
    assert describe_until_active(cognito, prefix)["ManagedLoginVersion"] == 2

    with raises(cognito, "InvalidParameterException", "User pool already has a domain configured."):
        cognito.create_user_pool_domain(Domain=unique_username("second"), UserPoolId=pool_id)
    with raises(cognito, "InvalidParameterException", "Domain cannot contain reserved word: cognito"):
        cognito.create_user_pool_domain(Domain="my-cognito-app", UserPoolId=pool_id)

    cognito.delete_user_pool_domain(Domain=prefix, UserPoolId=pool_id)
    # After the delete Terraform reads the domain again and expects an empty description.
    assert cognito.describe_user_pool_domain(Domain=prefix)["DomainDescription"] == {}
    assert "Domain" not in cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]


def test_custom_domain_keeps_its_certificate(cognito, pool_id):
    name = f"{unique_username('auth')}.example.com"
    config = {"CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc"}
    created = cognito.create_user_pool_domain(Domain=name, UserPoolId=pool_id, CustomDomainConfig=config)
    assert created["CloudFrontDomain"].endswith(".cloudfront.net")
    desc = describe_until_active(cognito, name)
    assert desc["CustomDomainConfig"] == config
    assert cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]["CustomDomain"] == name
    cognito.delete_user_pool_domain(Domain=name, UserPoolId=pool_id)


def test_resource_servers_and_client_scopes(cognito, pool_id):
    identifiers = [f"https://api{i}.example.com" for i in range(3)]
    for ident in identifiers:
        cognito.create_resource_server(
            UserPoolId=pool_id, Identifier=ident, Name=ident.split("//")[1],
            Scopes=[{"ScopeName": "read", "ScopeDescription": "Read"}],
        )
    paginated = []
    token = None
    while True:
        kwargs = {"UserPoolId": pool_id, "MaxResults": 2}
        if token:
            kwargs["NextToken"] = token
        page = cognito.list_resource_servers(**kwargs)
        paginated += [rs["Identifier"] for rs in page["ResourceServers"]]
        token = page.get("NextToken")
        if not token:
            break
    assert sorted(paginated) == identifiers

    cognito.update_resource_server(
        UserPoolId=pool_id, Identifier=identifiers[0], Name="renamed",
        Scopes=[{"ScopeName": "read", "ScopeDescription": "Read"}, {"ScopeName": "write", "ScopeDescription": "Write"}],
    )
    rs = cognito.describe_resource_server(UserPoolId=pool_id, Identifier=identifiers[0])["ResourceServer"]
    assert rs["Name"] == "renamed"
    assert [s["ScopeName"] for s in rs["Scopes"]] == ["read", "write"]

    # Client OAuth settings are checked as AWS does and a refused call stores nothing.
    with raises(cognito, "ScopeDoesNotExistException"):
        cognito.create_user_pool_client(
            UserPoolId=pool_id, ClientName="m2m", GenerateSecret=True, AllowedOAuthFlowsUserPoolClient=True,
            AllowedOAuthFlows=["client_credentials"], AllowedOAuthScopes=[f"{identifiers[0]}/delete"],
        )
    with raises(cognito, "InvalidOAuthFlowException"):
        cognito.create_user_pool_client(
            UserPoolId=pool_id, ClientName="m2m", GenerateSecret=False, AllowedOAuthFlowsUserPoolClient=True,
            AllowedOAuthFlows=["client_credentials"], AllowedOAuthScopes=[f"{identifiers[0]}/read"],
        )
    # AWS's type here is InvalidOAuthFlowException (CloudFormation's captured error text).
    with raises(cognito, "InvalidOAuthFlowException",
                "CallbackUrls can not be empty when code flow or implicit flow is selected"):
        cognito.create_user_pool_client(
            UserPoolId=pool_id, ClientName="web", AllowedOAuthFlowsUserPoolClient=True,
            AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid"], SupportedIdentityProviders=["COGNITO"],
        )
    assert cognito.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"] == []

    cognito.delete_resource_server(UserPoolId=pool_id, Identifier=identifiers[2])
    with raises(cognito, "ResourceNotFoundException"):
        cognito.describe_resource_server(UserPoolId=pool_id, Identifier=identifiers[2])


def test_client_credentials_token_verifies_against_the_jwks(cognito, emulator, pool_id):
    api = "https://orders.example.com"
    cognito.create_resource_server(
        UserPoolId=pool_id, Identifier=api, Name="orders",
        Scopes=[{"ScopeName": "read", "ScopeDescription": "Read"}, {"ScopeName": "write", "ScopeDescription": "Write"}],
    )
    client = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="m2m", GenerateSecret=True, AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"], AllowedOAuthScopes=[f"{api}/read", f"{api}/write"],
    )["UserPoolClient"]
    client_id, secret = client["ClientId"], client["ClientSecret"]

    def token(scope: str, auth: str) -> tuple[int, dict]:
        body = urllib.parse.urlencode({"grant_type": "client_credentials", "scope": scope}).encode()
        req = urllib.request.Request(f"{emulator.url}/oauth2/token", data=body, method="POST")
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
        req.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
        try:
            with urllib.request.urlopen(req) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    status, body = token(f"{api}/read", f"{client_id}:{secret}")
    assert status == 200, body
    assert body["token_type"] == "Bearer"
    assert "refresh_token" not in body and "id_token" not in body

    issuer = f"{emulator.url}/{pool_id}"
    jwks = jwt.PyJWKClient(f"{issuer}/.well-known/jwks.json")
    key = jwks.get_signing_key_from_jwt(body["access_token"])
    claims = jwt.decode(body["access_token"], key.key, algorithms=["RS256"], issuer=issuer)
    assert claims["token_use"] == "access"
    assert claims["sub"] == client_id and claims["client_id"] == client_id
    assert claims["scope"] == f"{api}/read"

    assert token(f"{api}/read", f"{client_id}:wrong-secret")[1]["error"] == "invalid_client"
    assert token(f"{api}/delete", f"{client_id}:{secret}") == (400, {"error": "invalid_scope"})
