//! Seed files (fixed ids, idempotent, validated, exported) and the control API (reset, clock, export).

use crate::common::{self, claims, confirm_sign_up, get_user, password_auth, sign_up, start_with};
use serde_json::{Value, json};

const SEED: &str = include_str!("../../examples/seed.json");
const POOL: &str = "us-east-1_Example01";
const WEB: &str = "localwebclient000000000001";

fn write_seed(dir: &tempfile::TempDir, doc: &Value) -> std::path::PathBuf {
    let path = dir.path().join("seed.json");
    std::fs::write(&path, doc.to_string()).unwrap();
    path
}

#[tokio::test]
async fn the_example_seed_gives_fixed_ids() {
    let dir = tempfile::tempdir().unwrap();
    let seed = write_seed(&dir, &serde_json::from_str(SEED).unwrap());
    let emu = start_with(|c| c.seed = Some(seed.clone())).await;
    cognito_emulator::apply_seed(&emu.app).unwrap();
    let pool = emu.ok("DescribeUserPool", json!({"UserPoolId": POOL})).await;
    assert_eq!(pool["UserPool"]["UsernameAttributes"], json!(["email"]));
    let client = emu
        .ok(
            "DescribeUserPoolClient",
            json!({"UserPoolId": POOL, "ClientId": "localbackendclient00000001"}),
        )
        .await;
    assert_eq!(
        client["UserPoolClient"]["ClientSecret"],
        "localbackendsecret0123456789abcdefghijklmnopqrstuv"
    );
    let out = password_auth(&emu, WEB, None, "alice@example.com", "Passw0rd!").await.ok();
    let id = claims(out["AuthenticationResult"]["IdToken"].as_str().unwrap());
    assert_eq!(id["sub"], "11111111-1111-4111-8111-111111111111");
    assert_eq!(id["cognito:groups"], json!(["admins"]));
    assert_eq!(id["custom:tenant"], "acme");
    assert_eq!(id["email_verified"], true);
    let bob = password_auth(&emu, WEB, None, "bob@example.com", "Temp0rary!").await.ok();
    assert_eq!(bob["ChallengeName"], "NEW_PASSWORD_REQUIRED");

    // Applying again keeps everything (restarts are idempotent).
    let again = cognito_emulator::apply_seed(&emu.app).unwrap().unwrap();
    assert_eq!((again.pools, again.clients, again.users, again.kept), (0, 0, 0, 7));
}

#[tokio::test]
async fn bad_seed_entries_stop_start_up_with_their_path() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            json!({"UserPools": [{"Id": "local_abc", "PoolName": "p"}]}),
            "UserPools[0] (local_abc)",
            "Id must look like a real pool id",
        ),
        (
            json!({"UserPools": [{"Id": "us-east-1_Bad000001", "PoolName": "p", "Users": [{"Username": "weak", "Password": "short"}]}]}),
            "UserPools[0] (us-east-1_Bad000001).Users[0] (weak)",
            "InvalidPasswordException",
        ),
        (
            json!({"UserPools": [{"Id": "us-east-1_Bad000002", "PoolName": 5}]}),
            "UserPools[0] (us-east-1_Bad000002)",
            "SerializationException",
        ),
        (
            json!({"UserPools": [{"Id": "us-east-1_Bad000003", "PoolName": "p", "Users": [{"Username": "u", "Groups": ["missing"]}]}]}),
            "Users[0] (u).Groups[0]",
            "ResourceNotFoundException",
        ),
        (json!({"Pools": []}), "(document)", "unknown member Pools"),
    ];
    for (doc, path, problem) in cases {
        let seed = write_seed(&dir, &doc);
        let emu = start_with(|c| c.seed = Some(seed.clone())).await;
        let err = cognito_emulator::apply_seed(&emu.app).unwrap_err().to_string();
        assert!(err.contains(path) && err.contains(problem), "{err}");
    }
    // The binary refuses to start.
    let seed = write_seed(&dir, &json!({"UserPools": [{"Id": "nope", "PoolName": "p"}]}));
    let out = common::emulator_command()
        .args(["--port", "0", "--data", ":memory:", "--keys"])
        .arg(dir.path().join("keys"))
        .arg("--seed")
        .arg(&seed)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("seed UserPools[0] (nope)"));
}

