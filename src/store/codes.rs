//! SQL for pending codes (sign-up confirmation, password reset, attribute verification) and the
//! per-user hourly counters behind AWS's attempt limits.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Result;

/// A pending code.
#[derive(Debug, Clone)]
pub struct CodeRow {
    /// The code sent.
    pub code: String,
    /// The attribute it was delivered to (email, phone_number).
    pub attribute: Option<String>,
    /// When it stops being valid.
    pub expires_at: f64,
    /// Wrong guesses so far.
    pub failed_attempts: i64,
    /// A new attribute value that takes effect once verified.
    pub value: Option<String>,
}

/// Stores a new code for `purpose`, replacing any earlier one.
#[allow(clippy::too_many_arguments)]
pub fn put(
    c: &Connection,
    user_pk: i64,
    purpose: &str,
    code: &str,
    attribute: Option<&str>,
    value: Option<&str>,
    now: f64,
    ttl_secs: f64,
) -> Result<()> {
    c.prepare_cached(
        "INSERT OR REPLACE INTO codes (user_pk, purpose, code, attribute, value, created_at, expires_at, failed_attempts)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)",
    )?
    .execute(params![user_pk, purpose, code, attribute, value, now, now + ttl_secs])
    .map_err(|e| super::referenced(c, e, &[super::Ref::User(user_pk)]))?;
    Ok(())
}

/// The pending code for `purpose`.
pub fn get(c: &Connection, user_pk: i64, purpose: &str) -> Result<Option<CodeRow>> {
    Ok(c.prepare_cached(
        "SELECT code, attribute, expires_at, failed_attempts, value FROM codes WHERE user_pk = ?1 AND purpose = ?2",
    )?
    .query_row(params![user_pk, purpose], |r| {
        Ok(CodeRow {
            code: r.get(0)?,
            attribute: r.get(1)?,
            expires_at: r.get(2)?,
            failed_attempts: r.get(3)?,
            value: r.get(4)?,
        })
    })
    .optional()?)
}

/// Every pending code of a user with its purpose (the console shows them with their expiry).
pub fn of_user(c: &Connection, user_pk: i64) -> Result<Vec<(String, CodeRow)>> {
    let mut stmt = c.prepare_cached(
        "SELECT purpose, code, attribute, expires_at, failed_attempts, value FROM codes WHERE user_pk = ?1 ORDER BY purpose",
    )?;
    let rows = stmt
        .query_map(params![user_pk], |r| {
            Ok((
                r.get(0)?,
                CodeRow {
                    code: r.get(1)?,
                    attribute: r.get(2)?,
                    expires_at: r.get(3)?,
                    failed_attempts: r.get(4)?,
                    value: r.get(5)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Removes the code for `purpose` (used or superseded).
pub fn delete(c: &Connection, user_pk: i64, purpose: &str) -> Result<()> {
    c.prepare_cached("DELETE FROM codes WHERE user_pk = ?1 AND purpose = ?2")?
        .execute(params![user_pk, purpose])?;
    Ok(())
}

/// Counts one wrong guess against the code.
pub fn record_failure(c: &Connection, user_pk: i64, purpose: &str) -> Result<()> {
    c.prepare_cached("UPDATE codes SET failed_attempts = failed_attempts + 1 WHERE user_pk = ?1 AND purpose = ?2")?
        .execute(params![user_pk, purpose])?;
    Ok(())
}

/// Counts one `action` by the user in the current window (a fixed window of `window_secs` that starts
/// at the first action) and returns the count including this one.
pub fn hit(c: &Connection, user_pk: i64, action: &str, now: f64, window_secs: f64) -> Result<i64> {
    Ok(c.prepare_cached(
        "INSERT INTO rate_counters (user_pk, action, window_start, count) VALUES (?1, ?2, ?3, 1)
         ON CONFLICT (user_pk, action) DO UPDATE SET
           count = CASE WHEN window_start + ?4 <= ?3 THEN 1 ELSE count + 1 END,
           window_start = CASE WHEN window_start + ?4 <= ?3 THEN ?3 ELSE window_start END
         RETURNING count",
    )?
    .query_row(params![user_pk, action, now, window_secs], |r| r.get(0))
    .map_err(|e| super::referenced(c, e, &[super::Ref::User(user_pk)]))?)
}
