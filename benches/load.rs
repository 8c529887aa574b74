//! Load benchmark: starts the release emulator as a subprocess (port 0, temporary data and key
//! directories, `--log-level warn`, OWASP argon2 defaults) and drives it over HTTP/1.1 keep-alive
//! connections, then prints a markdown table for the README.
//!
//! Workloads: 1. sequential latency (SignUp, password sign-in, refresh, GetUser, SRP sign-in); 2.
//! throughput at `LOAD_CONNECTIONS` of the same (SRP counted in complete two-request sign-ins); 3.
//! SignUp latency against pool size; 4. AdminGetUser and ListUsers `email = "..."` against pool size
//! (same pool as 3); 5. the emulator's memory.
//!
//! `cargo bench --bench load` runs the full benchmark (about 6 minutes on 2 cores, most of it filling a
//! pool with 100k users); `LOAD_QUICK=1 cargo bench --bench load` is a smoke run with small numbers.
//! Under `cargo test --benches` (no `--bench` argument) it does nothing unless `LOAD_QUICK` is set.
//!
//! Knobs (environment variables; defaults in brackets, quick-mode defaults after the slash):
//! - `LOAD_SEQ_SIGNUPS` [200 / 20]: users signed up (and signed in for the first time) sequentially.
//! - `LOAD_SEQ_SAMPLES` [2000 / 100]: sequential samples of the cheap operations.
//! - `LOAD_CONNECTIONS` [16]: connections of the throughput runs.
//! - `LOAD_SECONDS` [10 / 1] and `LOAD_WARMUP_SECONDS` [2 / 0.5]: throughput window and warm-up.
//! - `LOAD_POOL_SIZES` [0,10000,100000 / 0,300]: pool sizes of the SignUp-vs-size run (empty: skip).
//! - `LOAD_SIGNUP_SAMPLES` [200 / 20]: sequential SignUps measured at each pool size.
//! - `LOAD_FILL_CONNECTIONS` [32]: concurrency used to fill the pool.
//! - `LOAD_FILL_ARGON2` [1024,1]: argon2 memory KiB and iterations of the emulator that fills the pool.
//! - `LOAD_QUIET_WAIT_SECONDS` [120 / 10]: before each measured phase, wait up to this long for the
//!   other processes on the machine to use less than 0.15 cores (0: do not wait).
//! - `LOAD_SRP_MAX_RATE` [800]: SRP sign-ins/s the precomputed client ephemerals of the SRP
//!   throughput run are sized for (more are computed in the loop if they run out, and counted).
//! - `LOAD_BIN`: emulator binary to measure instead of the one cargo built for this bench.
//! - `LOAD_COMMIT`: commit named in the report (default: `git rev-parse` of this checkout).
//!
//! `COGNITO_EMULATOR_*` variables are removed from the emulator's environment; the others pass through
//! (so `MALLOC_MMAP_THRESHOLD_=1048576 cargo bench --bench load` measures the emulator with a fixed glibc
//! mmap threshold, for instance).
//!
//! The client is a minimal HTTP/1.1 client over tokio sockets (one request in flight per connection,
//! Content-Length or chunked answers), so that the load generator, which shares the machine's cores
//! with the emulator, spends as little CPU as possible; its CPU use is reported next to the server's.
//! SRP sign-ins are real client-side SRP (the math of tests/it/common/srp.rs, with the current time as
//! TIMESTAMP, verified by the emulator): the client ephemerals (256-bit `a`, `A = g^a`) are
//! precomputed before each timed phase and `g^x` is cached per user, so what remains in the loop is one
//! 3072-bit exponentiation per sign-in (~1 ms of one core, through the emulator's AWS-LC exponentiation),
//! reported as load-generator CPU.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cognito_emulator::crypto::modexp::Modulus;
use cognito_emulator::crypto::srp;
use num_bigint::BigUint;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant as TokioInstant;

const PASSWORD: &str = "Passw0rd!";
const OWASP: &str = "argon2id OWASP defaults (19456 KiB, 2 iterations)";

// ---------------------------------------------------------------------------------------------
// Settings

struct Settings {
    quick: bool,
    seq_signups: usize,
    seq_samples: usize,
    connections: usize,
    seconds: f64,
    warmup: f64,
    pool_sizes: Vec<usize>,
    signup_samples: usize,
    fill_connections: usize,
    fill_argon2: (u32, u32),
    quiet_wait: f64,
    srp_max_rate: f64,
    bin: PathBuf,
}

/// `LOAD_QUICK` set to anything but empty or `0`.
fn quick_requested() -> bool {
    std::env::var("LOAD_QUICK").is_ok_and(|v| !v.is_empty() && v != "0")
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a valid value")),
        _ => default,
    }
}

impl Settings {
    fn from_env() -> Settings {
        let quick = quick_requested();
        fn pick<T>(quick: bool, full: T, small: T) -> T {
            if quick { small } else { full }
        }
        let sizes = std::env::var("LOAD_POOL_SIZES")
            .unwrap_or_else(|_| pick(quick, "0,10000,100000", "0,300").to_string());
        let mut pool_sizes: Vec<usize> = sizes
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| {
                s.trim()
                    .parse()
                    .unwrap_or_else(|_| panic!("LOAD_POOL_SIZES: {s:?} is not a number"))
            })
            .collect();
        pool_sizes.sort_unstable();
        pool_sizes.dedup();
        let fill = std::env::var("LOAD_FILL_ARGON2").unwrap_or_else(|_| "1024,1".into());
        let fill_argon2 = fill
            .split_once(',')
            .and_then(|(m, t)| Some((m.trim().parse().ok()?, t.trim().parse().ok()?)))
            .unwrap_or_else(|| panic!("LOAD_FILL_ARGON2={fill:?}: expected `<KiB>,<iterations>`"));
        let bin = std::env::var_os("LOAD_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_cognito-emulator")));
        Settings {
            quick,
            seq_signups: env_or("LOAD_SEQ_SIGNUPS", pick(quick, 200, 20)),
            seq_samples: env_or("LOAD_SEQ_SAMPLES", pick(quick, 2000, 100)),
            connections: env_or("LOAD_CONNECTIONS", 16),
            seconds: env_or("LOAD_SECONDS", pick(quick, 10.0, 1.0)),
            warmup: env_or("LOAD_WARMUP_SECONDS", pick(quick, 2.0, 0.5)),
            pool_sizes,
            signup_samples: env_or("LOAD_SIGNUP_SAMPLES", pick(quick, 200, 20)),
            fill_connections: env_or("LOAD_FILL_CONNECTIONS", 32),
            fill_argon2,
            quiet_wait: env_or("LOAD_QUIET_WAIT_SECONDS", pick(quick, 120.0, 10.0)),
            srp_max_rate: env_or("LOAD_SRP_MAX_RATE", 800.0),
            bin,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The emulator process

/// A running emulator subprocess.
struct Server {
    child: Child,
    addr: String,
    pid: u32,
    /// Lines the emulator wrote to stderr (warnings and errors at `--log-level warn`).
    logged: Arc<AtomicUsize>,
}

impl Server {
    /// Starts the emulator on port 0 and waits for its ready line. `argon2` overrides the OWASP
    /// defaults (used only to fill pools).
    fn start(
        bin: &Path,
        data: &Path,
        keys: &Path,
        argon2: Option<(u32, u32)>,
        label: &str,
    ) -> Server {
        let mut cmd = Command::new(bin);
        cmd.args(["--host", "127.0.0.1", "--port", "0", "--log-level", "warn"])
            .arg("--data")
            .arg(data)
            .arg("--keys")
            .arg(keys);
        if let Some((kib, iterations)) = argon2 {
            cmd.arg("--argon2-memory-kib")
                .arg(kib.to_string())
                .arg("--argon2-iterations")
                .arg(iterations.to_string());
        }
        // Every flag has a COGNITO_EMULATOR_* twin: the developer's environment must not change what is
        // measured.
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("COGNITO_EMULATOR_") {
                cmd.env_remove(name);
            }
        }
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let pid = child.id();

        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(first)) = lines.next() {
                let _ = tx.send(first);
            }
            // Keep draining so that a later println! in the emulator never hits a closed pipe.
            for _ in lines {}
        });
        let logged = Arc::new(AtomicUsize::new(0));
        let stderr = child.stderr.take().expect("piped stderr");
        let (counter, tag) = (logged.clone(), label.to_string());
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                counter.fetch_add(1, Ordering::Relaxed);
                eprintln!("[emulator {tag}] {line}");
            }
        });

        let first = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(line) => line,
            Err(_) => {
                let status = child.try_wait();
                let _ = child.kill();
                panic!(
                    "the emulator ({label}) printed no ready line within 120 s (exit: {status:?})"
                );
            }
        };
        let addr = first
            .split("listening on http://")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("unexpected first line from the emulator: {first:?}"))
            .to_string();
        Server {
            child,
            addr,
            pid,
            logged,
        }
    }

    fn status_field_kib(&self, field: &str) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).ok()?;
        let line = status.lines().find(|l| l.starts_with(field))?;
        line[field.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    }

    /// Resident set size in KiB.
    fn rss_kib(&self) -> Option<u64> {
        self.status_field_kib("VmRSS:")
    }

    /// Peak resident set size in KiB.
    fn hwm_kib(&self) -> Option<u64> {
        self.status_field_kib("VmHWM:")
    }

    /// User + system CPU time of the emulator, in clock ticks.
    fn cpu_ticks(&self) -> u64 {
        cpu_ticks_of(&format!("/proc/{}/stat", self.pid))
    }

    /// SIGTERM, then wait (SIGKILL after 20 s).
    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        eprintln!("load: the emulator did not stop within 20 s of SIGTERM; killing it");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn cpu_ticks_of(stat_path: &str) -> u64 {
    let Ok(stat) = std::fs::read_to_string(stat_path) else {
        return 0;
    };
    // Fields after the command name (which may contain spaces) start at field 3; utime and stime are
    // fields 14 and 15.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let get = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    get(11) + get(12)
}

