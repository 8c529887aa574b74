//! Request bodies, the check of a lookup's answer, and the pool the workloads use.

use serde_json::json;

use crate::PASSWORD;
use crate::http::{Conn, find};

pub fn sign_up_body(client: &str, username: &str) -> Vec<u8> {
    json!({
        "ClientId": client,
        "Username": username,
        "Password": PASSWORD,
        "UserAttributes": [{"Name": "email", "Value": format!("{username}@example.com")}],
    })
    .to_string()
    .into_bytes()
}

pub fn password_auth_body(client: &str, username: &str) -> Vec<u8> {
    json!({
        "AuthFlow": "USER_PASSWORD_AUTH",
        "ClientId": client,
        "AuthParameters": {"USERNAME": username, "PASSWORD": PASSWORD},
    })
    .to_string()
    .into_bytes()
}

pub fn refresh_body(client: &str, token: &str) -> Vec<u8> {
    json!({
        "AuthFlow": "REFRESH_TOKEN_AUTH",
        "ClientId": client,
        "AuthParameters": {"REFRESH_TOKEN": token},
    })
    .to_string()
    .into_bytes()
}

pub fn get_user_body(access_token: &str) -> Vec<u8> {
    json!({"AccessToken": access_token})
        .to_string()
        .into_bytes()
}

pub fn admin_get_user_body(pool: &str, username: &str) -> Vec<u8> {
    json!({"UserPoolId": pool, "Username": username})
        .to_string()
        .into_bytes()
}

/// ListUsers with an `=` filter on the email every user of the bench has (`<username>@example.com`).
pub fn list_users_body(pool: &str, username: &str) -> Vec<u8> {
    json!({
        "UserPoolId": pool,
        "Filter": format!("email = \"{username}@example.com\""),
    })
    .to_string()
    .into_bytes()
}

/// An AdminGetUser or ListUsers answer must name exactly one user, the one asked for.
pub fn check_lookup(body: &[u8], username: &str) -> Result<(), String> {
    let named = body
        .windows(b"\"Username\"".len())
        .filter(|w| *w == b"\"Username\"")
        .count();
    if named == 1 && find(body, format!("\"{username}\"").as_bytes()).is_some() {
        return Ok(());
    }
    let text: String = String::from_utf8_lossy(body).chars().take(160).collect();
    Err(format!(
        "answer with {named} users, expected {username:?} alone: {text}"
    ))
}

/// A pool with email auto-verified (so SignUp writes a code to the outbox, as a typical app pool does)
/// and a public client allowing password, SRP and refresh sign-in. Returns (pool id, client id).
pub async fn make_pool(conn: &mut Conn, name: &str) -> (String, String) {
    let pool = conn
        .ok(
            "CreateUserPool",
            json!({"PoolName": name, "AutoVerifiedAttributes": ["email"]}),
        )
        .await;
    let pool_id = pool["UserPool"]["Id"]
        .as_str()
        .expect("pool id")
        .to_string();
    let client = conn
        .ok(
            "CreateUserPoolClient",
            json!({
                "UserPoolId": pool_id,
                "ClientName": "load",
                "ExplicitAuthFlows": [
                    "ALLOW_USER_PASSWORD_AUTH",
                    "ALLOW_USER_SRP_AUTH",
                    "ALLOW_REFRESH_TOKEN_AUTH",
                ],
            }),
        )
        .await;
    let client_id = client["UserPoolClient"]["ClientId"]
        .as_str()
        .expect("client id")
        .to_string();
    (pool_id, client_id)
}
