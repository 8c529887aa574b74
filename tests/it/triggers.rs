//! Lambda triggers through the API, against an in-process Lambda host: every source's event, the
//! answers honoured, and AWS's exceptions for failing functions (nothing half-written).

use std::time::Duration;

use serde_json::{Value, json};

use crate::common::lambda::{LambdaHost, Reply, arn, respond};
use crate::common::{
    Emulator, claims, confirmed_user, password_auth, refresh_auth, sign_up, signed_in, start_with,
    token,
};

const PW: &str = "Passw0rd!";

async fn setup() -> (LambdaHost, Emulator) {
    let host = LambdaHost::start().await;
    let url = host.url.clone();
    let emu = start_with(move |c| {
        c.lambda_endpoint = Some(url);
        c.lambda_timeout_seconds = 0.5;
    })
    .await;
    (host, emu)
}

/// A pool with `lambda` as LambdaConfig and a password client.
async fn pool_with(emu: &Emulator, lambda: Value) -> (String, String) {
    let pool = emu
        .pool(json!({"PoolName": "triggers", "AutoVerifiedAttributes": ["email"], "LambdaConfig": lambda}))
        .await;
    let flows = json!([
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_CUSTOM_AUTH"
    ]);
    let (client, _) = emu.client(&pool, json!({"ExplicitAuthFlows": flows})).await;
    (pool, client)
}

fn unchanged(event: &Value) -> Reply {
    Reply::Json(event.clone())
}

