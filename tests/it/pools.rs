//! Pools and app clients: defaults, id formats, pagination, replace-on-update, deletion.

use crate::common::{Emulator, start};
use regex::Regex;
use serde_json::{Value, json};

#[tokio::test]
async fn create_pool_returns_awss_defaults() {
    let emu = start().await;
    let out = emu.ok("CreateUserPool", json!({"PoolName": "defaults"})).await;
    let p = &out["UserPool"];
    assert!(Regex::new(r"^us-east-1_[0-9A-Za-z]{9}$").unwrap().is_match(p["Id"].as_str().unwrap()));
    assert_eq!(p["Name"], "defaults");
    assert_eq!(
        p["Policies"]["PasswordPolicy"],
        json!({"MinimumLength": 8, "RequireUppercase": true, "RequireLowercase": true, "RequireNumbers": true,
               "RequireSymbols": true, "TemporaryPasswordValidityDays": 7})
    );
    assert_eq!(p["DeletionProtection"], "INACTIVE");
    assert_eq!(p["LambdaConfig"], json!({}));
    assert_eq!(p["MfaConfiguration"], "OFF");
    assert_eq!(p["EstimatedNumberOfUsers"], 0);
    assert_eq!(p["EmailConfiguration"], json!({"EmailSendingAccount": "COGNITO_DEFAULT"}));
    assert_eq!(
        p["AdminCreateUserConfig"],
        json!({"AllowAdminCreateUserOnly": false, "UnusedAccountValidityDays": 7})
    );
    assert_eq!(
        p["VerificationMessageTemplate"],
        json!({"DefaultEmailOption": "CONFIRM_WITH_CODE"})
    );
    assert_eq!(
        p["UserAttributeUpdateSettings"],
        json!({"AttributesRequireVerificationBeforeUpdate": []})
    );
    assert_eq!(p["UserPoolTier"], "ESSENTIALS");
    let id = p["Id"].as_str().unwrap();
    assert_eq!(p["Arn"], format!("arn:aws:cognito-idp:us-east-1:123456789012:userpool/{id}"));
    assert!(p["CreationDate"].as_f64().unwrap() > 1.7e9);
    for absent in [
        "AutoVerifiedAttributes",
        "AliasAttributes",
        "UsernameAttributes",
        "UsernameConfiguration",
        "UserPoolTags",
        // A pool created without AccountRecoverySetting reports none (recovery prefers SMS then).
        "AccountRecoverySetting",
    ] {
        assert!(p.get(absent).is_none(), "{absent} should be absent: {p}");
    }
    let schema = p["SchemaAttributes"].as_array().unwrap();
    assert_eq!(schema.len(), 20);
    assert_eq!(
        schema[0],
        json!({"Name": "sub", "AttributeDataType": "String", "DeveloperOnlyAttribute": false, "Mutable": false,
               "Required": true, "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "2048"}})
    );
    assert_eq!(schema[11]["Name"], "email_verified");
    assert!(schema[11].get("StringAttributeConstraints").is_none());
    assert_eq!(schema[19]["NumberAttributeConstraints"], json!({"MinValue": "0"}));
    // Describe returns the same shape.
    let described = emu.ok("DescribeUserPool", json!({"UserPoolId": id})).await;
    assert_eq!(described["UserPool"], *p);
}

#[tokio::test]
async fn pool_region_comes_from_the_sigv4_scope() {
    let emu = start().await;
    let sdk = emu.sdk(); // signs for eu-west-1
    let out = sdk.create_user_pool().pool_name("signed").send().await.unwrap();
    let pool = out.user_pool.unwrap();
    assert!(pool.id.unwrap().starts_with("eu-west-1_"));
    assert!(
        pool.arn
            .unwrap()
            .starts_with("arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_")
    );
}

#[tokio::test]
async fn custom_schema_and_validation() {
    let emu = start().await;
    let out = emu.ok("CreateUserPool", json!({"PoolName": "schema", "Schema": [{"Name": "tenant", "AttributeDataType": "String", "Mutable": true, "StringAttributeConstraints": {"MaxLength": "36"}}, {"Name": "email", "AttributeDataType": "String", "Required": true}]})).await;
    let schema = out["UserPool"]["SchemaAttributes"].as_array().unwrap();
    assert_eq!(schema.len(), 21);
    assert_eq!(schema[20]["Name"], "custom:tenant");
    assert_eq!(schema[10]["Name"], "email");
    assert_eq!(schema[10]["Required"], true);
    assert_eq!(
        emu.err("CreateUserPool", json!({"PoolName": "x", "Schema": [{"Name": "t", "AttributeDataType": "String", "Required": true}]}), "InvalidParameterException").await,
        "Required custom attributes are not supported currently."
    );
    assert_eq!(
        emu.err(
            "CreateUserPool",
            json!({"PoolName": "x", "UsernameAttributes": ["email"], "AliasAttributes": ["email"]}),
            "InvalidParameterException"
        )
        .await,
        "Only one of aliasAttributes or usernameAttributes can be set in a user pool."
    );
    assert!(
        emu.err(
            "CreateUserPool",
            json!({"PoolName": "x", "Policies": {"PasswordPolicy": {"MinimumLength": 5}}}),
            "InvalidParameterException"
        )
        .await
        .contains("at 'policies.passwordPolicy.minimumLength'")
    );
}

#[tokio::test]
async fn list_pools_pages_and_update_replaces() {
    let emu = start().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(emu.pool(json!({"PoolName": format!("p{i}")})).await);
    }
    let first = emu.ok("ListUserPools", json!({"MaxResults": 2})).await;
    let page: Vec<&str> =
        first["UserPools"].as_array().unwrap().iter().map(|p| p["Id"].as_str().unwrap()).collect();
    assert_eq!(page, [ids[0].as_str(), ids[1].as_str()]);
    let mut token = first["NextToken"].as_str().unwrap().to_string();
    let mut seen = page.len();
    loop {
        let next = emu.ok("ListUserPools", json!({"MaxResults": 2, "NextToken": token})).await;
        seen += next["UserPools"].as_array().unwrap().len();
        match next["NextToken"].as_str() {
            Some(t) => token = t.to_string(),
            None => break,
        }
    }
    assert_eq!(seen, 5);
    emu.err(
        "ListUserPools",
        json!({"MaxResults": 2, "NextToken": "bogus"}),
        "InvalidParameterException",
    )
    .await;

    // UpdateUserPool replaces: what the request omits goes back to the default.
    let id = &ids[0];
    emu.ok("UpdateUserPool", json!({"UserPoolId": id, "AutoVerifiedAttributes": ["email"], "Policies": {"PasswordPolicy": {"MinimumLength": 12}}})).await;
    let p = emu.ok("DescribeUserPool", json!({"UserPoolId": id})).await;
    assert_eq!(p["UserPool"]["Policies"]["PasswordPolicy"]["MinimumLength"], 12);
    assert_eq!(p["UserPool"]["AutoVerifiedAttributes"], json!(["email"]));
    emu.ok("UpdateUserPool", json!({"UserPoolId": id})).await;
    let p = emu.ok("DescribeUserPool", json!({"UserPoolId": id})).await;
    assert_eq!(p["UserPool"]["Policies"]["PasswordPolicy"]["MinimumLength"], 8);
    assert!(p["UserPool"].get("AutoVerifiedAttributes").is_none());
    assert_eq!(p["UserPool"]["Name"], "p0");
}

#[tokio::test]
async fn delete_pool_honours_deletion_protection() {
    let emu = start().await;
    let id = emu.pool(json!({"PoolName": "protected", "DeletionProtection": "ACTIVE"})).await;
    assert_eq!(
        emu.err("DeleteUserPool", json!({"UserPoolId": id}), "InvalidParameterException").await,
        "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first."
    );
    emu.ok("UpdateUserPool", json!({"UserPoolId": id, "DeletionProtection": "INACTIVE"})).await;
    let (client, _) = emu.client(&id, json!({})).await;
    emu.ok("DeleteUserPool", json!({"UserPoolId": id})).await;
    emu.err("DescribeUserPool", json!({"UserPoolId": id}), "ResourceNotFoundException").await;
    assert_eq!(
        emu.err(
            "SignUp",
            json!({"ClientId": client, "Username": "u", "Password": "Passw0rd!"}),
            "ResourceNotFoundException"
        )
        .await,
        format!("User pool client {client} does not exist.")
    );
}

/// A pool with two clients: "web", with the defaults, then "server", with a secret and three flows.
/// Returns (pool, web, server), the clients as CreateUserPoolClient describes them.
async fn web_and_server_clients(emu: &Emulator) -> (String, Value, Value) {
    let pool = emu.pool(json!({"PoolName": "clients"})).await;
    let web = json!({"UserPoolId": pool, "ClientName": "web"});
    let web = emu.ok("CreateUserPoolClient", web).await["UserPoolClient"].clone();
    let server = emu.ok("CreateUserPoolClient", json!({"UserPoolId": pool, "ClientName": "server", "GenerateSecret": true,
        "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH"]})).await;
    (pool, web, server["UserPoolClient"].clone())
}

