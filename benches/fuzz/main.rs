//! HTTP fuzzer (issue 14): starts the release emulator (or drives `--endpoint`), and sends
//! `FUZZ_REQUESTS` requests (default 1,000,000) over `FUZZ_CONNECTIONS` keep-alive connections (16):
//! model-driven requests of every operation with valid, edge and wrong values, mangled bodies, and a
//! steady mix of creates, deletes and sign-ins naming pools, clients and users that exist or were just
//! deleted; plus raw HTTP garbage on connections of its own. Counts every status, every answer >= 500,
//! transport failures and whether the emulator is still alive at the end; watches the WAL file's size.
//!
//! `cargo bench --bench fuzz` (the long run: ~10 minutes on 2 cores); `FUZZ_REQUESTS=20000 cargo bench
//! --bench fuzz` for a short one. `FUZZ_SEED` replays a run. Under `cargo test --benches` it does
//! nothing.

#[path = "../load/http.rs"]
#[allow(dead_code)]
mod http;

mod generate;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use generate::{Known, Model, Rng, mangle};
use http::Conn;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

struct Emulator {
    child: Option<Child>,
    addr: String,
    data: Option<tempfile::TempDir>,
}

fn start() -> Emulator {
    if let Some(endpoint) = std::env::args()
        .skip_while(|a| a != "--endpoint")
        .nth(1)
        .or_else(|| std::env::var("FUZZ_ENDPOINT").ok())
    {
        return Emulator {
            child: None,
            addr: endpoint
                .trim_start_matches("http://")
                .trim_end_matches('/')
                .to_string(),
            data: None,
        };
    }
    let bin = std::env::var("FUZZ_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_cognito-emulator").to_string());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new(&bin);
    cmd.args(["--host", "127.0.0.1", "--port", "0", "--log-level", "warn"])
        .arg("--data")
        .arg(dir.path().join("data"))
        .arg("--keys")
        .arg(dir.path().join("keys"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("COGNITO_EMULATOR_") {
            cmd.env_remove(name);
        }
    }
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the emulator");
    let mut line = String::new();
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    out.read_line(&mut line).expect("ready line");
    std::thread::spawn(move || for _ in out.lines() {});
    let addr = line
        .split("listening on http://")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .expect("address")
        .to_string();
    Emulator {
        child: Some(child),
        addr,
        data: Some(dir),
    }
}

#[derive(Default)]
struct Tally {
    statuses: Mutex<BTreeMap<u16, u64>>,
    server_errors: Mutex<Vec<String>>,
    transport: AtomicU64,
    garbage: AtomicU64,
    sent: AtomicUsize,
}

impl Tally {
    fn record(&self, op: &str, status: u16, body: &[u8]) {
        *self.statuses.lock().unwrap().entry(status).or_default() += 1;
        if status >= 500 {
            let text: String = String::from_utf8_lossy(body).chars().take(300).collect();
            self.server_errors
                .lock()
                .unwrap()
                .push(format!("{op}: {status} {text}"));
        }
    }
}

/// Learns pools, clients, users and tokens from successful answers.
fn learn(known: &Mutex<Known>, op: &str, request: &Value, answer: &Value) {
    let mut k = known.lock().unwrap();
    let cap = |list: &mut Vec<String>, v: String| {
        if list.len() >= 200 {
            list.remove(0);
        }
        list.push(v);
    };
    match op {
        "CreateUserPool" => {
            if let Some(id) = answer["UserPool"]["Id"].as_str() {
                cap(&mut k.pools, id.to_string());
            }
        }
        "CreateUserPoolClient" => {
            if let Some(id) = answer["UserPoolClient"]["ClientId"].as_str() {
                cap(&mut k.clients, id.to_string());
            }
        }
        "SignUp" | "AdminCreateUser" => {
            if let Some(u) = request["Username"].as_str() {
                cap(&mut k.users, u.to_string());
            }
        }
        _ => {}
    }
    if let Some(r) = answer.get("AuthenticationResult") {
        for t in ["AccessToken", "RefreshToken"] {
            if let Some(v) = r[t].as_str() {
                cap(&mut k.tokens, v.to_string());
            }
        }
    }
    if let Some(s) = answer["Session"].as_str() {
        cap(&mut k.sessions, s.to_string());
    }
}