#[tokio::test]
async fn pre_sign_up_sees_aws_event_and_auto_confirms() {
    let (host, emu) = setup().await;
    host.add("pre", |e| respond(e, json!({"autoConfirmUser": true, "autoVerifyEmail": true})));
    host.add("post", unchanged);
    let (pool, client) =
        pool_with(&emu, json!({"PreSignUp": arn("pre"), "PostConfirmation": arn("post")})).await;
    let out = emu
        .ok(
            "SignUp",
            json!({"ClientId": client, "Username": "ann", "Password": PW,
                   "UserAttributes": [{"Name": "email", "Value": "ann@example.com"}],
                   "ValidationData": [{"Name": "captcha", "Value": "ok"}],
                   "ClientMetadata": {"source": "web"}}),
        )
        .await;
    assert_eq!(out["UserConfirmed"], true);
    assert!(out.get("CodeDeliveryDetails").is_none(), "no code for an auto-confirmed user: {out}");
    let e = host.last("pre");
    assert_eq!(e["version"], "1");
    assert_eq!(e["triggerSource"], "PreSignUp_SignUp");
    assert_eq!(e["userPoolId"], pool);
    assert_eq!(e["userName"], "ann");
    assert_eq!(e["region"], "us-east-1");
    assert_eq!(e["callerContext"]["clientId"], client);
    assert_eq!(e["callerContext"]["awsSdkVersion"], "aws-sdk-unknown-unknown");
    assert_eq!(e["request"]["userAttributes"], json!({"email": "ann@example.com"}));
    assert_eq!(e["request"]["validationData"], json!({"captcha": "ok"}));
    assert_eq!(e["request"]["clientMetadata"], json!({"source": "web"}));
    assert_eq!(
        e["response"],
        json!({"autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false})
    );
    let user = emu.admin_get_user(&pool, "ann").await;
    assert_eq!(user["UserStatus"], "CONFIRMED");
    assert!(
        user["UserAttributes"]
            .as_array()
            .unwrap()
            .contains(&json!({"Name": "email_verified", "Value": "true"}))
    );
    // PostConfirmation ran for the auto-confirmed user, with its stored attributes.
    let p = host.last("post");
    assert_eq!(p["triggerSource"], "PostConfirmation_ConfirmSignUp");
    assert_eq!(p["request"]["userAttributes"]["cognito:user_status"], "CONFIRMED");
    assert_eq!(p["request"]["clientMetadata"], json!({"source": "web"}));
    let (_, messages) = emu.get("/_emulator/messages?destination=ann%40example.com").await;
    assert_eq!(messages["messages"], json!([]));
    signed_in(&emu, &client, "ann", PW).await;
}

#[tokio::test]
async fn a_refused_sign_up_writes_nothing() {
    let (host, emu) = setup().await;
    host.add("pre", |e| {
        let email = e["request"]["userAttributes"]["email"].as_str().unwrap_or_default();
        if email.ends_with("@blocked.example") {
            Reply::Throw("Domain not allowed.".into())
        } else {
            Reply::Json(e.clone())
        }
    });
    let (pool, client) = pool_with(&emu, json!({"PreSignUp": arn("pre")})).await;
    let refused = sign_up(&emu, &client, "bob", PW, &[("email", "bob@blocked.example")]).await;
    // AWS appends a period even when the message has one.
    assert_eq!(
        refused.err("UserLambdaValidationException"),
        "PreSignUp failed with error Domain not allowed.."
    );
    emu.err(
        "AdminGetUser",
        json!({"UserPoolId": pool, "Username": "bob"}),
        "UserNotFoundException",
    )
    .await;
    let (_, messages) = emu.get("/_emulator/messages").await;
    assert_eq!(messages["messages"], json!([]));
    let ok = sign_up(&emu, &client, "carl", PW, &[("email", "carl@example.com")]).await.ok();
    assert_eq!(ok["UserConfirmed"], false);
    assert_eq!(ok["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
}

#[tokio::test]
async fn bad_answers_and_missing_hosts_get_aws_exceptions() {
    let (host, emu) = setup().await;
    host.add("string", |_| Reply::Json(json!("not an event")));
    host.add("text", |_| Reply::Raw("<html>".into()));
    host.add("types", |e| respond(e, json!({"autoConfirmUser": "yes"})));
    host.add("slow", |_| Reply::Sleep(Duration::from_secs(2)));
    let cases = [
        (arn("string"), "InvalidLambdaResponseException", "Unrecognizable lambda output".to_string()),
        (arn("text"), "InvalidLambdaResponseException", "Invalid lambda function output : Invalid JSON".into()),
        (arn("types"), "InvalidLambdaResponseException", "Unrecognizable lambda output".into()),
        (
            arn("slow"),
            "UnexpectedLambdaException",
            "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function.".into(),
        ),
        (
            arn("deleted"),
            "UnexpectedLambdaException",
            "PreSignUp invocation failed due to error ResourceNotFoundException".into(),
        ),
    ];
    for (i, (function, kind, message)) in cases.into_iter().enumerate() {
        let (pool, client) = pool_with(&emu, json!({"PreSignUp": function})).await;
        let name = format!("user{i}");
        let out = sign_up(&emu, &client, &name, PW, &[("email", "u@example.com")]).await;
        assert_eq!(out.err(kind), message, "{function}");
        emu.err(
            "AdminGetUser",
            json!({"UserPoolId": pool, "Username": name}),
            "UserNotFoundException",
        )
        .await;
    }
    // Every invocation is in the log, with its outcome.
    let (_, log) = emu.get("/_emulator/invocations?trigger=PreSignUp").await;
    let outcomes: Vec<&str> = log["invocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        [
            "InvalidLambdaResponseException",
            "InvalidLambdaResponseException",
            "InvalidLambdaResponseException",
            "UnexpectedLambdaException",
            "UnexpectedLambdaException"
        ]
    );
}

#[tokio::test]
async fn a_pool_without_a_host_fails_as_with_a_deleted_function() {
    let emu = start_with(|_| {}).await;
    let (pool, client) = pool_with(&emu, json!({"PreSignUp": arn("pre")})).await;
    let out = sign_up(&emu, &client, "dan", PW, &[("email", "dan@example.com")]).await;
    assert_eq!(
        out.err("UnexpectedLambdaException"),
        "PreSignUp invocation failed due to error ResourceNotFoundException"
    );
    emu.err(
        "AdminGetUser",
        json!({"UserPoolId": pool, "Username": "dan"}),
        "UserNotFoundException",
    )
    .await;
    let (_, log) = emu.get("/_emulator/invocations").await;
    let entry = &log["invocations"][0];
    assert!(entry["error"].as_str().unwrap().contains("no Lambda host"), "{entry}");
}

#[tokio::test]
async fn admin_create_user_fires_pre_sign_up_with_client_id_not_applicable() {
    let (host, emu) = setup().await;
    host.add("pre", |e| respond(e, json!({"autoConfirmUser": true})));
    host.add("msg", |e| respond(e, json!({"emailSubject": "Welcome", "emailMessage": "Hi {username}, your password is {####}"})));
    let (pool, _) =
        pool_with(&emu, json!({"PreSignUp": arn("pre"), "CustomMessage": arn("msg")})).await;
    let out = emu
        .ok(
            "AdminCreateUser",
            json!({"UserPoolId": pool, "Username": "eve", "TemporaryPassword": "Temp0rary!",
                   "UserAttributes": [{"Name": "email", "Value": "eve@example.com"}],
                   "DesiredDeliveryMediums": ["EMAIL"], "ClientMetadata": {"k": "v"}}),
        )
        .await;
    // autoConfirmUser is ignored for AdminCreateUser.
    assert_eq!(out["User"]["UserStatus"], "FORCE_CHANGE_PASSWORD");
    let e = host.last("pre");
    assert_eq!(e["triggerSource"], "PreSignUp_AdminCreateUser");
    assert_eq!(e["callerContext"]["clientId"], "CLIENT_ID_NOT_APPLICABLE");
    assert_eq!(e["request"]["clientMetadata"], json!({"k": "v"}));
    let m = host.last("msg");
    assert_eq!(m["triggerSource"], "CustomMessage_AdminCreateUser");
    assert_eq!(m["request"]["usernameParameter"], "{username}");
    assert_eq!(m["request"]["codeParameter"], "{####}");
    assert_eq!(m["request"]["userAttributes"]["cognito:user_status"], "FORCE_CHANGE_PASSWORD");
    assert!(
        m["request"].get("clientMetadata").is_none(),
        "AdminCreateUser's ClientMetadata goes to PreSignUp only"
    );
    let (_, messages) = emu.get("/_emulator/messages?destination=eve%40example.com").await;
    let mail = &messages["messages"][0];
    assert_eq!(mail["subject"], "Welcome");
    assert_eq!(mail["body"], "Hi eve, your password is Temp0rary!");
}

#[tokio::test]
async fn custom_message_shapes_codes_and_falls_back_without_placeholders() {
    let (host, emu) = setup().await;
    host.add("msg", |e| {
        let source = e["triggerSource"].as_str().unwrap_or_default().to_string();
        if source == "CustomMessage_ResendCode" {
            // No {####}: AWS sends its own message instead.
            respond(e, json!({"emailMessage": "forgot the code"}))
        } else {
            respond(e, json!({"emailSubject": format!("[{source}]"), "emailMessage": "Your Acme code: {####}"}))
        }
    });
    let (_, client) = pool_with(&emu, json!({"CustomMessage": arn("msg")})).await;
    sign_up(&emu, &client, "fay", PW, &[("email", "fay@example.com")]).await.ok();
    let (_, m) = emu.get("/_emulator/messages?destination=fay%40example.com").await;
    let first = &m["messages"][0];
    assert_eq!(first["subject"], "[CustomMessage_SignUp]");
    let code = first["code"].as_str().unwrap();
    assert_eq!(first["body"], format!("Your Acme code: {code}"));
    let e = host.last("msg");
    assert_eq!(e["request"]["userAttributes"]["cognito:user_status"], "UNCONFIRMED");
    assert_eq!(e["request"]["usernameParameter"], Value::Null);
    emu.ok("ResendConfirmationCode", json!({"ClientId": client, "Username": "fay"})).await;
    let (_, m) = emu.get("/_emulator/messages?destination=fay%40example.com").await;
    let second = &m["messages"][1];
    let code = second["code"].as_str().unwrap();
    assert_eq!(second["body"], format!("Your verification code is {code}. "));
    let sources: Vec<String> = host
        .calls_of("msg")
        .iter()
        .map(|c| c.event["triggerSource"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(sources[..2], ["CustomMessage_SignUp", "CustomMessage_ResendCode"]);
}

#[tokio::test]
async fn pre_and_post_authentication_can_refuse_tokens() {
    let (host, emu) = setup().await;
    host.add("pre-auth", |e| {
        if e["request"]["validationData"]["block"] == "yes" {
            Reply::Throw("Blocked by policy".into())
        } else {
            Reply::Json(e.clone())
        }
    });
    host.add("post-auth", |e| {
        if e["request"]["userAttributes"]["email"] == "gil@example.com" {
            Reply::Throw("Audit log is down".into())
        } else {
            Reply::Json(e.clone())
        }
    });
    let (_, client) = pool_with(
        &emu,
        json!({"PreAuthentication": arn("pre-auth"), "PostAuthentication": arn("post-auth")}),
    )
    .await;
    confirmed_user(&emu, &client, None, "hal", "hal@example.com", PW).await;
    confirmed_user(&emu, &client, None, "gil", "gil@example.com", PW).await;
    let body = |user: &str, meta: Value| {
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client, "ClientMetadata": meta,
               "AuthParameters": {"USERNAME": user, "PASSWORD": PW}})
    };
    let refused = emu
        .err("InitiateAuth", body("hal", json!({"block": "yes"})), "UserLambdaValidationException")
        .await;
    assert_eq!(refused, "PreAuthentication failed with error Blocked by policy.");
    let e = host.last("pre-auth");
    assert_eq!(e["triggerSource"], "PreAuthentication_Authentication");
    assert_eq!(e["request"]["userNotFound"], false);
    assert_eq!(e["request"]["userAttributes"]["email_verified"], "true");
    let out = emu.ok("InitiateAuth", body("hal", json!({"block": "no"}))).await;
    assert!(out["AuthenticationResult"]["AccessToken"].is_string());
    let post = host.last("post-auth");
    assert_eq!(post["triggerSource"], "PostAuthentication_Authentication");
    assert_eq!(post["request"]["newDeviceUsed"], false);
    assert!(
        post["request"].get("clientMetadata").is_none(),
        "InitiateAuth's ClientMetadata is not passed on"
    );
    let refused =
        emu.err("InitiateAuth", body("gil", json!({})), "UserLambdaValidationException").await;
    assert_eq!(refused, "PostAuthentication failed with error Audit log is down.");
}

#[tokio::test]
async fn pre_token_generation_v1_changes_the_id_token_and_runs_again_on_refresh() {
    let (host, emu) = setup().await;
    host.add("token", |e| {
        respond(
            e,
            json!({"claimsOverrideDetails": {
                "claimsToAddOrOverride": {"custom:tenant": "acme", "source": e["triggerSource"], "sub": "forged"},
                "claimsToSuppress": ["email"],
                "groupOverrideDetails": {"groupsToOverride": ["admins"]}
            }}),
        )
    });
    let (pool, client) = pool_with(&emu, json!({"PreTokenGeneration": arn("token")})).await;
    let described = emu.ok("DescribeUserPool", json!({"UserPoolId": pool})).await;
    assert_eq!(
        described["UserPool"]["LambdaConfig"]["PreTokenGenerationConfig"],
        json!({"LambdaVersion": "V1_0", "LambdaArn": arn("token")})
    );
    confirmed_user(&emu, &client, None, "ivy", "ivy@example.com", PW).await;
    let auth = signed_in(&emu, &client, "ivy", PW).await;
    let id = claims(&token(&auth, "IdToken"));
    assert_eq!(id["custom:tenant"], "acme");
    assert_eq!(id["source"], "TokenGeneration_Authentication");
    assert_ne!(id["sub"], "forged", "sub cannot be overridden");
    assert!(id.get("email").is_none());
    assert_eq!(id["cognito:groups"], json!(["admins"]));
    let access = claims(&token(&auth, "AccessToken"));
    assert_eq!(access["cognito:groups"], json!(["admins"]));
    assert!(access.get("custom:tenant").is_none(), "V1 changes only the ID token");
    let e = host.last("token");
    assert_eq!(e["version"], "1");
    assert_eq!(
        e["request"]["groupConfiguration"],
        json!({"groupsToOverride": [], "iamRolesToOverride": [], "preferredRole": null})
    );
    let refreshed = refresh_auth(&emu, &client, &auth["RefreshToken"]).await.ok();
    let id = claims(&token(&refreshed["AuthenticationResult"], "IdToken"));
    assert_eq!(id["source"], "TokenGeneration_RefreshTokens");
}

#[tokio::test]
async fn pre_token_generation_v2_changes_both_tokens_and_scopes() {
    let (host, emu) = setup().await;
    host.add("token", |e| {
        respond(
            e,
            json!({"claimsAndScopeOverrideDetails": {
                "idTokenGeneration": {"claimsToAddOrOverride": {"tenant": {"id": 7, "tags": ["a", true]}}},
                "accessTokenGeneration": {"claimsToAddOrOverride": {"tenant_id": 7}, "scopesToAdd": ["orders/read"]}
            }}),
        )
    });
    let config =
        json!({"PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": arn("token")}});
    let (_, client) = pool_with(&emu, config).await;
    confirmed_user(&emu, &client, None, "jo", "jo@example.com", PW).await;
    let auth = signed_in(&emu, &client, "jo", PW).await;
    assert_eq!(claims(&token(&auth, "IdToken"))["tenant"], json!({"id": 7, "tags": ["a", true]}));
    let access = claims(&token(&auth, "AccessToken"));
    assert_eq!(access["tenant_id"], 7);
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin orders/read");
    let e = host.last("token");
    assert_eq!(e["version"], "2");
    assert_eq!(e["request"]["scopes"], json!(["aws.cognito.signin.user.admin"]));
    // The admin scope is still there: GetUser works with the customised token.
    crate::common::get_user(&emu, &auth["AccessToken"]).await.ok();
}

#[tokio::test]
async fn user_migration_brings_users_over_on_password_sign_in_and_forgot_password() {
    let (host, emu) = setup().await;
    host.add("migrate", |e| {
        let legacy = ["kim", "lee@example.com"];
        let name = e["userName"].as_str().unwrap_or_default();
        if !legacy.contains(&name) {
            return Reply::Json(e.clone());
        }
        if e["triggerSource"] == "UserMigration_Authentication" && e["request"]["password"] != "Legacy!Pass1" {
            return Reply::Throw("Bad password".into());
        }
        let email = if name.contains('@') { name.to_string() } else { format!("{name}@legacy.example") };
        respond(
            e,
            json!({"userAttributes": {"email": email, "email_verified": "true", "custom:plan": "gold"},
                   "finalUserStatus": "CONFIRMED", "messageAction": "SUPPRESS"}),
        )
    });
    let pool = emu
        .pool(json!({"PoolName": "m", "Schema": [{"Name": "plan", "AttributeDataType": "String"}],
                     "LambdaConfig": {"UserMigration": arn("migrate")}}))
        .await;
    let (client, _) =
        emu.client(&pool, json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]})).await;
    let wrong = password_auth(&emu, &client, None, "kim", "nope").await;
    assert_eq!(wrong.err("UserNotFoundException"), "UserMigration failed with error Bad password.");
    emu.err(
        "AdminGetUser",
        json!({"UserPoolId": pool, "Username": "kim"}),
        "UserNotFoundException",
    )
    .await;
    let auth = signed_in(&emu, &client, "kim", "Legacy!Pass1").await;
    assert_eq!(claims(&token(&auth, "IdToken"))["custom:plan"], "gold");
    let e = host.last("migrate");
    assert_eq!(e["triggerSource"], "UserMigration_Authentication");
    assert_eq!(e["request"]["password"], "Legacy!Pass1");
    // The migrated user keeps the typed password: the next sign-in is local.
    let before = host.calls_of("migrate").len();
    signed_in(&emu, &client, "kim", "Legacy!Pass1").await;
    assert_eq!(host.calls_of("migrate").len(), before);
    // An unknown name the function does not know either.
    let none = password_auth(&emu, &client, None, "nobody", "x").await;
    assert_eq!(
        none.err("UserNotFoundException"),
        format!("Exception migrating user in app client {client}")
    );
    // ForgotPassword migrates without a password and sends the reset code.
    let out =
        emu.ok("ForgotPassword", json!({"ClientId": client, "Username": "lee@example.com"})).await;
    assert_eq!(out["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    assert_eq!(host.last("migrate")["triggerSource"], "UserMigration_ForgotPassword");
    assert!(host.last("migrate")["request"].get("password").is_none());
    let user = emu.admin_get_user(&pool, "lee@example.com").await;
    assert_eq!(user["UserStatus"], "CONFIRMED");
}

#[tokio::test]
async fn srp_sign_in_never_migrates() {
    let (host, emu) = setup().await;
    host.add("migrate", unchanged);
    let (_, client) = pool_with(&emu, json!({"UserMigration": arn("migrate")})).await;
    let srp = crate::common::srp::Client::new();
    let out = emu
        .call(
            "InitiateAuth",
            json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client,
                   "AuthParameters": {"USERNAME": "ghost", "SRP_A": srp.srp_a()}}),
        )
        .await;
    assert_eq!(out.err("UserNotFoundException"), "User does not exist.");
    assert!(host.calls_of("migrate").is_empty());
}

