//! The pool-management operations of issue 15 through the official Rust SDK (typed shapes parse) and
//! raw calls: tags, client-secret rotation accepted by SECRET_HASH, the signing certificate, auth
//! events recorded by real sign-ins, token sessions, import jobs.

use crate::common::{Emulator, claims, password_auth, start};
use aws_sdk_cognitoidentityprovider::types::{
    AdvancedSecurityModeType, UserPoolAddOnsType, UserPoolTierType,
};
use serde_json::{Value, json};

const PW: &str = "Passw0rd!";

/// A PLUS pool with threat protection in AUDIT mode, a client with a secret allowing password
/// sign-in, and the confirmed user "ada": (pool, client, secret).
async fn audited_pool(emu: &Emulator) -> (String, String, String) {
    let pool = emu
        .pool(json!({"PoolName": "audited", "UserPoolTier": "PLUS", "UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"}}))
        .await;
    let flows = json!(["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
    let (client, secret) =
        emu.client(&pool, json!({"GenerateSecret": true, "ExplicitAuthFlows": flows})).await;
    emu.ok(
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "ada", "MessageAction": "SUPPRESS"}),
    )
    .await;
    emu.ok(
        "AdminSetUserPassword",
        json!({"UserPoolId": pool, "Username": "ada", "Password": PW, "Permanent": true}),
    )
    .await;
    (pool, client, secret.unwrap())
}

#[tokio::test]
async fn tags_through_the_rust_sdk() {
    let emu = start().await;
    let sdk = emu.sdk();
    let pool = sdk
        .create_user_pool()
        .pool_name("tagged")
        .user_pool_tags("team", "auth")
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    let arn = pool.arn.unwrap();
    sdk.tag_resource().resource_arn(&arn).tags("env", "test").send().await.unwrap();
    let tags = sdk.list_tags_for_resource().resource_arn(&arn).send().await.unwrap().tags.unwrap();
    assert_eq!(tags.len(), 2);
    assert_eq!(tags["env"], "test");
    sdk.untag_resource().resource_arn(&arn).tag_keys("team").send().await.unwrap();
    // UpdateUserPool without UserPoolTags keeps them; DescribeUserPool shows the same map.
    let id = pool.id.unwrap();
    sdk.update_user_pool().user_pool_id(&id).send().await.unwrap();
    let described =
        sdk.describe_user_pool().user_pool_id(&id).send().await.unwrap().user_pool.unwrap();
    assert_eq!(described.user_pool_tags.unwrap(), [("env".to_string(), "test".to_string())].into());
    let unknown = sdk
        .list_tags_for_resource()
        .resource_arn(arn.replace(&id, "us-east-1_nope"))
        .send()
        .await
        .unwrap_err();
    assert!(unknown.into_service_error().is_resource_not_found_exception());
    // 51 tags are too many, and nothing changes.
    let mut many = sdk.tag_resource().resource_arn(&arn);
    for i in 0..51 {
        many = many.tags(format!("k{i}"), "v");
    }
    let e = many.send().await.unwrap_err().into_service_error();
    assert!(e.is_invalid_parameter_exception(), "{e:?}");
    let tags = sdk.list_tags_for_resource().resource_arn(&arn).send().await.unwrap().tags.unwrap();
    assert_eq!(tags.len(), 1);
}

