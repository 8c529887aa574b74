//! SQL for resource servers (custom OAuth scopes).

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Result;

/// A stored resource server.
#[derive(Debug, Clone)]
pub struct ResourceServerRow {
    /// Row id (listing order).
    pub pk: i64,
    /// Owning pool.
    pub pool_id: String,
    /// Identifier (the scope prefix).
    pub identifier: String,
    /// Name.
    pub name: String,
    /// JSON array of `ResourceServerScopeType`.
    pub scopes: String,
}

const COLUMNS: &str = "pk, pool_id, identifier, name, scopes";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ResourceServerRow> {
    Ok(ResourceServerRow {
        pk: r.get(0)?,
        pool_id: r.get(1)?,
        identifier: r.get(2)?,
        name: r.get(3)?,
        scopes: r.get(4)?,
    })
}

/// Inserts a resource server; `Err` with a UNIQUE violation when the identifier is taken in the pool.
pub fn insert(
    c: &Connection,
    pool_id: &str,
    identifier: &str,
    name: &str,
    scopes: &str,
    now: f64,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO resource_servers (pool_id, identifier, name, scopes, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )?
    .execute(params![pool_id, identifier, name, scopes, now])?;
    Ok(())
}

/// The resource server `identifier` of a pool.
pub fn get(c: &Connection, pool_id: &str, identifier: &str) -> Result<Option<ResourceServerRow>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM resource_servers WHERE pool_id = ?1 AND identifier = ?2"
    ))?
    .query_row([pool_id, identifier], from_row)
    .optional()?)
}

/// Number of resource servers of a pool.
pub fn count(c: &Connection, pool_id: &str) -> Result<i64> {
    Ok(
        c.prepare_cached("SELECT count(*) FROM resource_servers WHERE pool_id = ?1")?
            .query_row([pool_id], |r| r.get(0))?,
    )
}

/// Replaces name and scopes.
pub fn update(
    c: &Connection,
    pool_id: &str,
    identifier: &str,
    name: &str,
    scopes: &str,
    now: f64,
) -> Result<()> {
    c.prepare_cached(
        "UPDATE resource_servers SET name = ?3, scopes = ?4, updated_at = ?5
         WHERE pool_id = ?1 AND identifier = ?2",
    )?
    .execute(params![pool_id, identifier, name, scopes, now])?;
    Ok(())
}

/// Deletes a resource server; false when there was none.
pub fn delete(c: &Connection, pool_id: &str, identifier: &str) -> Result<bool> {
    Ok(
        c.prepare_cached("DELETE FROM resource_servers WHERE pool_id = ?1 AND identifier = ?2")?
            .execute([pool_id, identifier])?
            > 0,
    )
}

/// Up to `limit` resource servers of a pool after row `after`, in creation order.
pub fn list(
    c: &Connection,
    pool_id: &str,
    after: i64,
    limit: usize,
) -> Result<Vec<ResourceServerRow>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM resource_servers WHERE pool_id = ?1 AND pk > ?2 ORDER BY pk LIMIT ?3"
    ))?;
    let rows = stmt
        .query_map(params![pool_id, after, limit as i64], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Every resource server of a pool (scope checks; a pool has at most a few dozen).
pub fn all(c: &Connection, pool_id: &str) -> Result<Vec<ResourceServerRow>> {
    list(c, pool_id, 0, 10_000)
}