/// CPU use of the emulator, of this load generator and of everything else on the machine over a span
/// of time, in cores.
struct CpuMeter {
    server: u64,
    client: u64,
    busy: u64,
    at: Instant,
}

#[derive(Clone, Copy, Default)]
struct CpuUse {
    server: f64,
    client: f64,
    /// Other processes disturb the numbers: this says how much.
    other: f64,
}

impl CpuMeter {
    fn start(server: &Server) -> CpuMeter {
        CpuMeter {
            server: server.cpu_ticks(),
            client: cpu_ticks_of("/proc/self/stat"),
            busy: machine_busy_ticks(),
            at: Instant::now(),
        }
    }

    fn stop(&self, server: &Server) -> CpuUse {
        let secs = self.at.elapsed().as_secs_f64().max(1e-9) * clock_ticks_per_second();
        let server_ticks = server.cpu_ticks().saturating_sub(self.server) as f64;
        let client_ticks = cpu_ticks_of("/proc/self/stat").saturating_sub(self.client) as f64;
        let busy = machine_busy_ticks().saturating_sub(self.busy) as f64;
        CpuUse {
            server: server_ticks / secs,
            client: client_ticks / secs,
            other: (busy - server_ticks - client_ticks).max(0.0) / secs,
        }
    }
}

/// Seconds spent waiting for a quiet machine, and how many waits gave up.
static QUIET_WAITED_MS: AtomicUsize = AtomicUsize::new(0);
static QUIET_GAVE_UP: AtomicUsize = AtomicUsize::new(0);

/// Other processes above this many cores make a machine "busy".
const QUIET_CORES: f64 = 0.15;

/// Before a measured phase: waits (up to `LOAD_QUIET_WAIT_SECONDS`) until the rest of the machine uses
/// less than `QUIET_CORES` over one second, so that a neighbour's compile does not land in the numbers.
async fn wait_quiet(server: &Server, s: &Settings) {
    if s.quiet_wait <= 0.0 {
        return;
    }
    let t = Instant::now();
    let mut announced = false;
    loop {
        let meter = CpuMeter::start(server);
        tokio::time::sleep(Duration::from_secs(1)).await;
        let other = meter.stop(server).other;
        if other < QUIET_CORES {
            break;
        }
        if t.elapsed().as_secs_f64() >= s.quiet_wait {
            QUIET_GAVE_UP.fetch_add(1, Ordering::Relaxed);
            eprintln!(
                "load: other processes still use {other:.2} cores after {:.0} s; measuring anyway",
                s.quiet_wait
            );
            break;
        }
        if !announced {
            eprintln!("load: other processes use {other:.2} cores; waiting for a quiet machine...");
            announced = true;
        }
    }
    // The first second is the check itself, not a wait.
    let waited = t.elapsed().saturating_sub(Duration::from_secs(1));
    QUIET_WAITED_MS.fetch_add(waited.as_millis() as usize, Ordering::Relaxed);
}

/// Busy CPU time of the whole machine (all CPUs, everything but idle and iowait), in clock ticks.
fn machine_busy_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let Some(cpu) = stat.lines().find(|l| l.starts_with("cpu ")) else {
        return 0;
    };
    let fields: Vec<u64> = cpu
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal (guest time is already counted in user).
    fields
        .iter()
        .take(8)
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 4)
        .map(|(_, v)| v)
        .sum()
}

fn clock_ticks_per_second() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .unwrap_or(100.0)
    })
}

// ---------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 keep-alive client

/// One keep-alive connection; one request in flight at a time.
struct Conn {
    addr: String,
    stream: Option<TcpStream>,
    out: Vec<u8>,
    buf: Vec<u8>,
}

