//! SQL for users and their sign-in aliases.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::domain::UserStatus;
use crate::domain::attributes::Attributes;
use crate::domain::mfa::UserMfa;
use crate::domain::pool::PoolConfig;
use crate::error::{CognitoError, Result};

/// A stored user.
#[derive(Debug, Clone)]
pub struct UserRow {
    /// Row id.
    pub pk: i64,
    /// Owning pool.
    pub pool_id: String,
    /// Internal username (a UUID = sub in email/phone-as-username pools).
    pub username: String,
    /// The immutable `sub`.
    pub sub: String,
    /// UserStatus.
    pub status: UserStatus,
    /// False after AdminDisableUser.
    pub enabled: bool,
    /// Attributes in display order.
    pub attributes: Attributes,
    /// argon2id hash.
    pub password_hash: Option<String>,
    /// SRP salt.
    pub srp_salt: Option<Vec<u8>>,
    /// SRP verifier.
    pub srp_verifier: Option<Vec<u8>>,
    /// When the password was last set.
    pub password_set_at: Option<f64>,
    /// UserCreateDate.
    pub created_at: f64,
    /// UserLastModifiedDate.
    pub updated_at: f64,
    /// MFA settings and TOTP secrets.
    pub mfa: UserMfa,
    /// Consecutive failed sign-ins (lockout).
    pub failed_sign_ins: i64,
    /// Time of the last failed sign-in.
    pub last_failed_sign_in: Option<f64>,
    /// Sign-ins are refused until then.
    pub locked_until: Option<f64>,
    /// Previous password hashes, oldest first.
    pub password_history: Vec<String>,
}

const COLUMNS: &str = "pk, pool_id, username, sub, status, enabled, attributes, password_hash, srp_salt, \
                       srp_verifier, password_set_at, created_at, updated_at, mfa, failed_sign_ins, \
                       last_failed_sign_in, locked_until, password_history";
pub(super) const U_COLUMNS: &str = "u.pk, u.pool_id, u.username, u.sub, u.status, u.enabled, u.attributes, u.password_hash, \
                         u.srp_salt, u.srp_verifier, u.password_set_at, u.created_at, u.updated_at, u.mfa, \
                         u.failed_sign_ins, u.last_failed_sign_in, u.locked_until, u.password_history";

/// Reads a user by column name. A stored JSON column that does not parse, or an unknown status, is
/// corruption: an error (logged with its cause where it surfaces), never a silent default.
pub(super) fn from_row(r: &Row<'_>) -> rusqlite::Result<UserRow> {
    let status: String = r.get("status")?;
    let status = UserStatus::parse(&status)
        .ok_or_else(|| corrupt("status", format!("unknown user status {status:?}").into()))?;
    Ok(UserRow {
        pk: r.get("pk")?,
        pool_id: r.get("pool_id")?,
        username: r.get("username")?,
        sub: r.get("sub")?,
        status,
        enabled: r.get("enabled")?,
        attributes: json_column(r, "attributes")?,
        password_hash: r.get("password_hash")?,
        srp_salt: r.get("srp_salt")?,
        srp_verifier: r.get("srp_verifier")?,
        password_set_at: r.get("password_set_at")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
        mfa: json_column(r, "mfa")?,
        failed_sign_ins: r.get("failed_sign_ins")?,
        last_failed_sign_in: r.get("last_failed_sign_in")?,
        locked_until: r.get("locked_until")?,
        password_history: json_column(r, "password_history")?,
    })
}

fn corrupt(column: &str, cause: Box<dyn std::error::Error + Send + Sync>) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("users.{column}: {cause}").into(),
    )
}

fn json_column<T: serde::de::DeserializeOwned>(r: &Row<'_>, column: &str) -> rusqlite::Result<T> {
    let text: String = r.get(column)?;
    serde_json::from_str(&text).map_err(|e| corrupt(column, Box::new(e)))
}

