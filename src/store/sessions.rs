//! SQL for challenge sessions: single-use, expiring, bound to a client and a user.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Result;

/// A stored session.
#[derive(Debug, Clone)]
pub struct SessionRow {
    /// The client that started the sign-in.
    pub client_id: String,
    /// The user signing in (None for a simulated session of an unknown user).
    pub user_pk: Option<i64>,
    /// The challenge it answers.
    pub challenge: String,
    /// JSON state of the step.
    pub state: String,
    /// Expiry.
    pub expires_at: f64,
    /// Set when a response used it.
    pub used_at: Option<f64>,
}

/// Stores a session under `key` (the SHA-256 of its random bytes); drops long-dead ones.
pub fn insert(
    c: &Connection,
    key: &[u8],
    client_id: &str,
    user_pk: Option<i64>,
    challenge: &str,
    state: &str,
    now: f64,
    expires_at: f64,
) -> Result<()> {
    c.prepare_cached("DELETE FROM auth_sessions WHERE expires_at < ?1")?
        .execute([now - 3600.0])?;
    c.prepare_cached(
        "INSERT INTO auth_sessions (key, client_id, user_pk, challenge, state, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![key, client_id, user_pk, challenge, state, now, expires_at])
    .map_err(|e| {
        let user = user_pk.map(super::Ref::User);
        let refs: Vec<super::Ref<'_>> = [Some(super::Ref::Client(client_id)), user].into_iter().flatten().collect();
        super::referenced(c, e, &refs)
    })?;
    Ok(())
}

/// The session stored under `key`.
pub fn get(c: &Connection, key: &[u8]) -> Result<Option<SessionRow>> {
    Ok(c.prepare_cached(
        "SELECT client_id, user_pk, challenge, state, expires_at, used_at FROM auth_sessions WHERE key = ?1",
    )?
    .query_row([key], |r| {
        Ok(SessionRow {
            client_id: r.get(0)?,
            user_pk: r.get(1)?,
            challenge: r.get(2)?,
            state: r.get(3)?,
            expires_at: r.get(4)?,
            used_at: r.get(5)?,
        })
    })
    .optional()?)
}

/// Marks a session used; false when it already was (a concurrent reuse).
pub fn mark_used(c: &Connection, key: &[u8], now: f64) -> Result<bool> {
    Ok(c.prepare_cached(
        "UPDATE auth_sessions SET used_at = ?2 WHERE key = ?1 AND used_at IS NULL",
    )?
    .execute(params![key, now])?
        == 1)
}

/// Makes a used session usable again with new state (a wrong code may be retried).
pub fn reopen(c: &Connection, key: &[u8], state: &str) -> Result<()> {
    c.prepare_cached("UPDATE auth_sessions SET used_at = NULL, state = ?2 WHERE key = ?1")?
        .execute(params![key, state])?;
    Ok(())
}

/// The key of the newest unused, unexpired session of a user at a client answering `challenge`.
pub fn pending(
    c: &Connection,
    client_id: &str,
    user_pk: i64,
    challenge: &str,
    now: f64,
) -> Result<Option<[u8; 32]>> {
    let key: Option<Vec<u8>> = c
        .prepare_cached(
            "SELECT key FROM auth_sessions
             WHERE user_pk = ?1 AND client_id = ?2 AND challenge = ?3 AND used_at IS NULL AND expires_at > ?4
             ORDER BY created_at DESC LIMIT 1",
        )?
        .query_row(params![user_pk, client_id, challenge, now], |r| r.get(0))
        .optional()?;
    Ok(key.and_then(|k| k.try_into().ok()))
}