/// An HTTP answer.
struct Reply {
    status: u16,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// How a non-200 answer is counted: status, `__type` and message.
    fn error_key(&self) -> String {
        let v = self.json();
        let text = String::from_utf8_lossy(&self.body);
        let message = v["message"].as_str().unwrap_or(&text);
        let message: String = message.chars().take(160).collect();
        format!(
            "HTTP {} {}: {message}",
            self.status,
            v["__type"].as_str().unwrap_or("(no __type)")
        )
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Decodes a complete chunked body; `Ok(None)` while more bytes are needed.
fn dechunk(mut data: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let mut body = Vec::new();
    loop {
        let Some(eol) = find(data, b"\r\n") else {
            return Ok(None);
        };
        let size_text = std::str::from_utf8(&data[..eol]).map_err(|_| "bad chunk size")?;
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| format!("bad chunk size {size_text:?}"))?;
        data = &data[eol + 2..];
        if size == 0 {
            // Trailers (none expected) end with an empty line.
            return Ok(find(data, b"\r\n").map(|_| body));
        }
        if data.len() < size + 2 {
            return Ok(None);
        }
        body.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<(), String> {
    buf.reserve(16 * 1024);
    match stream.read_buf(buf).await {
        Ok(0) => Err("connection closed by the emulator".into()),
        Ok(_) => Ok(()),
        Err(e) => Err(format!("read: {e}")),
    }
}

impl Conn {
    /// Opens the connection now (so that connecting is not part of the first measured request).
    async fn open(addr: &str) -> Conn {
        let mut conn = Conn {
            addr: addr.to_string(),
            stream: None,
            out: Vec::with_capacity(4096),
            buf: Vec::with_capacity(16 * 1024),
        };
        if let Err(e) = conn.connect().await {
            panic!("cannot connect to the emulator at {addr}: {e}");
        }
        conn
    }

    async fn connect(&mut self) -> Result<(), String> {
        let stream = TcpStream::connect(&self.addr)
            .await
            .map_err(|e| format!("connect: {e}"))?;
        stream
            .set_nodelay(true)
            .map_err(|e| format!("nodelay: {e}"))?;
        self.stream = Some(stream);
        Ok(())
    }

    /// Calls an operation; `Err` is a transport failure (the connection is reopened on the next call).
    async fn call(&mut self, op: &str, body: &[u8]) -> Result<Reply, String> {
        let out = self.exchange(op, body).await;
        if out.is_err() {
            self.stream = None;
        }
        out
    }

    async fn exchange(&mut self, op: &str, body: &[u8]) -> Result<Reply, String> {
        if self.stream.is_none() {
            self.connect().await?;
        }
        let Conn {
            addr,
            stream,
            out,
            buf,
        } = self;
        let stream = stream.as_mut().expect("connected");
        out.clear();
        out.extend_from_slice(b"POST / HTTP/1.1\r\nHost: ");
        out.extend_from_slice(addr.as_bytes());
        out.extend_from_slice(
            b"\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: AWSCognitoIdentityProviderService.",
        );
        out.extend_from_slice(op.as_bytes());
        out.extend_from_slice(format!("\r\nContent-Length: {}\r\n\r\n", body.len()).as_bytes());
        out.extend_from_slice(body);
        stream
            .write_all(out)
            .await
            .map_err(|e| format!("write: {e}"))?;

        buf.clear();
        let head_end = loop {
            if let Some(p) = find(buf, b"\r\n\r\n") {
                break p + 4;
            }
            read_more(stream, buf).await?;
        };
        let head =
            std::str::from_utf8(&buf[..head_end]).map_err(|_| "response head is not UTF-8")?;
        let mut lines = head.split("\r\n");
        let status: u16 = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad status line in {head:?}"))?;
        let (mut length, mut chunked, mut close) = (None, false, false);
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = Some(value.parse::<usize>().map_err(|_| "bad Content-Length")?);
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.to_ascii_lowercase().contains("chunked");
            } else if name.eq_ignore_ascii_case("connection") {
                close = value.eq_ignore_ascii_case("close");
            }
        }
        let body = if chunked {
            loop {
                if let Some(b) = dechunk(&buf[head_end..])? {
                    break b;
                }
                read_more(stream, buf).await?;
            }
        } else {
            let length = length.ok_or("response without Content-Length")?;
            while buf.len() < head_end + length {
                read_more(stream, buf).await?;
            }
            buf[head_end..head_end + length].to_vec()
        };
        if close {
            self.stream = None;
        }
        Ok(Reply { status, body })
    }

    /// A set-up call that must succeed: panics with the answer otherwise.
    async fn ok(&mut self, op: &str, body: Value) -> Value {
        match self.call(op, body.to_string().as_bytes()).await {
            Ok(r) if r.status == 200 => r.json(),
            Ok(r) => panic!("set-up call {op} failed: {}", r.error_key()),
            Err(e) => panic!("set-up call {op} failed: {e}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Request bodies

fn sign_up_body(client: &str, username: &str) -> Vec<u8> {
    json!({
        "ClientId": client,
        "Username": username,
        "Password": PASSWORD,
        "UserAttributes": [{"Name": "email", "Value": format!("{username}@example.com")}],
    })
    .to_string()
    .into_bytes()
}

fn password_auth_body(client: &str, username: &str) -> Vec<u8> {
    json!({
        "AuthFlow": "USER_PASSWORD_AUTH",
        "ClientId": client,
        "AuthParameters": {"USERNAME": username, "PASSWORD": PASSWORD},
    })
    .to_string()
    .into_bytes()
}

fn refresh_body(client: &str, token: &str) -> Vec<u8> {
    json!({
        "AuthFlow": "REFRESH_TOKEN_AUTH",
        "ClientId": client,
        "AuthParameters": {"REFRESH_TOKEN": token},
    })
    .to_string()
    .into_bytes()
}

fn get_user_body(access_token: &str) -> Vec<u8> {
    json!({"AccessToken": access_token})
        .to_string()
        .into_bytes()
}

fn admin_get_user_body(pool: &str, username: &str) -> Vec<u8> {
    json!({"UserPoolId": pool, "Username": username})
        .to_string()
        .into_bytes()
}

/// ListUsers with an `=` filter on the email every user of the bench has (`<username>@example.com`).
fn list_users_body(pool: &str, username: &str) -> Vec<u8> {
    json!({
        "UserPoolId": pool,
        "Filter": format!("email = \"{username}@example.com\""),
    })
    .to_string()
    .into_bytes()
}

/// An AdminGetUser or ListUsers answer must name exactly one user, the one asked for.
fn check_lookup(body: &[u8], username: &str) -> Result<(), String> {
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
async fn make_pool(conn: &mut Conn, name: &str) -> (String, String) {
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

// ---------------------------------------------------------------------------------------------
// Client-side SRP (USER_SRP_AUTH -> PASSWORD_VERIFIER), the math of tests/it/common/srp.rs

/// The TIMESTAMP of a PASSWORD_VERIFIER answer, as Cognito clients write it: `Tue Dec 1 09:05:03 UTC
/// 2026` (day of month not zero-padded).
fn cognito_timestamp(now: std::time::SystemTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = now
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{} {} {day} {:02}:{:02}:{:02} UTC {year}",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(month - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// One client ephemeral: `a` (256 random bits) and `A = g^a mod N` in hex.
struct Ephemeral {
    a: BigUint,
    big_a: BigUint,
    a_hex: String,
}

/// What a user's sign-ins share: `x` depends only on the salt and the password, so `g^x` is computed
/// once per user.
struct UserSecret {
    salt_hex: String,
    x: BigUint,
    gx: BigUint,
}

/// Client time of one SRP sign-in.
#[derive(Default, Clone, Copy)]
struct SrpTiming {
    initiate: Duration,
    math: Duration,
    respond: Duration,
}

/// The SRP client of the bench: precomputed ephemerals, cached `g^x`, and counts of what had to be
/// computed during a timed phase.
struct Srp {
    mont: Modulus,
    n: BigUint,
    g: BigUint,
    k: BigUint,
    client: String,
    pool_name: String,
    ephemerals: std::sync::Mutex<Vec<Ephemeral>>,
    secrets: std::sync::Mutex<HashMap<String, Arc<UserSecret>>>,
    /// Ephemerals computed on demand because the precomputed ones ran out.
    late_ephemerals: AtomicUsize,
    /// `g^x` computed on demand (a user not seen before, or a new salt).
    late_secrets: AtomicUsize,
}

impl Srp {
    fn new(pool: &str, client: &str) -> Srp {
        let n = BigUint::parse_bytes(srp::N_HEX.as_bytes(), 16).expect("N");
        let g = BigUint::from(2u32);
        let k = srp::multiplier().clone();
        // The emulator's exponentiation (AWS-LC; checked against num-bigint by its unit tests).
        let mont = Modulus::new(&n).expect("N is odd");
        let pool_name = pool.split_once('_').map(|(_, p)| p).unwrap_or(pool);
        Srp {
            mont,
            n,
            g,
            k,
            client: client.to_string(),
            pool_name: pool_name.to_string(),
            ephemerals: std::sync::Mutex::new(Vec::new()),
            secrets: std::sync::Mutex::new(HashMap::new()),
            late_ephemerals: AtomicUsize::new(0),
            late_secrets: AtomicUsize::new(0),
        }
    }

    fn ephemeral(&self) -> Ephemeral {
        let mut bytes = [0u8; 32];
        rand::fill(&mut bytes[..]);
        bytes[0] |= 0x80;
        let a = BigUint::from_bytes_be(&bytes);
        let big_a = self.mont.pow(&self.g, &a);
        let a_hex = big_a.to_str_radix(16);
        Ephemeral { a, big_a, a_hex }
    }

    /// Tops the store of ephemerals up to `count`, on every core (untimed); returns the seconds spent.
    fn precompute(&self, count: usize) -> f64 {
        let t = Instant::now();
        let have = self.ephemerals.lock().expect("lock").len();
        let missing = count.saturating_sub(have);
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .max(1);
        let made: Vec<Ephemeral> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let share = missing / threads + usize::from(t < missing % threads);
                    scope.spawn(move || (0..share).map(|_| self.ephemeral()).collect::<Vec<_>>())
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("precompute thread"))
                .collect()
        });
        self.ephemerals.lock().expect("lock").extend(made);
        t.elapsed().as_secs_f64()
    }

    fn take_ephemeral(&self) -> Ephemeral {
        if let Some(e) = self.ephemerals.lock().expect("lock").pop() {
            return e;
        }
        self.late_ephemerals.fetch_add(1, Ordering::Relaxed);
        self.ephemeral()
    }

    fn secret(&self, user_id: &str, salt_hex: &str) -> Arc<UserSecret> {
        if let Some(s) = self.secrets.lock().expect("lock").get(user_id)
            && s.salt_hex == salt_hex
        {
            return s.clone();
        }
        self.late_secrets.fetch_add(1, Ordering::Relaxed);
        let salt = BigUint::parse_bytes(salt_hex.as_bytes(), 16).unwrap_or_default();
        let x = srp::private_x(&self.pool_name, user_id, PASSWORD, &salt);
        let gx = self.mont.pow(&self.g, &x);
        let secret = Arc::new(UserSecret {
            salt_hex: salt_hex.to_string(),
            x,
            gx,
        });
        self.secrets
            .lock()
            .expect("lock")
            .insert(user_id.to_string(), secret.clone());
        secret
    }

    /// PASSWORD_CLAIM_SIGNATURE for one challenge.
    fn signature(
        &self,
        eph: &Ephemeral,
        user: &UserSecret,
        user_id: &str,
        b_hex: &str,
        secret_block: &str,
        timestamp: &str,
    ) -> Result<String, String> {
        let n = &self.n;
        let big_b = BigUint::parse_bytes(b_hex.as_bytes(), 16).ok_or("SRP_B is not hex")?;
        if (&big_b % n) == BigUint::ZERO {
            return Err("SRP_B is a multiple of N".into());
        }
        let u = BigUint::from_bytes_be(&Sha256::digest(
            [srp::pad(&eph.big_a), srp::pad(&big_b)].concat(),
        ));
        if u == BigUint::ZERO {
            return Err("u = 0".into());
        }
        // S = (B - k·g^x)^(a + u·x) mod N.
        let base = (&big_b + &self.k * (n - &user.gx)) % n;
        let s = self.mont.pow(&base, &(&eph.a + &u * &user.x));
        let key = srp::hkdf(&srp::pad(&u), &srp::pad(&s));
        let block = STANDARD
            .decode(secret_block)
            .map_err(|_| "SECRET_BLOCK is not base64")?;
        let sig = srp::claim_signature(&key, &self.pool_name, user_id, &block, timestamp);
        Ok(STANDARD.encode(sig))
    }

    /// A complete sign-in: InitiateAuth USER_SRP_AUTH, the client proof, RespondToAuthChallenge
    /// PASSWORD_VERIFIER; `Ok` only when tokens came back.
    async fn sign_in(&self, conn: &mut Conn, username: &str) -> (Result<(), String>, SrpTiming) {
        let mut timing = SrpTiming::default();
        let eph = self.take_ephemeral();
        let body = json!({
            "AuthFlow": "USER_SRP_AUTH",
            "ClientId": self.client,
            "AuthParameters": {"USERNAME": username, "SRP_A": eph.a_hex},
        })
        .to_string();
        let t = Instant::now();
        let r = conn.call("InitiateAuth", body.as_bytes()).await;
        timing.initiate = t.elapsed();
        let challenge = match r {
            Ok(r) if r.status == 200 => r.json(),
            Ok(r) => return (Err(format!("InitiateAuth {}", r.error_key())), timing),
            Err(e) => return (Err(format!("transport: {e}")), timing),
        };
        let t = Instant::now();
        let p = &challenge["ChallengeParameters"];
        let field = |name: &str| p[name].as_str().unwrap_or_default();
        if challenge["ChallengeName"] != "PASSWORD_VERIFIER" || field("SRP_B").is_empty() {
            let text: String = challenge.to_string().chars().take(160).collect();
            return (
                Err(format!(
                    "InitiateAuth: not a PASSWORD_VERIFIER challenge: {text}"
                )),
                timing,
            );
        }
        let user_id = field("USER_ID_FOR_SRP");
        let secret = self.secret(user_id, field("SALT"));
        let timestamp = cognito_timestamp(std::time::SystemTime::now());
        let signature = match self.signature(
            &eph,
            &secret,
            user_id,
            field("SRP_B"),
            field("SECRET_BLOCK"),
            &timestamp,
        ) {
            Ok(s) => s,
            Err(e) => return (Err(format!("client: {e}")), timing),
        };
        let body = json!({
            "ChallengeName": "PASSWORD_VERIFIER",
            "ClientId": self.client,
            "Session": challenge["Session"],
            "ChallengeResponses": {
                "USERNAME": user_id,
                "PASSWORD_CLAIM_SECRET_BLOCK": field("SECRET_BLOCK"),
                "PASSWORD_CLAIM_SIGNATURE": signature,
                "TIMESTAMP": timestamp,
            },
        })
        .to_string();
        timing.math = t.elapsed();
        let t = Instant::now();
        let r = conn.call("RespondToAuthChallenge", body.as_bytes()).await;
        timing.respond = t.elapsed();
        let outcome = match r {
            Ok(r) if r.status == 200 => {
                if find(&r.body, b"\"AccessToken\"").is_some() {
                    Ok(())
                } else {
                    let text: String = String::from_utf8_lossy(&r.body).chars().take(160).collect();
                    Err(format!("RespondToAuthChallenge: no tokens: {text}"))
                }
            }
            Ok(r) => Err(format!("RespondToAuthChallenge {}", r.error_key())),
            Err(e) => Err(format!("transport: {e}")),
        };
        (outcome, timing)
    }
}

// ---------------------------------------------------------------------------------------------
// Measurements

/// A 200 answer, or the key a failure is counted under.
fn outcome(reply: &Result<Reply, String>) -> Result<(), String> {
    match reply {
        Ok(r) if r.status == 200 => Ok(()),
        Ok(r) => Err(r.error_key()),
        Err(e) => Err(format!("transport: {e}")),
    }
}

/// A lookup answer that is 200 and names the user asked for.
fn lookup_outcome(reply: &Result<Reply, String>, username: &str) -> Result<(), String> {
    outcome(reply)?;
    match reply {
        Ok(r) => check_lookup(&r.body, username),
        Err(_) => Ok(()),
    }
}

/// Latencies of successful (200) answers plus every failure, by kind.
#[derive(Default)]
struct Samples {
    latencies: Vec<Duration>,
    errors: BTreeMap<String, u64>,
}

impl Samples {
    fn record(&mut self, elapsed: Duration, reply: &Result<Reply, String>) {
        self.record_outcome(elapsed, outcome(reply));
    }

    /// `Err` carries the error's key.
    fn record_outcome(&mut self, elapsed: Duration, outcome: Result<(), String>) {
        match outcome {
            Ok(()) => self.latencies.push(elapsed),
            Err(key) => *self.errors.entry(key).or_default() += 1,
        }
    }

    fn merge(&mut self, other: Samples) {
        self.latencies.extend(other.latencies);
        for (k, v) in other.errors {
            *self.errors.entry(k).or_default() += v;
        }
    }

    fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    fn stats(&self) -> Stats {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        // Nearest-rank percentiles.
        let pct = |p: f64| -> Option<Duration> {
            if sorted.is_empty() {
                return None;
            }
            let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
            Some(sorted[rank - 1])
        };
        Stats {
            ok: sorted.len(),
            median: pct(0.50),
            p99: pct(0.99),
            max: sorted.last().copied(),
            errors: self.error_count(),
        }
    }
}

struct Stats {
    ok: usize,
    median: Option<Duration>,
    p99: Option<Duration>,
    max: Option<Duration>,
    errors: u64,
}

fn ms(d: Option<Duration>) -> String {
    match d {
        Some(d) => format!("{:.2} ms", d.as_secs_f64() * 1e3),
        None => "n/a".into(),
    }
}

fn mib(kib: Option<u64>) -> String {
    match kib {
        Some(k) => format!("{:.1} MiB", k as f64 / 1024.0),
        None => "n/a".into(),
    }
}

/// Every failure seen, for the report.
#[derive(Default)]
struct ErrorLog {
    lines: Vec<String>,
}

impl ErrorLog {
    fn add(&mut self, context: &str, errors: &BTreeMap<String, u64>) {
        for (kind, count) in errors {
            self.lines.push(format!("{context}: {count} × {kind}"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Workload 1: sequential latency

struct SignedIn {
    username: String,
    access: String,
    refresh: String,
}

struct SeqRow {
    op: &'static str,
    what: String,
    stats: Stats,
}

async fn sequential(
    server: &Server,
    pool: &str,
    client: &str,
    srp: &Srp,
    s: &Settings,
    log: &mut ErrorLog,
) -> (Vec<SeqRow>, Vec<SignedIn>) {
    wait_quiet(server, s).await;
    let mut conn = Conn::open(&server.addr).await;
    let mut rows = Vec::new();

    // SignUp, then AdminConfirmSignUp outside the timing.
    let mut sign_up = Samples::default();
    let mut confirmed = Vec::new();
    for i in 0..s.seq_signups {
        let username = format!("seq{i:06}");
        let body = sign_up_body(client, &username);
        let t = Instant::now();
        let r = conn.call("SignUp", &body).await;
        sign_up.record(t.elapsed(), &r);
        if matches!(&r, Ok(r) if r.status == 200) {
            conn.ok(
                "AdminConfirmSignUp",
                json!({"UserPoolId": pool, "Username": username}),
            )
            .await;
            confirmed.push(username);
        }
    }
    log.add("sequential SignUp", &sign_up.errors);
    rows.push(SeqRow {
        op: "SignUp",
        what: format!(
            "new user with email (code to the outbox), {OWASP}; AdminConfirmSignUp after each, untimed"
        ),
        stats: sign_up.stats(),
    });

    // First sign-in of each user: argon2 verification, then the credential is cached.
    let mut first = Samples::default();
    let mut users = Vec::new();
    for username in &confirmed {
        let body = password_auth_body(client, username);
        let t = Instant::now();
        let r = conn.call("InitiateAuth", &body).await;
        first.record(t.elapsed(), &r);
        if let Ok(r) = &r {
            if r.status == 200 {
                let v = r.json();
                let result = &v["AuthenticationResult"];
                users.push(SignedIn {
                    username: username.clone(),
                    access: result["AccessToken"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    refresh: result["RefreshToken"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                });
            }
        }
    }
    log.add("sequential first USER_PASSWORD_AUTH", &first.errors);
    rows.push(SeqRow {
        op: "InitiateAuth USER_PASSWORD_AUTH, first sign-in",
        what: "first sign-in of each new user: pays the argon2 verification".into(),
        stats: first.stats(),
    });
    assert!(
        !users.is_empty(),
        "no user could sign in; nothing further to measure"
    );

    let mut repeat = Samples::default();
    for i in 0..s.seq_samples {
        let body = password_auth_body(client, &users[i % users.len()].username);
        let t = Instant::now();
        let r = conn.call("InitiateAuth", &body).await;
        repeat.record(t.elapsed(), &r);
    }
    log.add("sequential repeated USER_PASSWORD_AUTH", &repeat.errors);
    rows.push(SeqRow {
        op: "InitiateAuth USER_PASSWORD_AUTH, repeated",
        what: format!(
            "users signed in before (verified credential cached: no argon2), round-robin over {}",
            users.len()
        ),
        stats: repeat.stats(),
    });

    let mut refresh = Samples::default();
    for i in 0..s.seq_samples {
        let body = refresh_body(client, &users[i % users.len()].refresh);
        let t = Instant::now();
        let r = conn.call("InitiateAuth", &body).await;
        refresh.record(t.elapsed(), &r);
    }
    log.add("sequential REFRESH_TOKEN_AUTH", &refresh.errors);
    rows.push(SeqRow {
        op: "InitiateAuth REFRESH_TOKEN_AUTH",
        what: format!(
            "new ID + access tokens, round-robin over {} refresh tokens",
            users.len()
        ),
        stats: refresh.stats(),
    });

    let mut get_user = Samples::default();
    for i in 0..s.seq_samples {
        let body = get_user_body(&users[i % users.len()].access);
        let t = Instant::now();
        let r = conn.call("GetUser", &body).await;
        get_user.record(t.elapsed(), &r);
    }
    log.add("sequential GetUser", &get_user.errors);
    rows.push(SeqRow {
        op: "GetUser",
        what: format!(
            "RS256 access-token verification + user read, round-robin over {} tokens",
            users.len()
        ),
        stats: get_user.stats(),
    });

    // SRP: one untimed sign-in per user first (the client learns each salt and caches g^x), then the
    // timed ones, each with a fresh precomputed ephemeral.
    let pre = srp.precompute(users.len() + s.seq_samples);
    eprintln!(
        "load: {} SRP ephemerals precomputed in {pre:.1} s",
        users.len() + s.seq_samples
    );
    let mut warm = Samples::default();
    for u in &users {
        let (r, _) = srp.sign_in(&mut conn, &u.username).await;
        warm.record_outcome(Duration::ZERO, r);
    }
    log.add(
        "sequential SRP sign-in (untimed first one per user)",
        &warm.errors,
    );
    let late = (
        srp.late_ephemerals.load(Ordering::Relaxed),
        srp.late_secrets.load(Ordering::Relaxed),
    );
    let (mut full, mut initiate, mut respond, mut math) = (
        Samples::default(),
        Samples::default(),
        Samples::default(),
        Samples::default(),
    );
    for i in 0..s.seq_samples {
        let t = Instant::now();
        let (r, timing) = srp
            .sign_in(&mut conn, &users[i % users.len()].username)
            .await;
        let elapsed = t.elapsed();
        if r.is_ok() {
            initiate.latencies.push(timing.initiate);
            respond.latencies.push(timing.respond);
            math.latencies.push(timing.math);
        }
        full.record_outcome(elapsed, r);
    }
    log.add("sequential SRP sign-in", &full.errors);
    let late_ephemerals = srp.late_ephemerals.load(Ordering::Relaxed) - late.0;
    let late_secrets = srp.late_secrets.load(Ordering::Relaxed) - late.1;
    let math = math.stats();
    rows.push(SeqRow {
        op: "SRP sign-in: InitiateAuth USER_SRP_AUTH + RespondToAuthChallenge PASSWORD_VERIFIER",
        what: format!(
            "the complete two-request sign-in, the client's proof included (client math median {}, p99 {}: one 3072-bit \
             exponentiation S = (B − k·g^x)^(a+u·x) with a 256-bit a, plus hashing; A = g^a precomputed, g^x cached per user; \
             {late_ephemerals} ephemerals and {late_secrets} g^x computed during the timed loop), round-robin over {} users",
            ms(math.median),
            ms(math.p99),
            users.len()
        ),
        stats: full.stats(),
    });
    rows.push(SeqRow {
        op: "— step 1: InitiateAuth USER_SRP_AUTH",
        what: "of the sign-ins above: B = k·v + g^b, session row; answers PASSWORD_VERIFIER".into(),
        stats: initiate.stats(),
    });
    rows.push(SeqRow {
        op: "— step 2: RespondToAuthChallenge PASSWORD_VERIFIER",
        what: "of the sign-ins above: S = (A·v^u)^b, signature check, ID + access + refresh tokens"
            .into(),
        stats: respond.stats(),
    });
    (rows, users)
}

// ---------------------------------------------------------------------------------------------
// Workload 2: throughput

type MakeRequest = Arc<dyn Fn(usize, usize) -> (&'static str, Vec<u8>) + Send + Sync>;

/// (operation, body, the username the answer must name alone).
type MakeLookup = Arc<dyn Fn(usize, usize) -> (&'static str, Vec<u8>, String) + Send + Sync>;

/// What one closed-loop iteration does.
#[derive(Clone)]
enum Work {
    /// One request; a 200 answer counts.
    Request(MakeRequest),
    /// One AdminGetUser or ListUsers; a 200 answer naming the user asked for counts.
    Lookup(MakeLookup),
    /// A complete SRP sign-in (two requests) of these users, round-robin.
    Srp(Arc<Srp>, Arc<Vec<String>>),
}

struct Throughput {
    op: &'static str,
    what: String,
    measured: Samples,
    warmup_errors: BTreeMap<String, u64>,
    elapsed: f64,
    cpu: CpuUse,
    /// Emulator RSS (KiB) right after the run.
    rss_after: Option<u64>,
    /// Said under the table (SRP: what the client precomputed and computed).
    note: String,
}

impl Throughput {
    fn rate(&self) -> f64 {
        self.measured.latencies.len() as f64 / self.elapsed
    }

    /// Server CPU per answer (successful or not) in the window.
    fn server_cpu_per_request_ms(&self) -> f64 {
        self.cpu.server * 1e3 * self.elapsed / (self.answers().max(1) as f64)
    }

    /// Load-generator CPU per answer (successful or not) in the window.
    fn client_cpu_per_request_ms(&self) -> f64 {
        self.cpu.client * 1e3 * self.elapsed / (self.answers().max(1) as f64)
    }

    fn answers(&self) -> u64 {
        self.measured.latencies.len() as u64 + self.measured.error_count()
    }
}

/// `connections` closed-loop clients; requests started during the warm-up are not measured, requests
/// started during the window are (answers that arrive after it included), and the rate is measured
/// answers over the time from the window's start to the last answer.
async fn throughput(
    server: &Server,
    s: &Settings,
    op: &'static str,
    what: String,
    work: Work,
) -> Throughput {
    wait_quiet(server, s).await;
    let conns = s.connections;
    let start = TokioInstant::now() + Duration::from_millis(300);
    let window = start + Duration::from_secs_f64(s.warmup);
    let end = window + Duration::from_secs_f64(s.seconds);
    let mut tasks = Vec::new();
    for c in 0..s.connections {
        let work = work.clone();
        let addr = server.addr.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(&addr).await;
            let (mut measured, mut warm) = (Samples::default(), Samples::default());
            let mut last = window;
            tokio::time::sleep_until(start).await;
            let mut i = 0;
            loop {
                let t = TokioInstant::now();
                if t >= end {
                    break;
                }
                let r = match &work {
                    Work::Request(make) => {
                        let (op, body) = make(c, i);
                        outcome(&conn.call(op, &body).await)
                    }
                    Work::Lookup(make) => {
                        let (op, body, username) = make(c, i);
                        lookup_outcome(&conn.call(op, &body).await, &username)
                    }
                    Work::Srp(srp, users) => {
                        let user = &users[(c + i * conns) % users.len()];
                        srp.sign_in(&mut conn, user).await.0
                    }
                };
                i += 1;
                let done = TokioInstant::now();
                if t >= window {
                    measured.record_outcome(done - t, r);
                    last = last.max(done);
                } else {
                    warm.record_outcome(done - t, r);
                }
            }
            (measured, warm.errors, last)
        }));
    }
    tokio::time::sleep_until(window).await;
    let meter = CpuMeter::start(server);
    tokio::time::sleep_until(end).await;
    let cpu = meter.stop(server);
    let mut measured = Samples::default();
    let mut warmup_errors = BTreeMap::new();
    let mut last = window;
    for t in tasks {
        let (m, w, l) = t.await.expect("load task");
        measured.merge(m);
        for (k, v) in w {
            *warmup_errors.entry(k).or_insert(0) += v;
        }
        last = last.max(l);
    }
    Throughput {
        op,
        what,
        measured,
        warmup_errors,
        elapsed: (last - window).as_secs_f64().max(1e-9),
        cpu,
        rss_after: server.rss_kib(),
        note: String::new(),
    }
}

async fn throughput_all(
    server: &Server,
    client: &str,
    users: &[SignedIn],
    srp: &Arc<Srp>,
    s: &Settings,
) -> Vec<Throughput> {
    let n = users.len();
    let passwords: Arc<Vec<Vec<u8>>> = Arc::new(
        users
            .iter()
            .map(|u| password_auth_body(client, &u.username))
            .collect(),
    );
    let refreshes: Arc<Vec<Vec<u8>>> = Arc::new(
        users
            .iter()
            .map(|u| refresh_body(client, &u.refresh))
            .collect(),
    );
    let accesses: Arc<Vec<Vec<u8>>> =
        Arc::new(users.iter().map(|u| get_user_body(&u.access)).collect());
    let conns = s.connections;
    let pick = move |bodies: &Arc<Vec<Vec<u8>>>, c: usize, i: usize| {
        bodies[(c + i * conns) % bodies.len()].clone()
    };
    let mut out = Vec::new();

    let b = passwords.clone();
    out.push(
        throughput(
            server,
            s,
            "InitiateAuth USER_PASSWORD_AUTH",
            format!("repeated sign-ins of {n} signed-in users (credential cached), round-robin"),
            Work::Request(Arc::new(move |c, i| ("InitiateAuth", pick(&b, c, i)))),
        )
        .await,
    );
    let b = refreshes.clone();
    out.push(
        throughput(
            server,
            s,
            "InitiateAuth REFRESH_TOKEN_AUTH",
            format!("{n} refresh tokens, round-robin"),
            Work::Request(Arc::new(move |c, i| ("InitiateAuth", pick(&b, c, i)))),
        )
        .await,
    );
    let b = accesses.clone();
    out.push(
        throughput(
            server,
            s,
            "GetUser",
            format!("{n} access tokens, round-robin"),
            Work::Request(Arc::new(move |c, i| ("GetUser", pick(&b, c, i)))),
        )
        .await,
    );

    // Enough ephemerals for `srp_max_rate` sign-ins/s over the warm-up and the window; any that run out
    // are computed in the loop (and counted).
    let want = (s.srp_max_rate * (s.warmup + s.seconds + 1.0)) as usize + s.connections;
    let pre = srp.precompute(want);
    eprintln!("load: {want} SRP ephemerals precomputed in {pre:.1} s");
    let late = (
        srp.late_ephemerals.load(Ordering::Relaxed),
        srp.late_secrets.load(Ordering::Relaxed),
    );
    let names: Arc<Vec<String>> = Arc::new(users.iter().map(|u| u.username.clone()).collect());
    let mut t = throughput(
        server,
        s,
        "SRP sign-in (InitiateAuth USER_SRP_AUTH + RespondToAuthChallenge PASSWORD_VERIFIER)",
        format!(
            "complete sign-ins/s (2 requests each; latency of the pair, client proof included; CPU / req is per sign-in), {n} users round-robin"
        ),
        Work::Srp(srp.clone(), names),
    )
    .await;
    let late_ephemerals = srp.late_ephemerals.load(Ordering::Relaxed) - late.0;
    let late_secrets = srp.late_secrets.load(Ordering::Relaxed) - late.1;
    srp.ephemerals.lock().expect("lock").clear();
    t.note = format!(
        "SRP client: {want} ephemerals (256-bit a, A = g^a) precomputed before the run in {pre:.1} s (untimed), g^x cached per user; \
         during the run the client computed {late_ephemerals} more ephemerals and {late_secrets} g^x. Its math per sign-in is one \
         3072-bit exponentiation with a ~512-bit exponent plus hashing and JSON: the load generator used \
         {:.2} ms of CPU per sign-in, i.e. {:.2} of the 2 cores.",
        t.client_cpu_per_request_ms(),
        t.cpu.client
    );
    out.push(t);

    let client = client.to_string();
    out.push(
        throughput(
            server,
            s,
            "SignUp",
            format!("new users with email, {OWASP}"),
            Work::Request(Arc::new(move |c, i| {
                ("SignUp", sign_up_body(&client, &format!("tp{c:03}-{i:07}")))
            })),
        )
        .await,
    );
    out
}

// ---------------------------------------------------------------------------------------------
// Workload 3: SignUp latency against pool size

struct SizeRow {
    users_before: usize,
    stats: Stats,
    rss_after: Option<u64>,
    cpu: CpuUse,
    fill: Option<String>,
}

const SIZE_WARMUP: usize = 10;

/// Sequential SignUps on one fresh connection: `SIZE_WARMUP` untimed, then `samples` timed.
async fn measure_sign_ups(
    server: &Server,
    client: &str,
    tag: usize,
    s: &Settings,
    log: &mut ErrorLog,
) -> (Samples, usize, CpuUse) {
    let samples = s.signup_samples;
    wait_quiet(server, s).await;
    let mut conn = Conn::open(&server.addr).await;
    let mut added = 0;
    let mut warm = Samples::default();
    for i in 0..SIZE_WARMUP {
        let r = conn
            .call(
                "SignUp",
                &sign_up_body(client, &format!("warm{tag}-{i:04}")),
            )
            .await;
        warm.record(Duration::ZERO, &r);
    }
    added += warm.latencies.len();
    log.add(&format!("pool-size {tag}: warm-up SignUp"), &warm.errors);
    let mut samples_out = Samples::default();
    let meter = CpuMeter::start(server);
    for i in 0..samples {
        let body = sign_up_body(client, &format!("size{tag}-{i:05}"));
        let t = Instant::now();
        let r = conn.call("SignUp", &body).await;
        samples_out.record(t.elapsed(), &r);
    }
    let cpu = meter.stop(server);
    added += samples_out.latencies.len();
    log.add(
        &format!("pool-size {tag}: measured SignUp"),
        &samples_out.errors,
    );
    (samples_out, added, cpu)
}

/// Adds `count` users with SignUp at `connections` concurrency; returns (added, seconds).
async fn fill(
    addr: &str,
    client: &str,
    first: usize,
    count: usize,
    connections: usize,
    log: &mut ErrorLog,
) -> (usize, f64) {
    let next = Arc::new(AtomicUsize::new(0));
    let t = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections.max(1) {
        let (next, addr, client) = (next.clone(), addr.to_string(), client.to_string());
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(&addr).await;
            let mut samples = Samples::default();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    break;
                }
                let r = conn
                    .call(
                        "SignUp",
                        &sign_up_body(&client, &format!("fill{:08}", first + i)),
                    )
                    .await;
                samples.record(Duration::ZERO, &r);
            }
            samples
        }));
    }
    let mut all = Samples::default();
    for task in tasks {
        all.merge(task.await.expect("fill task"));
    }
    log.add("pool fill SignUp", &all.errors);
    (all.latencies.len(), t.elapsed().as_secs_f64())
}

/// AdminGetUser or ListUsers at one pool size.
struct LookupRow {
    users: usize,
    op: &'static str,
    seq: Stats,
    tp: Throughput,
}

/// A spread-out order over `len` users (consecutive requests ask for distant users).
fn spread(i: usize, len: usize) -> usize {
    ((i as u128 * 1_000_003) % len.max(1) as u128) as usize
}

/// Sequential samples, then a throughput run, of AdminGetUser and of ListUsers `email = "..."`, each
/// request for another of `names` (all in the pool).
async fn measure_lookups(
    server: &Server,
    pool: &str,
    names: &Arc<Vec<String>>,
    s: &Settings,
    log: &mut ErrorLog,
) -> Vec<LookupRow> {
    let mut rows = Vec::new();
    type MakeBody = fn(&str, &str) -> Vec<u8>;
    let ops: [(&'static str, &'static str, MakeBody); 2] = [
        ("AdminGetUser", "AdminGetUser", admin_get_user_body),
        (
            "ListUsers",
            "ListUsers Filter email = \"…\"",
            list_users_body,
        ),
    ];
    for (op, label, make_body) in ops {
        wait_quiet(server, s).await;
        let mut conn = Conn::open(&server.addr).await;
        let mut seq = Samples::default();
        for i in 0..s.seq_samples {
            let name = &names[spread(i, names.len())];
            let body = make_body(pool, name);
            let t = Instant::now();
            let r = conn.call(op, &body).await;
            seq.record_outcome(t.elapsed(), lookup_outcome(&r, name));
        }
        drop(conn);
        log.add(
            &format!("{} users: sequential {label}", names.len()),
            &seq.errors,
        );
        let (pool_id, list) = (pool.to_string(), names.clone());
        let conns = s.connections;
        let tp = throughput(
            server,
            s,
            label,
            format!("each request another of the {} users", names.len()),
            Work::Lookup(Arc::new(move |c, i| {
                let name = &list[spread(c + i * conns + 7, list.len())];
                (op, make_body(&pool_id, name), name.clone())
            })),
        )
        .await;
        log.add(
            &format!("{} users: throughput {label} (warm-up)", names.len()),
            &tp.warmup_errors,
        );
        log.add(
            &format!("{} users: throughput {label}", names.len()),
            &tp.measured.errors,
        );
        rows.push(LookupRow {
            users: names.len(),
            op: label,
            seq: seq.stats(),
            tp,
        });
    }
    rows
}

async fn pool_sizes(
    s: &Settings,
    keys: &Path,
    log: &mut ErrorLog,
    logged: &mut usize,
) -> (Vec<SizeRow>, Vec<LookupRow>, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let mut rows = Vec::new();
    let mut lookups = Vec::new();
    // Every user signed up in this pool, for the lookups.
    let mut names: Vec<String> = Vec::new();
    let mut server = Server::start(&s.bin, &data, keys, None, "pool-size");
    let (pool, client) = {
        let mut conn = Conn::open(&server.addr).await;
        make_pool(&mut conn, "load-sizes").await
    };
    let mut users = 0usize;
    let mut fill_notes = Vec::new();
    let mut filled_total = 0usize;
    for &size in &s.pool_sizes {
        let mut fill_note = None;
        // Fill so that the timed SignUps start at `size` users (the untimed warm-up ones included).
        let target = size.saturating_sub(SIZE_WARMUP);
        if target > users {
            *logged += server.logged.load(Ordering::Relaxed);
            server.stop();
            let filler = Server::start(&s.bin, &data, keys, Some(s.fill_argon2), "pool-fill");
            eprintln!("load: filling the pool from {users} to {target} users...");
            let (added, secs) = fill(
                &filler.addr,
                &client,
                filled_total,
                target - users,
                s.fill_connections,
                log,
            )
            .await;
            names.extend(
                (filled_total..filled_total + (target - users)).map(|i| format!("fill{i:08}")),
            );
            filled_total += target - users;
            users += added;
            fill_note = Some(format!(
                "+{added} in {secs:.0} s ({:.0}/s)",
                added as f64 / secs
            ));
            fill_notes.push(format!(
                "{added} users in {secs:.1} s ({:.0} SignUp/s)",
                added as f64 / secs
            ));
            *logged += filler.logged.load(Ordering::Relaxed);
            filler.stop();
            server = Server::start(&s.bin, &data, keys, None, "pool-size");
        }
        eprintln!("load: SignUp latency with {users} users in the pool...");
        let (samples, added, cpu) = measure_sign_ups(&server, &client, size, s, log).await;
        let users_before = users + added - samples.latencies.len();
        users += added;
        rows.push(SizeRow {
            users_before,
            stats: samples.stats(),
            rss_after: server.rss_kib(),
            cpu,
            fill: fill_note,
        });
        names.extend((0..SIZE_WARMUP).map(|i| format!("warm{size}-{i:04}")));
        names.extend((0..s.signup_samples).map(|i| format!("size{size}-{i:05}")));
        eprintln!(
            "load: AdminGetUser and ListUsers with {} users in the pool...",
            names.len()
        );
        let list = Arc::new(names.clone());
        lookups.extend(measure_lookups(&server, &pool, &list, s, log).await);
    }
    *logged += server.logged.load(Ordering::Relaxed);
    server.stop();
    let note = if fill_notes.is_empty() {
        String::new()
    } else {
        format!(
            "Filled with real SignUp calls ({} connections) to an emulator started with `--argon2-memory-kib {} --argon2-iterations {}` \
             on the same data directory, then restarted with the OWASP defaults for the timed SignUps (the fill users, left UNCONFIRMED, have \
             cheaper stored hashes, which does not change the cost of a new SignUp; their rows, indexes and outbox entries are \
             those of any SignUp). \
             Fills: {}.",
            s.fill_connections,
            s.fill_argon2.0,
            s.fill_argon2.1,
            fill_notes.join("; ")
        )
    };
    (rows, lookups, note)
}

// ---------------------------------------------------------------------------------------------
// Report

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let nproc = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map(|k| format!(", {:.0} GiB RAM", k as f64 / 1024.0 / 1024.0))
        .unwrap_or_default();
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|k| format!(", Linux {}", k.trim()))
        .unwrap_or_default();
    format!("nproc = {nproc}, {model}{mem}{kernel}")
}

fn git_commit() -> Option<String> {
    if let Ok(commit) = std::env::var("LOAD_COMMIT") {
        return Some(commit);
    }
    let out = Command::new("git")
        .args([
            "-C",
            env!("CARGO_MANIFEST_DIR"),
            "rev-parse",
            "--short",
            "HEAD",
        ])
        .output()
        .ok()?;
    let commit = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if commit.is_empty() {
        return None;
    }
    let dirty = Command::new("git")
        .args([
            "-C",
            env!("CARGO_MANIFEST_DIR"),
            "status",
            "--porcelain",
            "--untracked-files=no",
        ])
        .output()
        .is_ok_and(|o| !o.stdout.is_empty());
    Some(if dirty {
        format!("{commit} (with uncommitted changes)")
    } else {
        commit
    })
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "**not met**" }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--bench") && !quick_requested() {
        eprintln!(
            "load: run with `cargo bench --bench load` (LOAD_QUICK=1 for a smoke run); nothing to do here"
        );
        return;
    }
    let s = Settings::from_env();
    assert!(
        s.bin.exists(),
        "emulator binary {} not found",
        s.bin.display()
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run(s));
}

async fn run(s: Settings) {
    let started = Instant::now();
    eprintln!(
        "load: emulator {}{}",
        s.bin.display(),
        if s.quick {
            " (LOAD_QUICK: smoke run)"
        } else {
            ""
        }
    );
    let keys_dir = tempfile::tempdir().expect("tempdir");
    let keys = keys_dir.path().join("keys");
    let data_dir = tempfile::tempdir().expect("tempdir");
    let mut log = ErrorLog::default();
    let mut logged = 0usize;

    // Keys are generated by the first start; time a second start, which is what users see after.
    let t = Instant::now();
    let first = Server::start(
        &s.bin,
        &data_dir.path().join("first"),
        &keys,
        None,
        "first-start",
    );
    let first_start = t.elapsed();
    logged += first.logged.load(Ordering::Relaxed);
    first.stop();

    let t = Instant::now();
    let server = Server::start(&s.bin, &data_dir.path().join("data"), &keys, None, "main");
    let ready = t.elapsed();
    std::thread::sleep(Duration::from_millis(500));
    let rss_idle = server.rss_kib();

    let mut conn = Conn::open(&server.addr).await;
    let (pool, client) = make_pool(&mut conn, "load").await;
    drop(conn);
    let srp = Arc::new(Srp::new(&pool, &client));

    eprintln!("load: 1. sequential latency...");
    let (seq_rows, users) = sequential(&server, &pool, &client, &srp, &s, &mut log).await;
    eprintln!("load: 2. throughput...");
    let tp = throughput_all(&server, &client, &users, &srp, &s).await;
    for t in &tp {
        log.add(&format!("throughput {} (warm-up)", t.op), &t.warmup_errors);
        log.add(&format!("throughput {}", t.op), &t.measured.errors);
    }
    let rss_after_load = server.rss_kib();
    std::thread::sleep(Duration::from_secs(5));
    let rss_after_idle = server.rss_kib();
    let hwm = server.hwm_kib();
    logged += server.logged.load(Ordering::Relaxed);
    server.stop();

    let (size_rows, lookup_rows, fill_note) = if s.pool_sizes.is_empty() {
        (Vec::new(), Vec::new(), String::new())
    } else {
        eprintln!("load: 3. SignUp latency and lookups against pool size...");
        pool_sizes(&s, &keys, &mut log, &mut logged).await
    };

    // ---- the report
    let mut o = String::new();
    let _ = writeln!(o, "\n## Load benchmark\n");
    let _ = writeln!(
        o,
        "`cargo bench --bench load`{}: the release emulator as a subprocess (`--log-level warn`, {OWASP}, SQLite file in a \
         temporary directory), driven over HTTP/1.1 keep-alive connections by a load generator on the same machine \
         (it shares the cores). Machine: {}. Emulator commit {}. Total run time {:.0} s.\n",
        if s.quick {
            " with `LOAD_QUICK=1` (smoke run: small numbers, not representative)"
        } else {
            ""
        },
        machine(),
        git_commit().unwrap_or_else(|| "unknown".into()),
        started.elapsed().as_secs_f64()
    );

    let _ = writeln!(o, "### 1. Sequential latency (1 connection)\n");
    let _ = writeln!(
        o,
        "| Operation | What is measured | n | median | p99 | errors |"
    );
    let _ = writeln!(o, "|---|---|---:|---:|---:|---:|");
    for r in &seq_rows {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} |",
            r.op,
            r.what,
            r.stats.ok,
            ms(r.stats.median),
            ms(r.stats.p99),
            r.stats.errors
        );
    }