#[tokio::test]
async fn a_second_client_secret_signs_in_until_it_is_deleted() {
    let emu = start().await;
    let (pool, client, first) = audited_pool(&emu).await;
    let added =
        emu.ok("AddUserPoolClientSecret", json!({"UserPoolId": pool, "ClientId": client})).await;
    let d = &added["ClientSecretDescriptor"];
    let second = d["ClientSecretValue"].as_str().unwrap().to_string();
    assert!(d["ClientSecretId"].as_str().unwrap().starts_with(&format!("{client}--")));
    // Both secrets are accepted for SECRET_HASH.
    for secret in [&first, &second] {
        password_auth(&emu, &client, Some(secret), "ada", PW).await.ok();
    }
    let wrong =
        password_auth(&emu, &client, Some("not-a-secret-of-this-client-00000"), "ada", PW).await;
    assert_eq!(
        wrong.err("NotAuthorizedException"),
        format!("Unable to verify secret hash for client {client}")
    );
    // A third is over the limit; a custom value is not echoed back.
    let custom = json!({"UserPoolId": pool, "ClientId": client, "ClientSecret": "custom0secret0value0abcdef"});
    emu.err("AddUserPoolClientSecret", custom, "LimitExceededException").await;
    let listed =
        emu.ok("ListUserPoolClientSecrets", json!({"UserPoolId": pool, "ClientId": client})).await;
    let secrets = listed["ClientSecrets"].as_array().unwrap().clone();
    assert_eq!(secrets.len(), 2);
    assert!(secrets.iter().all(|s| s.get("ClientSecretValue").is_none()));
    // Retire the first: only the second works; the last one cannot go.
    let first_id = secrets[0]["ClientSecretId"].clone();
    emu.ok(
        "DeleteUserPoolClientSecret",
        json!({"UserPoolId": pool, "ClientId": client, "ClientSecretId": first_id}),
    )
    .await;
    password_auth(&emu, &client, Some(&first), "ada", PW).await.err("NotAuthorizedException");
    password_auth(&emu, &client, Some(&second), "ada", PW).await.ok();
    let described =
        emu.ok("DescribeUserPoolClient", json!({"UserPoolId": pool, "ClientId": client})).await;
    assert_eq!(described["UserPoolClient"]["ClientSecret"], second);
    let last = json!({"UserPoolId": pool, "ClientId": client, "ClientSecretId": secrets[1]["ClientSecretId"]});
    emu.err("DeleteUserPoolClientSecret", last, "InvalidParameterException").await;
    let gone = json!({"UserPoolId": pool, "ClientId": client, "ClientSecretId": first_id});
    emu.err("DeleteUserPoolClientSecret", gone, "ResourceNotFoundException").await;
    // A public client has no secret to rotate.
    let (public, _) = emu.client(&pool, json!({})).await;
    emu.err(
        "AddUserPoolClientSecret",
        json!({"UserPoolId": pool, "ClientId": public}),
        "InvalidParameterException",
    )
    .await;
}

#[tokio::test]
async fn the_signing_certificate_is_x509_and_stable() {
    let emu = start().await;
    let sdk = emu.sdk();
    let pool = emu.pool(json!({"PoolName": "saml"})).await;
    let first = sdk
        .get_signing_certificate()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap()
        .certificate
        .unwrap();
    let again = sdk
        .get_signing_certificate()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap()
        .certificate
        .unwrap();
    assert_eq!(first, again);
    use base64::Engine;
    let der = base64::engine::general_purpose::STANDARD.decode(&first).unwrap();
    assert_eq!(der[0], 0x30, "a DER SEQUENCE");
    assert!(
        der.windows(pool.len()).any(|w| w == pool.as_bytes()),
        "the pool id is the subject's CN"
    );
    let other = emu.pool(json!({"PoolName": "other"})).await;
    let theirs = sdk
        .get_signing_certificate()
        .user_pool_id(&other)
        .send()
        .await
        .unwrap()
        .certificate
        .unwrap();
    assert_ne!(first, theirs);
}

fn events_of(out: &Value) -> Vec<(String, String)> {
    out["AuthEvents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (e["EventType"].as_str().unwrap().into(), e["EventResponse"].as_str().unwrap().into())
        })
        .collect()
}