#[tokio::test]
async fn custom_email_sender_gets_the_code_instead_of_the_outbox() {
    let (host, emu) = setup().await;
    host.add("sender", unchanged);
    let lambda = json!({"CustomEmailSender": {"LambdaVersion": "V1_0", "LambdaArn": arn("sender")},
                        "KMSKeyID": "arn:aws:kms:us-east-1:123456789012:key/local"});
    let (_, client) = pool_with(&emu, lambda).await;
    let out = sign_up(&emu, &client, "max", PW, &[("email", "max@example.com")]).await.ok();
    assert_eq!(out["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    let calls = host.wait_for("sender", 1).await;
    assert_eq!(calls[0].invocation_type, "Event");
    let e = &calls[0].event;
    assert_eq!(e["triggerSource"], "CustomEmailSender_SignUp");
    assert_eq!(e["request"]["type"], "customEmailSenderRequestV1");
    assert_eq!(e["request"]["clientMetadata"], Value::Null);
    use base64::Engine;
    let code = base64::engine::general_purpose::STANDARD
        .decode(e["request"]["code"].as_str().unwrap())
        .unwrap();
    let code = String::from_utf8(code).unwrap();
    assert_eq!(code.len(), 6);
    let (_, m) = emu.get("/_emulator/messages?destination=max%40example.com").await;
    assert_eq!(m["messages"], json!([]), "the sender delivers, not the pool");
    crate::common::confirm_sign_up(&emu, &client, "max", &code).await.ok();
}

#[tokio::test]
async fn lambda_config_is_checked_as_aws_checks_it() {
    let emu = start_with(|_| {}).await;
    let sender = json!({"LambdaVersion": "V1_0", "LambdaArn": arn("s")});
    let cases = [
        json!({"CustomEmailSender": sender}),
        json!({"PreTokenGeneration": arn("a"), "PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": arn("b")}}),
    ];
    for lambda in cases {
        emu.err(
            "CreateUserPool",
            json!({"PoolName": "p", "LambdaConfig": lambda}),
            "InvalidParameterException",
        )
        .await;
    }
    let (_, log) = emu.get("/_emulator/invocations").await;
    assert_eq!(log["invocations"], json!([]));
}

/// DefineAuthChallenge as AWS's documentation writes it: SRP first when asked, then a custom
/// challenge, three tries.
fn define(e: &Value) -> Reply {
    let session = e["request"]["session"].as_array().cloned().unwrap_or_default();
    let last = session.last();
    let name = |s: &Value| s["challengeName"].as_str().unwrap_or_default().to_string();
    let decision = match last {
        Some(s) if name(s) == "SRP_A" => {
            json!({"challengeName": "PASSWORD_VERIFIER", "issueTokens": false, "failAuthentication": false})
        }
        Some(s) if name(s) == "CUSTOM_CHALLENGE" && s["challengeResult"] == true => {
            json!({"issueTokens": true, "failAuthentication": false})
        }
        _ if session.iter().filter(|s| name(s) == "CUSTOM_CHALLENGE").count() >= 3 => {
            json!({"issueTokens": false, "failAuthentication": true})
        }
        _ => {
            json!({"challengeName": "CUSTOM_CHALLENGE", "issueTokens": false, "failAuthentication": false})
        }
    };
    respond(e, decision)
}

fn create(e: &Value) -> Reply {
    respond(
        e,
        json!({"publicChallengeParameters": {"question": "2+2?"},
               "privateChallengeParameters": {"answer": "4"}, "challengeMetadata": "CAPTCHA"}),
    )
}

fn verify(e: &Value) -> Reply {
    let right =
        e["request"]["challengeAnswer"] == e["request"]["privateChallengeParameters"]["answer"];
    respond(e, json!({"answerCorrect": right}))
}

async fn custom_pool(host: &LambdaHost, emu: &Emulator) -> (String, String) {
    host.add("define", define);
    host.add("create", create);
    host.add("verify", verify);
    pool_with(
        emu,
        json!({"DefineAuthChallenge": arn("define"), "CreateAuthChallenge": arn("create"), "VerifyAuthChallengeResponse": arn("verify")}),
    )
    .await
}

#[tokio::test]
async fn custom_auth_runs_the_challenge_loop() {
    let (host, emu) = setup().await;
    let (_, client) = custom_pool(&host, &emu).await;
    confirmed_user(&emu, &client, None, "ned", "ned@example.com", PW).await;
    let first = emu
        .ok("InitiateAuth", json!({"AuthFlow": "CUSTOM_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "ned"}}))
        .await;
    assert_eq!(first["ChallengeName"], "CUSTOM_CHALLENGE");
    assert_eq!(first["ChallengeParameters"]["question"], "2+2?");
    assert_eq!(first["ChallengeParameters"]["USERNAME"], "ned");
    assert_eq!(host.last("define")["request"]["session"], json!([]));
    let answer = |session: &Value, a: &str| {
        json!({"ClientId": client, "ChallengeName": "CUSTOM_CHALLENGE", "Session": session,
               "ChallengeResponses": {"USERNAME": "ned", "ANSWER": a}, "ClientMetadata": {"app": "test"}})
    };
    let second = emu.ok("RespondToAuthChallenge", answer(&first["Session"], "5")).await;
    assert_eq!(second["ChallengeName"], "CUSTOM_CHALLENGE", "a wrong answer gets another round");
    let v = host.last("verify");
    assert_eq!(v["request"]["challengeAnswer"], "5");
    assert_eq!(v["request"]["privateChallengeParameters"], json!({"answer": "4"}));
    assert_eq!(v["request"]["clientMetadata"], json!({"app": "test"}));
    // The first Session is used up.
    emu.err("RespondToAuthChallenge", answer(&first["Session"], "4"), "NotAuthorizedException")
        .await;
    let done = emu.ok("RespondToAuthChallenge", answer(&second["Session"], "4")).await;
    assert!(done["AuthenticationResult"]["IdToken"].is_string());
    let rounds = &host.last("define")["request"]["session"];
    assert_eq!(
        rounds,
        &json!([
            {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": false, "challengeMetadata": "CAPTCHA"},
            {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": true, "challengeMetadata": "CAPTCHA"}
        ])
    );
}

#[tokio::test]
async fn custom_auth_fails_after_three_wrong_answers() {
    let (host, emu) = setup().await;
    let (_, client) = custom_pool(&host, &emu).await;
    confirmed_user(&emu, &client, None, "ola", "ola@example.com", PW).await;
    let mut out = emu
        .ok("InitiateAuth", json!({"AuthFlow": "CUSTOM_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "ola"}}))
        .await;
    for _ in 0..2 {
        out = emu
            .ok(
                "RespondToAuthChallenge",
                json!({"ClientId": client, "ChallengeName": "CUSTOM_CHALLENGE", "Session": out["Session"],
                       "ChallengeResponses": {"USERNAME": "ola", "ANSWER": "0"}}),
            )
            .await;
    }
    let failed = emu
        .err(
            "RespondToAuthChallenge",
            json!({"ClientId": client, "ChallengeName": "CUSTOM_CHALLENGE", "Session": out["Session"],
                   "ChallengeResponses": {"USERNAME": "ola", "ANSWER": "0"}}),
            "NotAuthorizedException",
        )
        .await;
    assert_eq!(failed, "Incorrect username or password.");
}

#[tokio::test]
async fn custom_auth_can_start_with_srp() {
    let (host, emu) = setup().await;
    let (pool, client) = custom_pool(&host, &emu).await;
    confirmed_user(&emu, &client, None, "pat", "pat@example.com", PW).await;
    let srp = crate::common::srp::Client::new();
    let first = emu
        .ok(
            "InitiateAuth",
            json!({"AuthFlow": "CUSTOM_AUTH", "ClientId": client,
                   "AuthParameters": {"USERNAME": "pat", "SRP_A": srp.srp_a(), "CHALLENGE_NAME": "SRP_A"}}),
        )
        .await;
    assert_eq!(first["ChallengeName"], "PASSWORD_VERIFIER");
    assert_eq!(
        host.last("define")["request"]["session"],
        json!([{"challengeName": "SRP_A", "challengeResult": true, "challengeMetadata": null}])
    );
    let pool_name = pool.split_once('_').unwrap().1;
    let user_id = first["ChallengeParameters"]["USER_ID_FOR_SRP"].as_str().unwrap();
    let responses =
        srp.password_verifier(pool_name, user_id, "pat", PW, &first["ChallengeParameters"]);
    let second = emu
        .ok(
            "RespondToAuthChallenge",
            json!({"ClientId": client, "ChallengeName": "PASSWORD_VERIFIER", "Session": first["Session"],
                   "ChallengeResponses": responses}),
        )
        .await;
    assert_eq!(second["ChallengeName"], "CUSTOM_CHALLENGE");
    let done = emu
        .ok(
            "RespondToAuthChallenge",
            json!({"ClientId": client, "ChallengeName": "CUSTOM_CHALLENGE", "Session": second["Session"],
                   "ChallengeResponses": {"USERNAME": "pat", "ANSWER": "4"}}),
        )
        .await;
    assert!(done["AuthenticationResult"]["AccessToken"].is_string());
    let last = host.last("define");
    let names: Vec<&str> = last["request"]["session"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["challengeName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["SRP_A", "PASSWORD_VERIFIER", "CUSTOM_CHALLENGE"]);
}

#[tokio::test]
async fn custom_auth_needs_its_triggers() {
    let (_host, emu) = setup().await;
    let (_, client) = pool_with(&emu, json!({})).await;
    confirmed_user(&emu, &client, None, "quin", "quin@example.com", PW).await;
    let out = emu
        .err(
            "InitiateAuth",
            json!({"AuthFlow": "CUSTOM_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "quin"}}),
            "InvalidParameterException",
        )
        .await;
    assert_eq!(out, "Custom auth lambda trigger is not configured for the user pool.");
}

#[tokio::test]
async fn invocations_are_signed_with_sigv4() {
    let (host, emu) = setup().await;
    host.add("pre", unchanged);
    let (_, client) = pool_with(&emu, json!({"PreSignUp": arn("pre")})).await;
    sign_up(&emu, &client, "ray", PW, &[("email", "ray@example.com")]).await.ok();
    let auth = &host.calls_of("pre")[0].authorization;
    assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=test/"), "{auth}");
    assert!(auth.contains("/us-east-1/lambda/aws4_request"), "{auth}");
    assert_eq!(host.calls_of("pre")[0].invocation_type, "RequestResponse");
}

#[tokio::test]
async fn a_seed_file_says_where_a_function_runs() {
    let host = LambdaHost::start().await;
    host.add("renamed-on-host", |e| respond(e, json!({"autoConfirmUser": true})));
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    let doc = json!({
        "LambdaFunctions": [{"Function": arn("pre"), "Endpoint": host.url, "InvokeAs": "renamed-on-host"}],
        "UserPools": [{"Id": "us-east-1_Seeded001", "PoolName": "seeded", "LambdaConfig": {"PreSignUp": arn("pre")},
                       "Clients": [{"ClientId": "seededclient00000000000001", "ClientName": "app"}]}]
    });
    std::fs::write(&seed, doc.to_string()).unwrap();
    let path = seed.clone();
    let emu = start_with(move |c| c.seed = Some(path)).await;
    cognito_emulator::apply_seed(&emu.app).unwrap();
    let out = sign_up(&emu, "seededclient00000000000001", "sam", PW, &[]).await.ok();
    assert_eq!(out["UserConfirmed"], true);
    assert_eq!(host.calls_of("renamed-on-host").len(), 1);
    let bad = json!({"LambdaFunctions": [{"Function": "f", "Endpoint": "ftp://x"}]});
    std::fs::write(&seed, bad.to_string()).unwrap();
    let err = cognito_emulator::apply_seed(&emu.app).unwrap_err().to_string();
    assert!(err.contains("LambdaFunctions[0] (f)") && err.contains("http://"), "{err}");
}

#[tokio::test]
async fn custom_sms_sender_gets_sms_codes() {
    let (host, emu) = setup().await;
    host.add("sms-sender", unchanged);
    let lambda = json!({"CustomSMSSender": {"LambdaVersion": "V1_0", "LambdaArn": arn("sms-sender")},
                        "KMSKeyID": "arn:aws:kms:us-east-1:123456789012:key/local"});
    let pool = emu
        .pool(json!({"PoolName": "sms", "AutoVerifiedAttributes": ["phone_number"], "LambdaConfig": lambda}))
        .await;
    let (client, _) = emu.client(&pool, json!({})).await;
    sign_up(&emu, &client, "tia", PW, &[("phone_number", "+15555550123")]).await.ok();
    let calls = host.wait_for("sms-sender", 1).await;
    assert_eq!(calls[0].event["triggerSource"], "CustomSMSSender_SignUp");
    assert_eq!(calls[0].event["request"]["type"], "customSMSSenderRequestV1");
    assert_eq!(calls[0].event["callerContext"]["clientId"], client);
}

#[tokio::test]
async fn custom_message_runs_for_every_message_source() {
    let (host, emu) = setup().await;
    host.add("msg", |e| {
        let source = e["triggerSource"].as_str().unwrap_or_default().to_string();
        respond(e, json!({"emailSubject": source, "emailMessage": "code {####}"}))
    });
    let (pool, client) = pool_with(&emu, json!({"CustomMessage": arn("msg")})).await;
    emu.ok(
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool, "MfaConfiguration": "OPTIONAL", "EmailMfaConfiguration": {}}),
    )
    .await;
    confirmed_user(&emu, &client, None, "uma", "uma@example.com", PW).await;
    emu.ok(
        "ForgotPassword",
        json!({"ClientId": client, "Username": "uma", "ClientMetadata": {"why": "forgot"}}),
    )
    .await;
    let auth = signed_in(&emu, &client, "uma", PW).await;
    let access = token(&auth, "AccessToken");
    emu.ok(
        "GetUserAttributeVerificationCode",
        json!({"AccessToken": access, "AttributeName": "email"}),
    )
    .await;
    emu.ok(
        "UpdateUserAttributes",
        json!({"AccessToken": access, "UserAttributes": [{"Name": "email", "Value": "uma2@example.com"}]}),
    )
    .await;
    emu.ok(
        "AdminSetUserMFAPreference",
        json!({"UserPoolId": pool, "Username": "uma", "EmailMfaSettings": {"Enabled": true, "PreferredMfa": true}}),
    )
    .await;
    let challenge = password_auth(&emu, &client, None, "uma", PW).await.ok();
    assert_eq!(challenge["ChallengeName"], "EMAIL_OTP");
    let sources: Vec<String> = host
        .calls_of("msg")
        .iter()
        .map(|c| c.event["triggerSource"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        sources,
        [
            "CustomMessage_SignUp",
            "CustomMessage_ForgotPassword",
            "CustomMessage_VerifyUserAttribute",
            "CustomMessage_UpdateUserAttribute",
            "CustomMessage_Authentication"
        ]
    );
    let forgot = &host.calls_of("msg")[1].event;
    assert_eq!(forgot["request"]["clientMetadata"], json!({"why": "forgot"}));
    let (_, m) = emu.get("/_emulator/messages?destination=uma2%40example.com").await;
    let mail = m["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(mail["subject"], "CustomMessage_Authentication");
    assert_eq!(mail["body"], format!("code {}", mail["code"].as_str().unwrap()));
}

#[tokio::test]
async fn admin_initiate_auth_runs_custom_auth_too() {
    let (host, emu) = setup().await;
    let (pool, client) = custom_pool(&host, &emu).await;
    confirmed_user(&emu, &client, None, "vic", "vic@example.com", PW).await;
    let first = emu
        .ok(
            "AdminInitiateAuth",
            json!({"UserPoolId": pool, "ClientId": client, "AuthFlow": "CUSTOM_AUTH", "AuthParameters": {"USERNAME": "vic"}}),
        )
        .await;
    assert_eq!(first["ChallengeName"], "CUSTOM_CHALLENGE");
    // The session belongs to the admin flow: the public RespondToAuthChallenge refuses it.
    let answer = json!({"USERNAME": "vic", "ANSWER": "4"});
    emu.err(
        "RespondToAuthChallenge",
        json!({"ClientId": client, "ChallengeName": "CUSTOM_CHALLENGE", "Session": first["Session"], "ChallengeResponses": answer}),
        "NotAuthorizedException",
    )
    .await;
    let first = emu
        .ok(
            "AdminInitiateAuth",
            json!({"UserPoolId": pool, "ClientId": client, "AuthFlow": "CUSTOM_AUTH", "AuthParameters": {"USERNAME": "vic"}}),
        )
        .await;
    let done = emu
        .ok(
            "AdminRespondToAuthChallenge",
            json!({"UserPoolId": pool, "ClientId": client, "ChallengeName": "CUSTOM_CHALLENGE",
                   "Session": first["Session"], "ChallengeResponses": answer}),
        )
        .await;
    assert!(done["AuthenticationResult"]["AccessToken"].is_string());
}

/// Sign-ins alone and many at once on a multi-thread runtime (as the binary runs): a handler runs on
/// its connection's runtime thread, and its wait for the Lambda host, here served by that same
/// runtime, must move off it (a runtime thread blocking on the call would refuse it, or starve the
/// host).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn triggers_answer_concurrent_sign_ins_run_on_the_runtime_threads() {
    let (host, emu) = setup().await;
    host.add("token", |e| {
        respond(e, json!({"claimsOverrideDetails": {"claimsToAddOrOverride": {"tenant": "acme"}}}))
    });
    let (_, client) = pool_with(&emu, json!({"PreTokenGeneration": arn("token")})).await;
    let names: Vec<String> = (0..6).map(|i| format!("load{i}")).collect();
    for n in &names {
        confirmed_user(&emu, &client, None, n, &format!("{n}@example.com"), PW).await;
    }
    // One at a time first: a lone request runs on its connection's thread holding the idle slot.
    let auth = signed_in(&emu, &client, "load0", PW).await;
    assert_eq!(claims(&token(&auth, "IdToken"))["tenant"], "acme");
    let emu = std::sync::Arc::new(emu);
    let mut running = tokio::task::JoinSet::new();
    for n in names.iter().cycle().take(36).cloned() {
        let (emu, client) = (emu.clone(), client.clone());
        running.spawn(async move { password_auth(&emu, &client, None, &n, PW).await });
    }
    let mut answered = 0;
    while let Some(answer) = running.join_next().await {
        let auth = answer.expect("task").ok();
        let id = claims(&token(&auth["AuthenticationResult"], "IdToken"));
        assert_eq!(id["tenant"], "acme");
        answered += 1;
    }
    assert_eq!(answered, 36);
    assert_eq!(host.calls_of("token").len(), 37);
}
