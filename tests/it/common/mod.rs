//! Test harness: an emulator in-process on port 0 with its own temporary database, plus small clients
//! for raw x-amz-json-1.1 calls and the official Rust SDK.

pub mod authenticator;
pub mod browser;
pub mod idp_browser;
pub mod lambda;
pub mod oidc_op;
pub mod saml_idp;
pub mod srp;

use std::panic::Location;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use cognito_emulator::config::Config;
use cognito_emulator::{App, serve};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// One signing-key directory per test process, generated once (RSA key generation is the slow part of
/// starting an emulator).
fn shared_keys() -> PathBuf {
    static KEYS: OnceLock<PathBuf> = OnceLock::new();
    KEYS.get_or_init(|| {
        let dir =
            std::env::temp_dir().join(format!("cognito-emulator-test-keys-{}", std::process::id()));
        cognito_emulator::crypto::keys::Keys::load_or_generate(&dir, 4).expect("test keys");
        dir
    })
    .clone()
}

/// A running emulator.
pub struct Emulator {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// The app behind it (clock, store...).
    pub app: Arc<App>,
    /// The temporary data directory, held so that it lives (and is deleted) with the emulator.
    _dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    http: reqwest::Client,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// `Config::defaults()` without the environment: clap would otherwise read the developer's
/// `COGNITO_EMULATOR_*` variables as settings, in-process too.
fn defaults_without_env() -> Config {
    use clap::{CommandFactory, FromArgMatches};
    let command = Config::command().mut_args(|arg| arg.env(None));
    Config::from_arg_matches(&command.get_matches_from(["cognito-emulator"])).expect("defaults")
}

/// Test configuration: temporary file database, shared keys, cheap argon2 unless a test wants OWASP.
pub fn test_config(dir: &tempfile::TempDir) -> Config {
    let mut config = defaults_without_env();
    config.data = dir.path().join("data").display().to_string();
    config.keys = shared_keys();
    config.port = 0;
    config.argon2_memory_kib = 1024;
    config.argon2_iterations = 1;
    config.log_level = "warn".into();
    config
}

/// Starts an emulator with the test configuration.
pub async fn start() -> Emulator {
    start_with(|_| {}).await
}

/// Starts an emulator after `tweak` adjusts the configuration.
pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> Emulator {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = test_config(&dir);
    tweak(&mut config);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = Arc::new(App::new(config).expect("app"));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let served = app.clone();
    tokio::spawn(async move {
        serve(served, listener, async {
            let _ = rx.await;
        })
        .await
        .expect("serve");
    });
    Emulator { url, app, _dir: dir, stop: Some(tx), http: reqwest::Client::new() }
}

/// An API answer.
#[derive(Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: reqwest::header::HeaderMap,
    /// Parsed body (Null when empty or not JSON).
    pub body: Value,
}

impl Answer {
    /// The `__type` of an error answer.
    pub fn error_type(&self) -> &str {
        self.body["__type"].as_str().unwrap_or("")
    }

    /// The message of an error answer.
    pub fn message(&self) -> &str {
        self.body["message"].as_str().or(self.body["Message"].as_str()).unwrap_or("")
    }

    /// Panics unless this is a 200.
    #[track_caller]
    pub fn ok(self) -> Value {
        assert_eq!(self.status, 200, "expected success, got {:?}", self.body);
        self.body
    }

    /// Panics unless this is a 400 with `__type` = `kind`; returns the message.
    #[track_caller]
    pub fn err(&self, kind: &str) -> String {
        assert_eq!(
            (self.status, self.error_type()),
            (400, kind),
            "unexpected answer {:?}",
            self.body
        );
        self.message().to_string()
    }
}

