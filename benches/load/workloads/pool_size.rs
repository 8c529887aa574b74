//! Workloads 3 and 4: SignUp latency, then AdminGetUser and ListUsers lookups, against pool size (the
//! same pool, filled between the sizes).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::bodies::{admin_get_user_body, list_users_body, make_pool, sign_up_body};
use crate::http::Conn;
use crate::measure::{ErrorLog, Samples, Stats, lookup_outcome};
use crate::server::{CpuMeter, CpuUse, Server, wait_quiet};
use crate::settings::Settings;
use crate::workloads::throughput::{Throughput, Work, throughput};

pub struct SizeRow {
    pub users_before: usize,
    pub stats: Stats,
    pub rss_after: Option<u64>,
    /// Database file (with WAL) and the users in it after the timed SignUps.
    pub db_bytes: Option<u64>,
    pub users_after: usize,
    pub cpu: CpuUse,
    pub fill: Option<String>,
}

pub const SIZE_WARMUP: usize = 10;

/// Sequential phases of workloads 3 and 4 (timed SignUps, lookups), and those run with the load
/// generator and the server on one core.
pub static SIZE_PHASES: AtomicUsize = AtomicUsize::new(0);
pub static SIZE_PHASES_ON_ONE_CORE: AtomicUsize = AtomicUsize::new(0);

/// The load generator and the server on one core (`taskset -a -p`) while alive, their CPU lists put
/// back on drop. Sequential lookups take ~30-50 µs of the server's work, and on the 2-core bench VM
/// an answer that wakes the other core adds ~60 µs (AdminGetUser in a 210-user pool: 0.10 ms with the
/// server pinned to the other core, 0.05 ms on the client's), so unpinned the pool sizes' medians
/// compared where the scheduler had put the two processes (1.36x-3.66x at 100,000 users in runs of
/// one binary; the SignUp medians of workload 3 likewise). Without `taskset` (or without the server's
/// pid) the phase runs unpinned.
struct OneCore {
    restore: Vec<(u32, String)>,
}

impl OneCore {
    /// Counts the phase in [`SIZE_PHASES`], and in [`SIZE_PHASES_ON_ONE_CORE`] when pinned.
    fn pin(server: Option<u32>) -> Option<OneCore> {
        SIZE_PHASES.fetch_add(1, Ordering::Relaxed);
        let allowed = |pid: u32| -> Option<String> {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
            status
                .lines()
                .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
                .map(|v| v.trim().to_string())
        };
        let (me, server) = (std::process::id(), server?);
        let restore = vec![(me, allowed(me)?), (server, allowed(server)?)];
        let first = restore[0].1.split([',', '-']).next()?.to_string();
        let one = OneCore { restore };
        if !(taskset(me, &first) && taskset(server, &first)) {
            return None; // `one` puts back what was set.
        }
        SIZE_PHASES_ON_ONE_CORE.fetch_add(1, Ordering::Relaxed);
        Some(one)
    }
}

impl Drop for OneCore {
    fn drop(&mut self) {
        for (pid, cpus) in &self.restore {
            taskset(*pid, cpus);
        }
    }
}

/// `taskset -a -p -c cpus pid`: every thread of `pid` on `cpus`; true if it succeeded.
fn taskset(pid: u32, cpus: &str) -> bool {
    std::process::Command::new("taskset")
        .args(["-a", "-p", "-c", cpus, &pid.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

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
    let one_core = OneCore::pin(server.pid());
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
    drop(one_core);
    added += samples_out.latencies.len();
    log.add(
        &format!("pool-size {tag}: measured SignUp"),
        &samples_out.errors,
    );
    (samples_out, added, cpu)
}

/// Adds `count` users with SignUp at `connections` concurrency; returns (added, seconds).
pub async fn fill(
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
pub struct LookupRow {
    pub users: usize,
    pub op: &'static str,
    pub seq: Stats,
    pub tp: Throughput,
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
        let one_core = OneCore::pin(server.pid());
        for i in 0..s.seq_samples {
            let name = &names[spread(i, names.len())];
            let body = make_body(pool, name);
            let t = Instant::now();
            let r = conn.call(op, &body).await;
            seq.record_outcome(t.elapsed(), lookup_outcome(&r, name));
        }
        drop(one_core);
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

pub async fn pool_sizes(
    s: &Settings,
    keys: &Path,
    log: &mut ErrorLog,
    logged: &mut usize,
    external: Option<&Server>,
) -> (Vec<SizeRow>, Vec<LookupRow>, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let mut rows = Vec::new();
    let mut lookups = Vec::new();
    // Every user signed up in this pool, for the lookups.
    let mut names: Vec<String> = Vec::new();
    let own = external
        .is_none()
        .then(|| Server::start(&s.bin, &data, keys, &[], "pool-size"));
    let server = external.or(own.as_ref()).expect("a server");
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
            eprintln!("load: filling the pool from {users} to {target} users...");
            let (added, secs) = fill(
                &server.addr,
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
        }
        eprintln!("load: SignUp latency with {users} users in the pool...");
        let (samples, added, cpu) = measure_sign_ups(server, &client, size, s, log).await;
        let users_before = users + added - samples.latencies.len();
        users += added;
        rows.push(SizeRow {
            users_before,
            stats: samples.stats(),
            rss_after: server.rss_kib(),
            db_bytes: server.database_bytes(),
            users_after: users,
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
        lookups.extend(measure_lookups(server, &pool, &list, s, log).await);
    }
    *logged += server.logged.load(Ordering::Relaxed);
    if let Some(own) = own {
        own.stop();
    }
    let note = if fill_notes.is_empty() {
        String::new()
    } else {
        format!(
            "Filled with real SignUp calls ({} connections) to the same server, with its default settings (the fill users \
             stay UNCONFIRMED; their rows, indexes, codes and outbox entries are those of any SignUp). Fills: {}.",
            s.fill_connections,
            fill_notes.join("; ")
        )
    };
    (rows, lookups, note)
}
