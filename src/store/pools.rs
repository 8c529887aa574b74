//! SQL for user pools.

use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::domain::mfa::PoolMfa;
use crate::domain::pool::PoolConfig;
use crate::error::Result;
use crate::store::parsed::Parsed;

static CONFIGS: Parsed<PoolConfig> = Parsed::new();

/// A stored pool.
#[derive(Debug, Clone)]
pub struct PoolRow {
    /// Row id (listing order).
    pub pk: i64,
    /// `<region>_<9 alnum>`.
    pub id: String,
    /// PoolName.
    pub name: String,
    /// Everything else the API set (shared with the cache of parsed settings: clone the inner value to
    /// change it).
    pub config: Arc<PoolConfig>,
    /// CreationDate.
    pub created_at: f64,
    /// LastModifiedDate.
    pub updated_at: f64,
    /// The MFA configuration (SetUserPoolMfaConfig), kept apart from `config`.
    pub mfa: PoolMfa,
}

const COLUMNS: &str = "pk, id, name, settings, created_at, updated_at, mfa_settings";

type Raw = (i64, String, String, String, f64, f64, String);

fn from_row(r: &Row<'_>) -> rusqlite::Result<Raw> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

fn build(t: Raw) -> Result<PoolRow> {
    let (pk, id, name, settings, created_at, updated_at, mfa) = t;
    let config = CONFIGS.get(&id, &settings)?;
    Ok(PoolRow {
        pk,
        id,
        name,
        config,
        created_at,
        updated_at,
        mfa: serde_json::from_str(&mfa).unwrap_or_default(),
    })
}

/// Inserts a pool; `Err` with a UNIQUE violation when the id is taken.
pub fn insert(
    c: &Connection,
    id: &str,
    name: &str,
    config: &PoolConfig,
    now: f64,
) -> rusqlite::Result<()> {
    let settings = serde_json::to_string(config).expect("pool config serialises");
    c.prepare_cached(
        "INSERT INTO pools (id, name, settings, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
    )?
    .execute(params![id, name, settings, now])?;
    Ok(())
}

/// The pool with `id`.
pub fn get(c: &Connection, id: &str) -> Result<Option<PoolRow>> {
    let row = c
        .prepare_cached(&format!("SELECT {COLUMNS} FROM pools WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?;
    row.map(build).transpose()
}

/// Whether pool `id` exists (without reading its settings).
pub fn exists(c: &Connection, id: &str) -> Result<bool> {
    Ok(c.prepare_cached("SELECT 1 FROM pools WHERE id = ?1")?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Replaces the name and settings of a pool.
pub fn update(c: &Connection, id: &str, name: &str, config: &PoolConfig, now: f64) -> Result<()> {
    let settings = serde_json::to_string(config)?;
    c.prepare_cached("UPDATE pools SET name = ?2, settings = ?3, updated_at = ?4 WHERE id = ?1")?
        .execute(params![id, name, settings, now])?;
    Ok(())
}

/// Deletes a pool and (by cascade) its clients, users, codes and tokens.
pub fn delete(c: &Connection, id: &str) -> Result<bool> {
    Ok(c.prepare_cached("DELETE FROM pools WHERE id = ?1")?
        .execute([id])?
        > 0)
}

/// Up to `limit` pools after row `after`, in creation order.
pub fn list(c: &Connection, after: i64, limit: usize) -> Result<Vec<PoolRow>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM pools WHERE pk > ?1 ORDER BY pk LIMIT ?2"
    ))?;
    let rows = stmt
        .query_map(params![after, limit as i64], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(build).collect()
}

/// Replaces the pool's MFA configuration.
pub fn set_mfa(c: &Connection, id: &str, mfa: &PoolMfa, now: f64) -> Result<()> {
    let json = serde_json::to_string(mfa)?;
    c.prepare_cached("UPDATE pools SET mfa_settings = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id, json, now])?;
    Ok(())
}

/// Number of users in a pool (EstimatedNumberOfUsers).
pub fn count_users(c: &Connection, id: &str) -> Result<i64> {
    Ok(
        c.prepare_cached("SELECT count(*) FROM users WHERE pool_id = ?1")?
            .query_row([id], |r| r.get(0))?,
    )
}
