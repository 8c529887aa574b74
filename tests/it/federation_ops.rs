//! The identity-provider operations with AWS's validation per ProviderType: Create / Describe / Update
//! / Delete / List (pagination) / GetIdentityProviderByIdentifier, SAML metadata from a file and from a
//! URL, SupportedIdentityProviders on clients, InboundFederation in LambdaConfig, and seed files /
//! export with identity providers.

use serde_json::{Value, json};

use crate::common::saml_idp::SamlIdp;
use crate::common::{Emulator, start};

fn oidc(pool: &str, name: &str, extra: Value) -> Value {
    let mut body = json!({"UserPoolId": pool, "ProviderName": name, "ProviderType": "OIDC",
        "ProviderDetails": {"client_id": "c", "client_secret": "s", "authorize_scopes": "openid",
                            "oidc_issuer": "https://idp.example.com"}});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    body
}

async fn pool(emu: &Emulator) -> String {
    emu.pool(json!({"PoolName": "p", "Schema": [{"Name": "team", "AttributeDataType": "String"}]}))
        .await
}

#[tokio::test]
async fn create_describe_update_list_delete() {
    let emu = start().await;
    let pool = pool(&emu).await;
    let created = emu
        .ok("CreateIdentityProvider", oidc(&pool, "Okta", json!({"AttributeMapping": {"email": "email", "custom:team": "team"}, "IdpIdentifiers": ["corp.example"]})))
        .await;
    let p = &created["IdentityProvider"];
    assert_eq!(p["UserPoolId"], pool);
    assert_eq!(p["ProviderType"], "OIDC");
    assert_eq!(
        p["ProviderDetails"],
        json!({"attributes_request_method": "GET", "attributes_url_add_attributes": "false", "authorize_scopes": "openid",
               "client_id": "c", "client_secret": "s", "oidc_issuer": "https://idp.example.com"})
    );
    assert!(p["CreationDate"].as_f64().unwrap() > 1.6e9);
    let m = emu
        .err("CreateIdentityProvider", oidc(&pool, "Okta", json!({})), "DuplicateProviderException")
        .await;
    assert_eq!(m, format!("Okta already exists in user pool {pool}"));
    let by_id = emu
        .ok(
            "GetIdentityProviderByIdentifier",
            json!({"UserPoolId": pool, "IdpIdentifier": "corp.example"}),
        )
        .await;
    assert_eq!(by_id["IdentityProvider"]["ProviderName"], "Okta");
    emu.err(
        "GetIdentityProviderByIdentifier",
        json!({"UserPoolId": pool, "IdpIdentifier": "Okta"}),
        "ResourceNotFoundException",
    )
    .await;
    // Identifiers are unique across the pool's providers.
    emu.err(
        "CreateIdentityProvider",
        oidc(&pool, "Other", json!({"IdpIdentifiers": ["corp.example"]})),
        "InvalidParameterException",
    )
    .await;
    emu.err(
        "DescribeIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": "Other"}),
        "ResourceNotFoundException",
    )
    .await;

    let updated = emu
        .ok("UpdateIdentityProvider", json!({"UserPoolId": pool, "ProviderName": "Okta", "AttributeMapping": {"email": "mail"}, "IdpIdentifiers": ["new.example"]}))
        .await;
    assert_eq!(updated["IdentityProvider"]["AttributeMapping"], json!({"email": "mail"}));
    assert_eq!(
        updated["IdentityProvider"]["ProviderDetails"]["client_id"], "c",
        "details not given are kept"
    );
    emu.ok(
        "CreateIdentityProvider",
        oidc(&pool, "Other", json!({"IdpIdentifiers": ["corp.example"]})),
    )
    .await;
    emu.err(
        "UpdateIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": "COGNITO"}),
        "UnsupportedIdentityProviderException",
    )
    .await;

    for i in 0..3 {
        emu.ok("CreateIdentityProvider", oidc(&pool, &format!("Idp{i}"), json!({}))).await;
    }
    let first = emu.ok("ListIdentityProviders", json!({"UserPoolId": pool, "MaxResults": 3})).await;
    let names: Vec<&str> = first["Providers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["ProviderName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Okta", "Other", "Idp0"]);
    assert!(first["Providers"][0].get("ProviderDetails").is_none());
    let token = first["NextToken"].as_str().unwrap();
    let second = emu
        .ok(
            "ListIdentityProviders",
            json!({"UserPoolId": pool, "MaxResults": 3, "NextToken": token}),
        )
        .await;
    assert_eq!(second["Providers"].as_array().unwrap().len(), 2);
    assert!(second.get("NextToken").is_none());

    emu.ok("DeleteIdentityProvider", json!({"UserPoolId": pool, "ProviderName": "Other"})).await;
    emu.err(
        "DeleteIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": "Other"}),
        "ResourceNotFoundException",
    )
    .await;
    emu.ok(
        "CreateIdentityProvider",
        oidc(&pool, "Again", json!({"IdpIdentifiers": ["corp.example"]})),
    )
    .await;
}