/// A user about to be inserted.
pub struct NewUser<'a> {
    /// Owning pool.
    pub pool_id: &'a str,
    /// Internal username.
    pub username: &'a str,
    /// Look-up form of the username.
    pub username_key: &'a str,
    /// sub.
    pub sub: &'a str,
    /// Initial status.
    pub status: UserStatus,
    /// Whether the user may sign in.
    pub enabled: bool,
    /// Initial attributes (sub included).
    pub attributes: &'a Attributes,
    /// argon2id hash.
    pub password_hash: Option<&'a str>,
    /// SRP salt and verifier.
    pub srp: Option<(&'a [u8], &'a [u8])>,
    /// Creation time.
    pub now: f64,
}

/// Inserts a user; `Err` with a UNIQUE violation when the username is taken.
pub fn insert(c: &Connection, u: &NewUser<'_>) -> rusqlite::Result<i64> {
    let attributes = serde_json::to_string(u.attributes).expect("attributes serialise");
    let (salt, verifier) = u
        .srp
        .map(|(s, v)| (Some(s), Some(v)))
        .unwrap_or((None, None));
    let password_set_at = u.password_hash.map(|_| u.now);
    c.prepare_cached(
        "INSERT INTO users (pool_id, username, username_key, sub, status, enabled, attributes, password_hash,
                            srp_salt, srp_verifier, password_set_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?12, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
    )?
    .execute(params![
        u.pool_id,
        u.username,
        u.username_key,
        u.sub,
        u.status.as_str(),
        attributes,
        u.password_hash,
        salt,
        verifier,
        password_set_at,
        u.now,
        u.enabled
    ])?;
    Ok(c.last_insert_rowid())
}

/// The user whose username look-up key is `key`.
pub fn by_username(c: &Connection, pool_id: &str, key: &str) -> Result<Option<UserRow>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM users WHERE pool_id = ?1 AND username_key = ?2"
    ))?
    .query_row(params![pool_id, key], from_row)
    .optional()?)
}

/// The user with this `sub`.
pub fn by_sub(c: &Connection, pool_id: &str, sub: &str) -> Result<Option<UserRow>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM users WHERE pool_id = ?1 AND sub = ?2"
    ))?
    .query_row(params![pool_id, sub], from_row)
    .optional()?)
}

/// The user with row id `pk`.
pub fn by_pk(c: &Connection, pk: i64) -> Result<Option<UserRow>> {
    Ok(
        c.prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE pk = ?1"))?
            .query_row([pk], from_row)
            .optional()?,
    )
}

/// The user owning alias `kind` = `key` in a pool.
pub fn by_alias(c: &Connection, pool_id: &str, kind: &str, key: &str) -> Result<Option<UserRow>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {U_COLUMNS} FROM aliases a JOIN users u ON u.pk = a.user_pk
         WHERE a.pool_id = ?1 AND a.kind = ?2 AND a.value_key = ?3"
    ))?
    .query_row(params![pool_id, kind, key], from_row)
    .optional()?)
}

/// Finds the user a caller means by `name`: the username, or — where the pool allows it — the email or
/// phone number used as username, or a verified alias.
pub fn resolve(
    c: &Connection,
    pool_id: &str,
    pool: &PoolConfig,
    name: &str,
) -> Result<Option<UserRow>> {
    let key = pool.lookup_key(name);
    if let Some(u) = by_username(c, pool_id, &key)? {
        return Ok(Some(u));
    }
    for kind in ["email", "phone_number", "preferred_username"] {
        if pool.username_attribute(kind) || pool.alias_attribute(kind) {
            if let Some(u) = by_alias(c, pool_id, kind, &key)? {
                return Ok(Some(u));
            }
        }
    }
    Ok(None)
}

/// Records that `user_pk` owns alias `kind` = `key`; `Err` with a UNIQUE violation when another user
/// holds it.
pub fn add_alias(
    c: &Connection,
    pool_id: &str,
    kind: &str,
    key: &str,
    user_pk: i64,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO aliases (pool_id, kind, value_key, user_pk) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![pool_id, kind, key, user_pk])?;
    Ok(())
}