/// A request of the steady mix: creates, deletes, sign-ins, or any operation of the model.
fn next_request(model: &Model, names: &[String], rng: &mut Rng, known: &Known) -> (String, Value) {
    let pool = || known.pools.first().cloned().unwrap_or_default();
    let op: String = match rng.below(100) {
        0..=2 => "CreateUserPool".into(),
        3..=5 => "CreateUserPoolClient".into(),
        6..=11 => "SignUp".into(),
        12..=14 => "AdminCreateUser".into(),
        15..=16 => "DeleteUserPool".into(),
        17..=19 => "AdminDeleteUser".into(),
        20 => "DeleteUserPoolClient".into(),
        21..=30 => "InitiateAuth".into(),
        31..=34 => "AdminInitiateAuth".into(),
        _ => rng.pick(names).clone(),
    };
    let mut req = model.request(&op, rng, known);
    // Make the common ones likely to succeed, so that there is something to race.
    if rng.chance(70) {
        if let Some(obj) = req.as_object_mut() {
            match op.as_str() {
                "CreateUserPool" => {
                    obj.clear();
                    obj.insert("PoolName".into(), json!(format!("fuzz{}", rng.below(1000))));
                }
                "CreateUserPoolClient" => {
                    obj.clear();
                    obj.insert("UserPoolId".into(), json!(pool()));
                    obj.insert("ClientName".into(), json!("c"));
                    obj.insert(
                        "ExplicitAuthFlows".into(),
                        json!([
                            "ALLOW_USER_PASSWORD_AUTH",
                            "ALLOW_USER_SRP_AUTH",
                            "ALLOW_REFRESH_TOKEN_AUTH",
                            "ALLOW_ADMIN_USER_PASSWORD_AUTH"
                        ]),
                    );
                }
                "SignUp" => {
                    obj.insert("Password".into(), json!("Passw0rd!"));
                    obj.insert("Username".into(), json!(format!("u{}", rng.below(5000))));
                    obj.remove("SecretHash");
                }
                "AdminCreateUser" => {
                    obj.insert("TemporaryPassword".into(), json!("Passw0rd!"));
                    obj.insert("Username".into(), json!(format!("a{}", rng.below(5000))));
                }
                "InitiateAuth" | "AdminInitiateAuth" => {
                    let user = known
                        .users
                        .get(rng.below(known.users.len().max(1)))
                        .cloned()
                        .unwrap_or_default();
                    obj.insert(
                        "AuthFlow".into(),
                        json!(if op == "InitiateAuth" {
                            "USER_PASSWORD_AUTH"
                        } else {
                            "ADMIN_USER_PASSWORD_AUTH"
                        }),
                    );
                    obj.insert(
                        "AuthParameters".into(),
                        json!({"USERNAME": user, "PASSWORD": "Passw0rd!"}),
                    );
                }
                _ => {}
            }
        }
    }
    (op, req)
}

/// Raw HTTP that is not a well-formed API call, on a connection of its own.
async fn garbage(addr: &str, rng: &mut Rng) -> Result<(), String> {
    let n = rng.below(300);
    let body = rng.bytes(n);
    let request: Vec<u8> = match rng.below(7) {
        0 => {
            let n = 1 + rng.below(500);
            rng.bytes(n)
        }
        1 => format!("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n", body.len() + 50)
            .into_bytes()
            .into_iter()
            .chain(body)
            .collect(),
        2 => format!("POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSCognitoIdentityProviderService.{}\r\nX-Amz-Target: AWSCognitoIdentityProviderService.SignUp\r\nContent-Length: 2\r\n\r\n{{}}", "ListUserPools").into_bytes(),
        3 => format!("POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: {}\r\nContent-Length: 0\r\n\r\n", "A".repeat(n)).into_bytes(),
        4 => b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n".to_vec(),
        5 => format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", generate::random_string(rng, n % 50)).into_bytes(),
        _ => b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSCognitoIdentityProviderService.SignUp\r\nContent-Length: 99999999999\r\n\r\n{".to_vec(),
    };
    let mut s = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    let _ = s.write_all(&request).await;
    let _ = s.shutdown().await;
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf)).await;
    // A status line, if any, must not be 5xx.
    let head = String::from_utf8_lossy(&buf[..buf.len().min(20)]).into_owned();
    match head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse::<u16>().ok())
    {
        Some(code) if code >= 500 => Err(format!("garbage answered {code}")),
        _ => Ok(()),
    }
}

