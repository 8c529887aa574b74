//! The markdown report: machine, commit, one table per workload, targets, errors.

use std::fmt::Write as _;
use std::process::Command;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::OWASP;
use crate::measure::{ErrorLog, mib, ms};
use crate::server::{QUIET_CORES, QUIET_GAVE_UP, QUIET_WAITED_MS};
use crate::settings::Settings;
use crate::workloads::pool_size::{LookupRow, SIZE_WARMUP, SizeRow};
use crate::workloads::sequential::SeqRow;
use crate::workloads::throughput::Throughput;

/// What `run` measured, for the report.
pub struct Results {
    /// When the run started (the report gives the total run time).
    pub started: Instant,
    /// The first start of the emulator (with key generation) and a second one, to its ready line.
    pub first_start: Duration,
    pub ready: Duration,
    /// Emulator RSS (KiB): idle after start, right after workloads 1 and 2, 5 s later, and the peak.
    pub rss_idle: Option<u64>,
    pub rss_after_load: Option<u64>,
    pub rss_after_idle: Option<u64>,
    pub hwm: Option<u64>,
    pub seq_rows: Vec<SeqRow>,
    pub tp: Vec<Throughput>,
    pub size_rows: Vec<SizeRow>,
    pub lookup_rows: Vec<LookupRow>,
    pub fill_note: String,
    pub log: ErrorLog,
    /// Lines the emulators wrote to stderr.
    pub logged: usize,
}

pub fn machine() -> String {
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

/// The report, in markdown.
pub fn render(s: &Settings, results: Results) -> String {
    let Results {
        started,
        first_start,
        ready,
        rss_idle,
        rss_after_load,
        rss_after_idle,
        hwm,
        seq_rows,
        tp,
        size_rows,
        lookup_rows,
        fill_note,
        log,
        logged,
    } = results;
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
    o
}
