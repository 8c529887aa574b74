//! The binary configured the way the Dockerfile and examples/docker-compose.yml configure it: no flags,
//! only `COGNITO_EMULATOR_*` variables (port, data and key directories, the example seed, the issuer
//! URL), and the HEALTHCHECK command `cognito-emulator healthcheck` with the same environment. The host
//! is 127.0.0.1 rather than the image's 0.0.0.0: tests listen on loopback only (the healthcheck maps
//! 0.0.0.0 to 127.0.0.1 itself).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::common;

/// The emulator's command with none of the caller's `COGNITO_EMULATOR_*` variables and the given ones.
fn command(vars: &[(&str, String)]) -> Command {
    let mut cmd = common::emulator_command();
    for (name, value) in vars {
        cmd.env(name, value);
    }
    cmd
}

/// Kills the emulator when the test ends, passed or not.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(port: u16, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    let status = answer[9..12].parse().expect("status");
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    (status, body.to_string())
}

#[test]
fn runs_from_the_images_environment_with_the_compose_seed_and_issuer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // The image's variables need a fixed port (the HEALTHCHECK reads it): take a free one.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let vars = [
        ("COGNITO_EMULATOR_HOST", "127.0.0.1".to_string()),
        ("COGNITO_EMULATOR_PORT", port.to_string()),
        ("COGNITO_EMULATOR_DATA", data.display().to_string()),
        ("COGNITO_EMULATOR_KEYS", data.join("keys").display().to_string()),
        ("COGNITO_EMULATOR_SEED", root.join("examples/seed.json").display().to_string()),
        ("COGNITO_EMULATOR_ISSUER_URL", "http://localhost:9229".to_string()),
        ("COGNITO_EMULATOR_LOG_LEVEL", "warn".to_string()),
    ];

    // Nothing listens yet: the healthcheck fails.
    let status = command(&vars).arg("healthcheck").stderr(Stdio::null()).status().unwrap();
    assert!(!status.success());

    let mut child = command(&vars)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn emulator");
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    assert!(line.contains(&format!("listening on http://127.0.0.1:{port}")), "{line}");

    let status = command(&vars).arg("healthcheck").status().unwrap();
    assert!(status.success(), "healthcheck failed against a running emulator");

    // The seed applied (its fixed pool id) and the issuer is the configured one, not the listen address.
    let (code, body) = get(port, "/us-east-1_Example01/.well-known/openid-configuration");
    assert_eq!(code, 200, "{body}");
    let config: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(config["issuer"], "http://localhost:9229/us-east-1_Example01");
    assert_eq!(
        config["jwks_uri"],
        "http://localhost:9229/us-east-1_Example01/.well-known/jwks.json"
    );
    let (code, _) = get(port, "/us-east-1_Example01/.well-known/jwks.json");
    assert_eq!(code, 200);

    // State and keys live under the data directory, as under the image's /data volume.
    assert!(data.join("cognito.db").is_file());
    assert!(data.join("keys/id.pem").is_file());
    assert!(data.join("keys/access.pem").is_file());
    drop(running);
}
