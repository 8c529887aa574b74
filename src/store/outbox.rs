//! SQL for the outbox: every message a pool sends, and its relay state.

use rusqlite::{Connection, Row, params};
use serde::Serialize;

use crate::error::Result;

/// A message about to be queued.
pub struct NewMessage<'a> {
    /// Pool that sends it.
    pub pool_id: &'a str,
    /// Internal username of the recipient.
    pub username: &'a str,
    /// sign_up, resend, forgot_password, invitation, verify_attribute, mfa...
    pub kind: &'a str,
    /// EMAIL or SMS.
    pub medium: &'a str,
    /// Email address or phone number (unmasked).
    pub destination: &'a str,
    /// Email subject.
    pub subject: Option<&'a str>,
    /// Rendered text.
    pub body: &'a str,
    /// The code inside, for tests that read it.
    pub code: Option<&'a str>,
}

/// A message as `GET /_emulator/messages` shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageRow {
    /// Sequence number.
    pub id: i64,
    /// Pool.
    pub pool_id: String,
    /// Internal username.
    pub username: String,
    /// Why it was sent.
    pub kind: String,
    /// EMAIL or SMS.
    pub medium: String,
    /// Recipient.
    pub destination: String,
    /// Subject.
    pub subject: Option<String>,
    /// Text.
    pub body: String,
    /// The code, if any.
    pub code: Option<String>,
    /// When it was queued (epoch seconds).
    pub created_at: f64,
    /// When the SMTP relay accepted it.
    pub sent_at: Option<f64>,
    /// Relay attempts so far.
    pub attempts: i64,
    /// Last relay error.
    pub last_error: Option<String>,
}

const COLUMNS: &str = "id, pool_id, username, kind, medium, destination, subject, body, code, created_at, sent_at, attempts, last_error";

fn from_row(r: &Row<'_>) -> rusqlite::Result<MessageRow> {
    Ok(MessageRow {
        id: r.get(0)?,
        pool_id: r.get(1)?,
        username: r.get(2)?,
        kind: r.get(3)?,
        medium: r.get(4)?,
        destination: r.get(5)?,
        subject: r.get(6)?,
        body: r.get(7)?,
        code: r.get(8)?,
        created_at: r.get(9)?,
        sent_at: r.get(10)?,
        attempts: r.get(11)?,
        last_error: r.get(12)?,
    })
}

/// Queues a message; emails become due for relay at once.
pub fn insert(c: &Connection, m: &NewMessage<'_>, now: f64) -> Result<i64> {
    let due = (m.medium == "EMAIL").then_some(now);
    c.prepare_cached(
        "INSERT INTO outbox (pool_id, username, kind, medium, destination, subject, body, code, created_at, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![m.pool_id, m.username, m.kind, m.medium, m.destination, m.subject, m.body, m.code, now, due])?;
    Ok(c.last_insert_rowid())
}

/// Filters for [`list`].
#[derive(Debug, Default)]
pub struct Filter {
    /// Only this pool.
    pub pool_id: Option<String>,
    /// Only this internal username.
    pub username: Option<String>,
    /// Only this destination (email address or phone number).
    pub destination: Option<String>,
    /// Only messages after this id.
    pub after: Option<i64>,
}

/// Messages matching `f`, oldest first, at most 1000. Only the filters given are in the query, so
/// SQLite can use `outbox_by_destination` / `outbox_by_pool_user` (at most 8 statement shapes).
pub fn list(c: &Connection, f: &Filter) -> Result<Vec<MessageRow>> {
    let mut sql = format!("SELECT {COLUMNS} FROM outbox WHERE id > ?");
    let mut args: Vec<&dyn rusqlite::ToSql> = Vec::new();
    let after = f.after.unwrap_or(0);
    args.push(&after);
    for (column, value) in [
        ("pool_id", &f.pool_id),
        ("username", &f.username),
        ("destination", &f.destination),
    ] {
        if let Some(v) = value {
            sql.push_str(&format!(" AND {column} = ?"));
            args.push(v);
        }
    }
    sql.push_str(" ORDER BY id LIMIT 1000");
    let rows = c
        .prepare_cached(&sql)?
        .query_map(args.as_slice(), from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Up to `limit` messages matching `f` (its `after` ignored) with an id below `before`, newest first:
/// the console's view. `outbox_by_pool` / `outbox_by_pool_user` / `outbox_by_destination` keep rows in
/// id order for each filter, so no sort is needed.
pub fn latest(
    c: &Connection,
    f: &Filter,
    before: Option<i64>,
    limit: usize,
) -> Result<Vec<MessageRow>> {
    let mut sql = format!("SELECT {COLUMNS} FROM outbox WHERE id < ?");
    let before = before.unwrap_or(i64::MAX);
    let limit = limit as i64;
    let mut args: Vec<&dyn rusqlite::ToSql> = vec![&before];
    for (column, value) in [
        ("pool_id", &f.pool_id),
        ("username", &f.username),
        ("destination", &f.destination),
    ] {
        if let Some(v) = value {
            sql.push_str(&format!(" AND {column} = ?"));
            args.push(v);
        }
    }
    sql.push_str(" ORDER BY id DESC LIMIT ?");
    args.push(&limit);
    let rows = c
        .prepare_cached(&sql)?
        .query_map(args.as_slice(), from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Emails due for relay at `now`.
pub fn due(c: &Connection, now: f64, limit: usize) -> Result<Vec<MessageRow>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM outbox WHERE sent_at IS NULL AND medium = 'EMAIL' AND next_attempt_at <= ?1
         ORDER BY next_attempt_at LIMIT ?2"
    ))?;
    let rows = stmt
        .query_map(params![now, limit as i64], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The earliest time an unsent email is due, if any.
pub fn next_due(c: &Connection) -> Result<Option<f64>> {
    Ok(c.prepare_cached(
        "SELECT min(next_attempt_at) FROM outbox WHERE sent_at IS NULL AND medium = 'EMAIL'",
    )?
    .query_row([], |r| r.get(0))?)
}

/// Marks a message relayed.
pub fn mark_sent(c: &Connection, id: i64, now: f64) -> Result<()> {
    c.prepare_cached(
        "UPDATE outbox SET sent_at = ?2, attempts = attempts + 1, last_error = NULL WHERE id = ?1",
    )?
    .execute(params![id, now])?;
    Ok(())
}

/// Records a failed relay attempt and when to try again.
pub fn mark_failed(c: &Connection, id: i64, error: &str, retry_at: f64) -> Result<()> {
    c.prepare_cached(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3 WHERE id = ?1",
    )?
    .execute(params![id, error, retry_at])?;
    Ok(())
}