impl Emulator {
    /// Calls `op` with a JSON body; panics unless the answer is a 200, and returns its body:
    /// `emu.ok("ForgotPassword", json!({...})).await` is `emu.call(..).await.ok()`.
    #[track_caller]
    pub fn ok(&self, op: &str, body: Value) -> impl Future<Output = Value> + '_ {
        let caller = Location::caller();
        let op = op.to_string();
        async move {
            let a = self.call(&op, body).await;
            assert_eq!(
                a.status, 200,
                "{op} (called at {caller}): expected success, got {:?}",
                a.body
            );
            a.body
        }
    }

    /// Calls `op` with a JSON body; panics unless the answer is a 400 with `__type` = `kind`, and
    /// returns the message: `emu.err("Op", json!({...}), "Kind").await` is
    /// `emu.call(..).await.err("Kind")`.
    #[track_caller]
    pub fn err(&self, op: &str, body: Value, kind: &str) -> impl Future<Output = String> + '_ {
        let caller = Location::caller();
        let (op, kind) = (op.to_string(), kind.to_string());
        async move {
            let a = self.call(&op, body).await;
            assert_eq!(
                (a.status, a.error_type()),
                (400, kind.as_str()),
                "{op} (called at {caller}): unexpected answer {:?}",
                a.body
            );
            a.message().to_string()
        }
    }

    /// Calls an operation with a JSON body.
    pub async fn call(&self, op: &str, body: Value) -> Answer {
        self.raw(
            Some(&format!("AWSCognitoIdentityProviderService.{op}")),
            body.to_string().into_bytes(),
        )
        .await
    }

    /// Posts raw bytes with an optional target header.
    pub async fn raw(&self, target: Option<&str>, body: Vec<u8>) -> Answer {
        let mut req = self
            .http
            .post(format!("{}/", self.url))
            .header("content-type", "application/x-amz-json-1.1")
            .body(body);
        if let Some(t) = target {
            req = req.header("x-amz-target", t);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap_or_default();
        Answer { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::Null) }
    }

    /// GETs a path and parses the JSON answer.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        let resp = self.http.get(format!("{}{path}", self.url)).send().await.expect("request");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// POSTs a JSON body to a path and parses the JSON answer.
    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let resp = self
            .http
            .post(format!("{}{path}", self.url))
            .body(body.to_string())
            .send()
            .await
            .expect("request");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// AdminGetUser; panics unless it succeeds.
    pub async fn admin_get_user(&self, pool: &str, username: &str) -> Value {
        self.ok("AdminGetUser", json!({"UserPoolId": pool, "Username": username})).await
    }

    /// Creates a pool from a CreateUserPool body and returns its id.
    pub async fn pool(&self, body: Value) -> String {
        let out = self.ok("CreateUserPool", body).await;
        out["UserPool"]["Id"].as_str().unwrap().to_string()
    }

    /// Creates a client in `pool` (extra members merged in) and returns (id, secret).
    pub async fn client(&self, pool: &str, extra: Value) -> (String, Option<String>) {
        let mut body = json!({"UserPoolId": pool, "ClientName": "app"});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        let out = self.ok("CreateUserPoolClient", body).await;
        let c = &out["UserPoolClient"];
        (
            c["ClientId"].as_str().unwrap().to_string(),
            c["ClientSecret"].as_str().map(str::to_string),
        )
    }

    /// The newest code sent to `destination`.
    pub async fn last_code(&self, destination: &str) -> String {
        let (_, out) =
            self.get(&format!("/_emulator/messages?destination={}", urlencode(destination))).await;
        let messages = out["messages"].as_array().cloned().unwrap_or_default();
        messages.last().and_then(|m| m["code"].as_str()).expect("a message with a code").to_string()
    }

    /// The official Rust SDK pointed at this emulator.
    pub fn sdk(&self) -> aws_sdk_cognitoidentityprovider::Client {
        use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
        let config = aws_sdk_cognitoidentityprovider::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("eu-west-1"))
            .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
            .endpoint_url(&self.url)
            .build();
        aws_sdk_cognitoidentityprovider::Client::from_conf(config)
    }
}

/// A `Command` for the emulator binary that passes none of the developer's `COGNITO_EMULATOR_*`
/// variables through (the binary reads them as its settings).
pub fn emulator_command() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cognito-emulator"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("COGNITO_EMULATOR_") {
            cmd.env_remove(name);
        }
    }
    cmd
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// SECRET_HASH as clients compute it.
pub fn secret_hash(secret: &str, username: &str, client_id: &str) -> String {
    cognito_emulator::crypto::secret_hash::compute(secret, username, client_id)
}

/// Decodes the claims of a JWT without verifying it.
pub fn claims(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("three parts");
    let bytes =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).expect("base64url");
    serde_json::from_slice(&bytes).expect("json claims")
}

/// A pool and a client allowing password sign-in, with email auto-verified.
pub async fn password_pool(emu: &Emulator, with_secret: bool) -> (String, String, Option<String>) {
    let pool = emu.pool(json!({"PoolName": "tests", "AutoVerifiedAttributes": ["email"]})).await;
    let (client, secret) = emu
        .client(
            &pool,
            json!({
                "GenerateSecret": with_secret,
                "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
            }),
        )
        .await;
    (pool, client, secret)
}

/// Signs a user up and confirms them with the mailed code.
pub async fn confirmed_user(
    emu: &Emulator,
    client: &str,
    secret: Option<&str>,
    username: &str,
    email: &str,
    password: &str,
) {
    let mut body = json!({
        "ClientId": client, "Username": username, "Password": password,
        "UserAttributes": [{"Name": "email", "Value": email}],
    });
    if let Some(s) = secret {
        body["SecretHash"] = json!(secret_hash(s, username, client));
    }
    emu.ok("SignUp", body).await;
    let code = emu.last_code(email).await;
    let mut confirm = json!({"ClientId": client, "Username": username, "ConfirmationCode": code});
    if let Some(s) = secret {
        confirm["SecretHash"] = json!(secret_hash(s, username, client));
    }
    emu.ok("ConfirmSignUp", confirm).await;
}

