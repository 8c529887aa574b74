//! Load benchmark: starts the release emulator as a subprocess (port 0, temporary data and key
//! directories, `--log-level warn`, its default settings) — or drives any running server given with
//! `--endpoint` — over HTTP/1.1 keep-alive connections, then prints a markdown report for the README:
//! every figure with its workload, the server's CPU next to each throughput, and the goals of issue
//! 13 with what this run measured.
//!
//! Workloads: 1. sequential latency (SignUp, AdminConfirmSignUp, first and repeated password sign-in,
//! refresh, GetUser, SRP sign-in); 2. throughput at `LOAD_CONNECTIONS` of the same (SRP counted in
//! complete two-request sign-ins) and new users/s (SignUp + AdminConfirmSignUp) at
//! `LOAD_BULK_CONNECTIONS`; 3. SignUp latency against pool size; 4. AdminGetUser and ListUsers
//! `email = "..."` against pool size (same pool as 3); 5. the server's memory; 6. a seed file of
//! `LOAD_SEED_USERS` users applied at start.
//!
//! `cargo bench --bench load` runs the full benchmark (about 15 minutes on 2 cores, most of it filling a
//! pool with 1,000,000 users); `LOAD_QUICK=1 cargo bench --bench load` is a smoke run with small
//! numbers. Under `cargo test --benches` (no `--bench` argument) it does nothing unless `LOAD_QUICK` is
//! set.
//!
//! Another server: `cargo bench --bench load -- --endpoint http://127.0.0.1:9229` (or
//! `LOAD_ENDPOINT=...`) runs the same workloads against whatever listens there (another emulator, for
//! comparison); its CPU and memory are read from the process listening on that port (or
//! `--server-pid N` / `LOAD_SERVER_PID`). Workload 6 needs the emulator binary and is skipped.
//!
//! Knobs (environment variables; defaults in brackets, quick-mode defaults after the slash):
//! - `LOAD_SEQ_SIGNUPS` [200 / 20]: users signed up (and signed in for the first time) sequentially.
//! - `LOAD_SEQ_SAMPLES` [2000 / 100]: sequential samples of the cheap operations.
//! - `LOAD_CONNECTIONS` [16]: connections of the throughput runs.
//! - `LOAD_BULK_CONNECTIONS` [8]: connections of the new-users/s run.
//! - `LOAD_SECONDS` [10 / 1] and `LOAD_WARMUP_SECONDS` [2 / 0.5]: throughput window and warm-up.
//! - `LOAD_POOL_SIZES` [0,100000,1000000 / 0,300]: pool sizes of the SignUp-vs-size run (empty: skip).
//! - `LOAD_SIGNUP_SAMPLES` [200 / 20]: sequential SignUps measured at each pool size.
//! - `LOAD_FILL_CONNECTIONS` [32]: concurrency used to fill the pool.
//! - `LOAD_SEED_USERS` [10000 / 500]: users of the seed file whose start is timed (0: skip).
//! - `LOAD_QUIET_WAIT_SECONDS` [120 / 10]: before each measured phase, wait up to this long for the
//!   other processes on the machine to use less than 0.15 cores (0: do not wait).
//! - `LOAD_SRP_MAX_RATE` [1200]: SRP sign-ins/s the precomputed client ephemerals of the SRP
//!   throughput run are sized for (more are computed in the loop if they run out, and counted).
//! - `LOAD_BIN`: emulator binary to measure instead of the one cargo built for this bench.
//! - `LOAD_COMMIT`: commit named in the report (default: `git rev-parse` of this checkout).
//! - `LOAD_LABEL`: what the report calls the server (default `cognito-emulator`).
//!
//! `COGNITO_EMULATOR_*` variables are removed from the emulator's environment; the others pass through
//! (so `MALLOC_MMAP_THRESHOLD_=1048576 cargo bench --bench load` measures the emulator with a fixed glibc
//! mmap threshold, for instance).
//!
//! The client is a minimal HTTP/1.1 client over tokio sockets (one request in flight per connection,
//! Content-Length or chunked answers), so that the load generator, which shares the machine's cores
//! with the server, spends as little CPU as possible; its CPU use is reported next to the server's.
//! SRP sign-ins are real client-side SRP (the math of tests/it/common/srp.rs, with the current time as
//! TIMESTAMP, verified by the server): the client ephemerals (256-bit `a`, `A = g^a`) are
//! precomputed before each timed phase and `g^x` is cached per user, so what remains in the loop is one
//! 3072-bit exponentiation per sign-in with a ~512-bit exponent (through the emulator's own
//! exponentiation: ~0.55 ms of one core with AVX-512 IFMA, ~1.3 ms through AWS-LC without), reported as
//! load-generator CPU.

