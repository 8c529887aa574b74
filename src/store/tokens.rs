//! SQL for refresh tokens (stored as SHA-256 digests only).

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Result;

/// A stored refresh token.
#[derive(Debug, Clone)]
pub struct RefreshRow {
    /// The client that issued it.
    pub client_id: String,
    /// Its user.
    pub user_pk: i64,
    /// The original authentication.
    pub origin_jti: String,
    /// Time of the original sign-in.
    pub auth_time: i64,
    /// Remembered device, when tracking is on.
    pub device_key: Option<String>,
    /// Expiry.
    pub expires_at: f64,
    /// Set by RevokeToken / GlobalSignOut.
    pub revoked_at: Option<f64>,
    /// Set when rotation replaced it.
    pub rotated_at: Option<f64>,
    /// OAuth scopes (space-separated) of a token from the OAuth endpoints; `None` for API sign-ins.
    pub scopes: Option<String>,
}

/// A refresh token about to be stored.
pub struct NewRefresh<'a> {
    /// SHA-256 of the token.
    pub hash: &'a [u8],
    /// Issuing client.
    pub client_id: &'a str,
    /// User.
    pub user_pk: i64,
    /// Original authentication id.
    pub origin_jti: &'a str,
    /// Original sign-in time.
    pub auth_time: i64,
    /// Device key.
    pub device_key: Option<&'a str>,
    /// Now.
    pub now: f64,
    /// Expiry.
    pub expires_at: f64,
    /// OAuth scopes (space-separated), for tokens from the OAuth endpoints.
    pub scopes: Option<&'a str>,
}

/// Stores a refresh token.
pub fn insert(c: &Connection, t: &NewRefresh<'_>) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO refresh_tokens (token_hash, client_id, user_pk, origin_jti, auth_time, device_key, created_at, expires_at, scopes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![t.hash, t.client_id, t.user_pk, t.origin_jti, t.auth_time, t.device_key, t.now, t.expires_at, t.scopes])
    .map_err(|e| super::referenced(c, e, &[super::Ref::Client(t.client_id), super::Ref::User(t.user_pk)]))?;
    Ok(())
}

/// The refresh token with this digest.
pub fn get(c: &Connection, hash: &[u8]) -> Result<Option<RefreshRow>> {
    Ok(c.prepare_cached(
        "SELECT client_id, user_pk, origin_jti, auth_time, device_key, expires_at, revoked_at, rotated_at, scopes
         FROM refresh_tokens WHERE token_hash = ?1",
    )?
    .query_row([hash], |r| {
        Ok(RefreshRow {
            client_id: r.get(0)?,
            user_pk: r.get(1)?,
            origin_jti: r.get(2)?,
            auth_time: r.get(3)?,
            device_key: r.get(4)?,
            expires_at: r.get(5)?,
            revoked_at: r.get(6)?,
            rotated_at: r.get(7)?,
            scopes: r.get(8)?,
        })
    })
    .optional()?)
}

/// Marks a token replaced by rotation (it keeps working for the grace period).
pub fn mark_rotated(c: &Connection, hash: &[u8], now: f64) -> Result<()> {
    c.prepare_cached(
        "UPDATE refresh_tokens SET rotated_at = ?2 WHERE token_hash = ?1 AND rotated_at IS NULL",
    )?
    .execute(params![hash, now])?;
    Ok(())
}

/// RevokeToken: revokes every refresh token of the authentication `origin_jti` and records the origin so
/// its access tokens are refused too.
pub fn revoke_origin(c: &Connection, origin_jti: &str, now: f64) -> Result<()> {
    c.prepare_cached(
        "UPDATE refresh_tokens SET revoked_at = ?2 WHERE origin_jti = ?1 AND revoked_at IS NULL",
    )?
    .execute(params![origin_jti, now])?;
    c.prepare_cached(
        "INSERT OR IGNORE INTO revoked_origins (origin_jti, revoked_at) VALUES (?1, ?2)",
    )?
    .execute(params![origin_jti, now])?;
    Ok(())
}

/// Whether tokens of the authentication `origin_jti` were revoked.
pub fn origin_revoked(c: &Connection, origin_jti: &str) -> Result<bool> {
    Ok(
        c.prepare_cached("SELECT 1 FROM revoked_origins WHERE origin_jti = ?1")?
            .query_row([origin_jti], |_| Ok(()))
            .optional()?
            .is_some(),
    )
}

/// One authentication's refresh tokens seen as a token session (ListUserSessions).
#[derive(Debug, Clone)]
pub struct TokenSessionRow {
    /// The authentication (`origin_jti`).
    pub origin_jti: String,
    /// The app client.
    pub client_id: String,
    /// When the user signed in.
    pub created_at: f64,
    /// The last refresh or rotation (or the sign-in).
    pub last_active: f64,
}

/// The live token sessions of a user (an unrevoked, unexpired refresh token), least recently active
/// first.
pub fn sessions_of_user(c: &Connection, user_pk: i64, now: f64) -> Result<Vec<TokenSessionRow>> {
    let mut stmt = c.prepare_cached(
        "SELECT origin_jti, client_id, MIN(created_at), MAX(created_at) FROM refresh_tokens
         WHERE user_pk = ?1 AND revoked_at IS NULL AND expires_at > ?2
         GROUP BY origin_jti, client_id ORDER BY MAX(created_at), origin_jti",
    )?;
    let rows = stmt
        .query_map(params![user_pk, now], |r| {
            Ok(TokenSessionRow {
                origin_jti: r.get(0)?,
                client_id: r.get(1)?,
                created_at: r.get(2)?,
                last_active: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
