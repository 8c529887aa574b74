//! The emulator process: start, memory, CPU time, stop; and the wait for a quiet machine.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use crate::settings::Settings;

/// The server measured: the emulator as a subprocess, or any server at `--endpoint`.
pub struct Server {
    /// The subprocess (none for an endpoint).
    child: Option<Child>,
    pub addr: String,
    /// The process whose CPU and memory are read, when known.
    pid: Option<u32>,
    /// The subprocess's data directory (its database file is measured).
    data: Option<std::path::PathBuf>,
    /// Lines the emulator wrote to stderr (warnings and errors at `--log-level warn`).
    pub logged: Arc<AtomicUsize>,
}

impl Server {
    /// A server that is already running at `endpoint` (`http://host:port`); `pid` is its process, else
    /// the process listening on that port on this machine, if it can be found.
    pub fn external(endpoint: &str, pid: Option<u32>) -> Server {
        let addr = endpoint
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let port = addr
            .rsplit(':')
            .next()
            .and_then(|p| p.parse::<u16>().ok())
            .unwrap_or_else(|| panic!("--endpoint {endpoint}: expected http://host:port"));
        let pid = pid.or_else(|| listener_pid(port));
        Server {
            child: None,
            addr,
            pid,
            data: None,
            logged: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Whether CPU and memory of the server can be read.
    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// Size of the database file (without its WAL, bounded apart), for a subprocess.
    pub fn database_bytes(&self) -> Option<u64> {
        let dir = self.data.as_ref()?;
        std::fs::metadata(dir.join("cognito.db"))
            .map(|m| m.len())
            .ok()
    }

    /// Starts the emulator on port 0 with its defaults (plus `extra` arguments) and waits for its
    /// ready line.
    pub fn start(bin: &Path, data: &Path, keys: &Path, extra: &[&str], label: &str) -> Server {
        let mut cmd = Command::new(bin);
        cmd.args(["--host", "127.0.0.1", "--port", "0", "--log-level", "warn"])
            .arg("--data")
            .arg(data)
            .arg("--keys")
            .arg(keys)
            .args(extra);
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
            child: Some(child),
            addr,
            pid: Some(pid),
            data: Some(data.to_path_buf()),
            logged,
        }
    }

    fn status_field_kib(&self, field: &str) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid?)).ok()?;
        let line = status.lines().find(|l| l.starts_with(field))?;
        line[field.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    }

    /// Resident set size in KiB.
    pub fn rss_kib(&self) -> Option<u64> {
        self.status_field_kib("VmRSS:")
    }

    /// Peak resident set size in KiB.
    pub fn hwm_kib(&self) -> Option<u64> {
        self.status_field_kib("VmHWM:")
    }

    /// User + system CPU time of the server, in clock ticks (0 when it is not known).
    fn cpu_ticks(&self) -> u64 {
        self.pid
            .map_or(0, |pid| cpu_ticks_of(&format!("/proc/{pid}/stat")))
    }

    /// SIGTERM, then wait (SIGKILL after 20 s). An endpoint is left running.
    pub fn stop(mut self) {
        let (Some(mut child), Some(pid)) = (self.child.take(), self.pid) else {
            return;
        };
        let _ = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        eprintln!("load: the emulator did not stop within 20 s of SIGTERM; killing it");
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            if let Ok(None) = child.try_wait() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

/// The process listening on TCP `port` (IPv4 or IPv6): the socket's inode from /proc/net/tcp*, then
/// the process holding it among /proc/*/fd.
fn listener_pid(port: u16) -> Option<u32> {
    let mut inodes = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = std::fs::read_to_string(table).unwrap_or_default();
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            // local_address is HEXIP:HEXPORT; state 0A is LISTEN; inode is field 9.
            let listening = f.get(3) == Some(&"0A");
            let on_port = f
                .get(1)
                .and_then(|a| a.rsplit(':').next())
                .and_then(|p| u16::from_str_radix(p, 16).ok())
                == Some(port);
            if listening && on_port {
                if let Some(inode) = f.get(9) {
                    inodes.push(format!("socket:[{inode}]"));
                }
            }
        }
    }
    if inodes.is_empty() {
        return None;
    }
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            if let Ok(link) = std::fs::read_link(fd.path()) {
                if inodes.iter().any(|i| link.to_string_lossy() == *i) {
                    return Some(pid);
                }
            }
        }
    }
    None
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
pub struct CpuMeter {
    pub server: u64,
    pub client: u64,
    busy: u64,
    at: Instant,
}

#[derive(Clone, Copy, Default)]
pub struct CpuUse {
    pub server: f64,
    pub client: f64,
    /// Other processes disturb the numbers: this says how much.
    pub other: f64,
}

impl CpuMeter {
    pub fn start(server: &Server) -> CpuMeter {
        CpuMeter {
            server: server.cpu_ticks(),
            client: cpu_ticks_of("/proc/self/stat"),
            busy: machine_busy_ticks(),
            at: Instant::now(),
        }
    }

    pub fn stop(&self, server: &Server) -> CpuUse {
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
pub static QUIET_WAITED_MS: AtomicUsize = AtomicUsize::new(0);
pub static QUIET_GAVE_UP: AtomicUsize = AtomicUsize::new(0);

/// Other processes above this many cores make a machine "busy".
pub const QUIET_CORES: f64 = 0.15;

/// Before a measured phase: waits (up to `LOAD_QUIET_WAIT_SECONDS`) until the rest of the machine uses
/// less than `QUIET_CORES` over one second, so that a neighbour's compile does not land in the numbers.
pub async fn wait_quiet(server: &Server, s: &Settings) {
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