#[tokio::test]
async fn provider_details_are_checked_per_type() {
    let emu = start().await;
    let pool = pool(&emu).await;
    let social = |name: &str, kind: &str, details: Value| json!({"UserPoolId": pool, "ProviderName": name, "ProviderType": kind, "ProviderDetails": details});
    let m = emu
        .err(
            "CreateIdentityProvider",
            social(
                "NameOfGP",
                "Google",
                json!({"client_id": "c", "client_secret": "s", "authorize_scopes": "openid"}),
            ),
            "InvalidParameterException",
        )
        .await;
    assert_eq!(m, "Provider NameOfGP cannot be of type Google.");
    let m = emu
        .err(
            "CreateIdentityProvider",
            social("Google", "Google", json!({"client_id": "c"})),
            "InvalidParameterException",
        )
        .await;
    assert_eq!(m, "client_id, client_secret and authorize_scopes are all required idp details");
    let google = emu
        .ok(
            "CreateIdentityProvider",
            social(
                "Google",
                "Google",
                json!({"client_id": "c", "client_secret": "s", "authorize_scopes": "openid email"}),
            ),
        )
        .await;
    assert_eq!(
        google["IdentityProvider"]["ProviderDetails"],
        json!({"attributes_url": "https://people.googleapis.com/v1/people/me?personFields=", "attributes_url_add_attributes": "true",
               "authorize_scopes": "openid email", "authorize_url": "https://accounts.google.com/o/oauth2/v2/auth", "client_id": "c",
               "client_secret": "s", "oidc_issuer": "https://accounts.google.com", "token_request_method": "POST",
               "token_url": "https://www.googleapis.com/oauth2/v4/token"})
    );
    let fb = emu.ok("CreateIdentityProvider", social("Facebook", "Facebook", json!({"client_id": "c", "client_secret": "s", "authorize_scopes": "public_profile, email", "api_version": "v17.0"}))).await;
    assert_eq!(fb["IdentityProvider"]["ProviderDetails"]["token_request_method"], "GET");
    assert_eq!(
        fb["IdentityProvider"]["ProviderDetails"]["attributes_url"],
        "https://graph.facebook.com/v17.0/me?fields="
    );
    let apple = emu
        .ok("CreateIdentityProvider", social("SignInWithApple", "SignInWithApple", json!({"client_id": "com.example", "team_id": "T", "key_id": "K", "private_key": "secret-key", "authorize_scopes": "email name"})))
        .await;
    assert!(
        apple["IdentityProvider"]["ProviderDetails"].get("private_key").is_none(),
        "never returned"
    );
    let described = emu
        .ok(
            "DescribeIdentityProvider",
            json!({"UserPoolId": pool, "ProviderName": "SignInWithApple"}),
        )
        .await;
    assert!(described["IdentityProvider"]["ProviderDetails"].get("private_key").is_none());
    assert_eq!(
        described["IdentityProvider"]["ProviderDetails"]["token_url"],
        "https://appleid.apple.com/auth/token"
    );

    let mut plain_http = oidc(&pool, "Plain", json!({}));
    plain_http["ProviderDetails"]["oidc_issuer"] = json!("http://idp.example.com");
    emu.err("CreateIdentityProvider", plain_http, "InvalidParameterException").await;
    let mut loopback = oidc(&pool, "Local", json!({}));
    loopback["ProviderDetails"]["oidc_issuer"] = json!("http://127.0.0.1:9555");
    emu.ok("CreateIdentityProvider", loopback).await;
    let mut missing = oidc(&pool, "Missing", json!({}));
    missing["ProviderDetails"].as_object_mut().unwrap().remove("oidc_issuer");
    emu.err("CreateIdentityProvider", missing, "InvalidParameterException").await;
    let m = emu
        .err(
            "CreateIdentityProvider",
            oidc(
                &pool,
                "Mapped",
                json!({"AttributeMapping": {"custom:zen_groups": "groups", "email": "email"}}),
            ),
            "InvalidParameterException",
        )
        .await;
    assert_eq!(m, "AttributeMapping contains invalid mapping: [custom:zen_groups]");
    // ProviderNameTypeV2: no underscore (it separates the provider from the subject in usernames).
    emu.err(
        "CreateIdentityProvider",
        oidc(&pool, "My_IdP", json!({})),
        "InvalidParameterException",
    )
    .await;

    let m = emu
        .err("CreateIdentityProvider", json!({"UserPoolId": pool, "ProviderName": "Corp", "ProviderType": "SAML", "ProviderDetails": {"IDPSignout": "true"}}), "InvalidParameterException")
        .await;
    assert_eq!(m, "At least one of the MetadataURL or MetadataFile should be provided.");
    let m = emu
        .err("CreateIdentityProvider", json!({"UserPoolId": pool, "ProviderName": "Corp", "ProviderType": "SAML", "ProviderDetails": {"MetadataFile": "<oops"}}), "InvalidParameterException")
        .await;
    assert_eq!(m, "Unable to unmarshall metadata");
    let no_redirect =
        SamlIdp::new("https://idp.example.com").metadata("https://idp.example.com").replace(
            "HTTP-Redirect\" Location=\"https://idp.example.com/sso",
            "HTTP-POST\" Location=\"https://idp.example.com/sso",
        );
    let m = emu
        .err("CreateIdentityProvider", json!({"UserPoolId": pool, "ProviderName": "Corp", "ProviderType": "SAML", "ProviderDetails": {"MetadataFile": no_redirect}}), "InvalidParameterException")
        .await;
    assert_eq!(m, "No SingleSignOn Http redirect binding location found in metadata.");
}

