//! SQL for authorization codes and hosted-UI sessions (both stored as SHA-256 digests only).

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Result;

/// A stored authorization code.
#[derive(Debug, Clone)]
pub struct CodeRow {
    /// The client it was issued to.
    pub client_id: String,
    /// Its user.
    pub user_pk: i64,
    /// The redirect_uri of the authorize request.
    pub redirect_uri: String,
    /// PKCE S256 challenge, when one was sent.
    pub code_challenge: Option<String>,
    /// JSON grant (scopes, tokens, authentication).
    pub grant: String,
    /// Expiry.
    pub expires_at: f64,
    /// Set when redeemed.
    pub used_at: Option<f64>,
}

/// A new code to store.
pub struct NewCode<'a> {
    /// SHA-256 of the code.
    pub hash: &'a [u8],
    /// Client.
    pub client_id: &'a str,
    /// User.
    pub user_pk: i64,
    /// redirect_uri.
    pub redirect_uri: &'a str,
    /// PKCE challenge.
    pub code_challenge: Option<&'a str>,
    /// JSON grant.
    pub grant: &'a str,
}

/// Stores a code valid until `expires_at`; drops codes dead for an hour.
pub fn insert_code(c: &Connection, code: &NewCode<'_>, now: f64, expires_at: f64) -> Result<()> {
    c.prepare_cached("DELETE FROM oauth_codes WHERE expires_at < ?1")?
        .execute([now - 3600.0])?;
    c.prepare_cached(
        "INSERT INTO oauth_codes (code_hash, client_id, user_pk, redirect_uri, code_challenge, grant, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        code.hash,
        code.client_id,
        code.user_pk,
        code.redirect_uri,
        code.code_challenge,
        code.grant,
        now,
        expires_at
    ])?;
    Ok(())
}

/// The code with this digest.
pub fn get_code(c: &Connection, hash: &[u8]) -> Result<Option<CodeRow>> {
    Ok(c.prepare_cached(
        "SELECT client_id, user_pk, redirect_uri, code_challenge, grant, expires_at, used_at
             FROM oauth_codes WHERE code_hash = ?1",
    )?
    .query_row([hash], |r| {
        Ok(CodeRow {
            client_id: r.get(0)?,
            user_pk: r.get(1)?,
            redirect_uri: r.get(2)?,
            code_challenge: r.get(3)?,
            grant: r.get(4)?,
            expires_at: r.get(5)?,
            used_at: r.get(6)?,
        })
    })
    .optional()?)
}

/// Marks a code used; false when it already was (a concurrent redemption).
pub fn mark_code_used(c: &Connection, hash: &[u8], now: f64) -> Result<bool> {
    Ok(c.prepare_cached(
        "UPDATE oauth_codes SET used_at = ?2 WHERE code_hash = ?1 AND used_at IS NULL",
    )?
    .execute(params![hash, now])?
        == 1)
}

/// A hosted-UI session.
#[derive(Debug, Clone)]
pub struct HostedSession {
    /// The pool signed in to.
    pub pool_id: String,
    /// The user.
    pub user_pk: i64,
    /// When the user signed in.
    pub auth_time: i64,
    /// Expiry.
    pub expires_at: f64,
}

/// Stores a hosted session; drops expired ones.
pub fn insert_session(c: &Connection, key: &[u8], s: &HostedSession, now: f64) -> Result<()> {
    c.prepare_cached("DELETE FROM hosted_sessions WHERE expires_at < ?1")?
        .execute([now])?;
    c.prepare_cached(
        "INSERT INTO hosted_sessions (key, pool_id, user_pk, auth_time, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        key,
        s.pool_id,
        s.user_pk,
        s.auth_time,
        now,
        s.expires_at
    ])?;
    Ok(())
}

/// The hosted session stored under `key`.
pub fn get_session(c: &Connection, key: &[u8]) -> Result<Option<HostedSession>> {
    Ok(c.prepare_cached(
        "SELECT pool_id, user_pk, auth_time, expires_at FROM hosted_sessions WHERE key = ?1",
    )?
    .query_row([key], |r| {
        Ok(HostedSession {
            pool_id: r.get(0)?,
            user_pk: r.get(1)?,
            auth_time: r.get(2)?,
            expires_at: r.get(3)?,
        })
    })
    .optional()?)
}

/// Ends a hosted session (`/logout`).
pub fn delete_session(c: &Connection, key: &[u8]) -> Result<()> {
    c.prepare_cached("DELETE FROM hosted_sessions WHERE key = ?1")?
        .execute([key])?;
    Ok(())
}
