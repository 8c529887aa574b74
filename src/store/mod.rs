//! SQLite storage: connection handling and migrations. The SQL for each table family lives in the
//! sibling files; handlers call those functions inside `Store::read` / `Store::write`.
//!
//! One writer connection (SQLite has one writer anyway) and a few reader connections, all in WAL mode, so
//! reads never wait for a write. Callers hold a connection only for the SQL: hashing, signing and SRP
//! math happen before or after, never inside. Writers arriving together share one commit (`commit`:
//! group commit), each answered only once its writes are committed.

pub mod auth_events;
pub mod branding;
mod checkpoint;
pub mod clients;
pub mod codes;
mod commit;
pub mod devices;
pub mod documents;
pub mod domains;
pub mod federation;
pub mod groups;
pub mod import_jobs;
pub mod oauth;
pub mod outbox;
mod parsed;
pub mod passkeys;
pub mod pools;
pub mod resource_servers;
pub mod sessions;
pub mod terms;
pub mod tokens;
pub mod users;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::CognitoError;
use commit::Writer;
pub use commit::{WaitHook, with_wait_hook};

macro_rules! migration {
    ($file:literal) => {
        ($file, include_str!(concat!("../../schema/", $file)))
    };
}

/// The schema migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[(&str, &str)] = &[
    migration!("0001_init.sql"),
    migration!("0002_challenges_mfa_devices.sql"),
    migration!("0003_groups_revocation_listing.sql"),
    migration!("0004_revocation_indexes.sql"),
    migration!("0005_webauthn.sql"),
    migration!("0006_operations.sql"),
    migration!("0007_oauth.sql"),
    migration!("0009_federation.sql"),
    migration!("0010_console.sql"),
];

const READERS: usize = 4;

/// The WAL is folded into the database and restarted once it passes this size, even under sustained
/// writes (a passive checkpoint alone never lets it restart while writes keep coming); the file is cut
/// back to this size when it restarts. Each restart holds the writers back for a few milliseconds, and
/// sign-ins under load write ~20 KiB of WAL each (a refresh token is four B-tree pages in random
/// places): with 12 MiB the WAL restarted every ~0.2 s at 2,700 sign-ins/s on the 2-core bench VM and
/// the restarts made most of the sign-in p99 (14.5-15.2 ms against 11.4-11.8 ms with 48 MiB, at
/// 2,663-2,730 against 2,872-2,876/s, in two alternating pairs of runs).
pub const WAL_TRUNCATE_BYTES: u64 = 48 * 1024 * 1024;

/// Handle to the database.
pub struct Store {
    writer: Arc<Writer>,
    /// Empty in memory mode: an in-memory database lives in one connection.
    readers: Mutex<Vec<Connection>>,
    file_backed: bool,
    /// Stops the background checkpointer when the store goes away.
    stop_checkpointer: Arc<AtomicBool>,
}

impl Drop for Store {
    fn drop(&mut self) {
        self.stop_checkpointer.store(true, Ordering::Relaxed);
    }
}

/// `<database>-wal`.
pub fn wal_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

/// Errors opening the database (start-up only).
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// SQLite refused.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The data directory could not be created.
    #[error("cannot create the data directory {0}: {1}")]
    Dir(String, std::io::Error),
    /// The database was written by a newer emulator.
    #[error("the database has schema version {0}, newer than this emulator knows ({1})")]
    TooNew(usize, usize),
    /// The background checkpoint thread could not start.
    #[error("cannot start the checkpoint thread: {0}")]
    Thread(std::io::Error),
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // WAL + synchronous=NORMAL: a committed transaction survives a crash of the process (kill -9);
    // only a power loss can lose the last transactions.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

