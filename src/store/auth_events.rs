//! SQL for the auth events of users (AdminListUserAuthEvents): newest first, paged by row id.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::Value;

use crate::error::Result;

/// A stored auth event.
#[derive(Debug, Clone)]
pub struct EventRow {
    /// Row id (paging order).
    pub rowid: i64,
    /// EventId.
    pub id: String,
    /// EventType.
    pub event_type: String,
    /// EventResponse.
    pub response: String,
    /// ChallengeResponses.
    pub challenges: Value,
    /// EventContextData.
    pub context: Value,
    /// EventFeedback, once given.
    pub feedback: Option<Value>,
    /// The event's feedback token (UpdateAuthEventFeedback).
    pub feedback_token: String,
    /// CreationDate.
    pub created_at: f64,
}

/// An event about to be stored.
pub struct NewEvent<'a> {
    /// EventId.
    pub id: &'a str,
    /// The user.
    pub user_pk: i64,
    /// EventType.
    pub event_type: &'a str,
    /// EventResponse.
    pub response: &'a str,
    /// ChallengeResponses.
    pub challenges: &'a Value,
    /// EventContextData.
    pub context: &'a Value,
    /// The feedback token.
    pub feedback_token: &'a str,
    /// Now.
    pub now: f64,
}

const COLUMNS: &str =
    "rowid, id, event_type, response, challenges, context, feedback, feedback_token, created_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<(EventRow, String, String, Option<String>)> {
    Ok((
        EventRow {
            rowid: r.get(0)?,
            id: r.get(1)?,
            event_type: r.get(2)?,
            response: r.get(3)?,
            challenges: Value::Null,
            context: Value::Null,
            feedback: None,
            feedback_token: r.get(7)?,
            created_at: r.get(8)?,
        },
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

fn build(t: (EventRow, String, String, Option<String>)) -> Result<EventRow> {
    let (mut row, challenges, context, feedback) = t;
    row.challenges = serde_json::from_str(&challenges)?;
    row.context = serde_json::from_str(&context)?;
    row.feedback = feedback.as_deref().map(serde_json::from_str).transpose()?;
    Ok(row)
}

/// Stores an event.
pub fn insert(c: &Connection, e: &NewEvent<'_>) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO auth_events (id, user_pk, event_type, response, challenges, context, feedback_token, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        e.id,
        e.user_pk,
        e.event_type,
        e.response,
        e.challenges.to_string(),
        e.context.to_string(),
        e.feedback_token,
        e.now
    ])?;
    Ok(())
}

/// Up to `limit` events of a user older than row `before` (0: from the newest), newest first.
pub fn list(c: &Connection, user_pk: i64, before: i64, limit: usize) -> Result<Vec<EventRow>> {
    let before = if before <= 0 { i64::MAX } else { before };
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM auth_events WHERE user_pk = ?1 AND rowid < ?2 ORDER BY rowid DESC LIMIT ?3"
    ))?;
    let rows = stmt
        .query_map(params![user_pk, before, limit as i64], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(build).collect()
}

/// The event `id` of a user.
pub fn get(c: &Connection, user_pk: i64, id: &str) -> Result<Option<EventRow>> {
    let row = c
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM auth_events WHERE user_pk = ?1 AND id = ?2"
        ))?
        .query_row(params![user_pk, id], from_row)
        .optional()?;
    row.map(build).transpose()
}

/// Records feedback on an event.
pub fn set_feedback(c: &Connection, user_pk: i64, id: &str, feedback: &Value) -> Result<()> {
    c.prepare_cached("UPDATE auth_events SET feedback = ?3 WHERE user_pk = ?1 AND id = ?2")?
        .execute(params![user_pk, id, feedback.to_string()])?;
    Ok(())
}
