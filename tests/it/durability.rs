//! The binary itself: a write answered 200 survives `kill -9`, the keys survive a restart (tokens issued
//! before still verify), the start-up line says where things are, `--help` and `--version` work.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use crate::common;

/// A running emulator process; killed (and reaped) when dropped, so a failed assertion leaks none.
struct Proc {
    child: Child,
    url: String,
    first_line: String,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The emulator on port 0 with quiet logs and cheap argon2.
fn spawn(data: &str, keys: &str) -> Proc {
    spawn_with(
        data,
        keys,
        &["--log-level", "warn", "--argon2-memory-kib", "1024", "--argon2-iterations", "1"],
        Stdio::null(),
    )
}

/// The emulator on port 0 with `data`, `keys` and the `extra` arguments; waits for its start-up line.
fn spawn_with(
    data: impl AsRef<OsStr>,
    keys: impl AsRef<OsStr>,
    extra: &[&str],
    stderr: Stdio,
) -> Proc {
    let mut child = common::emulator_command()
        .args(["--port", "0"])
        .arg("--data")
        .arg(data)
        .arg("--keys")
        .arg(keys)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("spawn emulator");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).expect("start-up line");
    let url = line
        .split("listening on ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .expect("url")
        .to_string();
    Proc { child, url, first_line: line }
}

fn call(url: &str, op: &str, body: Value) -> (u16, Value) {
    http::post(url, op, body)
}

mod http {
    //! A tiny blocking client over std TCP (keeps this test free of an async runtime).
    use std::io::{Read, Write};
    use std::net::TcpStream;

    pub fn post(url: &str, op: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let host = url.trim_start_matches("http://");
        let mut s = TcpStream::connect(host).expect("connect");
        let body = body.to_string();
        write!(
            s,
            "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-amz-json-1.1\r\n\
             X-Amz-Target: AWSCognitoIdentityProviderService.{op}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut raw = String::new();
        s.read_to_string(&mut raw).unwrap();
        let status = raw.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        let json = raw
            .split("\r\n\r\n")
            .nth(1)
            .and_then(|b| serde_json::from_str(b).ok())
            .unwrap_or_default();
        (status, json)
    }
}

#[test]
fn writes_survive_kill_9_and_keys_survive_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data").display().to_string();
    let keys = dir.path().join("keys").display().to_string();

    let mut first = spawn(&data, &keys);
    assert!(first.first_line.contains(&format!("data: {data}/cognito.db")), "{}", first.first_line);
    assert!(first.first_line.contains(&format!("keys: {keys}")), "{}", first.first_line);
    assert!(first.first_line.contains("mail: outbox only"), "{}", first.first_line);
    let (s, pool) = call(&first.url, "CreateUserPool", json!({"PoolName": "durable"}));
    assert_eq!(s, 200);
    let pool_id = pool["UserPool"]["Id"].as_str().unwrap().to_string();
    let (_, c) = call(
        &first.url,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool_id, "ClientName": "c", "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]}),
    );
    let client = c["UserPoolClient"]["ClientId"].as_str().unwrap().to_string();
    let (s, _) = call(
        &first.url,
        "SignUp",
        json!({"ClientId": client, "Username": "kept", "Password": "Passw0rd!"}),
    );
    assert_eq!(s, 200);
    let (s, _) =
        call(&first.url, "AdminConfirmSignUp", json!({"UserPoolId": pool_id, "Username": "kept"}));
    assert_eq!(s, 200);
    let (_, auth) = call(
        &first.url,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "kept", "PASSWORD": "Passw0rd!"}}),
    );
    let access = auth["AuthenticationResult"]["AccessToken"].as_str().unwrap().to_string();
    // No graceful shutdown: SIGKILL right after the last 200.
    first.child.kill().unwrap();
    first.child.wait().unwrap();

    let mut second = spawn(&data, &keys);
    let (s, user) =
        call(&second.url, "AdminGetUser", json!({"UserPoolId": pool_id, "Username": "kept"}));
    assert_eq!(s, 200, "{user}");
    assert_eq!(user["UserStatus"], "CONFIRMED");
    // Same keys: the access token from before the crash still verifies.
    let (s, me) = call(&second.url, "GetUser", json!({"AccessToken": access}));
    assert_eq!((s, me["Username"].as_str()), (200, Some("kept")));
    second.child.kill().unwrap();
    second.child.wait().unwrap();
}