    let _ = writeln!(
        o,
        "\n### 2. Throughput ({} connections, {} s each after a {} s warm-up; req/s counts HTTP 200 answers, for SRP complete sign-ins)\n",
        s.connections, s.seconds, s.warmup
    );
    let _ = writeln!(
        o,
        "| Operation | What is measured | req/s | median | p99 | max | errors | server CPU | server CPU / req | load-generator CPU | other processes' CPU | emulator RSS after |"
    );
    let _ = writeln!(
        o,
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for t in &tp {
        let st = t.measured.stats();
        let _ = writeln!(
            o,
            "| {} | {} | {:.0} | {} | {} | {} | {} | {:.2} cores | {:.2} ms | {:.2} cores | {:.2} cores | {} |",
            t.op,
            t.what,
            t.rate(),
            ms(st.median),
            ms(st.p99),
            ms(st.max),
            st.errors,
            t.cpu.server,
            t.server_cpu_per_request_ms(),
            t.cpu.client,
            t.cpu.other,
            mib(t.rss_after)
        );
    }
    for t in tp.iter().filter(|t| !t.note.is_empty()) {
        let _ = writeln!(o, "\n{}", t.note);
    }

    if !size_rows.is_empty() {
        let _ = writeln!(
            o,
            "\n### 3. SignUp latency against pool size ({} sequential SignUps on 1 connection after {SIZE_WARMUP} untimed ones, {OWASP})\n",
            s.signup_samples
        );
        let _ = writeln!(
            o,
            "| Users in the pool | median | p99 | median vs empty | p99 vs empty | errors | server CPU | other processes' CPU | emulator RSS after | fill |"
        );
        let _ = writeln!(o, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        let base = &size_rows[0].stats;
        for r in &size_rows {
            let ratio = |a: Option<Duration>, b: Option<Duration>| match (a, b) {
                (Some(a), Some(b)) if !b.is_zero() => {
                    format!("{:.2}x", a.as_secs_f64() / b.as_secs_f64())
                }
                _ => "n/a".into(),
            };
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} | {:.2} cores | {:.2} cores | {} | {} |",
                r.users_before,
                ms(r.stats.median),
                ms(r.stats.p99),
                ratio(r.stats.median, base.median),
                ratio(r.stats.p99, base.p99),
                r.stats.errors,
                r.cpu.server,
                r.cpu.other,
                mib(r.rss_after),
                r.fill.as_deref().unwrap_or("")
            );
        }
        if !fill_note.is_empty() {
            let _ = writeln!(o, "\n{fill_note}");
        }
    }

