//! Measurements: outcomes, latency samples and their statistics, the log of failures.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::bodies::check_lookup;
use crate::http::Reply;

/// A 200 answer, or the key a failure is counted under.
pub fn outcome(reply: &Result<Reply, String>) -> Result<(), String> {
    match reply {
        Ok(r) if r.status == 200 => Ok(()),
        Ok(r) => Err(r.error_key()),
        Err(e) => Err(format!("transport: {e}")),
    }
}

/// A lookup answer that is 200 and names the user asked for.
pub fn lookup_outcome(reply: &Result<Reply, String>, username: &str) -> Result<(), String> {
    outcome(reply)?;
    match reply {
        Ok(r) => check_lookup(&r.body, username),
        Err(_) => Ok(()),
    }
}

/// Latencies of successful (200) answers plus every failure, by kind.
#[derive(Default)]
pub struct Samples {
    pub latencies: Vec<Duration>,
    pub errors: BTreeMap<String, u64>,
}

impl Samples {
    pub fn record(&mut self, elapsed: Duration, reply: &Result<Reply, String>) {
        self.record_outcome(elapsed, outcome(reply));
    }

    /// `Err` carries the error's key.
    pub fn record_outcome(&mut self, elapsed: Duration, outcome: Result<(), String>) {
        match outcome {
            Ok(()) => self.latencies.push(elapsed),
            Err(key) => *self.errors.entry(key).or_default() += 1,
        }
    }

    pub fn merge(&mut self, other: Samples) {
        self.latencies.extend(other.latencies);
        for (k, v) in other.errors {
            *self.errors.entry(k).or_default() += v;
        }
    }

    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    pub fn stats(&self) -> Stats {
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

pub struct Stats {
    pub ok: usize,
    pub median: Option<Duration>,
    pub p99: Option<Duration>,
    pub max: Option<Duration>,
    pub errors: u64,
}

pub fn ms(d: Option<Duration>) -> String {
    match d {
        Some(d) => format!("{:.2} ms", d.as_secs_f64() * 1e3),
        None => "n/a".into(),
    }
}

pub fn mib(kib: Option<u64>) -> String {
    match kib {
        Some(k) => format!("{:.1} MiB", k as f64 / 1024.0),
        None => "n/a".into(),
    }
}

/// Every failure seen, for the report.
#[derive(Default)]
pub struct ErrorLog {
    pub lines: Vec<String>,
}

impl ErrorLog {
    pub fn add(&mut self, context: &str, errors: &BTreeMap<String, u64>) {
        for (kind, count) in errors {
            self.lines.push(format!("{context}: {count} × {kind}"));
        }
    }
}
