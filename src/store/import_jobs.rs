//! SQL for user import jobs and their uploaded CSV.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::error::Result;

/// A stored import job (without its CSV).
#[derive(Debug, Clone)]
pub struct JobRow {
    /// Row id (listing order).
    pub rowid: i64,
    /// JobId.
    pub id: String,
    /// UserPoolId.
    pub pool_id: String,
    /// JobName.
    pub name: String,
    /// CloudWatchLogsRoleArn.
    pub role_arn: String,
    /// Status.
    pub status: String,
    /// SHA-256 of the upload URL's signature.
    pub upload_token: Vec<u8>,
    /// Whether a CSV was uploaded.
    pub uploaded: bool,
    /// CreationDate.
    pub created_at: f64,
    /// StartDate.
    pub started_at: Option<f64>,
    /// CompletionDate.
    pub completed_at: Option<f64>,
    /// ImportedUsers.
    pub imported: i64,
    /// SkippedUsers.
    pub skipped: i64,
    /// FailedUsers.
    pub failed: i64,
    /// CompletionMessage.
    pub message: Option<String>,
}

const COLUMNS: &str = "rowid, id, pool_id, name, role_arn, status, upload_token, csv IS NOT NULL, \
                       created_at, started_at, completed_at, imported, skipped, failed, message";

fn from_row(r: &Row<'_>) -> rusqlite::Result<JobRow> {
    Ok(JobRow {
        rowid: r.get(0)?,
        id: r.get(1)?,
        pool_id: r.get(2)?,
        name: r.get(3)?,
        role_arn: r.get(4)?,
        status: r.get(5)?,
        upload_token: r.get(6)?,
        uploaded: r.get(7)?,
        created_at: r.get(8)?,
        started_at: r.get(9)?,
        completed_at: r.get(10)?,
        imported: r.get(11)?,
        skipped: r.get(12)?,
        failed: r.get(13)?,
        message: r.get(14)?,
    })
}

/// Inserts a new job (status Created).
pub fn insert(c: &Connection, j: &JobRow) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO import_jobs (id, pool_id, name, role_arn, status, upload_token, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        j.id,
        j.pool_id,
        j.name,
        j.role_arn,
        j.status,
        j.upload_token,
        j.created_at
    ])?;
    Ok(())
}

/// The job `id` (of any pool).
pub fn get(c: &Connection, id: &str) -> Result<Option<JobRow>> {
    Ok(
        c.prepare_cached(&format!("SELECT {COLUMNS} FROM import_jobs WHERE id = ?1"))?
            .query_row([id], from_row)
            .optional()?,
    )
}

/// Up to `limit` jobs of a pool after row `after`, in creation order.
pub fn list(c: &Connection, pool_id: &str, after: i64, limit: usize) -> Result<Vec<JobRow>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM import_jobs WHERE pool_id = ?1 AND rowid > ?2 ORDER BY rowid LIMIT ?3"
    ))?;
    let rows = stmt
        .query_map(params![pool_id, after, limit as i64], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Stores the uploaded CSV of a job.
pub fn set_csv(c: &Connection, id: &str, csv: &[u8]) -> Result<()> {
    c.prepare_cached("UPDATE import_jobs SET csv = ?2 WHERE id = ?1")?
        .execute(params![id, csv])?;
    Ok(())
}

/// The uploaded CSV of a job.
pub fn csv(c: &Connection, id: &str) -> Result<Option<Vec<u8>>> {
    Ok(
        c.prepare_cached("SELECT csv FROM import_jobs WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .flatten(),
    )
}

/// Sets a job's status, with the dates and message that go with it.
pub fn set_status(
    c: &Connection,
    id: &str,
    status: &str,
    started_at: Option<f64>,
    completed_at: Option<f64>,
    message: Option<&str>,
) -> Result<()> {
    c.prepare_cached(
        "UPDATE import_jobs SET status = ?2, started_at = COALESCE(?3, started_at),
             completed_at = COALESCE(?4, completed_at), message = COALESCE(?5, message)
         WHERE id = ?1",
    )?
    .execute(params![id, status, started_at, completed_at, message])?;
    Ok(())
}

/// Adds to a job's counters.
pub fn count(c: &Connection, id: &str, imported: i64, skipped: i64, failed: i64) -> Result<()> {
    c.prepare_cached(
        "UPDATE import_jobs SET imported = imported + ?2, skipped = skipped + ?3, failed = failed + ?4
         WHERE id = ?1",
    )?
    .execute(params![id, imported, skipped, failed])?;
    Ok(())
}

/// Whether a job of the pool is importing (Pending, InProgress or Stopping).
pub fn running(c: &Connection, pool_id: &str) -> Result<bool> {
    Ok(c
        .prepare_cached(
            "SELECT 1 FROM import_jobs WHERE pool_id = ?1 AND status IN ('Pending', 'InProgress', 'Stopping') LIMIT 1",
        )?
        .query_row([pool_id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Moves a job from status `from` to `to` (with a completion date and message when given); false when
/// the job was not in `from` (StopUserImportJob came first).
pub fn transition(
    c: &Connection,
    id: &str,
    from: &str,
    to: &str,
    completed_at: Option<f64>,
    message: Option<&str>,
) -> Result<bool> {
    Ok(c.prepare_cached(
        "UPDATE import_jobs SET status = ?3, completed_at = COALESCE(?4, completed_at),
                 message = COALESCE(?5, message)
             WHERE id = ?1 AND status = ?2",
    )?
    .execute(params![id, from, to, completed_at, message])?
        > 0)
}
