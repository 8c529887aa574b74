//! SQL for remembered devices.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::error::Result;

/// A stored device.
#[derive(Debug, Clone)]
pub struct DeviceRow {
    /// `<region>_<uuid>`.
    pub device_key: String,
    /// Owner.
    pub user_pk: i64,
    /// DeviceGroupKey.
    pub group_key: String,
    /// SRP salt (after ConfirmDevice).
    pub salt: Option<Vec<u8>>,
    /// SRP verifier (after ConfirmDevice).
    pub verifier: Option<Vec<u8>>,
    /// DeviceName.
    pub name: Option<String>,
    /// remembered / not_remembered.
    pub remembered: bool,
    /// DeviceCreateDate.
    pub created_at: f64,
    /// DeviceLastModifiedDate.
    pub updated_at: f64,
    /// DeviceLastAuthenticatedDate.
    pub last_auth_at: Option<f64>,
}

const COLUMNS: &str = "device_key, user_pk, group_key, salt, verifier, name, remembered, created_at, updated_at, last_auth_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<DeviceRow> {
    Ok(DeviceRow {
        device_key: r.get(0)?,
        user_pk: r.get(1)?,
        group_key: r.get(2)?,
        salt: r.get(3)?,
        verifier: r.get(4)?,
        name: r.get(5)?,
        remembered: r.get(6)?,
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
        last_auth_at: r.get(9)?,
    })
}

/// Registers a new, unconfirmed device.
pub fn insert(c: &Connection, key: &str, user_pk: i64, group_key: &str, now: f64) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO devices (device_key, user_pk, group_key, created_at, updated_at, last_auth_at)
         VALUES (?1, ?2, ?3, ?4, ?4, ?4)",
    )?
    .execute(params![key, user_pk, group_key, now])
    .map_err(|e| super::referenced(c, e, &[super::Ref::User(user_pk)]))?;
    Ok(())
}

/// The device with this key.
pub fn get(c: &Connection, key: &str) -> Result<Option<DeviceRow>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM devices WHERE device_key = ?1"
    ))?
    .query_row([key], from_row)
    .optional()?)
}

/// The device with `key` if it belongs to the user `user_pk`.
pub fn of_user(c: &Connection, key: &str, user_pk: i64) -> Result<Option<DeviceRow>> {
    Ok(get(c, key)?.filter(|d| d.user_pk == user_pk))
}

/// Stores the device's SRP verifier and name (ConfirmDevice).
pub fn confirm(
    c: &Connection,
    key: &str,
    salt: &[u8],
    verifier: &[u8],
    name: Option<&str>,
    remembered: bool,
    now: f64,
) -> Result<()> {
    c.prepare_cached(
        "UPDATE devices SET salt = ?2, verifier = ?3, name = ?4, remembered = ?5, updated_at = ?6 WHERE device_key = ?1",
    )?
    .execute(params![key, salt, verifier, name, remembered, now])?;
    Ok(())
}

/// Sets remembered / not_remembered.
pub fn set_remembered(c: &Connection, key: &str, remembered: bool, now: f64) -> Result<()> {
    c.prepare_cached("UPDATE devices SET remembered = ?2, updated_at = ?3 WHERE device_key = ?1")?
        .execute(params![key, remembered, now])?;
    Ok(())
}

/// Records a device sign-in.
pub fn touch(c: &Connection, key: &str, now: f64) -> Result<()> {
    c.prepare_cached("UPDATE devices SET last_auth_at = ?2 WHERE device_key = ?1")?
        .execute(params![key, now])?;
    Ok(())
}

/// Forgets a device.
pub fn delete(c: &Connection, key: &str) -> Result<()> {
    c.prepare_cached("DELETE FROM devices WHERE device_key = ?1")?
        .execute([key])?;
    Ok(())
}

/// Up to `limit` devices of a user after position `after` (by creation), oldest first.
pub fn list(
    c: &Connection,
    user_pk: i64,
    after: i64,
    limit: usize,
) -> Result<Vec<(i64, DeviceRow)>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT rowid, {COLUMNS} FROM devices WHERE user_pk = ?1 AND rowid > ?2 ORDER BY rowid LIMIT ?3"
    ))?;
    let rows = stmt
        .query_map(params![user_pk, after, limit as i64], |r| {
            let rowid: i64 = r.get(0)?;
            let shifted = DeviceRow {
                device_key: r.get(1)?,
                user_pk: r.get(2)?,
                group_key: r.get(3)?,
                salt: r.get(4)?,
                verifier: r.get(5)?,
                name: r.get(6)?,
                remembered: r.get(7)?,
                created_at: r.get(8)?,
                updated_at: r.get(9)?,
                last_auth_at: r.get(10)?,
            };
            Ok((rowid, shifted))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