    if !lookup_rows.is_empty() {
        let _ = writeln!(
            o,
            "\n### 4. Lookups against pool size (same pool as 3, after its SignUps; {} sequential requests on 1 connection, then {} connections for {} s after a {} s warm-up; every request asks for another user, and an answer counts only if it names that user alone)\n",
            s.seq_samples, s.connections, s.seconds, s.warmup
        );
        let _ = writeln!(
            o,
            "| Users in the pool | Operation | sequential median | sequential p99 | median vs smallest pool | req/s | median | p99 | req/s vs smallest pool | errors | server CPU / req | load-generator CPU | other processes' CPU | emulator RSS after |"
        );
        let _ = writeln!(
            o,
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for r in &lookup_rows {
            let base = lookup_rows
                .iter()
                .find(|b| b.op == r.op)
                .expect("the row itself");
            let ratio = match (r.seq.median, base.seq.median) {
                (Some(a), Some(b)) if !b.is_zero() => {
                    format!("{:.2}x", a.as_secs_f64() / b.as_secs_f64())
                }
                _ => "n/a".into(),
            };
            let st = r.tp.measured.stats();
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {ratio} | {:.0} | {} | {} | {:.2}x | {} | {:.2} ms | {:.2} cores | {:.2} cores | {} |",
                r.users,
                r.op,
                ms(r.seq.median),
                ms(r.seq.p99),
                r.tp.rate(),
                ms(st.median),
                ms(st.p99),
                r.tp.rate() / base.tp.rate().max(1e-9),
                r.seq.errors + st.errors,
                r.tp.server_cpu_per_request_ms(),
                r.tp.cpu.client,
                r.tp.cpu.other,
                mib(r.tp.rss_after)
            );
        }
    }

