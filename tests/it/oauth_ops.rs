//! Domains, resource servers and client OAuth settings through the API: the calls Terraform's provider
//! makes (create, describe until ACTIVE, update, delete) and AWS's refusals.

use serde_json::json;

use crate::common::start;

#[tokio::test]
async fn prefix_domain_terraform_sequence() {
    let emu = start().await;
    let pool = emu.pool(json!({"PoolName": "p"})).await;
    let created =
        emu.ok("CreateUserPoolDomain", json!({"Domain": "my-app", "UserPoolId": pool})).await;
    assert_eq!(created["ManagedLoginVersion"], 1);
    let d = emu.ok("DescribeUserPoolDomain", json!({"Domain": "my-app"})).await;
    let desc = &d["DomainDescription"];
    assert_eq!(desc["Status"], "ACTIVE");
    assert_eq!(desc["UserPoolId"], pool.as_str());
    assert_eq!(desc["AWSAccountId"], "123456789012");
    assert!(desc["CloudFrontDistribution"].as_str().unwrap().ends_with(".amazoncognito.com"));
    let p = emu.ok("DescribeUserPool", json!({"UserPoolId": pool})).await;
    assert_eq!(p["UserPool"]["Domain"], "my-app");
    assert!(p["UserPool"].get("CustomDomain").is_none());
    // A version-only update of a prefix domain (newer providers send ManagedLoginVersion).
    let u = emu
        .ok(
            "UpdateUserPoolDomain",
            json!({"Domain": "my-app", "UserPoolId": pool, "ManagedLoginVersion": 2}),
        )
        .await;
    assert_eq!(u["ManagedLoginVersion"], 2);
    let msg = emu
        .err(
            "CreateUserPoolDomain",
            json!({"Domain": "other-name", "UserPoolId": pool}),
            "InvalidParameterException",
        )
        .await;
    assert_eq!(msg, "User pool already has a domain configured.");
    let other = emu.pool(json!({"PoolName": "q"})).await;
    let msg = emu
        .err(
            "CreateUserPoolDomain",
            json!({"Domain": "my-app", "UserPoolId": other}),
            "InvalidParameterException",
        )
        .await;
    assert_eq!(msg, "Domain already associated with another user pool.");
    emu.ok("DeleteUserPoolDomain", json!({"Domain": "my-app", "UserPoolId": pool})).await;
    let gone = emu.ok("DescribeUserPoolDomain", json!({"Domain": "my-app"})).await;
    assert_eq!(gone, json!({"DomainDescription": {}}));
    let msg = emu
        .err(
            "DeleteUserPoolDomain",
            json!({"Domain": "my-app", "UserPoolId": pool}),
            "InvalidParameterException",
        )
        .await;
    assert!(msg.contains("No such domain"), "{msg}");
}

#[tokio::test]
async fn domain_names_are_checked_as_aws_does() {
    let emu = start().await;
    let pool = emu.pool(json!({"PoolName": "p"})).await;
    let msg = emu
        .err(
            "CreateUserPoolDomain",
            json!({"Domain": "my-cognito-app", "UserPoolId": pool}),
            "InvalidParameterException",
        )
        .await;
    assert_eq!(msg, "Domain cannot contain reserved word: cognito");
    let msg = emu
        .err(
            "CreateUserPoolDomain",
            json!({"Domain": "My_App", "UserPoolId": pool}),
            "InvalidParameterException",
        )
        .await;
    assert!(msg.starts_with("The domain name contains an invalid character."), "{msg}");
    // A custom domain: a dotted name with a certificate, alongside the prefix one.
    let custom = json!({"CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc"});
    let c = emu
        .ok(
            "CreateUserPoolDomain",
            json!({"Domain": "auth.example.com", "UserPoolId": pool, "CustomDomainConfig": custom}),
        )
        .await;
    assert!(c["CloudFrontDomain"].as_str().unwrap().ends_with(".cloudfront.net"));
    let p = emu.ok("DescribeUserPool", json!({"UserPoolId": pool})).await;
    assert_eq!(p["UserPool"]["CustomDomain"], "auth.example.com");
    let msg = emu
        .err(
            "UpdateUserPoolDomain",
            json!({"Domain": "auth.example.com", "UserPoolId": pool, "ManagedLoginVersion": 2}),
            "InvalidParameterException",
        )
        .await;
    assert_eq!(msg, "Cannot convert custom domain to prefix domain.");
    let d = emu.ok("DescribeUserPoolDomain", json!({"Domain": "auth.example.com"})).await;
    assert_eq!(d["DomainDescription"]["CustomDomainConfig"], custom);
}

