//! The invocation log: the last invocations of every trigger (event, answer, duration, outcome), kept in
//! memory for `GET /_emulator/invocations` and the console. Bounded: the oldest entries fall off.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde::Serialize;
use serde_json::Value;

/// How many invocations are kept.
const CAPACITY: usize = 1000;

/// One invocation as the control API shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invocation {
    /// Sequence number (increasing; `after=` pages with it).
    pub id: u64,
    /// When it started (epoch seconds, emulator clock).
    pub started_at: f64,
    /// The pool.
    pub pool_id: String,
    /// The LambdaConfig member (`PreSignUp`...).
    pub trigger: String,
    /// The event's `triggerSource`.
    pub trigger_source: String,
    /// The function as the pool names it.
    pub function: String,
    /// Where it was invoked (`<endpoint>/2015-03-31/functions/<name>/invocations`), if anywhere.
    pub url: Option<String>,
    /// `RequestResponse` or `Event`.
    pub invocation_type: String,
    /// Milliseconds until the answer (or the failure).
    pub duration_ms: f64,
    /// `ok`, or the error the API call got (`UserLambdaValidationException`...).
    pub outcome: String,
    /// The error message, if any.
    pub error: Option<String>,
    /// The event sent.
    pub event: Value,
    /// The function's answer, when it gave one.
    pub answer: Option<Value>,
}

/// Filters for [`InvocationLog::list`].
#[derive(Debug, Default)]
pub struct Filter {
    /// Only this pool.
    pub pool_id: Option<String>,
    /// Only this trigger (LambdaConfig member) or trigger source.
    pub trigger: Option<String>,
    /// Only entries after this id.
    pub after: Option<u64>,
}

/// The bounded log.
#[derive(Debug, Default)]
pub struct InvocationLog {
    inner: Mutex<(u64, VecDeque<Invocation>)>,
}

impl InvocationLog {
    /// Appends an entry, giving it the next id; returns the id.
    pub fn record(&self, mut entry: Invocation) -> u64 {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        guard.0 += 1;
        entry.id = guard.0;
        if guard.1.len() == CAPACITY {
            guard.1.pop_front();
        }
        guard.1.push_back(entry);
        guard.0
    }

    /// Entries matching `f`, oldest first.
    pub fn list(&self, f: &Filter) -> Vec<Invocation> {
        let guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        guard
            .1
            .iter()
            .filter(|i| f.after.is_none_or(|a| i.id > a))
            .filter(|i| f.pool_id.as_ref().is_none_or(|p| *p == i.pool_id))
            .filter(|i| {
                f.trigger
                    .as_ref()
                    .is_none_or(|t| *t == i.trigger || *t == i.trigger_source)
            })
            .cloned()
            .collect()
    }

    /// Forgets everything (a full reset).
    pub fn clear(&self) {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        guard.1.clear();
    }
}