/// The user currently holding alias `kind` = `key`, if any.
pub fn alias_owner(c: &Connection, pool_id: &str, kind: &str, key: &str) -> Result<Option<i64>> {
    Ok(c.prepare_cached(
        "SELECT user_pk FROM aliases WHERE pool_id = ?1 AND kind = ?2 AND value_key = ?3",
    )?
    .query_row(params![pool_id, kind, key], |r| r.get(0))
    .optional()?)
}

/// Removes a user's alias of `kind`.
pub fn remove_alias(c: &Connection, user_pk: i64, kind: &str) -> Result<()> {
    c.prepare_cached("DELETE FROM aliases WHERE user_pk = ?1 AND kind = ?2")?
        .execute(params![user_pk, kind])?;
    Ok(())
}

/// Sets the status of a user.
pub fn set_status(c: &Connection, pk: i64, status: UserStatus, now: f64) -> Result<()> {
    c.prepare_cached("UPDATE users SET status = ?2, updated_at = ?3 WHERE pk = ?1")?
        .execute(params![pk, status.as_str(), now])?;
    Ok(())
}

/// Replaces the attributes of a user.
pub fn set_attributes(c: &Connection, pk: i64, attrs: &Attributes, now: f64) -> Result<()> {
    let json = serde_json::to_string(attrs)?;
    c.prepare_cached("UPDATE users SET attributes = ?2, updated_at = ?3 WHERE pk = ?1")?
        .execute(params![pk, json, now])?;
    Ok(())
}

/// Sets a new password: hash, SRP verifier, when it was set; the previous hash goes to the history
/// (the 24 newest are kept, the most PasswordHistorySize allows).
pub fn set_password(
    c: &Connection,
    pk: i64,
    hash: &str,
    salt: &[u8],
    verifier: &[u8],
    now: f64,
) -> Result<()> {
    c.prepare_cached(
        "UPDATE users SET
           password_history = CASE WHEN password_hash IS NULL THEN password_history
                                   ELSE json_insert(password_history, '$[#]', password_hash) END,
           password_hash = ?2, srp_salt = ?3, srp_verifier = ?4, password_set_at = ?5, updated_at = ?5
         WHERE pk = ?1",
    )?
    .execute(params![pk, hash, salt, verifier, now])?;
    // The history is oldest first; one hash is added per call, so one removal keeps it at 24.
    c.prepare_cached(
        "UPDATE users SET password_history = json_remove(password_history, '$[0]')
         WHERE pk = ?1 AND json_array_length(password_history) > 24",
    )?
    .execute([pk])?;
    Ok(())
}

/// Removes the password (a user who signs in without one).
pub fn clear_password(c: &Connection, pk: i64, now: f64) -> Result<()> {
    c.prepare_cached(
        "UPDATE users SET password_hash = NULL, srp_salt = NULL, srp_verifier = NULL, password_set_at = NULL,
                          updated_at = ?2 WHERE pk = ?1",
    )?
    .execute(params![pk, now])?;
    Ok(())
}

/// Sets enabled / disabled.
pub fn set_enabled(c: &Connection, pk: i64, enabled: bool, now: f64) -> Result<()> {
    c.prepare_cached("UPDATE users SET enabled = ?2, updated_at = ?3 WHERE pk = ?1")?
        .execute(params![pk, enabled, now])?;
    Ok(())
}

/// GlobalSignOut: revokes every live authentication of the user (its refresh tokens and, through
/// `revoked_origins`, the access tokens issued from them).
pub fn sign_out_everywhere(c: &Connection, pk: i64, now: f64) -> Result<()> {
    c.prepare_cached(
        "INSERT OR IGNORE INTO revoked_origins (origin_jti, revoked_at)
         SELECT DISTINCT origin_jti, ?2 FROM refresh_tokens WHERE user_pk = ?1 AND revoked_at IS NULL",
    )?
    .execute(params![pk, now])?;
    c.prepare_cached(
        "UPDATE refresh_tokens SET revoked_at = ?2 WHERE user_pk = ?1 AND revoked_at IS NULL",
    )?
    .execute(params![pk, now])?;
    Ok(())
}

