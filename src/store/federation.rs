//! SQL for federation: identity providers and their identifiers, the states of sign-ins sent to an
//! IdP, used SAML IDs, users' external identities, and the IdP of a hosted session.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::error::Result;

/// A stored identity provider.
#[derive(Debug, Clone)]
pub struct ProviderRow {
    /// Row id (listing order).
    pub pk: i64,
    /// Pool.
    pub pool_id: String,
    /// ProviderName.
    pub name: String,
    /// ProviderType.
    pub kind: String,
    /// ProviderDetails (JSON object).
    pub details: String,
    /// AttributeMapping (JSON object).
    pub attribute_mapping: String,
    /// IdpIdentifiers (JSON array).
    pub idp_identifiers: String,
    /// AcrMapping (JSON object), when set.
    pub acr_mapping: Option<String>,
    /// What the SAML metadata said (JSON), SAML only.
    pub metadata: Option<String>,
    /// CreationDate.
    pub created_at: f64,
    /// LastModifiedDate.
    pub updated_at: f64,
}

const COLUMNS: &str = "pk, pool_id, name, type, details, attribute_mapping, idp_identifiers, acr_mapping, metadata, created_at, updated_at";

fn provider(r: &Row<'_>) -> rusqlite::Result<ProviderRow> {
    Ok(ProviderRow {
        pk: r.get(0)?,
        pool_id: r.get(1)?,
        name: r.get(2)?,
        kind: r.get(3)?,
        details: r.get(4)?,
        attribute_mapping: r.get(5)?,
        idp_identifiers: r.get(6)?,
        acr_mapping: r.get(7)?,
        metadata: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

/// Inserts a provider (`pk`, dates ignored); `Err` with a UNIQUE violation when the name is taken.
pub fn insert_provider(c: &Connection, p: &ProviderRow, now: f64) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO identity_providers (pool_id, name, type, details, attribute_mapping, idp_identifiers,
                                         acr_mapping, metadata, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    )?
    .execute(params![
        p.pool_id,
        p.name,
        p.kind,
        p.details,
        p.attribute_mapping,
        p.idp_identifiers,
        p.acr_mapping,
        p.metadata,
        now
    ])?;
    Ok(())
}

/// Rewrites a provider's settings.
pub fn update_provider(c: &Connection, p: &ProviderRow, now: f64) -> Result<()> {
    c.prepare_cached(
        "UPDATE identity_providers SET details = ?3, attribute_mapping = ?4, idp_identifiers = ?5,
                acr_mapping = ?6, metadata = ?7, updated_at = ?8
         WHERE pool_id = ?1 AND name = ?2",
    )?
    .execute(params![
        p.pool_id,
        p.name,
        p.details,
        p.attribute_mapping,
        p.idp_identifiers,
        p.acr_mapping,
        p.metadata,
        now
    ])?;
    Ok(())
}

/// The provider `name` of the pool.
pub fn get_provider(c: &Connection, pool_id: &str, name: &str) -> Result<Option<ProviderRow>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM identity_providers WHERE pool_id = ?1 AND name = ?2"
    ))?
    .query_row(params![pool_id, name], provider)
    .optional()?)
}

/// Deletes a provider (its identifiers go with it); false when there was none.
pub fn delete_provider(c: &Connection, pool_id: &str, name: &str) -> Result<bool> {
    Ok(
        c.prepare_cached("DELETE FROM identity_providers WHERE pool_id = ?1 AND name = ?2")?
            .execute(params![pool_id, name])?
            == 1,
    )
}

/// A page of the pool's providers after row `after`, in creation order.
pub fn list_providers(
    c: &Connection,
    pool_id: &str,
    after: i64,
    limit: usize,
) -> Result<Vec<ProviderRow>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM identity_providers WHERE pool_id = ?1 AND pk > ?2 ORDER BY pk LIMIT ?3"
    ))?;
    let rows = stmt
        .query_map(params![pool_id, after, limit as i64], provider)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Every provider of the pool.
pub fn all_providers(c: &Connection, pool_id: &str) -> Result<Vec<ProviderRow>> {
    list_providers(c, pool_id, 0, i64::MAX as usize)
}