mod bodies;
mod http;
mod measure;
mod report;
mod server;
mod settings;
mod srp;
mod workloads;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::bodies::make_pool;
use crate::http::Conn;
use crate::measure::ErrorLog;
use crate::report::Results;
use crate::server::Server;
use crate::settings::{Settings, quick_requested};
use crate::srp::Srp;
use crate::workloads::pool_size::pool_sizes;
use crate::workloads::seed::seed_start;
use crate::workloads::sequential::sequential;
use crate::workloads::throughput::throughput_all;

const PASSWORD: &str = "Passw0rd!";

/// How new passwords are hashed by the server measured.
pub fn hashing(s: &Settings) -> String {
    if s.endpoint.is_some() {
        return "the server's own password hashing".into();
    }
    let c = cognito_emulator::crypto::password::LOCAL;
    format!(
        "argon2id default ({} KiB, {} passes)",
        c.memory_kib, c.iterations
    )
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
    match &s.endpoint {
        Some(e) => eprintln!("load: driving {e} ({})", s.label),
        None => eprintln!(
            "load: emulator {}{}",
            s.bin.display(),
            if s.quick {
                " (LOAD_QUICK: smoke run)"
            } else {
                ""
            }
        ),
    }
    let keys_dir = tempfile::tempdir().expect("tempdir");
    let keys = keys_dir.path().join("keys");
    let data_dir = tempfile::tempdir().expect("tempdir");
    let mut log = ErrorLog::default();
    let mut logged = 0usize;

    let (server, first_start, ready) = match &s.endpoint {
        Some(endpoint) => {
            let server = Server::external(endpoint, s.server_pid);
            if server.pid().is_none() {
                eprintln!(
                    "load: no process found listening on {endpoint}: CPU and memory are not reported (--server-pid N)"
                );
            }
            (server, None, None)
        }
        None => {
            // Keys are generated by the first start; time a second start, which is what users see after.
            let t = Instant::now();
            let first = Server::start(
                &s.bin,
                &data_dir.path().join("first"),
                &keys,
                &[],
                "first-start",
            );
            let first_start = t.elapsed();
            logged += first.logged.load(Ordering::Relaxed);
            first.stop();
            let t = Instant::now();
            let server = Server::start(&s.bin, &data_dir.path().join("data"), &keys, &[], "main");
            (server, Some(first_start), Some(t.elapsed()))
        }
    };
    let cpu_known = server.pid().is_some();
    std::thread::sleep(Duration::from_millis(500));
    let rss_idle = server.rss_kib();

    let mut conn = Conn::open(&server.addr).await;
    let (pool, client) = make_pool(&mut conn, "load").await;
    drop(conn);
    let srp = Arc::new(Srp::new(&pool, &client));

    eprintln!("load: 1. sequential latency...");
    let (seq_rows, users) = sequential(&server, &pool, &client, &srp, &s, &mut log).await;
    eprintln!("load: 2. throughput...");
    let tp = throughput_all(&server, &pool, &client, &users, &srp, &s).await;
    for t in &tp {
        log.add(&format!("throughput {} (warm-up)", t.op), &t.warmup_errors);
        log.add(&format!("throughput {}", t.op), &t.measured.errors);
    }
    let rss_after_load = server.rss_kib();
    std::thread::sleep(Duration::from_secs(5));
    let rss_after_idle = server.rss_kib();
    let hwm = server.hwm_kib();
    logged += server.logged.load(Ordering::Relaxed);

    let (size_rows, lookup_rows, fill_note) = if s.pool_sizes.is_empty() {
        (Vec::new(), Vec::new(), String::new())
    } else {
        eprintln!("load: 3. SignUp latency and lookups against pool size...");
        let external = s.endpoint.is_some().then_some(&server);
        pool_sizes(&s, &keys, &mut log, &mut logged, external).await
    };
    server.stop();

    let seed = if s.endpoint.is_none() && s.seed_users > 0 {
        eprintln!("load: 6. a seed file of {} users at start...", s.seed_users);
        Some(seed_start(&s, &keys))
    } else {
        None
    };

    let results = Results {
        started,
        first_start,
        ready,
        cpu_known,
        rss_idle,
        rss_after_load,
        rss_after_idle,
        hwm,
        seq_rows,
        tp,
        size_rows,
        lookup_rows,
        fill_note,
        seed,
        log,
        logged,
    };
    let o = report::render(&s, results);
    println!("{o}");
}
