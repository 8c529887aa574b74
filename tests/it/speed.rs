//! What the speed work (issue 13) must not change: a seed file's users are hashed in parallel but
//! written, and listed, in file order; a name given twice is kept once; passwords hashed under the
//! OWASP setting keep verifying after the switch back to the default.

use serde_json::json;

use crate::common;

/// An emulator whose seed file (in a temporary directory, kept while the returned guard lives) holds
/// `doc`; the seed is not applied yet.
async fn seeded(
    doc: &serde_json::Value,
) -> (common::Emulator, std::path::PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("seed.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    let emu = common::start_with(|c| c.seed = Some(file.clone())).await;
    (emu, file, dir)
}

#[tokio::test]
async fn seed_users_are_hashed_in_parallel_and_listed_in_file_order() {
    let names: Vec<String> = (0..120).map(|i| format!("user{:03}", (i * 37) % 120)).collect();
    let mut users: Vec<_> =
        names.iter().map(|n| json!({"Username": n, "Password": "Passw0rd!"})).collect();
    users.push(json!({"Username": names[5], "Password": "Passw0rd!"}));
    let doc =
        json!({"UserPools": [{"Id": "us-east-1_Order01", "PoolName": "order", "Users": users}]});
    let (emu, _, _dir) = seeded(&doc).await;
    cognito_emulator::apply_seed(&emu.app).unwrap();
    let mut listed = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut body = json!({"UserPoolId": "us-east-1_Order01", "Limit": 60});
        if let Some(t) = &token {
            body["PaginationToken"] = json!(t);
        }
        let page = emu.ok("ListUsers", body).await;
        for u in page["Users"].as_array().unwrap() {
            listed.push(u["Username"].as_str().unwrap().to_string());
        }
        match page["PaginationToken"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(listed, names, "file order, the repeated name kept once");
}

#[tokio::test]
async fn owasp_hashes_keep_verifying_after_switching_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::test_config(&dir);
    config.argon2_owasp = true;
    let app = std::sync::Arc::new(cognito_emulator::App::new(config).unwrap());
    let ctx = cognito_emulator::Ctx::internal(&app, "t");
    let invoke =
        |op: &str, body: serde_json::Value| cognito_emulator::ops::invoke(&ctx, op, body).unwrap();
    let pool = invoke("CreateUserPool", json!({"PoolName": "p"}))["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let client = invoke(
        "CreateUserPoolClient",
        json!({"UserPoolId": pool, "ClientName": "c", "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    )["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_string();
    invoke("SignUp", json!({"ClientId": client, "Username": "old", "Password": "Passw0rd!"}));
    invoke("AdminConfirmSignUp", json!({"UserPoolId": pool, "Username": "old"}));
    let stored = app
        .store
        .read(|c| cognito_emulator::store::users::by_username(c, &pool, "old"))
        .unwrap()
        .unwrap()
        .password_hash
        .unwrap();
    assert!(stored.contains("m=19456,t=2"), "{stored}");
    drop(ctx);
    drop(app);
    // The same database under the default setting: the OWASP hash still verifies.
    let mut config = common::test_config(&dir);
    config.argon2_memory_kib = cognito_emulator::crypto::password::LOCAL.memory_kib;
    config.argon2_iterations = cognito_emulator::crypto::password::LOCAL.iterations;
    let app = std::sync::Arc::new(cognito_emulator::App::new(config).unwrap());
    let ctx = cognito_emulator::Ctx::internal(&app, "t");
    let out = cognito_emulator::ops::invoke(
        &ctx,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "old", "PASSWORD": "Passw0rd!"}}),
    )
    .unwrap();
    assert!(out["AuthenticationResult"]["AccessToken"].is_string());
}

#[tokio::test]
async fn a_bad_seed_user_stops_the_seed_with_the_users_before_it_written() {
    // 600 users (more than one write batch); entry 450 breaks the password policy.
    let users: Vec<_> = (0..600)
        .map(|i| {
            let password = if i == 450 { "short" } else { "Passw0rd!" };
            json!({"Username": format!("u{i:03}"), "Password": password})
        })
        .collect();
    let doc =
        json!({"UserPools": [{"Id": "us-east-1_Stop0001", "PoolName": "stop", "Users": users}]});
    let (emu, file, _dir) = seeded(&doc).await;
    let err = cognito_emulator::apply_seed(&emu.app).unwrap_err().to_string();
    assert!(err.contains("Users[450] (u450)") && err.contains("InvalidPasswordException"), "{err}");
    let pool = emu.ok("DescribeUserPool", json!({"UserPoolId": "us-east-1_Stop0001"})).await;
    assert_eq!(pool["UserPool"]["EstimatedNumberOfUsers"], 450, "the users before it, no more");
    emu.ok("AdminGetUser", json!({"UserPoolId": "us-east-1_Stop0001", "Username": "u449"})).await;
    emu.err(
        "AdminGetUser",
        json!({"UserPoolId": "us-east-1_Stop0001", "Username": "u451"}),
        "UserNotFoundException",
    )
    .await;
    // Applied again with the entry fixed: the 450 are kept, the rest created.
    let mut fixed = doc.clone();
    fixed["UserPools"][0]["Users"][450]["Password"] = json!("Passw0rd!");
    std::fs::write(&file, fixed.to_string()).unwrap();
    cognito_emulator::apply_seed(&emu.app).unwrap();
    let pool = emu.ok("DescribeUserPool", json!({"UserPoolId": "us-east-1_Stop0001"})).await;
    assert_eq!(pool["UserPool"]["EstimatedNumberOfUsers"], 600);
}