/// How many providers the pool has.
pub fn count_providers(c: &Connection, pool_id: &str) -> Result<i64> {
    Ok(
        c.prepare_cached("SELECT COUNT(*) FROM identity_providers WHERE pool_id = ?1")?
            .query_row([pool_id], |r| r.get(0))?,
    )
}

/// Replaces a provider's identifiers; `Err` with a UNIQUE violation when another provider has one.
pub fn set_identifiers(
    c: &Connection,
    pool_id: &str,
    provider: &str,
    identifiers: &[String],
) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM idp_identifiers WHERE pool_id = ?1 AND provider = ?2")?
        .execute(params![pool_id, provider])?;
    let mut insert = c.prepare_cached(
        "INSERT INTO idp_identifiers (pool_id, identifier, provider) VALUES (?1, ?2, ?3)",
    )?;
    for id in identifiers {
        insert.execute(params![pool_id, id, provider])?;
    }
    Ok(())
}

/// The provider that has `identifier`.
pub fn provider_by_identifier(
    c: &Connection,
    pool_id: &str,
    identifier: &str,
) -> Result<Option<ProviderRow>> {
    let name: Option<String> = c
        .prepare_cached(
            "SELECT provider FROM idp_identifiers WHERE pool_id = ?1 AND identifier = ?2",
        )?
        .query_row(params![pool_id, identifier], |r| r.get(0))
        .optional()?;
    match name {
        Some(n) => get_provider(c, pool_id, &n),
        None => Ok(None),
    }
}

/// A pending sign-in or sign-out at an IdP.
#[derive(Debug, Clone)]
pub struct StateRow {
    /// Pool.
    pub pool_id: String,
    /// The provider it went to.
    pub provider: String,
    /// JSON body (see `federation::state`).
    pub body: String,
    /// Expiry.
    pub expires_at: f64,
}

/// Stores a state; drops expired ones.
pub fn insert_state(c: &Connection, hash: &[u8], s: &StateRow, now: f64) -> Result<()> {
    c.prepare_cached("DELETE FROM federation_states WHERE expires_at < ?1")?
        .execute([now])?;
    c.prepare_cached(
        "INSERT INTO federation_states (state_hash, pool_id, provider, body, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![hash, s.pool_id, s.provider, s.body, now, s.expires_at])?;
    Ok(())
}

/// Takes (reads and deletes) the state with this digest: each is used once.
pub fn take_state(c: &Connection, hash: &[u8]) -> Result<Option<StateRow>> {
    let row = c
        .prepare_cached(
            "SELECT pool_id, provider, body, expires_at FROM federation_states WHERE state_hash = ?1",
        )?
        .query_row([hash], |r| {
            Ok(StateRow {
                pool_id: r.get(0)?,
                provider: r.get(1)?,
                body: r.get(2)?,
                expires_at: r.get(3)?,
            })
        })
        .optional()?;
    if row.is_some() {
        c.prepare_cached("DELETE FROM federation_states WHERE state_hash = ?1")?
            .execute([hash])?;
    }
    Ok(row)
}

/// Records a SAML Response or Assertion ID until `expires_at`; false when it was already used.
pub fn remember_saml_id(
    c: &Connection,
    pool_id: &str,
    id: &str,
    expires_at: f64,
    now: f64,
) -> Result<bool> {
    c.prepare_cached("DELETE FROM saml_replay WHERE expires_at < ?1")?
        .execute([now])?;
    Ok(c.prepare_cached(
        "INSERT OR IGNORE INTO saml_replay (pool_id, id, expires_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![pool_id, id, expires_at])?
        == 1)
}

/// An external identity of a user.
#[derive(Debug, Clone)]
pub struct IdentityRow {
    /// Row id.
    pub pk: i64,
    /// The provider's name.
    pub provider: String,
    /// `Cognito_Subject`, or the pool attribute a link matches on.
    pub attribute: String,
    /// The subject (or the attribute's value).
    pub value: String,
    /// The user it belongs to.
    pub user_pk: i64,
    /// The federated user's own identity (not a link).
    pub primary: bool,
    /// When it was added.
    pub created_at: f64,
}

fn identity(r: &Row<'_>) -> rusqlite::Result<IdentityRow> {
    Ok(IdentityRow {
        pk: r.get(0)?,
        provider: r.get(1)?,
        attribute: r.get(2)?,
        value: r.get(3)?,
        user_pk: r.get(4)?,
        primary: r.get(5)?,
        created_at: r.get(6)?,
    })
}

const IDENTITY_COLUMNS: &str = "pk, provider, attribute, value, user_pk, is_primary, created_at";

/// Adds an identity; `Err` with a UNIQUE violation when it belongs to someone already.
pub fn insert_identity(
    c: &Connection,
    pool_id: &str,
    provider: &str,
    attribute: &str,
    value: &str,
    user_pk: i64,
    primary: bool,
    now: f64,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO user_identities (pool_id, provider, attribute, value, user_pk, is_primary, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        pool_id, provider, attribute, value, user_pk, primary, now
    ])?;
    Ok(())
}

/// The identity `provider` / `attribute` / `value` of the pool.
pub fn find_identity(
    c: &Connection,
    pool_id: &str,
    provider: &str,
    attribute: &str,
    value: &str,
) -> Result<Option<IdentityRow>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {IDENTITY_COLUMNS} FROM user_identities
         WHERE pool_id = ?1 AND provider = ?2 AND attribute = ?3 AND value = ?4"
    ))?
    .query_row(params![pool_id, provider, attribute, value], identity)
    .optional()?)
}