#[tokio::test]
async fn auth_events_record_real_sign_ins() {
    let emu = start().await;
    let (pool, client, secret) = audited_pool(&emu).await;
    password_auth(&emu, &client, Some(&secret), "ada", "Wrong-passw0rd")
        .await
        .err("NotAuthorizedException");
    password_auth(&emu, &client, Some(&secret), "ada", PW).await.ok();
    let list = json!({"UserPoolId": pool, "Username": "ada"});
    let out = emu.ok("AdminListUserAuthEvents", list.clone()).await;
    assert_eq!(
        events_of(&out),
        vec![("SignIn".into(), "Pass".into()), ("SignIn".into(), "Fail".into())]
    );
    let newest = &out["AuthEvents"][0];
    assert_eq!(
        newest["ChallengeResponses"],
        json!([{"ChallengeName": "Password", "ChallengeResponse": "Success"}])
    );
    assert_eq!(newest["EventContextData"]["IpAddress"], "127.0.0.1");
    assert_eq!(out["AuthEvents"][1]["ChallengeResponses"][0]["ChallengeResponse"], "Failure");
    // Paging: one at a time, newest first.
    let page = emu
        .ok(
            "AdminListUserAuthEvents",
            json!({"UserPoolId": pool, "Username": "ada", "MaxResults": 1}),
        )
        .await;
    assert_eq!(events_of(&page).len(), 1);
    let rest = json!({"UserPoolId": pool, "Username": "ada", "MaxResults": 1, "NextToken": page["NextToken"]});
    assert_eq!(
        events_of(&emu.ok("AdminListUserAuthEvents", rest).await),
        vec![("SignIn".into(), "Fail".into())]
    );
    // Feedback by an administrator, then by the user with the event's token.
    let event_id = newest["EventId"].clone();
    let feedback = json!({"UserPoolId": pool, "Username": "ada", "EventId": event_id, "FeedbackValue": "Invalid"});
    emu.ok("AdminUpdateAuthEventFeedback", feedback).await;
    let out = emu.ok("AdminListUserAuthEvents", list.clone()).await;
    assert_eq!(out["AuthEvents"][0]["EventFeedback"]["FeedbackValue"], "Invalid");
    assert_eq!(out["AuthEvents"][0]["EventFeedback"]["Provider"], "Admin");
    let (_, tokens) = emu.get(&format!("/_emulator/auth-events?pool={pool}&username=ada")).await;
    let token = tokens["events"][0]["feedbackToken"].clone();
    let user_feedback = |t: Value| json!({"UserPoolId": pool, "Username": "ada", "EventId": event_id, "FeedbackToken": t, "FeedbackValue": "Valid"});
    emu.err("UpdateAuthEventFeedback", user_feedback(json!("forged")), "NotAuthorizedException")
        .await;
    emu.ok("UpdateAuthEventFeedback", user_feedback(token)).await;
    let out = emu.ok("AdminListUserAuthEvents", list).await;
    assert_eq!(out["AuthEvents"][0]["EventFeedback"]["FeedbackValue"], "Valid");
    // Without threat protection there are no events to list.
    let plain = emu.pool(json!({"PoolName": "plain"})).await;
    emu.ok(
        "AdminCreateUser",
        json!({"UserPoolId": plain, "Username": "bob", "MessageAction": "SUPPRESS"}),
    )
    .await;
    let feedback = json!({"UserPoolId": plain, "Username": "bob", "EventId": event_id, "FeedbackValue": "Valid"});
    let mut with_token = feedback.clone();
    with_token["FeedbackToken"] = json!("any");
    for (op, body) in [
        ("AdminListUserAuthEvents", json!({"UserPoolId": plain, "Username": "bob"})),
        ("AdminUpdateAuthEventFeedback", feedback),
        ("UpdateAuthEventFeedback", with_token),
        ("DescribeRiskConfiguration", json!({"UserPoolId": plain})),
    ] {
        let message = emu.err(op, body, "UserPoolAddOnNotEnabledException").await;
        assert_eq!(
            message,
            format!("Threat protection is not enabled for user pool {plain}."),
            "{op}"
        );
    }
}