#[tokio::test]
async fn resource_servers_crud_and_pages() {
    let emu = start().await;
    let pool = emu.pool(json!({"PoolName": "p"})).await;
    for i in 0..3 {
        let rs = emu
            .ok(
                "CreateResourceServer",
                json!({"UserPoolId": pool, "Identifier": format!("https://api{i}.example.com"), "Name": format!("api{i}"),
                       "Scopes": [{"ScopeName": "read", "ScopeDescription": "Read"}]}),
            )
            .await;
        assert_eq!(rs["ResourceServer"]["Scopes"][0]["ScopeName"], "read");
    }
    let msg = emu
        .err(
            "CreateResourceServer",
            json!({"UserPoolId": pool, "Identifier": "https://api0.example.com", "Name": "again"}),
            "InvalidParameterException",
        )
        .await;
    assert!(msg.contains("already exists"), "{msg}");
    let first = emu.ok("ListResourceServers", json!({"UserPoolId": pool, "MaxResults": 2})).await;
    assert_eq!(first["ResourceServers"].as_array().unwrap().len(), 2);
    let token = first["NextToken"].as_str().unwrap();
    let rest = emu
        .ok("ListResourceServers", json!({"UserPoolId": pool, "MaxResults": 2, "NextToken": token}))
        .await;
    assert_eq!(rest["ResourceServers"][0]["Identifier"], "https://api2.example.com");
    assert!(rest.get("NextToken").is_none());
    let updated = emu
        .ok(
            "UpdateResourceServer",
            json!({"UserPoolId": pool, "Identifier": "https://api1.example.com", "Name": "renamed",
                   "Scopes": [{"ScopeName": "write", "ScopeDescription": "Write"}]}),
        )
        .await;
    assert_eq!(updated["ResourceServer"]["Name"], "renamed");
    let d = emu
        .ok(
            "DescribeResourceServer",
            json!({"UserPoolId": pool, "Identifier": "https://api1.example.com"}),
        )
        .await;
    assert_eq!(
        d["ResourceServer"]["Scopes"],
        json!([{"ScopeName": "write", "ScopeDescription": "Write"}])
    );
    emu.ok(
        "DeleteResourceServer",
        json!({"UserPoolId": pool, "Identifier": "https://api1.example.com"}),
    )
    .await;
    emu.err(
        "DescribeResourceServer",
        json!({"UserPoolId": pool, "Identifier": "https://api1.example.com"}),
        "ResourceNotFoundException",
    )
    .await;
    // The model's pattern: no space in a scope name.
    emu.err(
        "CreateResourceServer",
        json!({"UserPoolId": pool, "Identifier": "x", "Name": "x", "Scopes": [{"ScopeName": "a b", "ScopeDescription": "d"}]}),
        "InvalidParameterException",
    )
    .await;
}

#[tokio::test]
async fn client_oauth_settings_are_checked_as_aws_does() {
    let emu = start().await;
    let pool = emu.pool(json!({"PoolName": "p"})).await;
    emu.ok(
        "CreateResourceServer",
        json!({"UserPoolId": pool, "Identifier": "orders", "Name": "orders",
               "Scopes": [{"ScopeName": "read", "ScopeDescription": "Read"}]}),
    )
    .await;
    let base = |extra: serde_json::Value| {
        let mut b = json!({"UserPoolId": pool, "ClientName": "web"});
        b.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        b
    };
    let cases = [
        (
            json!({"AllowedOAuthFlows": ["client_credentials"], "AllowedOAuthScopes": ["orders/read"], "AllowedOAuthFlowsUserPoolClient": true}),
            "InvalidOAuthFlowException",
            "client_credentials flow can not be selected if client does not have a client secret.",
        ),
        (
            json!({"GenerateSecret": true, "AllowedOAuthFlows": ["client_credentials", "code"], "AllowedOAuthScopes": ["orders/read"],
                   "AllowedOAuthFlowsUserPoolClient": true, "CallbackURLs": ["https://app.example.com/cb"]}),
            "InvalidOAuthFlowException",
            "client_credentials flow can not be selected along with code flow or implicit flow.",
        ),
        (
            json!({"AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid"], "AllowedOAuthFlowsUserPoolClient": true}),
            "InvalidOAuthFlowException",
            "CallbackUrls can not be empty when code flow or implicit flow is selected",
        ),
        (
            json!({"AllowedOAuthFlowsUserPoolClient": true, "CallbackURLs": ["https://app.example.com/cb"]}),
            "InvalidParameterException",
            "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.",
        ),
        (
            json!({"CallbackURLs": ["http://app.example.com/cb"]}),
            "InvalidParameterException",
            "http://app.example.com/cb cannot use the HTTP protocol.",
        ),
        (
            json!({"AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["orders/write"], "AllowedOAuthFlowsUserPoolClient": true,
                   "CallbackURLs": ["https://app.example.com/cb"]}),
            "ScopeDoesNotExistException",
            "Invalid scope requested: orders/write",
        ),
        (json!({"SupportedIdentityProviders": ["Google"]}), "InvalidParameterException", ""),
        (
            json!({"CallbackURLs": ["https://a.example.com/cb"], "DefaultRedirectURI": "https://b.example.com/cb"}),
            "InvalidParameterException",
            "The default redirect URI https://b.example.com/cb is not in the callback URIs list.",
        ),
    ];
    for (extra, kind, message) in cases {
        let got = emu.err("CreateUserPoolClient", base(extra.clone()), kind).await;
        if !message.is_empty() {
            assert_eq!(got, message, "for {extra}");
        } else {
            assert_eq!(got, format!("The provider Google does not exist for User Pool {pool}"));
        }
    }
    // Loopback HTTP, custom schemes and the pool's custom scopes are fine; Update checks the same.
    let (id, _) = emu
        .client(
            &pool,
            json!({"AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid", "orders/read"], "AllowedOAuthFlowsUserPoolClient": true,
                   "CallbackURLs": ["http://localhost:3000/cb", "myapp://cb"], "SupportedIdentityProviders": ["COGNITO"]}),
        )
        .await;
    emu.err(
        "UpdateUserPoolClient",
        json!({"UserPoolId": pool, "ClientId": id, "CallbackURLs": ["https://x.example.com/#frag"]}),
        "InvalidParameterException",
    )
    .await;
}
