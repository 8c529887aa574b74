//! The knobs of the run, from `LOAD_*` environment variables (see the crate documentation).

use std::path::PathBuf;

pub struct Settings {
    pub quick: bool,
    pub seq_signups: usize,
    pub seq_samples: usize,
    pub connections: usize,
    pub seconds: f64,
    pub warmup: f64,
    pub pool_sizes: Vec<usize>,
    pub signup_samples: usize,
    pub fill_connections: usize,
    pub quiet_wait: f64,
    pub srp_max_rate: f64,
    pub bin: PathBuf,
    /// `--endpoint` / `LOAD_ENDPOINT`: drive this running server instead of starting the emulator.
    pub endpoint: Option<String>,
    /// `--server-pid` / `LOAD_SERVER_PID`: the process whose CPU and memory are reported for an
    /// endpoint (default: the process listening on the endpoint's port, found in /proc).
    pub server_pid: Option<u32>,
    /// `LOAD_LABEL`: what the report calls the server measured.
    pub label: String,
    /// `LOAD_SEED_USERS` [10000 / 500]: users of the seed file whose start is timed (0: skip).
    pub seed_users: usize,
    /// `LOAD_BULK_CONNECTIONS` [8]: connections of the bulk SignUp + AdminConfirmSignUp run.
    pub bulk_connections: usize,
}

/// The value of `--name value` or `--name=value` on the command line (`cargo bench --bench load --
/// --endpoint http://...`).
fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    let flag = format!("--{name}");
    args.iter().enumerate().find_map(|(i, a)| {
        if a == &flag {
            args.get(i + 1).cloned()
        } else {
            a.strip_prefix(&format!("{flag}=")).map(str::to_string)
        }
    })
}

/// `LOAD_QUICK` set to anything but empty or `0`.
pub fn quick_requested() -> bool {
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
    pub fn from_env() -> Settings {
        let quick = quick_requested();
        fn pick<T>(quick: bool, full: T, small: T) -> T {
            if quick { small } else { full }
        }
        let sizes = std::env::var("LOAD_POOL_SIZES")
            .unwrap_or_else(|_| pick(quick, "0,100000,1000000", "0,300").to_string());
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
            quiet_wait: env_or("LOAD_QUIET_WAIT_SECONDS", pick(quick, 120.0, 10.0)),
            srp_max_rate: env_or("LOAD_SRP_MAX_RATE", 1200.0),
            bin,
            endpoint: arg("endpoint")
                .or_else(|| std::env::var("LOAD_ENDPOINT").ok())
                .filter(|e| !e.trim().is_empty())
                .map(|e| e.trim().trim_end_matches('/').to_string()),
            server_pid: arg("server-pid")
                .or_else(|| std::env::var("LOAD_SERVER_PID").ok())
                .map(|p| {
                    p.trim()
                        .parse()
                        .unwrap_or_else(|_| panic!("server pid {p:?} is not a number"))
                }),
            label: std::env::var("LOAD_LABEL").unwrap_or_else(|_| "cognito-emulator".into()),
            seed_users: env_or("LOAD_SEED_USERS", pick(quick, 10_000, 500)),
            bulk_connections: env_or("LOAD_BULK_CONNECTIONS", 8),
        }
    }
}
