//! SQL for configuration documents: one JSON document per pool (or app client) and kind, written by
//! one operation and read back by another (UI customization, risk configuration, log delivery, session
//! configuration, the SAML signing certificate).

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::Result;

/// The kinds of document, one per configuration family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// SetUICustomization (classic hosted UI CSS and logo).
    UiCustomization,
    /// SetRiskConfiguration.
    RiskConfiguration,
    /// SetLogDeliveryConfiguration.
    LogDelivery,
    /// SetUserPoolSessionConfiguration / SetUserPoolClientSessionConfiguration.
    SessionConfiguration,
    /// GetSigningCertificate's certificate.
    SigningCertificate,
    /// The replicas of a pool (CreateUserPoolReplica).
    Replicas,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::UiCustomization => "ui_customization",
            Kind::RiskConfiguration => "risk_configuration",
            Kind::LogDelivery => "log_delivery",
            Kind::SessionConfiguration => "session_configuration",
            Kind::SigningCertificate => "signing_certificate",
            Kind::Replicas => "replicas",
        }
    }
}

/// Where a document applies: the whole pool, or one app client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// The pool (and the clients without their own document).
    Pool,
    /// One app client.
    Client(&'a str),
}

impl Scope<'_> {
    fn key(&self) -> &str {
        match self {
            Scope::Pool => "",
            Scope::Client(id) => id,
        }
    }
}

/// A stored document with its dates.
#[derive(Debug, Clone)]
pub struct Document<T> {
    /// The document.
    pub body: T,
    /// First written.
    pub created_at: f64,
    /// Last written.
    pub updated_at: f64,
}

/// The document of `kind` for `scope`, if any.
pub fn get<T: DeserializeOwned>(
    c: &Connection,
    pool_id: &str,
    kind: Kind,
    scope: Scope<'_>,
) -> Result<Option<Document<T>>> {
    let row: Option<(String, f64, f64)> = c
        .prepare_cached(
            "SELECT body, created_at, updated_at FROM pool_documents
             WHERE pool_id = ?1 AND kind = ?2 AND scope = ?3",
        )?
        .query_row(params![pool_id, kind.as_str(), scope.key()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    row.map(|(body, created_at, updated_at)| {
        Ok(Document {
            body: serde_json::from_str(&body)?,
            created_at,
            updated_at,
        })
    })
    .transpose()
}

/// Writes (creates or replaces) the document of `kind` for `scope`; the creation date stays.
pub fn put<T: Serialize>(
    c: &Connection,
    pool_id: &str,
    kind: Kind,
    scope: Scope<'_>,
    body: &T,
    now: f64,
) -> Result<()> {
    let body = serde_json::to_string(body)?;
    c.prepare_cached(
        "INSERT INTO pool_documents (pool_id, kind, scope, body, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT (pool_id, kind, scope) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
    )?
    .execute(params![pool_id, kind.as_str(), scope.key(), body, now])?;
    Ok(())
}

/// Removes the document of `kind` for `scope`.
pub fn delete(c: &Connection, pool_id: &str, kind: Kind, scope: Scope<'_>) -> Result<()> {
    c.prepare_cached("DELETE FROM pool_documents WHERE pool_id = ?1 AND kind = ?2 AND scope = ?3")?
        .execute(params![pool_id, kind.as_str(), scope.key()])?;
    Ok(())
}

/// An account-level document (`kind`, `key`), if any.
pub fn account_get<T: DeserializeOwned>(
    c: &Connection,
    kind: &str,
    key: &str,
) -> Result<Option<T>> {
    let body: Option<String> = c
        .prepare_cached("SELECT body FROM account_documents WHERE kind = ?1 AND key = ?2")?
        .query_row(params![kind, key], |r| r.get(0))
        .optional()?;
    body.map(|b| Ok(serde_json::from_str(&b)?)).transpose()
}

/// Writes an account-level document.
pub fn account_put<T: Serialize>(
    c: &Connection,
    kind: &str,
    key: &str,
    body: &T,
    now: f64,
) -> Result<()> {
    let body = serde_json::to_string(body)?;
    c.prepare_cached(
        "INSERT INTO account_documents (kind, key, body, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (kind, key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
    )?
    .execute(params![kind, key, body, now])?;
    Ok(())
}