#[tokio::test]
async fn threat_protection_needs_the_plus_tier() {
    let emu = start().await;
    let sdk = emu.sdk();
    let e = sdk
        .create_user_pool()
        .pool_name("essentials")
        .user_pool_add_ons(
            UserPoolAddOnsType::builder()
                .advanced_security_mode(AdvancedSecurityModeType::Enforced)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_feature_unavailable_in_tier_exception(), "{e:?}");
    sdk.create_user_pool()
        .pool_name("plus")
        .user_pool_tier(UserPoolTierType::Plus)
        .user_pool_add_ons(
            UserPoolAddOnsType::builder()
                .advanced_security_mode(AdvancedSecurityModeType::Enforced)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn token_sessions_are_listed_and_revoked() {
    let emu = start().await;
    let (pool, client, secret) = audited_pool(&emu).await;
    let config = json!({"UserPoolId": pool, "UserSessionTracking": "ENABLED", "TokenSession": {"MaxPerUser": 2}});
    emu.ok("SetUserPoolSessionConfiguration", config).await;
    let mut tokens = Vec::new();
    for _ in 0..3 {
        let out = password_auth(&emu, &client, Some(&secret), "ada", PW).await.ok();
        tokens.push(out["AuthenticationResult"]["AccessToken"].as_str().unwrap().to_string());
    }
    // MaxPerUser 2: the first sign-in's session was evicted, its token revoked.
    let out = emu.ok("ListUserSessions", json!({"AccessToken": tokens[2]})).await;
    let sessions = out["Sessions"].as_array().unwrap().clone();
    assert_eq!(sessions.len(), 2);
    assert!(sessions.iter().all(|s| s["SessionId"].as_str().unwrap().starts_with("tkn")));
    assert_eq!(sessions.iter().filter(|s| s["IsCurrentSession"] == true).count(), 1);
    emu.err("GetUser", json!({"AccessToken": tokens[0]}), "NotAuthorizedException").await;
    let current =
        sessions.iter().find(|s| s["IsCurrentSession"] == true).unwrap()["SessionId"].clone();
    let other =
        sessions.iter().find(|s| s["IsCurrentSession"] == false).unwrap()["SessionId"].clone();
    emu.err(
        "RevokeUserSession",
        json!({"AccessToken": tokens[2], "SessionId": current}),
        "InvalidParameterException",
    )
    .await;
    emu.ok("RevokeUserSession", json!({"AccessToken": tokens[2], "SessionId": other})).await;
    emu.err("GetUser", json!({"AccessToken": tokens[1]}), "NotAuthorizedException").await;
    let admin =
        emu.ok("AdminListUserSessions", json!({"UserPoolId": pool, "Username": "ada"})).await;
    assert_eq!(admin["Sessions"].as_array().unwrap().len(), 1);
    assert_eq!(admin["Sessions"][0]["IsCurrentSession"], false);
    let revoke = json!({"UserPoolId": pool, "Username": "ada", "SessionId": current});
    emu.ok("AdminRevokeUserSession", revoke.clone()).await;
    emu.err("AdminRevokeUserSession", revoke, "ResourceNotFoundException").await;
    emu.err("GetUser", json!({"AccessToken": tokens[2]}), "NotAuthorizedException").await;
    assert_eq!(claims(&tokens[2])["token_use"], "access");
}

#[tokio::test]
async fn every_operation_of_the_model_is_routed() {
    let emu = start().await;
    // Operations other branches implement (OAuth/domains, passkeys, federation) are not checked here.
    let others = [
        "CreateUserPoolDomain",
        "DescribeUserPoolDomain",
        "UpdateUserPoolDomain",
        "DeleteUserPoolDomain",
        "CreateResourceServer",
        "DescribeResourceServer",
        "UpdateResourceServer",
        "DeleteResourceServer",
        "ListResourceServers",
        "StartWebAuthnRegistration",
        "CompleteWebAuthnRegistration",
        "ListWebAuthnCredentials",
        "DeleteWebAuthnCredential",
        "GetUserAuthFactors",
        "CreateIdentityProvider",
        "DescribeIdentityProvider",
        "UpdateIdentityProvider",
        "DeleteIdentityProvider",
        "ListIdentityProviders",
        "GetIdentityProviderByIdentifier",
        "AdminLinkProviderForUser",
        "AdminDisableProviderForUser",
        // Refused with the reason in its message (README: operations not emulated).
        "GetDerivedToken",
    ];
    let model: Value = serde_json::from_str(include_str!("../../src/model.json")).unwrap();
    for op in model["operations"].as_object().unwrap().keys() {
        if others.contains(&op.as_str()) {
            continue;
        }
        let a = emu.call(op, json!({})).await;
        assert_ne!(a.error_type(), "UnsupportedOperationException", "{op}: {:?}", a.body);
    }
}
