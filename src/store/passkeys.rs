//! SQL for passkeys (WebAuthn credentials).

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::error::Result;

/// A stored credential.
#[derive(Debug, Clone)]
pub struct CredentialRow {
    /// Row id (pagination).
    pub pk: i64,
    /// Owner.
    pub user_pk: i64,
    /// The raw credential id.
    pub credential_id: Vec<u8>,
    /// The relying party it is scoped to.
    pub rp_id: String,
    /// COSE_Key bytes.
    pub public_key: Vec<u8>,
    /// The last signature counter seen.
    pub sign_count: u32,
    /// AuthenticatorTransports.
    pub transports: Vec<String>,
    /// AuthenticatorAttachment.
    pub attachment: Option<String>,
    /// FriendlyCredentialName.
    pub name: String,
    /// CreatedAt.
    pub created_at: f64,
}

/// A credential to store.
pub struct NewCredential<'a> {
    /// The pool (credential ids are unique in it).
    pub pool_id: &'a str,
    /// Owner.
    pub user_pk: i64,
    /// The raw credential id.
    pub credential_id: &'a [u8],
    /// Relying party.
    pub rp_id: &'a str,
    /// COSE_Key bytes.
    pub public_key: &'a [u8],
    /// Counter at registration.
    pub sign_count: u32,
    /// AuthenticatorTransports.
    pub transports: &'a [String],
    /// AuthenticatorAttachment.
    pub attachment: Option<&'a str>,
    /// FriendlyCredentialName.
    pub name: &'a str,
}

const COLUMNS: &str = "pk, user_pk, credential_id, rp_id, public_key, sign_count, transports, attachment, name, created_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<CredentialRow> {
    let transports: String = r.get(6)?;
    Ok(CredentialRow {
        pk: r.get(0)?,
        user_pk: r.get(1)?,
        credential_id: r.get(2)?,
        rp_id: r.get(3)?,
        public_key: r.get(4)?,
        sign_count: r.get(5)?,
        transports: serde_json::from_str(&transports).unwrap_or_default(),
        attachment: r.get(7)?,
        name: r.get(8)?,
        created_at: r.get(9)?,
    })
}

/// Stores a credential; false when its id is already registered in the pool.
pub fn insert(c: &Connection, new: &NewCredential<'_>, now: f64) -> Result<bool> {
    let transports = serde_json::to_string(new.transports)?;
    let n = c
        .prepare_cached(
            "INSERT INTO webauthn_credentials (pool_id, user_pk, credential_id, rp_id, public_key,
                 sign_count, transports, attachment, name, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (pool_id, credential_id) DO NOTHING",
        )?
        .execute(params![
            new.pool_id,
            new.user_pk,
            new.credential_id,
            new.rp_id,
            new.public_key,
            new.sign_count,
            transports,
            new.attachment,
            new.name,
            now
        ])?;
    Ok(n == 1)
}

/// How many passkeys the user has.
pub fn count(c: &Connection, user_pk: i64) -> Result<i64> {
    Ok(
        c.prepare_cached("SELECT count(*) FROM webauthn_credentials WHERE user_pk = ?1")?
            .query_row([user_pk], |r| r.get(0))?,
    )
}

/// The user's credentials, oldest first, after row `after`, at most `limit`.
pub fn list(c: &Connection, user_pk: i64, after: i64, limit: usize) -> Result<Vec<CredentialRow>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM webauthn_credentials WHERE user_pk = ?1 AND pk > ?2 ORDER BY pk LIMIT ?3"
    ))?;
    let rows = stmt.query_map(params![user_pk, after, limit as i64], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The user's credential with this id.
pub fn of_user(
    c: &Connection,
    user_pk: i64,
    credential_id: &[u8],
) -> Result<Option<CredentialRow>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM webauthn_credentials WHERE user_pk = ?1 AND credential_id = ?2"
    ))?
    .query_row(params![user_pk, credential_id], from_row)
    .optional()?)
}

/// Deletes the user's credential with this id; false when there was none.
pub fn delete(c: &Connection, user_pk: i64, credential_id: &[u8]) -> Result<bool> {
    Ok(c.prepare_cached(
        "DELETE FROM webauthn_credentials WHERE user_pk = ?1 AND credential_id = ?2",
    )?
    .execute(params![user_pk, credential_id])?
        == 1)
}

/// Moves a credential's counter from `seen` to `new`; false when another sign-in moved it first (two
/// assertions racing with one counter value: only one may win).
pub fn advance_counter(c: &Connection, pk: i64, seen: u32, new: u32) -> Result<bool> {
    Ok(c.prepare_cached(
        "UPDATE webauthn_credentials SET sign_count = ?3 WHERE pk = ?1 AND sign_count = ?2",
    )?
    .execute(params![pk, seen, new])?
        == 1)
}
