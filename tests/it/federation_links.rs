//! Linking external identities to users (AdminLinkProviderForUser / AdminDisableProviderForUser) and
//! the triggers of federated sign-in (InboundFederation, PreSignUp_ExternalProvider, PostConfirmation,
//! PreAuthentication / PostAuthentication, TokenGeneration_HostedAuth), through the OIDC stand-in.

use serde_json::{Value, json};

use crate::common::idp_browser::{Browser, param};
use crate::common::lambda::{LambdaHost, Reply, arn, respond};
use crate::common::start_with;
use crate::federation_oidc::{CALLBACK, authorize, setup, sign_in};

fn link(pool: &str, dest: &str, attr: &str, value: &str) -> Value {
    json!({"UserPoolId": pool,
           "DestinationUser": {"ProviderName": "Cognito", "ProviderAttributeValue": dest},
           "SourceUser": {"ProviderName": "Okta", "ProviderAttributeName": attr, "ProviderAttributeValue": value}})
}

#[tokio::test]
async fn a_linked_identity_signs_in_as_the_native_user_until_unlinked() {
    let emu = start_with(|_| {}).await;
    let f = setup(&emu).await;
    emu.ok(
        "AdminCreateUser",
        json!({"UserPoolId": f.pool, "Username": "alice", "MessageAction": "SUPPRESS",
               "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}]}),
    )
    .await;
    emu.ok("AdminSetUserPassword", json!({"UserPoolId": f.pool, "Username": "alice", "Password": "Passw0rd!", "Permanent": true})).await;

    // Refusals first.
    let mut bad = link(&f.pool, "alice", "Cognito_Subject", "carlos");
    bad["SourceUser"]["ProviderName"] = json!("Cognito");
    let m = emu.err("AdminLinkProviderForUser", bad, "InvalidParameterException").await;
    assert_eq!(
        m,
        "Invalid SourceUser: Cognito users with a username/password may not be passed in as a SourceUser, only as a DestinationUser"
    );
    emu.err(
        "AdminLinkProviderForUser",
        link(&f.pool, "nobody", "Cognito_Subject", "carlos"),
        "UserNotFoundException",
    )
    .await;
    emu.err(
        "AdminLinkProviderForUser",
        link(&f.pool, "alice", "phone_number", "+1"),
        "InvalidParameterException",
    )
    .await;
    let long = "x".repeat(120);
    emu.err(
        "AdminLinkProviderForUser",
        link(&f.pool, "alice", "Cognito_Subject", &long),
        "InvalidParameterException",
    )
    .await;

    emu.ok("AdminLinkProviderForUser", link(&f.pool, "alice", "Cognito_Subject", "carlos")).await;
    let alice = emu.admin_get_user(&f.pool, "alice").await;
    let identities = alice["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Name"] == "identities")
        .map(|a| serde_json::from_str::<Value>(a["Value"].as_str().unwrap()).unwrap())
        .expect("identities");
    assert_eq!(identities[0]["userId"], "carlos");
    assert_eq!(identities[0]["primary"], false);

    f.op.login_as("carlos", json!({"email": "carlos@example.com"}));
    let mut b = Browser::new(&emu.url);
    let id = sign_in(&emu, &mut b, &f.client, "&identity_provider=Okta&nonce=n").await;
    assert_eq!(id["cognito:username"], "alice", "the sign-in lands on the linked user");
    assert_eq!(id["email"], "alice@example.com", "the linked user keeps its attributes");
    assert!(id.get("cognito:groups").is_none(), "linked users are not put in the IdP's group");
    assert_eq!(id["identities"][0]["providerName"], "Okta");
    emu.err(
        "AdminGetUser",
        json!({"UserPoolId": f.pool, "Username": "Okta_carlos"}),
        "UserNotFoundException",
    )
    .await;

    // Unlinking: the next sign-in makes a federated user; unlinking again is refused.
    let user = json!({"UserPoolId": f.pool, "User": {"ProviderName": "Okta", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": "carlos"}});
    emu.ok("AdminDisableProviderForUser", user.clone()).await;
    let m = emu.err("AdminDisableProviderForUser", user, "InvalidParameterException").await;
    assert_eq!(m, "Account isn't linked to anyone else, verify that the account has been linked");
    b.forget();
    let id = sign_in(&emu, &mut b, &f.client, "&identity_provider=Okta&nonce=n").await;
    assert_eq!(id["cognito:username"], "Okta_carlos");

    // A source that already signed up cannot be linked.
    let m = emu
        .err(
            "AdminLinkProviderForUser",
            link(&f.pool, "alice", "Cognito_Subject", "carlos"),
            "InvalidParameterException",
        )
        .await;
    assert!(m.starts_with("Merging is not currently supported"), "{m}");
}

#[tokio::test]
async fn a_link_on_a_mapped_attribute_matches_at_sign_in_and_disable_stops_passwords() {
    let emu = start_with(|_| {}).await;
    let f = setup(&emu).await;
    emu.ok(
        "AdminCreateUser",
        json!({"UserPoolId": f.pool, "Username": "bob", "MessageAction": "SUPPRESS",
               "UserAttributes": [{"Name": "email", "Value": "bob@example.com"}]}),
    )
    .await;
    emu.ok("AdminLinkProviderForUser", link(&f.pool, "bob", "email", "bob@corp.example")).await;
    f.op.login_as("okta-bob-1", json!({"email": "bob@corp.example"}));
    let mut b = Browser::new(&emu.url);
    let id = sign_in(&emu, &mut b, &f.client, "&identity_provider=Okta&nonce=n").await;
    assert_eq!(id["cognito:username"], "bob");
    // After the first sign-in the link is on the subject.
    let by_subject = json!({"UserPoolId": f.pool, "User": {"ProviderName": "Okta", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": "okta-bob-1"}});
    emu.ok("AdminDisableProviderForUser", by_subject).await;

    // ProviderName Cognito: the native user can no longer sign in with a password.
    emu.ok("AdminSetUserPassword", json!({"UserPoolId": f.pool, "Username": "bob", "Password": "Passw0rd!", "Permanent": true})).await;
    let (c, _) =
        emu.client(&f.pool, json!({"ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH"]})).await;
    let auth = json!({"UserPoolId": f.pool, "ClientId": c, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                      "AuthParameters": {"USERNAME": "bob", "PASSWORD": "Passw0rd!"}});
    emu.ok("AdminInitiateAuth", auth.clone()).await;
    emu.ok("AdminDisableProviderForUser", json!({"UserPoolId": f.pool, "User": {"ProviderName": "Cognito", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": "bob"}})).await;
    emu.err("AdminInitiateAuth", auth, "NotAuthorizedException").await;
}

// Multi-threaded: a trigger below calls the emulator's API while the emulator waits for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn federated_sign_in_runs_the_triggers_in_awss_order() {
    let host = LambdaHost::start().await;
    let url = host.url.clone();
    let emu = start_with(move |c| c.lambda_endpoint = Some(url)).await;
    let f = setup(&emu).await;
    for name in ["pre-signup", "post-confirmation", "pre-auth", "post-auth", "pre-token"] {
        host.add(name, |e| Reply::Json(e.clone()));
    }
    host.add("inbound", |e| {
        let team = e["request"]["attributes"]["userInfo"]["team"].as_str().unwrap_or("none").to_string();
        respond(e, json!({"userAttributesToMap": {"email": e["request"]["attributes"]["idToken"]["email"], "custom:team": format!("{team}-mapped")}}))
    });
    emu.ok(
        "UpdateUserPool",
        json!({"UserPoolId": f.pool, "LambdaConfig": {
            "PreSignUp": arn("pre-signup"), "PostConfirmation": arn("post-confirmation"),
            "PreAuthentication": arn("pre-auth"), "PostAuthentication": arn("post-auth"),
            "PreTokenGeneration": arn("pre-token"),
            "InboundFederation": {"LambdaVersion": "V1_0", "LambdaArn": arn("inbound")}}}),
    )
    .await;
    f.op.login_as(
        "carlos",
        json!({"email": "carlos@example.com", "team": "red", "given_name": "Carlos"}),
    );
    let mut b = Browser::new(&emu.url);
    let id = sign_in(&emu, &mut b, &f.client, "&identity_provider=Okta&nonce=n").await;
    assert_eq!(id["custom:team"], "red-mapped", "InboundFederation replaced the mapping");
    assert!(id.get("given_name").is_none(), "…the whole mapping");
    let sources: Vec<String> = host
        .calls()
        .iter()
        .map(|c| c.event["triggerSource"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        sources,
        [
            "InboundFederation_ExternalProvider",
            "PreSignUp_ExternalProvider",
            "PostConfirmation_ConfirmSignUp",
            "TokenGeneration_HostedAuth"
        ]
    );
    let inbound = host.last("inbound");
    assert_eq!(inbound["userName"], "Okta_carlos");
    assert_eq!(inbound["request"]["providerName"], "Okta");
    assert_eq!(inbound["request"]["providerType"], "OIDC");
    assert!(inbound["request"]["attributes"]["tokenResponse"]["id_token"].is_string());
    assert_eq!(inbound["request"]["attributes"]["tokenResponse"]["expires_in"], "3600");
    let pre = host.last("pre-signup");
    assert_eq!(pre["userName"], "Okta_carlos");
    assert_eq!(pre["callerContext"]["clientId"], f.client);
    assert_eq!(pre["request"]["userAttributes"]["cognito:email_alias"], "");
    assert_eq!(pre["request"]["validationData"], json!({}));
    let post = host.last("post-confirmation");
    assert_eq!(post["request"]["userAttributes"]["cognito:user_status"], "EXTERNAL_PROVIDER");
    assert!(post["request"]["userAttributes"]["identities"].is_string());

    // A returning user.
    let before = host.calls().len();
    b.forget();
    sign_in(&emu, &mut b, &f.client, "&identity_provider=Okta&nonce=n").await;
    let sources: Vec<String> = host.calls()[before..]
        .iter()
        .map(|c| c.event["triggerSource"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        sources,
        [
            "InboundFederation_ExternalProvider",
            "PreAuthentication_Authentication",
            "PostAuthentication_Authentication",
            "TokenGeneration_HostedAuth"
        ]
    );

    // PreSignUp refusing a new user: the app gets AWS's text, nobody is created.
    host.add("pre-signup", |_| Reply::Throw("nope".into()));
    f.op.login_as("mallory", json!({"email": "m@example.com"}));
    b.forget();
    let page = b.follow(&authorize(&f.client, "&identity_provider=Okta&nonce=n"), CALLBACK).await;
    assert_eq!(param(&page.location, "error").as_deref(), Some("invalid_request"));
    assert_eq!(
        param(&page.location, "error_description").as_deref(),
        Some("PreSignUp failed with error nope.")
    );
    emu.err(
        "AdminGetUser",
        json!({"UserPoolId": f.pool, "Username": "Okta_mallory"}),
        "UserNotFoundException",
    )
    .await;

    // PreSignUp linking the identity itself (the well-known race): this sign-in fails, the next lands.
    host.add("pre-signup", |e| Reply::Json(e.clone()));
    emu.ok("AdminCreateUser", json!({"UserPoolId": f.pool, "Username": "zoe", "MessageAction": "SUPPRESS", "UserAttributes": [{"Name": "email", "Value": "zoe@example.com"}]})).await;
    let (emu_url, pool) = (emu.url.clone(), f.pool.clone());
    host.add("pre-signup", move |e| {
        let body = link(&pool, "zoe", "Cognito_Subject", "zoe-okta").to_string();
        let url = emu_url.clone();
        // The handler is synchronous: block_in_place lets the runtime move its other tasks (the
        // emulator answering this very call among them) off this worker meanwhile.
        tokio::task::block_in_place(|| {
            std::thread::spawn(move || {
                let rt =
                    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async {
                    reqwest::Client::new()
                        .post(format!("{url}/"))
                        .header("content-type", "application/x-amz-json-1.1")
                        .header(
                            "x-amz-target",
                            "AWSCognitoIdentityProviderService.AdminLinkProviderForUser",
                        )
                        .body(body)
                        .send()
                        .await
                        .unwrap();
                })
            })
            .join()
            .unwrap()
        });
        Reply::Json(e.clone())
    });
    f.op.login_as("zoe-okta", json!({"email": "zoe@corp.example"}));
    b.forget();
    let page = b.follow(&authorize(&f.client, "&identity_provider=Okta&nonce=n"), CALLBACK).await;
    assert_eq!(
        param(&page.location, "error_description").as_deref(),
        Some("Already found an entry for username Okta_zoe-okta")
    );
    b.forget();
    let id = sign_in(&emu, &mut b, &f.client, "&identity_provider=Okta&nonce=n").await;
    assert_eq!(id["cognito:username"], "zoe");
}