impl Store {
    /// Opens (creating if needed) the database at `path`, or an in-memory one when `path` is `None`,
    /// and applies pending migrations.
    pub fn open(path: Option<&Path>) -> Result<Store, OpenError> {
        let store = match path {
            None => {
                let conn = Connection::open_in_memory()?;
                configure(&conn)?;
                Store {
                    writer: Arc::new(Writer::new(conn)),
                    readers: Mutex::new(Vec::new()),
                    file_backed: false,
                    stop_checkpointer: Default::default(),
                }
            }
            Some(path) => {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| OpenError::Dir(dir.display().to_string(), e))?;
                }
                let conn = Connection::open(path)?;
                let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
                if !mode.eq_ignore_ascii_case("wal") {
                    tracing::warn!(mode, "SQLite did not switch to WAL mode");
                }
                configure(&conn)?;
                Store {
                    writer: Arc::new(Writer::new(conn)),
                    readers: Mutex::new(Vec::new()),
                    file_backed: true,
                    stop_checkpointer: Default::default(),
                }
            }
        };
        store.migrate()?;
        if let Some(path) = path {
            // The writer never checkpoints on commit; the background connection does. A WAL file that
            // grew is cut back to this size when it restarts.
            {
                let writer = store.lock_writer();
                writer.pragma_update(None, "wal_autocheckpoint", 0)?;
                writer.pragma_update(None, "journal_size_limit", WAL_TRUNCATE_BYTES as i64)?;
            }
            checkpoint::spawn_checkpointer(
                path,
                store.writer.clone(),
                store.stop_checkpointer.clone(),
            )?;
            let mut readers = Vec::with_capacity(READERS);
            for _ in 0..READERS {
                let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                let conn = Connection::open_with_flags(path, flags)?;
                configure(&conn)?;
                readers.push(conn);
            }
            *store.readers.lock().unwrap_or_else(|p| p.into_inner()) = readers;
        }
        Ok(store)
    }

    fn migrate(&self) -> Result<(), OpenError> {
        let mut conn = self.lock_writer();
        let version = conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? as usize;
        if version > MIGRATIONS.len() {
            return Err(OpenError::TooNew(version, MIGRATIONS.len()));
        }
        for (i, (name, sql)) in MIGRATIONS.iter().enumerate().skip(version) {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
            tracing::info!(migration = name, "schema migration applied");
        }
        Ok(())
    }

    /// The schema version recorded in the database.
    pub fn schema_version(&self) -> Result<usize, CognitoError> {
        self.read(|c| Ok(c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? as usize))
    }

    fn lock_writer(&self) -> MutexGuard<'_, Connection> {
        self.writer.lock()
    }

    /// Runs read-only SQL on a reader connection (the writer in memory mode).
    pub fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, CognitoError>,
    ) -> Result<T, CognitoError> {
        if self.file_backed {
            let conn = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
            if let Some(conn) = conn {
                let out = in_read_transaction(&conn, f);
                self.readers
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(conn);
                return out;
            }
        }
        f(&self.lock_writer())
    }

    /// Runs `f` in an immediate write transaction, committed when `f` returns `Ok` (possibly in one
    /// commit with other writers' transactions: group commit), rolled back when it fails. Returns only
    /// once the writes are committed. `f` runs SQL only (it may run on another writer's thread).
    pub fn write<T: Send>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, CognitoError> + Send,
    ) -> Result<T, CognitoError> {
        self.writer.write(f)
    }

    /// [`Store::write`] that commits what `f` wrote even when `f` fails, then returns its answer:
    /// attempt counters and wrong guesses count although the request is refused.
    pub fn write_committed<T: Send>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, CognitoError> + Send,
    ) -> Result<T, CognitoError> {
        self.write(|c| Ok(f(c)))?
    }
}

/// Runs `f` in one read transaction: its statements see one snapshot of the database, and the WAL's
/// read lock is taken once instead of once per statement (two fcntl calls each).
fn in_read_transaction<T>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> Result<T, CognitoError>,
) -> Result<T, CognitoError> {
    conn.prepare_cached("BEGIN")?.execute([])?;
    let out = f(conn);
    if !conn.is_autocommit() {
        // Ending a read transaction cannot lose anything; ROLLBACK if COMMIT failed, so that the
        // connection goes back to the pool without one.
        if conn
            .prepare_cached("COMMIT")
            .and_then(|mut s| s.execute([]))
            .is_err()
        {
            let _ = conn.execute_batch("ROLLBACK");
        }
    }
    out
}

impl Store {
    /// Folds the WAL into the database file (at shutdown: the file is complete on its own).
    pub fn checkpoint(&self) -> Result<(), CognitoError> {
        let conn = self.lock_writer();
        if self.file_backed {
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        Ok(())
    }

    /// Deletes every pool (and by cascade everything in it), the outbox and the revocation list.
    pub fn reset_all(&self) -> Result<(), CognitoError> {
        self.write(|c| {
            c.execute_batch(
                "DELETE FROM pools; DELETE FROM outbox; DELETE FROM revoked_origins; DELETE FROM account_documents;",
            )?;
            Ok(())
        })
    }

    /// Deletes a pool's users (with their tokens, codes, devices, sessions) and groups, and its messages;
    /// the pool and its app clients stay.
    pub fn reset_pool(&self, pool_id: &str) -> Result<(), CognitoError> {
        self.write(|c| {
            c.execute("DELETE FROM users WHERE pool_id = ?1", [pool_id])?;
            c.execute("DELETE FROM groups WHERE pool_id = ?1", [pool_id])?;
            c.execute("DELETE FROM outbox WHERE pool_id = ?1", [pool_id])?;
            Ok(())
        })
    }
}

/// True when `e` is a FOREIGN KEY constraint failure: a row the write refers to (pool, client, user,
/// group) was deleted after the request read it.
pub fn is_foreign_key_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY
    )
}

