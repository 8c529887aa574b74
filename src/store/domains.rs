//! SQL for user pool domains (prefix and custom).

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Result;

/// A stored domain.
#[derive(Debug, Clone)]
pub struct DomainRow {
    /// The prefix (`myapp`) or the custom domain name (`auth.example.com`).
    pub domain: String,
    /// Owning pool.
    pub pool_id: String,
    /// True for a custom domain.
    pub custom: bool,
    /// JSON settings (see `domain::oauth::DomainSettings`).
    pub settings: String,
    /// When it was created.
    pub created_at: f64,
}

const COLUMNS: &str = "domain, pool_id, custom, settings, created_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DomainRow> {
    Ok(DomainRow {
        domain: r.get(0)?,
        pool_id: r.get(1)?,
        custom: r.get(2)?,
        settings: r.get(3)?,
        created_at: r.get(4)?,
    })
}

/// Inserts a domain; `Err` with a UNIQUE violation when the name is taken or the pool already has a
/// domain of that kind.
pub fn insert(c: &Connection, row: &DomainRow, now: f64) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO domains (domain, pool_id, custom, settings, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )?
    .execute(params![
        row.domain,
        row.pool_id,
        row.custom,
        row.settings,
        now
    ])?;
    Ok(())
}

/// The domain named `domain` (prefix or custom), in any pool.
pub fn get(c: &Connection, domain: &str) -> Result<Option<DomainRow>> {
    Ok(
        c.prepare_cached(&format!("SELECT {COLUMNS} FROM domains WHERE domain = ?1"))?
            .query_row([domain], from_row)
            .optional()?,
    )
}

/// The domains of a pool (at most a prefix one and a custom one).
pub fn of_pool(c: &Connection, pool_id: &str) -> Result<Vec<DomainRow>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM domains WHERE pool_id = ?1 ORDER BY custom"
    ))?;
    let rows = stmt
        .query_map([pool_id], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Replaces a domain's settings.
pub fn update(c: &Connection, domain: &str, settings: &str, now: f64) -> Result<()> {
    c.prepare_cached("UPDATE domains SET settings = ?2, updated_at = ?3 WHERE domain = ?1")?
        .execute(params![domain, settings, now])?;
    Ok(())
}

/// Deletes a domain of a pool; false when there was none.
pub fn delete(c: &Connection, pool_id: &str, domain: &str) -> Result<bool> {
    Ok(
        c.prepare_cached("DELETE FROM domains WHERE domain = ?1 AND pool_id = ?2")?
            .execute([domain, pool_id])?
            > 0,
    )
}

/// Every domain (the HTTPS certificate names them all).
pub fn all(c: &Connection) -> Result<Vec<DomainRow>> {
    let mut stmt = c.prepare_cached(&format!("SELECT {COLUMNS} FROM domains ORDER BY domain"))?;
    let rows = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