#[test]
fn in_memory_mode_and_cli_basics() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys").display().to_string();
    let mut p = spawn(":memory:", &keys);
    assert!(p.first_line.contains("data: :memory:"), "{}", p.first_line);
    let (s, _) = call(&p.url, "CreateUserPool", json!({"PoolName": "mem"}));
    assert_eq!(s, 200);
    p.child.kill().unwrap();
    p.child.wait().unwrap();
    assert!(!dir.path().join("data").exists());

    let help = common::emulator_command().arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--host",
        "--port",
        "--data",
        "--keys",
        "--issuer-url",
        "--smtp-url",
        "--mail-from",
        "--fixed-code",
        "--region",
        "--account-id",
        "--log-level",
    ] {
        assert!(text.contains(flag), "--help lists {flag}");
    }
    assert!(text.contains("COGNITO_EMULATOR_SMTP_URL"), "--help shows env twins");
    let version = common::emulator_command().arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("cognito-emulator "));
    let bad = common::emulator_command().args(["--fixed-code", "12ab"]).output().unwrap();
    assert!(!bad.status.success());
}

#[test]
fn sigterm_finishes_cleanly_and_json_logs_carry_the_request() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut p = spawn_with(
        &data,
        dir.path().join("keys"),
        &["--log-level", "info", "--log-format", "json"],
        Stdio::piped(),
    );
    let (s, pool) = call(&p.url, "CreateUserPool", json!({"PoolName": "graceful"}));
    assert_eq!(s, 200);
    let pool_id = pool["UserPool"]["Id"].as_str().unwrap().to_string();
    let (s, _) = call(&p.url, "DescribeUserPool", json!({"UserPoolId": pool_id}));
    assert_eq!(s, 200);

    // `kill` is a shell builtin: no external binary needed.
    let status =
        Command::new("sh").args(["-c", &format!("kill -TERM {}", p.child.id())]).status().unwrap();
    assert!(status.success());
    let exit = p.child.wait().unwrap();
    assert!(exit.success(), "SIGTERM ends with status 0, got {exit:?}");
    // The WAL was folded into the database file at shutdown.
    let wal = data.join("cognito.db-wal");
    assert!(!wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0, "WAL left behind");

    let mut logs = String::new();
    std::io::Read::read_to_string(&mut p.child.stderr.take().unwrap(), &mut logs).unwrap();
    let request = logs
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["operation"] == "DescribeUserPool")
        .expect("a JSON log line for the DescribeUserPool request");
    assert_eq!(request["pool"], pool_id.as_str());
    assert_eq!(request["outcome"], "ok");
    assert!(
        request["elapsed_ms"].is_number()
            && request["request_id"].as_str().is_some_and(|r| r.len() == 36)
    );
}

#[test]
fn healthcheck_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys").display().to_string();
    let mut p = spawn(":memory:", &keys);
    let port = p.url.rsplit(':').next().unwrap().to_string();
    let ok = common::emulator_command()
        .args(["--host", "0.0.0.0", "--port", &port, "healthcheck"])
        .status()
        .unwrap();
    assert!(ok.success(), "0.0.0.0 is checked on the loopback");
    let ok = common::emulator_command().args(["healthcheck", "--url", &p.url]).status().unwrap();
    assert!(ok.success());
    p.child.kill().unwrap();
    p.child.wait().unwrap();
    let down = common::emulator_command().args(["--port", &port, "healthcheck"]).output().unwrap();
    assert!(!down.status.success());
    assert!(String::from_utf8_lossy(&down.stderr).contains("/health"));
}
