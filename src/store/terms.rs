//! SQL for terms documents (CreateTerms): one per app client and terms name.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::{Map, Value};

use crate::error::Result;

/// A stored terms document.
#[derive(Debug, Clone)]
pub struct TermsRow {
    /// Row id (listing order).
    pub rowid: i64,
    /// TermsId.
    pub id: String,
    /// UserPoolId.
    pub pool_id: String,
    /// ClientId.
    pub client_id: String,
    /// TermsName.
    pub name: String,
    /// TermsSource.
    pub source: String,
    /// Enforcement.
    pub enforcement: String,
    /// Links: language -> URL.
    pub links: Map<String, Value>,
    /// CreationDate.
    pub created_at: f64,
    /// LastModifiedDate.
    pub updated_at: f64,
}

const COLUMNS: &str =
    "rowid, id, pool_id, client_id, name, source, enforcement, links, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<(TermsRow, String)> {
    Ok((
        TermsRow {
            rowid: r.get(0)?,
            id: r.get(1)?,
            pool_id: r.get(2)?,
            client_id: r.get(3)?,
            name: r.get(4)?,
            source: r.get(5)?,
            enforcement: r.get(6)?,
            links: Map::new(),
            created_at: r.get(8)?,
            updated_at: r.get(9)?,
        },
        r.get(7)?,
    ))
}

fn build((mut row, links): (TermsRow, String)) -> Result<TermsRow> {
    row.links = serde_json::from_str(&links)?;
    Ok(row)
}

/// Inserts or replaces (by id) a terms document; `Err` with a UNIQUE violation when the client already
/// has terms with that name.
pub fn save(c: &Connection, t: &TermsRow) -> rusqlite::Result<()> {
    let links = Value::Object(t.links.clone()).to_string();
    c.prepare_cached(
        "INSERT INTO terms (id, pool_id, client_id, name, source, enforcement, links, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, source = excluded.source,
             enforcement = excluded.enforcement, links = excluded.links, updated_at = excluded.updated_at",
    )?
    .execute(params![
        t.id,
        t.pool_id,
        t.client_id,
        t.name,
        t.source,
        t.enforcement,
        links,
        t.created_at,
        t.updated_at
    ])?;
    Ok(())
}

/// The terms `id` of a pool.
pub fn get(c: &Connection, pool_id: &str, id: &str) -> Result<Option<TermsRow>> {
    let row = c
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM terms WHERE pool_id = ?1 AND id = ?2"
        ))?
        .query_row(params![pool_id, id], from_row)
        .optional()?;
    row.map(build).transpose()
}

/// The terms named `name` of a client.
pub fn by_client(c: &Connection, client_id: &str, name: &str) -> Result<Option<TermsRow>> {
    let row = c
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM terms WHERE client_id = ?1 AND name = ?2"
        ))?
        .query_row(params![client_id, name], from_row)
        .optional()?;
    row.map(build).transpose()
}

/// Deletes terms; false when there were none.
pub fn delete(c: &Connection, pool_id: &str, id: &str) -> Result<bool> {
    Ok(
        c.prepare_cached("DELETE FROM terms WHERE pool_id = ?1 AND id = ?2")?
            .execute(params![pool_id, id])?
            > 0,
    )
}

/// Up to `limit` terms of a pool after row `after`, in creation order.
pub fn list(c: &Connection, pool_id: &str, after: i64, limit: usize) -> Result<Vec<TermsRow>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM terms WHERE pool_id = ?1 AND rowid > ?2 ORDER BY rowid LIMIT ?3"
    ))?;
    let rows = stmt
        .query_map(params![pool_id, after, limit as i64], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(build).collect()
}
