//! SQL for app clients.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::domain::client::ClientConfig;
use crate::error::Result;

/// A stored app client.
#[derive(Debug, Clone)]
pub struct ClientRow {
    /// Row id (listing order).
    pub pk: i64,
    /// The 26-character client id.
    pub id: String,
    /// Owning pool.
    pub pool_id: String,
    /// ClientName.
    pub name: String,
    /// ClientSecret, when generated.
    pub secret: Option<String>,
    /// Everything else the API set.
    pub config: ClientConfig,
    /// CreationDate.
    pub created_at: f64,
    /// LastModifiedDate.
    pub updated_at: f64,
}

type Raw = (
    i64,
    String,
    String,
    String,
    Option<String>,
    String,
    f64,
    f64,
);

const COLUMNS: &str = "pk, id, pool_id, name, secret, settings, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Raw> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
    ))
}

fn build(t: Raw) -> Result<ClientRow> {
    let (pk, id, pool_id, name, secret, settings, created_at, updated_at) = t;
    Ok(ClientRow {
        pk,
        id,
        pool_id,
        name,
        secret,
        config: serde_json::from_str(&settings)?,
        created_at,
        updated_at,
    })
}

/// Inserts a client; `Err` with a UNIQUE violation when the id is taken.
pub fn insert(
    c: &Connection,
    id: &str,
    pool_id: &str,
    name: &str,
    secret: Option<&str>,
    config: &ClientConfig,
    now: f64,
) -> rusqlite::Result<()> {
    let settings = serde_json::to_string(config).expect("client config serialises");
    c.prepare_cached(
        "INSERT INTO clients (id, pool_id, name, secret, settings, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )?
    .execute(params![id, pool_id, name, secret, settings, now])?;
    Ok(())
}

/// The client with `id`, in any pool.
pub fn get(c: &Connection, id: &str) -> Result<Option<ClientRow>> {
    let row = c
        .prepare_cached(&format!("SELECT {COLUMNS} FROM clients WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?;
    row.map(build).transpose()
}

/// Replaces the name and settings of a client.
pub fn update(c: &Connection, id: &str, name: &str, config: &ClientConfig, now: f64) -> Result<()> {
    let settings = serde_json::to_string(config)?;
    c.prepare_cached("UPDATE clients SET name = ?2, settings = ?3, updated_at = ?4 WHERE id = ?1")?
        .execute(params![id, name, settings, now])?;
    Ok(())
}

/// Deletes a client and (by cascade) the refresh tokens it issued.
pub fn delete(c: &Connection, id: &str) -> Result<bool> {
    Ok(c.prepare_cached("DELETE FROM clients WHERE id = ?1")?
        .execute([id])?
        > 0)
}

/// Up to `limit` clients of a pool after row `after`, in creation order.
pub fn list(c: &Connection, pool_id: &str, after: i64, limit: usize) -> Result<Vec<ClientRow>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM clients WHERE pool_id = ?1 AND pk > ?2 ORDER BY pk LIMIT ?3"
    ))?;
    let rows = stmt
        .query_map(params![pool_id, after, limit as i64], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(build).collect()
}