/// A row a write refers to.
#[derive(Debug, Clone, Copy)]
pub enum Ref<'a> {
    /// A pool, by id.
    Pool(&'a str),
    /// An app client, by id.
    Client(&'a str),
    /// A user, by row id.
    User(i64),
    /// A group, by row id.
    Group(i64),
}

/// The answer for a write that failed because something it refers to is gone: AWS's not-found error
/// for the first of `refs` that no longer exists (checked in the same transaction). Other failures
/// pass through.
pub fn referenced(c: &Connection, e: rusqlite::Error, refs: &[Ref<'_>]) -> CognitoError {
    if !is_foreign_key_violation(&e) {
        return e.into();
    }
    let gone = |sql: &str, arg: &dyn rusqlite::ToSql| {
        c.query_row(sql, [arg], |_| Ok(()))
            .map(|_| false)
            .unwrap_or(true)
    };
    for r in refs {
        match *r {
            Ref::Pool(id) if gone("SELECT 1 FROM pools WHERE id = ?1", &id) => {
                return crate::err!(ResourceNotFoundException, "User pool {id} does not exist.");
            }
            Ref::Client(id) if gone("SELECT 1 FROM clients WHERE id = ?1", &id) => {
                return crate::err!(
                    ResourceNotFoundException,
                    "User pool client {id} does not exist."
                );
            }
            Ref::User(pk) if gone("SELECT 1 FROM users WHERE pk = ?1", &pk) => {
                return crate::err!(UserNotFoundException, "User does not exist.");
            }
            Ref::Group(pk) if gone("SELECT 1 FROM groups WHERE pk = ?1", &pk) => {
                return crate::err!(ResourceNotFoundException, "Group not found.");
            }
            _ => {}
        }
    }
    e.into()
}

/// True when `e` is a UNIQUE or PRIMARY KEY constraint failure.
pub fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn migrations_run_once_and_the_version_is_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("emulator.db");
        let store = Store::open(Some(&path)).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len());
        drop(store);
        // Reopening applies nothing again (a second CREATE TABLE would fail).
        let store = Store::open(Some(&path)).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len());
        assert_eq!(
            Store::open(None).unwrap().schema_version().unwrap(),
            MIGRATIONS.len()
        );
    }

    #[test]
    fn the_wal_stays_bounded_under_sustained_writes_and_reads() {
        use std::sync::atomic::AtomicU64;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("emulator.db");
        let store = Arc::new(Store::open(Some(&path)).unwrap());
        let wal = wal_path(&path);
        let stop = Arc::new(AtomicBool::new(false));
        let (written, largest) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let body = "x".repeat(16 * 1024);
        let target = 8 * WAL_TRUNCATE_BYTES;
        std::thread::scope(|s| {
            for t in 0..2 {
                let (store, stop, written, body) = (&store, &stop, &written, &body);
                s.spawn(move || {
                    let mut i = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        i += 1;
                        store
                            .write(|c| {
                                c.execute(
                                    "INSERT INTO outbox (pool_id, username, kind, medium, destination, body, created_at)
                                     VALUES ('p', ?1, 'sign_up', 'EMAIL', 'd', ?2, 0)",
                                    rusqlite::params![format!("{t}-{i}"), body],
                                )?;
                                c.execute("DELETE FROM outbox WHERE id < last_insert_rowid() - 64", [])?;
                                Ok(())
                            })
                            .unwrap();
                        written.fetch_add(body.len() as u64, Ordering::Relaxed);
                    }
                });
            }
            let (store, stop) = (&store, &stop);
            s.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    store
                        .read(|c| {
                            Ok(c.query_row("SELECT count(*) FROM outbox", [], |r| {
                                r.get::<_, i64>(0)
                            })?)
                        })
                        .unwrap();
                }
            });
            let t = Instant::now();
            while written.load(Ordering::Relaxed) < target && t.elapsed() < Duration::from_secs(120)
            {
                let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
                largest.fetch_max(size, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(2));
            }
            stop.store(true, Ordering::Relaxed);
        });
        let (written, largest) = (
            written.load(Ordering::Relaxed),
            largest.load(Ordering::Relaxed),
        );
        assert!(written >= target, "only {written} bytes written in 120 s");
        // Unbounded, the WAL would hold every page written since the last restart (all `target` bytes
        // and more); bounded, it passes the threshold only by what is appended while a restart is
        // prepared.
        assert!(
            largest < 3 * WAL_TRUNCATE_BYTES,
            "the WAL reached {largest} bytes"
        );
        assert!(largest > 0);
    }
}
