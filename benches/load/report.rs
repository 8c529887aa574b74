//! The markdown report: machine, commit, one table per workload, targets, errors.

use std::fmt::Write as _;
use std::process::Command;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::hashing;
use crate::measure::{ErrorLog, mib, ms};
use crate::server::{QUIET_CORES, QUIET_GAVE_UP, QUIET_WAITED_MS};
use crate::settings::Settings;
use crate::workloads::pool_size::{LookupRow, SIZE_WARMUP, SizeRow};
use crate::workloads::seed::SeedRun;
use crate::workloads::sequential::SeqRow;
use crate::workloads::throughput::Throughput;

/// What `run` measured, for the report.
pub struct Results {
    /// When the run started (the report gives the total run time).
    pub started: Instant,
    /// The first start of the emulator (with key generation) and a second one, to its ready line
    /// (none for an endpoint).
    pub first_start: Option<Duration>,
    pub ready: Option<Duration>,
    /// Whether the server's process (CPU, memory) is known.
    pub cpu_known: bool,
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
    pub seed: Option<SeedRun>,
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

fn run_command(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// `/proc/loadavg`'s three averages.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "n/a".into())
}

fn ratio(a: Option<Duration>, b: Option<Duration>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if !b.is_zero() => Some(a.as_secs_f64() / b.as_secs_f64()),
        _ => None,
    }
}

fn shown_ratio(r: Option<f64>) -> String {
    r.map_or("n/a".into(), |r| format!("{r:.2}x"))
}

/// One goal of issue 13: what is asked, what this run measured, whether it is met.
struct Goal {
    goal: String,
    measured: String,
    met: Option<bool>,
}

