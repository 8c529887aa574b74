//! SQLite storage: connection handling and migrations. The SQL for each table family lives in the
//! sibling files; handlers call those functions inside `Store::read` / `Store::write`.
//!
//! One writer connection (SQLite has one writer anyway) and a few reader connections, all in WAL mode, so
//! reads never wait for a write. Callers hold a connection only for the SQL: hashing, signing and SRP
//! math happen before or after, never inside.

pub mod auth_events;
pub mod branding;
pub mod clients;
pub mod codes;
pub mod devices;
pub mod documents;
pub mod domains;
pub mod groups;
pub mod import_jobs;
pub mod oauth;
pub mod outbox;
pub mod passkeys;
pub mod pools;
pub mod resource_servers;
pub mod sessions;
pub mod terms;
pub mod tokens;
pub mod users;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::CognitoError;

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
    migration!("0010_console.sql"),
];

const READERS: usize = 4;

/// Handle to the database.
pub struct Store {
    writer: Mutex<Connection>,
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

/// Folds the WAL into the database file from its own connection once a second, so the fsyncs of a
/// checkpoint never happen inside a write transaction (they would stall every writer behind the lock).
fn spawn_checkpointer(path: &Path, stop: Arc<AtomicBool>) -> Result<(), OpenError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(1))?;
    std::thread::Builder::new()
        .name("wal-checkpoint".into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(std::time::Duration::from_secs(1));
                // PASSIVE never waits for readers or writers; whatever it cannot fold now waits a second.
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::debug!(error = %e, "background checkpoint skipped");
                }
            }
        })
        .map(|_| ())
        .map_err(OpenError::Thread)
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
                    writer: Mutex::new(conn),
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
                    writer: Mutex::new(conn),
                    readers: Mutex::new(Vec::new()),
                    file_backed: true,
                    stop_checkpointer: Default::default(),
                }
            }
        };
        store.migrate()?;
        if let Some(path) = path {
            // The writer never checkpoints on commit; the background connection does.
            store
                .lock_writer()
                .pragma_update(None, "wal_autocheckpoint", 0)?;
            spawn_checkpointer(path, store.stop_checkpointer.clone())?;
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
        // A panic while holding the lock leaves the connection usable: SQLite rolls back on its own.
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs read-only SQL on a reader connection (the writer in memory mode).
    pub fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, CognitoError>,
    ) -> Result<T, CognitoError> {
        if self.file_backed {
            let conn = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
            if let Some(conn) = conn {
                let out = f(&conn);
                self.readers
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(conn);
                return out;
            }
        }
        f(&self.lock_writer())
    }

    /// Runs `f` in an immediate write transaction, committed when `f` returns `Ok`.
    pub fn write<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, CognitoError>,
    ) -> Result<T, CognitoError> {
        let mut conn = self.lock_writer();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// [`Store::write`] that commits what `f` wrote even when `f` fails, then returns its answer:
    /// attempt counters and wrong guesses count although the request is refused.
    pub fn write_committed<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, CognitoError>,
    ) -> Result<T, CognitoError> {
        self.write(|c| Ok(f(c)))?
    }
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
}
