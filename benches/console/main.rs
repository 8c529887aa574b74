//! Console benchmark: how fast the web console's users page answers in a pool of 100k users, next to
//! the ListUsers call it is built on. Not a timed test: it prints a markdown table for the README.
//!
//! The release emulator runs as a subprocess (port 0, a temporary SQLite file, `--log-level warn`);
//! the pool is filled with real SignUp calls (16 connections; the filling emulator hashes with cheap
//! argon2 parameters, which the measured reads never touch). Then, on one keep-alive connection, the
//! workloads below run round-robin (so any drift of the machine hits them all alike), each sample
//! checked (HTTP 200 and the expected content):
//!
//! - ListUsers, first page (Limit 60), and the console's users page (the same call, rendered);
//! - ListUsers `email ^= "fill0004"` (10% of the pool matches, the first 60 are returned), and the
//!   console's users page with that search;
//! - the console's home (every pool with its user count: a COUNT over the pool's users) and a user's
//!   page (AdminGetUser, groups, devices, sessions, codes).
//!
//! `cargo bench --bench console` runs it (5 to 8 minutes on 2 cores, most of it the fill);
//! `CONSOLE_BENCH_QUICK=1 cargo bench --bench console` is a smoke run (2,000 users). Knobs:
//! `CONSOLE_BENCH_USERS` [100000 / 2000], `CONSOLE_BENCH_SAMPLES` [500 / 50], `CONSOLE_BENCH_BIN`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// One keep-alive HTTP/1.1 connection (the emulator always answers with Content-Length).
struct Conn {
    addr: String,
    stream: BufReader<TcpStream>,
}

impl Conn {
    fn open(addr: &str) -> Conn {
        let s = TcpStream::connect(addr).expect("connect");
        s.set_nodelay(true).expect("nodelay");
        Conn {
            addr: addr.into(),
            stream: BufReader::new(s),
        }
    }

    fn send(&mut self, head: &str, body: &[u8]) -> (u16, Vec<u8>) {
        let req = format!(
            "{head}\r\nHost: {}\r\nContent-Length: {}\r\n\r\n",
            self.addr,
            body.len()
        );
        let s = self.stream.get_mut();
        s.write_all(req.as_bytes()).expect("write");
        s.write_all(body).expect("write");
        let mut status = 0;
        let mut length = 0usize;
        let mut line = String::new();
        loop {
            line.clear();
            self.stream.read_line(&mut line).expect("read");
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some(rest) = l.strip_prefix("HTTP/1.1 ") {
                status = rest[..3].parse().expect("status");
            } else if let Some((k, v)) = l.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().expect("length");
                }
            }
        }
        let mut body = vec![0; length];
        self.stream.read_exact(&mut body).expect("body");
        (status, body)
    }

    fn call(&mut self, op: &str, body: &Value) -> (u16, Vec<u8>) {
        self.send(
            &format!(
                "POST / HTTP/1.1\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: AWSCognitoIdentityProviderService.{op}"
            ),
            body.to_string().as_bytes(),
        )
    }

    fn ok(&mut self, op: &str, body: Value) -> Value {
        let (status, out) = self.call(op, &body);
        assert_eq!(status, 200, "{op}: {}", String::from_utf8_lossy(&out));
        serde_json::from_slice(&out).expect("json")
    }

    fn get(&mut self, path: &str) -> (u16, Vec<u8>) {
        self.send(&format!("GET {path} HTTP/1.1"), b"")
    }
}

fn env_usize(name: &str, full: usize, quick: usize, is_quick: bool) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if is_quick { quick } else { full })
}