/// A one-route HTTP server: `path` answers `body`, anything else 404.
async fn metadata_server(path: &'static str, body: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else { return };
            let body = body.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let n = s.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).to_string();
                let ok = head.starts_with(&format!("GET {path} "));
                let (status, body) =
                    if ok { ("200 OK", body) } else { ("404 Not Found", String::new()) };
                let resp = format!(
                    "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = s.write_all(resp.as_bytes()).await;
            });
        }
    });
    url
}

#[tokio::test]
async fn saml_metadata_is_read_from_a_url_at_creation() {
    let emu = start().await;
    let pool = pool(&emu).await;
    let idp = SamlIdp::new("https://idp.example.com/metadata");
    let url = metadata_server("/metadata", idp.metadata("https://idp.example.com")).await;
    let created = emu
        .ok(
            "CreateIdentityProvider",
            json!({"UserPoolId": pool, "ProviderName": "Corp", "ProviderType": "SAML",
            "ProviderDetails": {"MetadataURL": format!("{url}/metadata"), "IDPSignout": "true"}}),
        )
        .await;
    let d = &created["IdentityProvider"]["ProviderDetails"];
    assert_eq!(d["SSORedirectBindingURI"], "https://idp.example.com/sso");
    assert_eq!(d["SLORedirectBindingURI"], "https://idp.example.com/slo");
    assert_eq!(d["IDPSignout"], "true");
    let m = emu
        .err(
            "CreateIdentityProvider",
            json!({"UserPoolId": pool, "ProviderName": "Gone", "ProviderType": "SAML",
            "ProviderDetails": {"MetadataURL": format!("{url}/missing")}}),
            "InvalidParameterException",
        )
        .await;
    assert_eq!(
        m,
        format!("Non-ok status code 404 returned from remote metadata source {url}/missing")
    );
    let m = emu
        .err(
            "CreateIdentityProvider",
            json!({"UserPoolId": pool, "ProviderName": "Down", "ProviderType": "SAML",
            "ProviderDetails": {"MetadataURL": "http://127.0.0.1:1/metadata"}}),
            "InvalidParameterException",
        )
        .await;
    assert_eq!(m, "Error retrieving metadata from http://127.0.0.1:1/metadata");
}