/// The links of `provider` in the pool that match on a pool attribute (not on the subject).
pub fn attribute_links(c: &Connection, pool_id: &str, provider: &str) -> Result<Vec<IdentityRow>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {IDENTITY_COLUMNS} FROM user_identities
         WHERE pool_id = ?1 AND provider = ?2 AND attribute <> 'Cognito_Subject' ORDER BY pk"
    ))?;
    let rows = stmt
        .query_map(params![pool_id, provider], identity)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A user's identities, oldest first.
pub fn identities_of(c: &Connection, user_pk: i64) -> Result<Vec<IdentityRow>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {IDENTITY_COLUMNS} FROM user_identities WHERE user_pk = ?1 ORDER BY pk"
    ))?;
    let rows = stmt
        .query_map([user_pk], identity)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Turns an attribute link into a subject link (its first sign-in).
pub fn set_identity_subject(c: &Connection, pk: i64, subject: &str) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE user_identities SET attribute = 'Cognito_Subject', value = ?2 WHERE pk = ?1",
    )?
    .execute(params![pk, subject])?;
    Ok(())
}

/// Deletes identity `pk`.
pub fn delete_identity(c: &Connection, pk: i64) -> Result<()> {
    c.prepare_cached("DELETE FROM user_identities WHERE pk = ?1")?
        .execute([pk])?;
    Ok(())
}

/// What a hosted session knows of the IdP it came through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionIdp {
    /// The provider's name (`None`: a sign-in with a password).
    pub idp: Option<String>,
    /// SAML NameID.
    pub name_id: Option<String>,
    /// SAML SessionIndex.
    pub session_index: Option<String>,
}

/// Records the IdP of the hosted session with this key.
pub fn set_session_idp(c: &Connection, key: &[u8], s: &SessionIdp) -> Result<()> {
    c.prepare_cached(
        "UPDATE hosted_sessions SET idp = ?2, saml_name_id = ?3, saml_session_index = ?4 WHERE key = ?1",
    )?
    .execute(params![key, s.idp, s.name_id, s.session_index])?;
    Ok(())
}

/// The IdP of the hosted session with this key (`None`: no such session).
pub fn session_idp(c: &Connection, key: &[u8]) -> Result<Option<SessionIdp>> {
    Ok(c.prepare_cached(
        "SELECT idp, saml_name_id, saml_session_index FROM hosted_sessions WHERE key = ?1",
    )?
    .query_row([key], |r| {
        Ok(SessionIdp {
            idp: r.get(0)?,
            name_id: r.get(1)?,
            session_index: r.get(2)?,
        })
    })
    .optional()?)
}
