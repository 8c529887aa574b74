//! The background checkpointer: the WAL folded into the database file from a connection of its own.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::commit::Writer;
use super::{OpenError, WAL_TRUNCATE_BYTES, wal_path};

/// Folds the WAL into the database file from its own connection, so the fsyncs of a checkpoint never
/// happen inside a write transaction (they would stall every writer behind the lock): a passive
/// checkpoint every second, and one that lets the WAL restart, holding the writer back for the last
/// pages, as soon as the WAL passes [`WAL_TRUNCATE_BYTES`]. Checkpoints copy committed pages only:
/// what was answered stays durable.
pub(super) fn spawn_checkpointer(
    path: &Path,
    writer: Arc<Writer>,
    stop: Arc<AtomicBool>,
) -> Result<(), OpenError> {
    let mut conn = Connection::open(path)?;
    conn.busy_handler(Some(checkpoint_busy))?;
    let wal = wal_path(path);
    std::thread::Builder::new()
        .name("wal-checkpoint".into())
        .spawn(move || {
            let mut last_passive = Instant::now();
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(50));
                let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
                if size > WAL_TRUNCATE_BYTES {
                    // A passive checkpoint alone never completes while writes keep coming, so the WAL
                    // never restarts. Fold it without stopping anyone (twice when the first pass was
                    // quick: the second copies what was appended during the first, so less is left
                    // for the locked part; a slow first pass means a busy machine, where two long
                    // passes once let the WAL grow past 64 MiB), then what was appended meanwhile
                    // with the writer held back (a few ms), restarting the WAL: readers still on it
                    // are waited for, new ones read the database file, and the next write starts the
                    // WAL over (its file cut back to `journal_size_limit`).
                    let checkpoint = |mode: &str| {
                        conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| {
                            r.get::<_, i64>(0)
                        })
                    };
                    let started = Instant::now();
                    let mut unlocked = checkpoint("PASSIVE");
                    if unlocked.is_ok() && started.elapsed() < SECOND_PASS_WITHIN {
                        unlocked = checkpoint("PASSIVE");
                    }
                    let done = unlocked.and_then(|_| writer.exclusive(|| checkpoint("RESTART")));
                    if let Err(e) = done {
                        tracing::warn!(error = %e, wal_bytes = size, "WAL checkpoint skipped");
                    }
                    last_passive = Instant::now();
                } else if last_passive.elapsed() >= Duration::from_secs(1) {
                    // PASSIVE never waits for readers or writers; whatever it cannot fold now waits.
                    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                    {
                        tracing::debug!(error = %e, "background checkpoint skipped");
                    }
                    last_passive = Instant::now();
                }
            }
        })
        .map(|_| ())
        .map_err(OpenError::Thread)
}

/// A second unlocked pass runs when the first took less than this. With it and [`checkpoint_busy`],
/// the locked part of a restart took 5.7 ms (median; p90 10.4 ms) under the load benchmark's
/// sign-ins on the 2-core bench VM, against 7.4-9.2 ms (p90 13.4-15.2 ms) in two runs before.
const SECOND_PASS_WITHIN: Duration = Duration::from_millis(50);

/// The checkpoint connection's busy handler, for the readers a restart waits for (they hold the
/// snapshot for microseconds): it retries at once, then every 50 µs, for about a second in all.
/// SQLite's default handler sleeps 1, 2, 5, 10 ms... between tries, all of it with the writer held
/// back.
fn checkpoint_busy(retries: i32) -> bool {
    if retries >= 20_000 {
        return false;
    }
    if retries < 100 {
        std::thread::yield_now();
    } else {
        std::thread::sleep(Duration::from_micros(50));
    }
    true
}