#[tokio::test]
async fn a_new_client_has_awss_defaults() {
    let emu = start().await;
    let (_, c, _) = web_and_server_clients(&emu).await;
    let id = c["ClientId"].as_str().unwrap();
    assert!(Regex::new("^[0-9a-z]{26}$").unwrap().is_match(id));
    assert_eq!(c["RefreshTokenValidity"], 30);
    assert_eq!(c["TokenValidityUnits"], json!({}));
    assert_eq!(c["AllowedOAuthFlowsUserPoolClient"], false);
    assert_eq!(c["EnableTokenRevocation"], true);
    assert_eq!(c["EnablePropagateAdditionalUserContextData"], false);
    assert_eq!(c["AuthSessionValidity"], 3);
    for absent in [
        "ClientSecret",
        "ExplicitAuthFlows",
        "PreventUserExistenceErrors",
        "AccessTokenValidity",
        "ReadAttributes",
    ] {
        assert!(c.get(absent).is_none(), "{absent} should be absent: {c}");
    }
}

#[tokio::test]
async fn a_client_with_a_secret_shows_it_on_describe() {
    let emu = start().await;
    let (pool, _, s) = web_and_server_clients(&emu).await;
    assert!(Regex::new("^[0-9a-z]{52}$").unwrap().is_match(s["ClientSecret"].as_str().unwrap()));
    assert_eq!(
        s["ExplicitAuthFlows"],
        json!(["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    );
    let sid = s["ClientId"].as_str().unwrap();
    let d = emu.ok("DescribeUserPoolClient", json!({"UserPoolId": pool, "ClientId": sid})).await;
    assert_eq!(d["UserPoolClient"]["ClientSecret"], s["ClientSecret"]);
}

#[tokio::test]
async fn clients_are_listed_in_pages() {
    let emu = start().await;
    let (pool, web, server) = web_and_server_clients(&emu).await;
    let list = emu.ok("ListUserPoolClients", json!({"UserPoolId": pool, "MaxResults": 1})).await;
    assert_eq!(
        list["UserPoolClients"],
        json!([{"ClientId": web["ClientId"], "UserPoolId": pool, "ClientName": "web"}])
    );
    let next = json!({"UserPoolId": pool, "MaxResults": 1, "NextToken": list["NextToken"]});
    let list = emu.ok("ListUserPoolClients", next).await;
    assert_eq!(list["UserPoolClients"][0]["ClientId"], server["ClientId"]);
    assert!(list.get("NextToken").is_none());
}

#[tokio::test]
async fn update_replaces_a_clients_settings_but_keeps_id_and_secret() {
    let emu = start().await;
    let (pool, _, s) = web_and_server_clients(&emu).await;
    let u = emu.ok("UpdateUserPoolClient", json!({"UserPoolId": pool, "ClientId": s["ClientId"], "AccessTokenValidity": 2, "TokenValidityUnits": {"AccessToken": "hours"}})).await;
    let u = &u["UserPoolClient"];
    assert_eq!(u["ClientName"], "server");
    assert_eq!(u["ClientSecret"], s["ClientSecret"]);
    assert_eq!(u["AccessTokenValidity"], 2);
    assert!(u.get("ExplicitAuthFlows").is_none());
}

#[tokio::test]
async fn a_deleted_client_is_gone() {
    let emu = start().await;
    let (pool, web, _) = web_and_server_clients(&emu).await;
    let id = web["ClientId"].as_str().unwrap();
    emu.ok("DeleteUserPoolClient", json!({"UserPoolId": pool, "ClientId": id})).await;
    assert_eq!(
        emu.err(
            "DescribeUserPoolClient",
            json!({"UserPoolId": pool, "ClientId": id}),
            "ResourceNotFoundException"
        )
        .await,
        format!("User pool client {id} does not exist.")
    );
}

#[tokio::test]
async fn client_settings_are_validated() {
    let emu = start().await;
    let pool = emu.pool(json!({"PoolName": "v", "Schema": [{"Name": "email", "AttributeDataType": "String", "Required": true}]})).await;
    let mk = |extra: Value| {
        let mut body = json!({"UserPoolId": pool, "ClientName": "c"});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    // Each refused with InvalidParameterException; the message is then checked in full, in part, or not.
    enum Message {
        Is(&'static str),
        Contains(&'static str),
        Any,
    }
    use Message::*;
    for (extra, message) in [
        (
            json!({"AccessTokenValidity": 2, "TokenValidityUnits": {"AccessToken": "days"}}),
            Is("Invalid range for token validity."),
        ),
        (
            json!({"WriteAttributes": ["name"]}),
            Is("Invalid write attributes specified while creating a client"),
        ),
        (json!({"WriteAttributes": ["email", "email_verified"]}), Any),
        (
            json!({"ReadAttributes": ["custom:nope"]}),
            Is("Invalid read attributes specified while creating a client"),
        ),
        (json!({"ExplicitAuthFlows": ["USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}), Any),
        (json!({"ExplicitAuthFlows": ["ALLOW_EVERYTHING"]}), Contains("at 'explicitAuthFlows")),
        (
            json!({"AuthSessionValidity": 16}),
            Contains("Member must have value less than or equal to 15"),
        ),
    ] {
        let got =
            emu.err("CreateUserPoolClient", mk(extra.clone()), "InvalidParameterException").await;
        match message {
            Is(m) => assert_eq!(got, m, "{extra}"),
            Contains(m) => assert!(got.contains(m), "{extra}: {got}"),
            Any => {}
        }
    }
    assert_eq!(
        emu.err(
            "CreateUserPoolClient",
            json!({"UserPoolId": "us-east-1_missing00", "ClientName": "c"}),
            "ResourceNotFoundException"
        )
        .await,
        "User pool us-east-1_missing00 does not exist."
    );
    let clients = emu.ok("ListUserPoolClients", json!({"UserPoolId": pool})).await;
    assert_eq!(clients["UserPoolClients"], json!([]), "nothing was created by refused requests");
}
