//! SQL for managed login branding styles: one per app client.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::Value;

use crate::error::Result;

/// A stored branding style.
#[derive(Debug, Clone)]
pub struct BrandingRow {
    /// ManagedLoginBrandingId.
    pub id: String,
    /// UserPoolId.
    pub pool_id: String,
    /// The app client it is assigned to.
    pub client_id: String,
    /// UseCognitoProvidedValues.
    pub use_cognito_values: bool,
    /// Settings (a JSON document), when customised.
    pub settings: Option<Value>,
    /// Assets (AssetType list).
    pub assets: Vec<Value>,
    /// CreationDate.
    pub created_at: f64,
    /// LastModifiedDate.
    pub updated_at: f64,
}

const COLUMNS: &str =
    "id, pool_id, client_id, use_cognito_values, settings, assets, created_at, updated_at";

type Raw = (BrandingRow, Option<String>, String);

fn from_row(r: &Row<'_>) -> rusqlite::Result<Raw> {
    Ok((
        BrandingRow {
            id: r.get(0)?,
            pool_id: r.get(1)?,
            client_id: r.get(2)?,
            use_cognito_values: r.get(3)?,
            settings: None,
            assets: Vec::new(),
            created_at: r.get(6)?,
            updated_at: r.get(7)?,
        },
        r.get(4)?,
        r.get(5)?,
    ))
}

fn build((mut row, settings, assets): Raw) -> Result<BrandingRow> {
    row.settings = settings.as_deref().map(serde_json::from_str).transpose()?;
    row.assets = serde_json::from_str(&assets)?;
    Ok(row)
}

/// Inserts or replaces (by id) a style; `Err` with a UNIQUE violation when the client has another.
pub fn save(c: &Connection, b: &BrandingRow) -> rusqlite::Result<()> {
    let settings = b.settings.as_ref().map(Value::to_string);
    let assets = Value::Array(b.assets.clone()).to_string();
    c.prepare_cached(
        "INSERT INTO branding (id, pool_id, client_id, use_cognito_values, settings, assets, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET use_cognito_values = excluded.use_cognito_values,
             settings = excluded.settings, assets = excluded.assets, updated_at = excluded.updated_at",
    )?
    .execute(params![
        b.id,
        b.pool_id,
        b.client_id,
        b.use_cognito_values,
        settings,
        assets,
        b.created_at,
        b.updated_at
    ])?;
    Ok(())
}

/// The style `id` of a pool.
pub fn get(c: &Connection, pool_id: &str, id: &str) -> Result<Option<BrandingRow>> {
    let row = c
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM branding WHERE pool_id = ?1 AND id = ?2"
        ))?
        .query_row(params![pool_id, id], from_row)
        .optional()?;
    row.map(build).transpose()
}

/// The style of an app client.
pub fn by_client(c: &Connection, client_id: &str) -> Result<Option<BrandingRow>> {
    let row = c
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM branding WHERE client_id = ?1"
        ))?
        .query_row([client_id], from_row)
        .optional()?;
    row.map(build).transpose()
}

/// Deletes a style; false when there was none.
pub fn delete(c: &Connection, pool_id: &str, id: &str) -> Result<bool> {
    Ok(
        c.prepare_cached("DELETE FROM branding WHERE pool_id = ?1 AND id = ?2")?
            .execute(params![pool_id, id])?
            > 0,
    )
}