fn rss_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let l = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    l.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("fuzz: run with `cargo bench --bench fuzz`; nothing to do here");
        return;
    }
    let total: usize = env_or("FUZZ_REQUESTS", 1_000_000);
    let conns: usize = env_or("FUZZ_CONNECTIONS", 16);
    let seed: u64 = env_or("FUZZ_SEED", 1);
    let mut emu = start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let started = Instant::now();
    let tally = Arc::new(Tally::default());
    let known = Arc::new(Mutex::new(Known::default()));
    let model = Arc::new(Model::load());
    let wal_max = Arc::new(AtomicU64::new(0));
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    if let Some(dir) = &emu.data {
        let (wal, wal_max, done) = (
            dir.path().join("data/cognito.db-wal"),
            wal_max.clone(),
            done.clone(),
        );
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
                wal_max.fetch_max(size, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(100));
            }
        });
    }
    runtime.block_on(async {
        let mut tasks = Vec::new();
        for c in 0..conns {
            let (addr, tally, known, model) = (
                emu.addr.clone(),
                tally.clone(),
                known.clone(),
                model.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let mut rng = Rng::new(seed.wrapping_mul(1000) + c as u64);
                let names = model.operation_names();
                let mut conn = Conn::open(&addr).await;
                loop {
                    let n = tally.sent.fetch_add(1, Ordering::Relaxed);
                    if n >= total {
                        break;
                    }
                    if n % 50_000 == 0 {
                        eprintln!("fuzz: {n} requests...");
                    }
                    if rng.chance(5) {
                        tally.garbage.fetch_add(1, Ordering::Relaxed);
                        if let Err(e) = garbage(&addr, &mut rng).await {
                            tally.server_errors.lock().unwrap().push(e);
                        }
                        continue;
                    }
                    let snapshot = known.lock().unwrap().clone();
                    let (op, req) = next_request(&model, &names, &mut rng, &snapshot);
                    let body = if rng.chance(10) {
                        mangle(&req, &mut rng)
                    } else {
                        req.to_string().into_bytes()
                    };
                    match conn.call(&op, &body).await {
                        Ok(reply) => {
                            tally.record(&op, reply.status, &reply.body);
                            if reply.status == 200 {
                                learn(&known, &op, &req, &reply.json());
                            }
                        }
                        Err(_) => {
                            tally.transport.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            }));
        }
        for t in tasks {
            t.await.expect("fuzz task");
        }
    });
    done.store(true, Ordering::Relaxed);
    let elapsed = started.elapsed().as_secs_f64();
    let pid = emu.child.as_ref().map(Child::id);
    let peak = pid.and_then(rss_kib);
    let alive = match &mut emu.child {
        Some(child) => matches!(child.try_wait(), Ok(None)),
        None => true,
    };
    if let Some(mut child) = emu.child.take() {
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let _ = child.wait();
    }
    let statuses = tally.statuses.lock().unwrap().clone();
    let errors = tally.server_errors.lock().unwrap().clone();
    let answered: u64 = statuses.values().sum();
    println!("\n## HTTP fuzz run\n");
    println!(
        "`cargo bench --bench fuzz`: {total} requests (seed {seed}) over {conns} connections in {elapsed:.0} s ({:.0}/s): \
         {answered} API answers, {} raw-garbage connections, {} transport failures (a garbage request may close its \
         connection).\n",
        total as f64 / elapsed,
        tally.garbage.load(Ordering::Relaxed),
        tally.transport.load(Ordering::Relaxed)
    );
    println!("| HTTP status | answers |\n|---:|---:|");
    for (s, n) in &statuses {
        println!("| {s} | {n} |");
    }
    println!(
        "\nAnswers with status >= 500: {}. Emulator alive at the end: {}. Largest WAL file seen: {:.1} MiB. Peak RSS: {}.",
        errors.len(),
        if alive { "yes" } else { "**no (crashed)**" },
        wal_max.load(Ordering::Relaxed) as f64 / 1048576.0,
        peak.map_or("n/a".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
    );
    for e in errors.iter().take(20) {
        println!("- {e}");
    }
    if !errors.is_empty() || !alive {
        std::process::exit(1);
    }
}
