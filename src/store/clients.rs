//! SQL for app clients.

use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::domain::client::ClientConfig;
use crate::error::Result;
use crate::store::parsed::Parsed;

static CONFIGS: Parsed<ClientConfig> = Parsed::new();

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
    /// ClientSecret as DescribeUserPoolClient shows it: the oldest current secret.
    pub secret: Option<String>,
    /// Every current secret, oldest first (AddUserPoolClientSecret rotation): SECRET_HASH and client
    /// secrets are accepted with any of them.
    pub secrets: Vec<String>,
    /// Everything else the API set (shared with the cache of parsed settings: clone the inner value to
    /// change it).
    pub config: Arc<ClientConfig>,
    /// CreationDate.
    pub created_at: f64,
    /// LastModifiedDate.
    pub updated_at: f64,
}

impl ClientRow {
    /// Whether the client is confidential (has at least one secret).
    pub fn has_secret(&self) -> bool {
        !self.secrets.is_empty() || self.secret.is_some()
    }

    /// The secrets to accept: every current one.
    pub fn current_secrets(&self) -> impl Iterator<Item = &str> {
        let fallback = self
            .secrets
            .is_empty()
            .then_some(self.secret.as_deref())
            .flatten();
        self.secrets.iter().map(String::as_str).chain(fallback)
    }
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
    String,
);

const COLUMNS: &str = "pk, id, pool_id, name, secret, settings, created_at, updated_at, \
    (SELECT json_group_array(secret) FROM \
        (SELECT secret FROM client_secrets s WHERE s.client_id = clients.id ORDER BY s.created_at, s.id))";

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
        r.get(8)?,
    ))
}

fn build(t: Raw) -> Result<ClientRow> {
    let (pk, id, pool_id, name, secret, settings, created_at, updated_at, secrets) = t;
    let config = CONFIGS.get(&id, &settings)?;
    Ok(ClientRow {
        pk,
        id,
        pool_id,
        name,
        secret,
        secrets: serde_json::from_str(&secrets)?,
        config,
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
    if let Some(secret) = secret {
        insert_secret(c, id, secret, true, now)?;
    }
    Ok(())
}

/// `<client id>--<creation time in epoch milliseconds>`, the ClientSecretId format AWS documents.
pub fn secret_id(client_id: &str, created_at: f64) -> String {
    format!("{client_id}--{}", (created_at * 1000.0) as i64)
}

/// Adds a current secret to a client; `Err` with a UNIQUE violation when a secret with the same id
/// (same client, same millisecond) exists.
pub fn insert_secret(
    c: &Connection,
    client_id: &str,
    secret: &str,
    generated: bool,
    now: f64,
) -> rusqlite::Result<String> {
    let id = secret_id(client_id, now);
    c.prepare_cached(
        "INSERT INTO client_secrets (id, client_id, secret, generated, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id, client_id, secret, generated, now])?;
    sync_shown_secret(c, client_id)?;
    Ok(id)
}

/// A client secret's descriptor: id, creation date and whether Cognito generated it.
#[derive(Debug, Clone)]
pub struct SecretRow {
    /// ClientSecretId.
    pub id: String,
    /// ClientSecretCreateDate.
    pub created_at: f64,
}

/// The current secrets of a client, oldest first.
pub fn secrets(c: &Connection, client_id: &str) -> Result<Vec<SecretRow>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, created_at FROM client_secrets WHERE client_id = ?1 ORDER BY created_at, id",
    )?;
    let rows = stmt
        .query_map([client_id], |r| {
            Ok(SecretRow {
                id: r.get(0)?,
                created_at: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Removes one secret of a client; false when it has no such secret.
pub fn delete_secret(c: &Connection, client_id: &str, secret_id: &str) -> Result<bool> {
    let gone = c
        .prepare_cached("DELETE FROM client_secrets WHERE client_id = ?1 AND id = ?2")?
        .execute([client_id, secret_id])?
        > 0;
    sync_shown_secret(c, client_id)?;
    Ok(gone)
}

/// Keeps `clients.secret` (what DescribeUserPoolClient shows) on the oldest current secret.
fn sync_shown_secret(c: &Connection, client_id: &str) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE clients SET secret = (SELECT secret FROM client_secrets WHERE client_id = ?1
                                     ORDER BY created_at, id LIMIT 1)
         WHERE id = ?1",
    )?
    .execute([client_id])?;
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

/// The pool of client `id` (without reading its settings), `None` when there is no such client.
pub fn pool_of(c: &Connection, id: &str) -> Result<Option<String>> {
    Ok(
        c.prepare_cached("SELECT pool_id FROM clients WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?,
    )
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