/// USER_PASSWORD_AUTH.
pub async fn password_auth(
    emu: &Emulator,
    client: &str,
    secret: Option<&str>,
    username: &str,
    password: &str,
) -> Answer {
    let mut params = json!({"USERNAME": username, "PASSWORD": password});
    if let Some(s) = secret {
        params["SECRET_HASH"] = json!(secret_hash(s, username, client));
    }
    emu.call(
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client, "AuthParameters": params}),
    )
    .await
}

/// The part of a pool id after `_` (SRP's pool name).
pub fn pool_name(pool: &str) -> &str {
    pool.split_once('_').unwrap().1
}

/// InitiateAuth USER_SRP_AUTH, then the PASSWORD_VERIFIER answer (without Session, as pycognito does,
/// when `send_session` is false).
pub async fn srp_sign_in(
    emu: &Emulator,
    pool: &str,
    client: &str,
    username: &str,
    password: &str,
    send_session: bool,
) -> Answer {
    let srp = srp::Client::new();
    let params = json!({"USERNAME": username, "SRP_A": srp.srp_a()});
    let start = emu
        .ok(
            "InitiateAuth",
            json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client, "AuthParameters": params}),
        )
        .await;
    assert_eq!(start["ChallengeName"], "PASSWORD_VERIFIER");
    let p = &start["ChallengeParameters"];
    let responses = srp.password_verifier(
        pool_name(pool),
        p["USER_ID_FOR_SRP"].as_str().unwrap(),
        p["USERNAME"].as_str().unwrap(),
        password,
        p,
    );
    let mut body = json!({
        "ClientId": client, "ChallengeName": "PASSWORD_VERIFIER", "ChallengeResponses": responses
    });
    if send_session {
        body["Session"] = start["Session"].clone();
    }
    emu.call("RespondToAuthChallenge", body).await
}

/// REFRESH_TOKEN_AUTH without a client secret or device key (`refresh_token` as a `&str`, a `String`
/// or the `Value` of an AuthenticationResult's RefreshToken).
pub async fn refresh_auth(emu: &Emulator, client: &str, refresh_token: impl Serialize) -> Answer {
    let params = json!({"REFRESH_TOKEN": refresh_token});
    emu.call(
        "InitiateAuth",
        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client, "AuthParameters": params}),
    )
    .await
}

/// GetUser with an access token (a `&str`, a `String` or the `Value` of an AuthenticationResult's
/// AccessToken).
pub async fn get_user(emu: &Emulator, access_token: impl Serialize) -> Answer {
    emu.call("GetUser", json!({"AccessToken": access_token})).await
}

/// ConfirmSignUp without a client secret.
pub async fn confirm_sign_up(emu: &Emulator, client: &str, username: &str, code: &str) -> Answer {
    let body = json!({"ClientId": client, "Username": username, "ConfirmationCode": code});
    emu.call("ConfirmSignUp", body).await
}

/// SignUp without a client secret; `attributes` are (name, value) pairs, sent as UserAttributes
/// unless there are none (then the request has no UserAttributes member).
pub async fn sign_up(
    emu: &Emulator,
    client: &str,
    username: &str,
    password: &str,
    attributes: &[(&str, &str)],
) -> Answer {
    let mut body = json!({"ClientId": client, "Username": username, "Password": password});
    if !attributes.is_empty() {
        let attributes: Vec<Value> =
            attributes.iter().map(|(name, value)| json!({"Name": name, "Value": value})).collect();
        body["UserAttributes"] = json!(attributes);
    }
    emu.call("SignUp", body).await
}

/// USER_PASSWORD_AUTH without a client secret; panics unless it succeeds and returns the
/// AuthenticationResult.
pub async fn signed_in(emu: &Emulator, client: &str, username: &str, password: &str) -> Value {
    password_auth(emu, client, None, username, password).await.ok()["AuthenticationResult"].clone()
}

/// One token (`"AccessToken"`, `"IdToken"`, `"RefreshToken"`) of an AuthenticationResult.
#[track_caller]
pub fn token(auth: &Value, kind: &str) -> String {
    match auth[kind].as_str() {
        Some(t) => t.to_string(),
        None => panic!("no {kind} in {auth}"),
    }
}

/// A six-digit code other than `code` (for wrong-code cases).
pub fn wrong_code(code: &str) -> String {
    if code == "000000" { "111111" } else { "000000" }.to_string()
}
