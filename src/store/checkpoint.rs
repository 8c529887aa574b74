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
            // The WAL's size when it was last restarted: until a write comes (the next one starts the
            // WAL over and cuts the file back), there is nothing more to restart.
            let mut restarted_at = None;
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(50));
                let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
                if size > WAL_TRUNCATE_BYTES && restarted_at != Some(size) {
                    // A passive checkpoint alone never completes while writes keep coming, so the WAL
                    // never restarts. Fold it without stopping anyone, pass after pass while a pass
                    // is slow (each copies what was appended during the one before: under load the
                    // first pass of a 48 MiB WAL took 53-85 ms, after which the locked part had
                    // ~20 ms of it left; at most four passes, so the WAL grows by what they take),
                    // then what was appended meanwhile with the writer held back (a few ms; ~16 ms
                    // under the bench's SRP load, the checkpoint thread then waiting for a core),
                    // restarting the WAL: readers still on it are waited for, new ones read the
                    // database file, and the next write starts the WAL over (its file cut back to
                    // `journal_size_limit`).
                    let checkpoint = |mode: &str| {
                        conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| {
                            r.get::<_, i64>(0)
                        })
                    };
                    let mut unlocked = Ok(0);
                    for _ in 0..MAX_UNLOCKED_PASSES {
                        let pass = Instant::now();
                        unlocked = checkpoint("PASSIVE");
                        if unlocked.is_err() || pass.elapsed() < QUICK_PASS {
                            break;
                        }
                    }
                    let done = unlocked.and_then(|_| writer.exclusive(|| checkpoint("RESTART")));
                    match done {
                        Ok(_) => restarted_at = Some(size),
                        Err(e) => {
                            tracing::warn!(error = %e, wal_bytes = size, "WAL checkpoint skipped")
                        }
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

/// Unlocked passes before a restart's locked part: another runs while the last took at least
/// [`QUICK_PASS`]. Under the load benchmark's SRP sign-ins (~55 MiB of WAL a second) on the 2-core
/// bench VM, with one or two passes (a second only after a first under 50 ms) the locked part took
/// ~20 ms once a second, the SRP p99 at 16 connections 46-54 ms.
const MAX_UNLOCKED_PASSES: usize = 4;
const QUICK_PASS: Duration = Duration::from_millis(5);

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