    let _ = writeln!(
        o,
        "\n### 5. Memory of the emulator process (VmRSS from /proc/<pid>/status)\n"
    );
    let _ = writeln!(o, "| When | RSS |");
    let _ = writeln!(o, "|---|---:|");
    let _ = writeln!(
        o,
        "| idle, 0.5 s after the ready line (start took {:.0} ms; first start with key generation {:.0} ms) | {} |",
        ready.as_secs_f64() * 1e3,
        first_start.as_secs_f64() * 1e3,
        mib(rss_idle)
    );
    let sign_ups = tp
        .iter()
        .find(|t| t.op == "SignUp")
        .map(|t| t.measured.latencies.len() + t.measured.error_count() as usize);
    let _ = writeln!(
        o,
        "| right after workloads 1 and 2 (the last run is the SignUp throughput run at {1} connections: {0} argon2 SignUps in its window) | {2} |",
        sign_ups.map_or("no".to_string(), |n| n.to_string()),
        s.connections,
        mib(rss_after_load)
    );
    let _ = writeln!(o, "| after 5 s idle | {} |", mib(rss_after_idle));
    let _ = writeln!(o, "| peak (VmHWM) | {} |", mib(hwm));

    // Targets.
    let find_tp = |op: &str| tp.iter().find(|t| t.op == op);
    let tp_target = |op: &str, rate: f64| -> (String, bool) {
        match find_tp(op) {
            Some(t) => {
                let st = t.measured.stats();
                let p99_ok = st.p99.is_some_and(|p| p < Duration::from_millis(25));
                (
                    format!(
                        "{:.0}/s, p99 {}, {} errors",
                        t.rate(),
                        ms(st.p99),
                        st.errors
                    ),
                    t.rate() >= rate && p99_ok && st.errors == 0,
                )
            }
            None => ("not run".into(), false),
        }
    };
    let _ = writeln!(o, "\n### Targets\n");
    let _ = writeln!(o, "| Target | Measured | Result |");
    let _ = writeln!(o, "|---|---|---|");
    let (m, ok) = tp_target("InitiateAuth USER_PASSWORD_AUTH", 1000.0);
    let _ = writeln!(
        o,
        "| password sign-in ≥ 1000/s at {} connections, p99 < 25 ms, no errors | {m} | {} |",
        s.connections,
        verdict(ok)
    );
    let (m, ok) = tp_target("InitiateAuth REFRESH_TOKEN_AUTH", 1500.0);
    let _ = writeln!(
        o,
        "| refresh ≥ 1500/s at {} connections, p99 < 25 ms, no errors | {m} | {} |",
        s.connections,
        verdict(ok)
    );
    let (m, ok) = match tp.iter().find(|t| t.op.starts_with("SRP sign-in")) {
        Some(t) => {
            let st = t.measured.stats();
            (
                format!(
                    "{:.0}/s, p99 {}, {} errors (load generator {:.2} cores)",
                    t.rate(),
                    ms(st.p99),
                    st.errors,
                    t.cpu.client
                ),
                t.rate() >= 300.0 && st.errors == 0,
            )
        }
        None => ("not run".into(), false),
    };
    let _ = writeln!(
        o,
        "| SRP sign-in ≥ 300 complete sign-ins/s at {} connections, no errors | {m} | {} |",
        s.connections,
        verdict(ok)
    );
    if let (Some(first), Some(last)) = (size_rows.first(), size_rows.last()) {
        if size_rows.len() > 1 {
            let (m, ok) = match (first.stats.median, last.stats.median) {
                (Some(a), Some(b)) => {
                    let ratio = b.as_secs_f64() / a.as_secs_f64();
                    (
                        format!(
                            "median {} at {} users vs {} at {} ({ratio:.2}x)",
                            ms(Some(b)),
                            last.users_before,
                            ms(Some(a)),
                            first.users_before
                        ),
                        ratio <= 1.5 && last.stats.errors == 0,
                    )
                }
                _ => ("n/a".into(), false),
            };
            let _ = writeln!(
                o,
                "| SignUp at {} users within 1.5x of empty (median) | {m} | {} |",
                last.users_before,
                verdict(ok)
            );
        }
    }
    let idle_ok = rss_idle.is_some_and(|k| k < 30 * 1024);
    let _ = writeln!(
        o,
        "| idle RSS < 30 MB | {} | {} |",
        mib(rss_idle),
        verdict(idle_ok)
    );

    let _ = writeln!(o, "\n### Errors\n");
    if log.lines.is_empty() {
        let _ = writeln!(o, "No request failed (every answer was HTTP 200).");
    } else {
        for l in &log.lines {
            let _ = writeln!(o, "- {l}");
        }
    }
    let _ = writeln!(
        o,
        "\nLines the emulators logged to stderr at `--log-level warn`: {logged}."
    );
    if s.quiet_wait > 0.0 {
        let _ = writeln!(
            o,
            "Before each measured phase the bench waited for the rest of the machine to use < {QUIET_CORES} cores over 1 s: \
             {:.0} s of waiting in all, {} phase(s) measured anyway after {:.0} s. The \"other processes' CPU\" columns show \
             what ran beside the emulator during each measurement.",
            QUIET_WAITED_MS.load(Ordering::Relaxed) as f64 / 1e3,
            QUIET_GAVE_UP.load(Ordering::Relaxed),
            s.quiet_wait
        );
    }
    println!("{o}");
}