/// Replaces the MFA settings of a user.
pub fn set_mfa(c: &Connection, pk: i64, mfa: &UserMfa, now: f64) -> Result<()> {
    let json = serde_json::to_string(mfa)?;
    c.prepare_cached("UPDATE users SET mfa = ?2, updated_at = ?3 WHERE pk = ?1")?
        .execute(params![pk, json, now])?;
    Ok(())
}

/// The failure count and lockout end of user `pk` (without reading the whole row).
pub fn lockout_state(c: &Connection, pk: i64) -> Result<Option<(i64, Option<f64>)>> {
    Ok(
        c.prepare_cached("SELECT failed_sign_ins, locked_until FROM users WHERE pk = ?1")?
            .query_row([pk], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?,
    )
}

/// Records the lockout state after a sign-in attempt.
pub fn set_lockout(
    c: &Connection,
    pk: i64,
    failed: i64,
    last_failed: Option<f64>,
    locked_until: Option<f64>,
) -> Result<()> {
    c.prepare_cached("UPDATE users SET failed_sign_ins = ?2, last_failed_sign_in = ?3, locked_until = ?4 WHERE pk = ?1")?
        .execute(params![pk, failed, last_failed, locked_until])?;
    Ok(())
}

/// Deletes a user (aliases, codes and tokens go by cascade).
pub fn delete(c: &Connection, pk: i64) -> Result<()> {
    c.prepare_cached("DELETE FROM users WHERE pk = ?1")?
        .execute([pk])?;
    Ok(())
}

/// Maps a failed insert to UsernameExistsException with the message AWS uses for the pool's username
/// kind, passing other errors through.
pub fn exists_error(e: rusqlite::Error, message: &str) -> CognitoError {
    if super::is_unique_violation(&e) {
        CognitoError::UsernameExistsException(message.into())
    } else {
        e.into()
    }
}

/// Up to `limit` users of a pool after row `after` matching `filter`, in creation order. Every filter
/// is answered from an index (see schema/0003).
pub fn list(
    c: &Connection,
    pool_id: &str,
    filter: Option<&crate::domain::filter::Filter>,
    after: i64,
    limit: usize,
) -> Result<Vec<UserRow>> {
    use crate::domain::filter::Field;
    use rusqlite::types::Value;
    let mut sql = format!("SELECT {COLUMNS} FROM users WHERE pool_id = ? AND pk > ?");
    let mut args: Vec<Value> = vec![pool_id.to_string().into(), after.into()];
    if let Some(f) = filter {
        let (expr, value) = match &f.field {
            Field::Username => ("username".to_string(), f.value.clone()),
            Field::Sub => ("sub".to_string(), f.value.clone()),
            Field::UserStatus => ("status".to_string(), f.value.to_uppercase()),
            Field::Attribute(a) => (
                format!("json_extract(attributes, '$.{a}')"),
                f.value.clone(),
            ),
            Field::Enabled => {
                let matches = |s: &str| {
                    if f.prefix {
                        s.starts_with(&f.value)
                    } else {
                        s == f.value
                    }
                };
                let set: Vec<&str> = [("Enabled", "1"), ("Disabled", "0")]
                    .iter()
                    .filter(|(n, _)| matches(n))
                    .map(|(_, v)| *v)
                    .collect();
                let cond = if set.is_empty() {
                    "0".to_string()
                } else {
                    format!("enabled IN ({})", set.join(","))
                };
                (cond, String::new())
            }
        };
        match (&f.field, f.prefix) {
            (Field::Enabled, _) => sql.push_str(&format!(" AND {expr}")),
            (_, false) => {
                sql.push_str(&format!(" AND {expr} = ?"));
                args.push(value.into());
            }
            (_, true) => {
                // A range, so the index serves prefixes too: nothing starting with the prefix sorts at or
                // above prefix + U+10FFFF.
                sql.push_str(&format!(" AND {expr} >= ? AND {expr} < ?"));
                args.push(value.clone().into());
                args.push(format!("{value}\u{10FFFF}").into());
            }
        }
    }
    sql.push_str(" ORDER BY pk LIMIT ?");
    args.push((limit as i64).into());
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args), from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