fn start(bin: &str, dir: &std::path::Path) -> (Child, String) {
    let mut cmd = Command::new(bin);
    cmd.args(["--host", "127.0.0.1", "--port", "0", "--log-level", "warn"])
        .args(["--argon2-memory-kib", "1024", "--argon2-iterations", "1"])
        .arg("--data")
        .arg(dir.join("data"))
        .arg("--keys")
        .arg(dir.join("keys"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("COGNITO_EMULATOR_") {
            cmd.env_remove(name);
        }
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the emulator");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines.next().expect("a ready line").expect("utf-8");
    std::thread::spawn(move || for _ in lines {});
    let addr = first
        .split("listening on http://")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .expect("listening on ...")
        .to_string();
    (child, addr)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

struct Workload {
    label: &'static str,
    run: Box<dyn Fn(&mut Conn) -> Result<usize, String>>,
    samples: Vec<Duration>,
    bytes: usize,
}

fn main() {
    let quick = std::env::var_os("CONSOLE_BENCH_QUICK").is_some();
    if !std::env::args().any(|a| a == "--bench") && !quick {
        eprintln!("console bench: run with `cargo bench --bench console`; nothing to do here");
        return;
    }
    let users = env_usize("CONSOLE_BENCH_USERS", 100_000, 2_000, quick);
    let samples = env_usize("CONSOLE_BENCH_SAMPLES", 500, 50, quick);
    let bin = std::env::var("CONSOLE_BENCH_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_cognito-emulator").to_string());
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut child, addr) = start(&bin, dir.path());
    let mut conn = Conn::open(&addr);
    let pool = conn.ok(
        "CreateUserPool",
        json!({"PoolName": "bench", "AutoVerifiedAttributes": ["email"]}),
    )["UserPool"]["Id"]
        .as_str()
        .expect("pool id")
        .to_string();
    let client = conn.ok(
        "CreateUserPoolClient",
        json!({"UserPoolId": pool, "ClientName": "bench"}),
    )["UserPoolClient"]["ClientId"]
        .as_str()
        .expect("client id")
        .to_string();

    eprintln!("console bench: filling the pool with {users} users...");
    let fill_started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let (next, addr, client) = (next.clone(), addr.clone(), client.clone());
            std::thread::spawn(move || {
                let mut c = Conn::open(&addr);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= users {
                        break;
                    }
                    let body = json!({"ClientId": client, "Username": format!("fill{i:08}"),
                        "Password": "Passw0rd!", "UserAttributes": [{"Name": "email", "Value": format!("fill{i:08}@example.com")}]});
                    let (status, out) = c.call("SignUp", &body);
                    assert_eq!(status, 200, "SignUp: {}", String::from_utf8_lossy(&out));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("fill thread");
    }
    let fill_secs = fill_started.elapsed().as_secs_f64();
    eprintln!("console bench: filled in {fill_secs:.0} s; measuring...");

    let page_users = |body: &[u8]| String::from_utf8_lossy(body).matches("/users/fill").count();
    let users_path = format!("/_emulator/ui/pools/{pool}/users");
    let search_path = format!("{users_path}?attr=email&match=prefix&value=fill0004");
    let user_path = format!("{users_path}/fill00000042");
    let (p1, p2) = (pool.clone(), pool.clone());
    let mut workloads = vec![
        Workload {
            label: "ListUsers, first page (Limit 60)",
            run: Box::new(move |c| {
                let (s, b) = c.call("ListUsers", &json!({"UserPoolId": p1, "Limit": 60}));
                let n = serde_json::from_slice::<Value>(&b)
                    .map(|v| v["Users"].as_array().map_or(0, Vec::len))
                    .unwrap_or(0);
                (s == 200 && n == 60)
                    .then_some(b.len())
                    .ok_or(format!("{s}, {n} users"))
            }),
            samples: Vec::new(),
            bytes: 0,
        },
        Workload {
            label: "Console users page, first page (GET .../users: ListUsers + HTML)",
            run: Box::new(move |c| {
                let (s, b) = c.get(&users_path);
                let n = page_users(&b);
                (s == 200 && n == 60)
                    .then_some(b.len())
                    .ok_or(format!("{s}, {n} users"))
            }),
            samples: Vec::new(),
            bytes: 0,
        },
        Workload {
            label: "ListUsers, Filter email ^= \"fill0004\" (10% match, first 60)",
            run: Box::new(move |c| {
                let (s, b) = c.call(
                    "ListUsers",
                    &json!({"UserPoolId": p2, "Limit": 60, "Filter": "email ^= \"fill0004\""}),
                );
                let n = serde_json::from_slice::<Value>(&b)
                    .map(|v| v["Users"].as_array().map_or(0, Vec::len))
                    .unwrap_or(0);
                (s == 200 && n == 60)
                    .then_some(b.len())
                    .ok_or(format!("{s}, {n} users"))
            }),
            samples: Vec::new(),
            bytes: 0,
        },
        Workload {
            label: "Console users page, the same search (?attr=email&match=prefix&value=fill0004)",
            run: Box::new(move |c| {
                let (s, b) = c.get(&search_path);
                let n = String::from_utf8_lossy(&b)
                    .matches("/users/fill0004")
                    .count();
                (s == 200 && n == 60)
                    .then_some(b.len())
                    .ok_or(format!("{s}, {n} users"))
            }),
            samples: Vec::new(),
            bytes: 0,
        },
        Workload {
            label: "Console home (pools with user counts)",
            run: Box::new(move |c| {
                let (s, b) = c.get("/_emulator/ui");
                let ok = s == 200 && String::from_utf8_lossy(&b).contains(&format!(">{users}</a>"));
                ok.then_some(b.len()).ok_or(format!("{s}"))
            }),
            samples: Vec::new(),
            bytes: 0,
        },
        Workload {
            label: "Console user page (AdminGetUser, groups, devices, sessions, codes)",
            run: Box::new(move |c| {
                let (s, b) = c.get(&user_path);
                let ok =
                    s == 200 && String::from_utf8_lossy(&b).contains("fill00000042@example.com");
                ok.then_some(b.len()).ok_or(format!("{s}"))
            }),
            samples: Vec::new(),
            bytes: 0,
        },
    ];
    let mut conn = Conn::open(&addr);
    for round in 0..samples + 20 {
        for w in workloads.iter_mut() {
            let t = Instant::now();
            let out = (w.run)(&mut conn);
            let elapsed = t.elapsed();
            match out {
                Ok(bytes) => w.bytes = bytes,
                Err(e) => panic!("{}: unexpected answer: {e}", w.label),
            }
            if round >= 20 {
                w.samples.push(elapsed);
            }
        }
    }
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let _ = child.wait();

    let base: Vec<Duration> = {
        let mut s = workloads[0].samples.clone();
        s.sort();
        s
    };
    let filtered_base: Vec<Duration> = {
        let mut s = workloads[2].samples.clone();
        s.sort();
        s
    };
    println!(
        "Pool of {users} users (filled by SignUp in {fill_secs:.0} s), {samples} samples each, round-robin on one keep-alive connection, every answer checked.\n"
    );
    println!("| Request | median | p99 | median vs its ListUsers | answer size |");
    println!("|---|---:|---:|---:|---:|");
    for (i, w) in workloads.iter_mut().enumerate() {
        w.samples.sort();
        let median = percentile(&w.samples, 0.5);
        let reference = match i {
            1 => Some(&base),
            3 => Some(&filtered_base),
            _ => None,
        };
        let ratio = reference
            .map(|r| {
                format!(
                    "{:.2}x",
                    median.as_secs_f64() / percentile(r, 0.5).as_secs_f64()
                )
            })
            .unwrap_or_default();
        println!(
            "| {} | {} | {} | {ratio} | {:.1} KiB |",
            w.label,
            ms(median),
            ms(percentile(&w.samples, 0.99)),
            w.bytes as f64 / 1024.0
        );
    }
}