#[tokio::test]
async fn clients_name_existing_providers_and_inbound_federation_is_accepted() {
    let emu = start().await;
    let pool = pool(&emu).await;
    let client = json!({"UserPoolId": pool, "ClientName": "web", "AllowedOAuthFlows": ["code"], "AllowedOAuthFlowsUserPoolClient": true,
        "AllowedOAuthScopes": ["openid"], "CallbackURLs": ["https://app.example.com/cb"], "SupportedIdentityProviders": ["COGNITO", "Okta"]});
    let m = emu.err("CreateUserPoolClient", client.clone(), "InvalidParameterException").await;
    assert_eq!(m, format!("The provider Okta does not exist for User Pool {pool}"));
    emu.ok("CreateIdentityProvider", oidc(&pool, "Okta", json!({}))).await;
    let created = emu.ok("CreateUserPoolClient", client).await;
    assert_eq!(created["UserPoolClient"]["SupportedIdentityProviders"], json!(["COGNITO", "Okta"]));

    let inbound = json!({"LambdaVersion": "V1_0", "LambdaArn": "arn:aws:lambda:us-east-1:123456789012:function:inbound"});
    emu.ok(
        "UpdateUserPool",
        json!({"UserPoolId": pool, "LambdaConfig": {"InboundFederation": inbound}}),
    )
    .await;
    let described = emu.ok("DescribeUserPool", json!({"UserPoolId": pool})).await;
    assert_eq!(described["UserPool"]["LambdaConfig"]["InboundFederation"], inbound);
}

#[tokio::test]
async fn seed_files_and_export_carry_identity_providers() {
    let emu = start().await;
    let seed = json!({"UserPools": [{"Id": "us-east-1_FedSeed01", "PoolName": "seeded",
        "IdentityProviders": [{"ProviderName": "Okta", "ProviderType": "OIDC",
            "ProviderDetails": {"client_id": "c", "client_secret": "s", "authorize_scopes": "openid", "oidc_issuer": "http://127.0.0.1:9555"},
            "AttributeMapping": {"email": "email"}, "IdpIdentifiers": ["corp.example"]}],
        "Clients": [{"ClientId": "fedseedclient000000000001", "ClientName": "web", "AllowedOAuthFlows": ["code"],
            "AllowedOAuthFlowsUserPoolClient": true, "AllowedOAuthScopes": ["openid"],
            "CallbackURLs": ["http://localhost:3000/cb"], "SupportedIdentityProviders": ["Okta"]}]}]});
    let summary = cognito_emulator::seed::apply(&emu.app, seed.clone(), None).unwrap();
    assert_eq!(summary.pools, 1);
    let again = cognito_emulator::seed::apply(&emu.app, seed, None).unwrap();
    assert_eq!(again.pools, 0, "idempotent");
    let described = emu
        .ok(
            "DescribeIdentityProvider",
            json!({"UserPoolId": "us-east-1_FedSeed01", "ProviderName": "Okta"}),
        )
        .await;
    assert_eq!(described["IdentityProvider"]["IdpIdentifiers"], json!(["corp.example"]));

    let (_, exported) = emu.get("/_emulator/export").await;
    let p = exported["UserPools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["Id"] == "us-east-1_FedSeed01")
        .unwrap();
    let idps = p["IdentityProviders"].as_array().unwrap();
    assert_eq!(idps.len(), 1);
    assert_eq!(idps[0]["ProviderName"], "Okta");
    assert_eq!(idps[0]["ProviderDetails"]["oidc_issuer"], "http://127.0.0.1:9555");
    assert!(
        idps[0]["ProviderDetails"].get("attributes_url_add_attributes").is_none(),
        "read-only keys are left out"
    );
    // The export loads into a fresh emulator.
    let other = start().await;
    cognito_emulator::seed::apply(&other.app, exported, None).unwrap();
    other
        .ok(
            "DescribeIdentityProvider",
            json!({"UserPoolId": "us-east-1_FedSeed01", "ProviderName": "Okta"}),
        )
        .await;
}