/// The report, in markdown.
pub fn render(s: &Settings, results: Results) -> String {
    let Results {
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
    } = results;
    let cpu = |c: f64| {
        if cpu_known {
            format!("{:.0}%", c * 100.0)
        } else {
            "n/a".into()
        }
    };
    let mut o = String::new();
    let _ = writeln!(o, "\n## Load benchmark\n");
    let what = match &s.endpoint {
        Some(e) => format!(
            "`{}` at `{e}` (started by hand; its own settings), driven",
            s.label
        ),
        None => format!(
            "the release emulator as a subprocess (`--log-level warn`, default settings: {}, SQLite file in a \
             temporary directory), driven",
            hashing(s)
        ),
    };
    let _ = writeln!(
        o,
        "`cargo bench --bench load`{}: {what} over HTTP/1.1 keep-alive connections by a load generator on the same machine \
         (it shares the cores). Date {} (UTC). Machine: {}. Emulator commit {}. Load average at the end {} (1, 5, 15 min). \
         Total run time {:.0} s. CPU figures are percentages of one core (200% = both cores of this machine).\n",
        if s.quick {
            " with `LOAD_QUICK=1` (smoke run: small numbers, not representative)"
        } else {
            ""
        },
        run_command("date", &["-u", "+%Y-%m-%d %H:%M"]).unwrap_or_else(|| "unknown".into()),
        machine(),
        git_commit().unwrap_or_else(|| "unknown".into()),
        load_average(),
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
        "\n### 2. Throughput ({} s each after a {} s warm-up; req/s counts HTTP 200 answers, for SRP complete sign-ins, for new users both calls)\n",
        s.seconds, s.warmup
    );
    let _ = writeln!(
        o,
        "| Operation | What is measured | connections | req/s | server CPU | median | p99 | max | errors | server CPU / req | load-generator CPU | other processes' CPU | server RSS after |"
    );
    let _ = writeln!(
        o,
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for t in &tp {
        let st = t.measured.stats();
        let _ = writeln!(
            o,
            "| {} | {} | {} | {:.0} | {} | {} | {} | {} | {} | {:.2} ms | {:.0}% | {:.0}% | {} |",
            t.op,
            t.what,
            t.connections,
            t.rate(),
            cpu(t.cpu.server),
            ms(st.median),
            ms(st.p99),
            ms(st.max),
            st.errors,
            t.server_cpu_per_request_ms(),
            t.cpu.client * 100.0,
            t.cpu.other * 100.0,
            mib(t.rss_after)
        );
    }
    for t in tp.iter().filter(|t| !t.note.is_empty()) {
        let _ = writeln!(o, "\n{}", t.note);
    }

    if !size_rows.is_empty() {
        let _ = writeln!(
            o,
            "\n### 3. SignUp latency against pool size ({} sequential SignUps on 1 connection after {SIZE_WARMUP} untimed ones, {}; {})\n",
            s.signup_samples,
            hashing(s),
            one_core_note()
        );
        let _ = writeln!(
            o,
            "| Users in the pool | median | p99 | median vs empty | p99 vs empty | errors | server CPU | other processes' CPU | server RSS after | database file | per user | fill |"
        );
        let _ = writeln!(
            o,
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
        );
        let base = &size_rows[0].stats;
        for r in &size_rows {
            let per_user = r
                .db_bytes
                .filter(|_| r.users_after > 0)
                .map_or("n/a".into(), |b| {
                    format!("{:.2} KiB", b as f64 / 1024.0 / r.users_after as f64)
                });
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} | {} | {:.0}% | {} | {} | {} | {} |",
                r.users_before,
                ms(r.stats.median),
                ms(r.stats.p99),
                shown_ratio(ratio(r.stats.median, base.median)),
                shown_ratio(ratio(r.stats.p99, base.p99)),
                r.stats.errors,
                cpu(r.cpu.server),
                r.cpu.other * 100.0,
                mib(r.rss_after),
                r.db_bytes
                    .map_or("n/a".into(), |b| format!("{:.1} MiB", b as f64 / 1048576.0)),
                per_user,
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
            "\n### 4. Lookups against pool size (same pool as 3, after its SignUps; {} sequential requests on 1 connection, {}, then {} connections for {} s after a {} s warm-up; every request asks for another user, and an answer counts only if it names that user alone)\n",
            s.seq_samples,
            one_core_note(),
            s.connections,
            s.seconds,
            s.warmup
        );
        let _ = writeln!(
            o,
            "| Users in the pool | Operation | sequential median | sequential p99 | median vs smallest pool | req/s | server CPU | median | p99 | req/s vs smallest pool | errors | server CPU / req | load-generator CPU | other processes' CPU | server RSS after |"
        );
        let _ = writeln!(
            o,
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for r in &lookup_rows {
            let base = lookup_rows
                .iter()
                .find(|b| b.op == r.op)
                .expect("the row itself");
            let st = r.tp.measured.stats();
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {:.0} | {} | {} | {} | {:.2}x | {} | {:.2} ms | {:.0}% | {:.0}% | {} |",
                r.users,
                r.op,
                ms(r.seq.median),
                ms(r.seq.p99),
                shown_ratio(ratio(r.seq.median, base.seq.median)),
                r.tp.rate(),
                cpu(r.tp.cpu.server),
                ms(st.median),
                ms(st.p99),
                r.tp.rate() / base.tp.rate().max(1e-9),
                r.seq.errors + st.errors,
                r.tp.server_cpu_per_request_ms(),
                r.tp.cpu.client * 100.0,
                r.tp.cpu.other * 100.0,
                mib(r.tp.rss_after)
            );
        }
    }

    let _ = writeln!(
        o,
        "\n### 5. Memory of the server process (VmRSS from /proc/<pid>/status)\n"
    );
    let _ = writeln!(o, "| When | RSS |");
    let _ = writeln!(o, "|---|---:|");
    let start_note = match (ready, first_start) {
        (Some(r), Some(f)) => format!(
            " (start took {:.0} ms; first start with key generation {:.0} ms)",
            r.as_secs_f64() * 1e3,
            f.as_secs_f64() * 1e3
        ),
        _ => String::new(),
    };
    let _ = writeln!(
        o,
        "| idle, 0.5 s after the ready line{start_note} | {} |",
        mib(rss_idle)
    );
    let _ = writeln!(
        o,
        "| right after workloads 1 and 2 | {} |",
        mib(rss_after_load)
    );
    let _ = writeln!(o, "| after 5 s idle | {} |", mib(rss_after_idle));
    let _ = writeln!(
        o,
        "| peak (VmHWM) during workloads 1 and 2 | {} |",
        mib(hwm)
    );
    if let Some(last) = size_rows.last() {
        let _ = writeln!(
            o,
            "| with {} users in the pool (workload 3's server, after its SignUps) | {} |",
            last.users_after,
            mib(last.rss_after)
        );
    }

    if let Some(seed) = &seed {
        let _ = writeln!(o, "\n### 6. A seed file applied at start\n");
        let _ = writeln!(
            o,
            "One pool, one client and {} CONFIRMED users with a password and a verified email, from `--seed`: spawn to ready line \
             {:.2} s, against {:.2} s for an empty start with the same keys; RSS after {}, database file {}.",
            seed.users,
            seed.with_seed.as_secs_f64(),
            seed.empty.as_secs_f64(),
            mib(seed.rss_after),
            seed.db_bytes
                .map_or("n/a".into(), |b| format!("{:.1} MiB", b as f64 / 1048576.0)),
        );
    }

    // Goals of issue 13.
    let find_tp = |op: &str| tp.iter().find(|t| t.op.starts_with(op));
    let find_seq = |op: &str| seq_rows.iter().find(|r| r.op == op);
    let mut goals = Vec::new();
    let seq_goal = |goals: &mut Vec<Goal>, op: &str, label: &str, max_ms: f64| {
        let (measured, met) =
            match find_seq(op).and_then(|r| r.stats.median.map(|m| (m, r.stats.errors))) {
                Some((m, errors)) => (
                    format!("{} ({errors} errors)", ms(Some(m))),
                    Some(m.as_secs_f64() * 1e3 <= max_ms && errors == 0),
                ),
                None => ("not run".into(), None),
            };
        goals.push(Goal {
            goal: format!("{label} ≤ {max_ms} ms sequential median"),
            measured,
            met,
        });
    };
    seq_goal(&mut goals, "SignUp", "SignUp", 1.0);
    seq_goal(
        &mut goals,
        "InitiateAuth USER_PASSWORD_AUTH, first sign-in",
        "first password sign-in of a user",
        1.5,
    );
    let (measured, met) = match find_tp("SignUp + AdminConfirmSignUp") {
        Some(t) => (
            format!(
                "{:.0} users/s at {} connections, server CPU {}, {} errors",
                t.rate(),
                t.connections,
                cpu(t.cpu.server),
                t.measured.error_count()
            ),
            Some(t.rate() >= 1500.0 && t.measured.error_count() == 0),
        ),
        None => ("not run".into(), None),
    };
    goals.push(Goal {
        goal: "bulk SignUp + AdminConfirmSignUp ≥ 1,500 users/s at 8 connections".into(),
        measured,
        met,
    });
    let (measured, met) = match &seed {
        Some(r) => (
            format!(
                "{} users: {:.2} s to ready (empty start {:.2} s)",
                r.users,
                r.with_seed.as_secs_f64(),
                r.empty.as_secs_f64()
            ),
            Some(r.users >= 10_000 && r.with_seed.as_secs_f64() <= 2.0),
        ),
        None => ("not run".into(), None),
    };
    goals.push(Goal {
        goal: "a seed file of 10,000 users applied at start in ≤ 2 s".into(),
        measured,
        met,
    });
    for (op, label, rate) in [
        (
            "InitiateAuth USER_PASSWORD_AUTH",
            "password sign-in (repeat users)",
            2000.0,
        ),
        ("InitiateAuth REFRESH_TOKEN_AUTH", "refresh", 2200.0),
    ] {
        let (measured, met) = match find_tp(op) {
            Some(t) => {
                let st = t.measured.stats();
                (
                    format!(
                        "{:.0}/s, p99 {}, server CPU {}, {} errors",
                        t.rate(),
                        ms(st.p99),
                        cpu(t.cpu.server),
                        st.errors
                    ),
                    Some(
                        t.rate() >= rate
                            && st.p99.is_some_and(|p| p <= Duration::from_millis(15))
                            && t.cpu.server >= 1.85
                            && st.errors == 0,
                    ),
                )
            }
            None => ("not run".into(), None),
        };
        goals.push(Goal {
            goal: format!(
                "{label} ≥ {rate:.0}/s at {} connections, p99 ≤ 15 ms, server CPU ≥ 185%",
                s.connections
            ),
            measured,
            met,
        });
    }
    seq_goal(&mut goals, "AdminConfirmSignUp", "AdminConfirmSignUp", 0.2);
    seq_goal(&mut goals, "GetUser", "GetUser", 0.15);
    let (measured, met) = match find_tp("SRP sign-in") {
        Some(t) => {
            let st = t.measured.stats();
            (
                format!(
                    "{:.0}/s, p99 {}, server CPU {}, load generator {:.0}%, {} errors",
                    t.rate(),
                    ms(st.p99),
                    cpu(t.cpu.server),
                    t.cpu.client * 100.0,
                    st.errors
                ),
                Some(
                    t.rate() >= 450.0
                        && st.p99.is_some_and(|p| p <= Duration::from_millis(40))
                        && st.errors == 0,
                ),
            )
        }
        None => ("not run".into(), None),
    };
    goals.push(Goal {
        goal: format!(
            "SRP ≥ 450 complete sign-ins/s at {} connections, p99 ≤ 40 ms",
            s.connections
        ),
        measured,
        met,
    });
    if let (Some(first), Some(last)) = (size_rows.first(), size_rows.last()) {
        if size_rows.len() > 1 {
            let r = ratio(last.stats.median, first.stats.median);
            goals.push(Goal {
                goal: format!(
                    "SignUp median at {} users ≤ 1.1x of an empty pool",
                    last.users_before
                ),
                measured: format!(
                    "{} vs {} ({})",
                    ms(last.stats.median),
                    ms(first.stats.median),
                    shown_ratio(r)
                ),
                met: r.map(|r| r <= 1.1 && last.stats.errors == 0),
            });
            let largest = lookup_rows.iter().map(|r| r.users).max().unwrap_or(0);
            for op in ["AdminGetUser", "ListUsers"] {
                let rows: Vec<_> = lookup_rows
                    .iter()
                    .filter(|r| r.op.starts_with(op))
                    .collect();
                if let (Some(a), Some(b)) = (rows.first(), rows.iter().find(|r| r.users == largest))
                {
                    let seq = ratio(b.seq.median, a.seq.median);
                    let rate = b.tp.rate() / a.tp.rate().max(1e-9);
                    goals.push(Goal {
                        goal: format!("{} flat up to {largest} users (here: within 1.25x of the smallest pool)", a.op),
                        measured: format!(
                            "sequential median {} vs {} ({}); {:.0} vs {:.0} req/s ({rate:.2}x)",
                            ms(b.seq.median),
                            ms(a.seq.median),
                            shown_ratio(seq),
                            b.tp.rate(),
                            a.tp.rate()
                        ),
                        met: seq.map(|q| q <= 1.25 && rate >= 0.8),
                    });
                }
            }
            goals.push(Goal {
                goal: format!("RSS ≤ 150 MiB with {} users in the pool", last.users_after),
                measured: mib(last.rss_after),
                met: last.rss_after.map(|k| k <= 150 * 1024),
            });
            goals.push(Goal {
                goal: "database file size per user stated".into(),
                measured: match last.db_bytes {
                    Some(b) if last.users_after > 0 => format!(
                        "{:.1} MiB for {} users: {:.2} KiB per user",
                        b as f64 / 1048576.0,
                        last.users_after,
                        b as f64 / 1024.0 / last.users_after as f64
                    ),
                    _ => "n/a".into(),
                },
                met: last.db_bytes.map(|_| true),
            });
        }
    }
    goals.push(Goal {
        goal: "idle RSS ≤ 10 MiB".into(),
        measured: mib(rss_idle),
        met: rss_idle.map(|k| k <= 10 * 1024),
    });
    goals.push(Goal {
        goal: "peak RSS ≤ 60 MiB during the benchmark (workloads 1 and 2)".into(),
        measured: mib(hwm),
        met: hwm.map(|k| k <= 60 * 1024),
    });
    let _ = writeln!(o, "\n### Goals (issue 13)\n");
    let _ = writeln!(o, "| Goal | Measured | Result |");
    let _ = writeln!(o, "|---|---|---|");
    for g in &goals {
        let _ = writeln!(
            o,
            "| {} | {} | {} |",
            g.goal,
            g.measured,
            g.met.map_or("not measured", verdict)
        );
    }

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
             what ran beside the server during each measurement.",
            QUIET_WAITED_MS.load(Ordering::Relaxed) as f64 / 1e3,
            QUIET_GAVE_UP.load(Ordering::Relaxed),
            s.quiet_wait
        );
    }
    o
}

/// How the sequential phases of workloads 3 and 4 were placed (see `pool_size::OneCore`).
fn one_core_note() -> String {
    use crate::workloads::pool_size::{SIZE_PHASES, SIZE_PHASES_ON_ONE_CORE};
    use std::sync::atomic::Ordering::Relaxed;
    let (all, pinned) = (
        SIZE_PHASES.load(Relaxed),
        SIZE_PHASES_ON_ONE_CORE.load(Relaxed),
    );
    if pinned == all {
        "the load generator and the server on one core (`taskset`), so that the sizes compare the server's work and not where the scheduler placed the two processes".into()
    } else {
        format!(
            "{pinned} of the {all} sequential phases of workloads 3 and 4 with the load generator and the server on one core (`taskset`), the others unpinned"
        )
    }
}