#[tokio::test]
async fn reset_restores_the_seed() {
    let dir = tempfile::tempdir().unwrap();
    let seed = write_seed(&dir, &serde_json::from_str(SEED).unwrap());
    let emu = start_with(|c| c.seed = Some(seed.clone())).await;
    cognito_emulator::apply_seed(&emu.app).unwrap();
    sign_up(&emu, WEB, "carol@example.com", "Passw0rd!", &[]).await.ok();
    let other = emu.pool(json!({"PoolName": "scratch"})).await;

    let (status, out) = emu.post(&format!("/_emulator/reset?pool={POOL}"), json!({})).await;
    assert_eq!(status, 200, "{out}");
    emu.err(
        "AdminGetUser",
        json!({"UserPoolId": POOL, "Username": "carol@example.com"}),
        "UserNotFoundException",
    )
    .await;
    emu.admin_get_user(POOL, "alice@example.com").await;
    emu.ok("DescribeUserPool", json!({"UserPoolId": other})).await;

    let (status, _) = emu.post("/_emulator/reset", json!({})).await;
    assert_eq!(status, 200);
    emu.err("DescribeUserPool", json!({"UserPoolId": other}), "ResourceNotFoundException").await;
    password_auth(&emu, WEB, None, "alice@example.com", "Passw0rd!").await.ok();
    let (_, msgs) = emu.get("/_emulator/messages").await;
    assert_eq!(msgs["messages"], json!([]));
    let (status, _) = emu.post("/_emulator/reset?pool=us-east-1_Missing00", json!({})).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_clock_expires_codes_and_tokens_without_sleeping() {
    let emu = start_with(|_| {}).await;
    let (_, client, _) = common::password_pool(&emu, false).await;
    sign_up(&emu, &client, "tick", "Passw0rd!", &[("email", "tick@example.com")]).await.ok();
    let code = emu.last_code("tick@example.com").await;
    let (_, before) = emu.get("/_emulator/clock").await;
    let (status, after) = emu.post("/_emulator/clock", json!({"advanceSeconds": 86401})).await;
    assert_eq!(status, 200);
    assert!(after["now"].as_f64().unwrap() - before["now"].as_f64().unwrap() >= 86401.0);
    assert_eq!(after["offsetSeconds"], 86401.0);
    confirm_sign_up(&emu, &client, "tick", &code).await.err("ExpiredCodeException");

    common::confirmed_user(&emu, &client, None, "tock", "tock@example.com", "Passw0rd!").await;
    let out = password_auth(&emu, &client, None, "tock", "Passw0rd!").await.ok();
    let access = out["AuthenticationResult"]["AccessToken"].clone();
    get_user(&emu, &access).await.ok();
    emu.post("/_emulator/clock", json!({"advanceSeconds": 3601})).await;
    assert_eq!(
        get_user(&emu, &access).await.err("NotAuthorizedException"),
        "Access Token has expired"
    );
    let (status, _) = emu.post("/_emulator/clock", json!({"advanceSeconds": -5})).await;
    assert_eq!(status, 400, "the clock only moves forward");
}

#[tokio::test]
async fn export_then_import_keeps_passwords_and_ids() {
    let emu = start_with(|_| {}).await;
    let (pool, client, _) = common::password_pool(&emu, false).await;
    common::confirmed_user(&emu, &client, None, "exp", "exp@example.com", "Passw0rd!").await;
    emu.ok("CreateGroup", json!({"UserPoolId": pool, "GroupName": "team"})).await;
    emu.ok(
        "AdminAddUserToGroup",
        json!({"UserPoolId": pool, "Username": "exp", "GroupName": "team"}),
    )
    .await;
    let (status, doc) = emu.get("/_emulator/export").await;
    assert_eq!(status, 200);
    assert!(doc["UserPools"][0]["Users"][0].get("Password").is_none(), "no plaintext anywhere");

    let dir = tempfile::tempdir().unwrap();
    let seed = write_seed(&dir, &doc);
    let copy = start_with(|c| c.seed = Some(seed.clone())).await;
    cognito_emulator::apply_seed(&copy.app).unwrap();
    let out = password_auth(&copy, &client, None, "exp", "Passw0rd!").await.ok();
    let id = claims(out["AuthenticationResult"]["IdToken"].as_str().unwrap());
    assert_eq!(id["cognito:groups"], json!(["team"]));
    let original = emu.admin_get_user(&pool, "exp").await;
    assert_eq!(id["sub"], original["UserAttributes"][0]["Value"]);
}
