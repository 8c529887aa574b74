//! Helpers of the identity-provider operations (and of federated sign-in): a stored provider read
//! back, the `IdentityProviderType` shape, ProviderDetails prepared as AWS checks and completes them
//! (SAML metadata fetched or parsed), and a user's `identities` attribute rebuilt from its identities.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::app::Ctx;
use crate::domain::attributes;
use crate::domain::federated_users::{self as federated, Identity};
use crate::domain::identity_providers::{self as rules, Details, ProviderType};
use crate::error::{CognitoError, Result};
use crate::federation::http;
use crate::federation::saml::metadata::{IdpMetadata, parse_metadata};
use crate::store::federation::{self as fed, ProviderRow};
use crate::store::pools::PoolRow;
use crate::{err, store};

/// The attribute name that stands for the IdP's subject.
pub const SUBJECT: &str = "Cognito_Subject";

/// `ProviderUserIdentifierType`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProviderUser {
    /// ProviderName.
    pub provider_name: Option<String>,
    /// ProviderAttributeName.
    pub provider_attribute_name: Option<String>,
    /// ProviderAttributeValue.
    pub provider_attribute_value: Option<String>,
}

/// A stored provider, read back.
#[derive(Debug, Clone)]
pub struct Provider {
    /// The row.
    pub row: ProviderRow,
    /// ProviderType.
    pub kind: ProviderType,
    /// ProviderDetails (as stored: `private_key` included).
    pub details: Details,
    /// AttributeMapping: pool attribute -> IdP attribute.
    pub mapping: BTreeMap<String, String>,
    /// IdpIdentifiers.
    pub identifiers: Vec<String>,
    /// SAML: what the metadata said.
    pub metadata: Option<IdpMetadata>,
}

impl Provider {
    /// Reads a stored row.
    pub fn of(row: ProviderRow) -> Result<Provider> {
        let kind = ProviderType::parse(&row.kind)
            .ok_or_else(|| CognitoError::internal(format!("stored provider type {}", row.kind)))?;
        Ok(Provider {
            kind,
            details: serde_json::from_str(&row.details)?,
            mapping: serde_json::from_str(&row.attribute_mapping)?,
            identifiers: serde_json::from_str(&row.idp_identifiers)?,
            metadata: row
                .metadata
                .as_deref()
                .map(serde_json::from_str)
                .transpose()?,
            row,
        })
    }

    /// The provider's name.
    pub fn name(&self) -> &str {
        &self.row.name
    }

    /// A detail.
    pub fn detail(&self, key: &str) -> Option<&str> {
        self.details
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// `IdentityProviderType`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentityProviderType {
    /// UserPoolId.
    pub user_pool_id: String,
    /// ProviderName.
    pub provider_name: String,
    /// ProviderType.
    pub provider_type: String,
    /// ProviderDetails.
    pub provider_details: Details,
    /// AttributeMapping.
    pub attribute_mapping: BTreeMap<String, String>,
    /// IdpIdentifiers.
    pub idp_identifiers: Vec<String>,
    /// AcrMapping.
    pub acr_mapping: Option<Value>,
    /// LastModifiedDate.
    pub last_modified_date: f64,
    /// CreationDate.
    pub creation_date: f64,
}

impl IdentityProviderType {
    /// The shape of a stored provider.
    pub fn of(p: &Provider) -> Result<IdentityProviderType> {
        Ok(IdentityProviderType {
            user_pool_id: p.row.pool_id.clone(),
            provider_name: p.row.name.clone(),
            provider_type: p.kind.as_str().into(),
            provider_details: rules::described(p.kind, &p.details),
            attribute_mapping: p.mapping.clone(),
            idp_identifiers: p.identifiers.clone(),
            acr_mapping: p
                .row
                .acr_mapping
                .as_deref()
                .map(serde_json::from_str)
                .transpose()?,
            last_modified_date: p.row.updated_at,
            creation_date: p.row.created_at,
        })
    }
}

/// The built-in provider: UpdateIdentityProvider and DeleteIdentityProvider refuse it.
pub fn built_in(name: &str) -> Option<CognitoError> {
    name.eq_ignore_ascii_case("cognito").then(|| {
        err!(
            UnsupportedIdentityProviderException,
            "{name} is the user pool's built-in identity provider and cannot be changed."
        )
    })
}

/// "<name> does not exist" for a provider of the pool.
pub fn not_found(name: &str) -> CognitoError {
    err!(
        ResourceNotFoundException,
        "Identity provider {name} does not exist."
    )
}

/// The provider `name` of `pool_id`, or ResourceNotFoundException.
pub fn load(ctx: &Ctx, pool_id: &str, name: &str) -> Result<Provider> {
    let row = ctx
        .app
        .store
        .read(|c| fed::get_provider(c, pool_id, name))?
        .ok_or_else(|| not_found(name))?;
    Provider::of(row)
}

/// ProviderDetails (and, for SAML, the metadata) of a Create or Update request, checked and completed
/// as DescribeIdentityProvider shows them. SAML metadata is fetched from `MetadataURL` now, as AWS does.
pub fn prepare_details(
    ctx: &Ctx,
    kind: ProviderType,
    given: &Details,
) -> Result<(Details, Option<IdpMetadata>)> {
    if kind != ProviderType::Saml {
        return Ok((rules::complete_details(kind, given)?, None));
    }
    let mut details = rules::check_saml_details(given)?;
    let xml = match details.get("MetadataURL").cloned() {
        Some(url) => fetch_metadata(ctx, &url)?,
        None => details.get("MetadataFile").cloned().unwrap_or_default(),
    };
    let metadata = parse_metadata(&xml, ctx.app.clock.now_secs())
        .map_err(|m| CognitoError::InvalidParameterException(m))?;
    details.insert(
        "SSORedirectBindingURI".into(),
        metadata.sso_redirect.clone(),
    );
    if let Some(slo) = &metadata.slo_redirect {
        details.insert("SLORedirectBindingURI".into(), slo.clone());
    }
    Ok((details, Some(metadata)))
}

fn fetch_metadata(ctx: &Ctx, url: &str) -> Result<String> {
    let reply = http::get(ctx, url, &[]).map_err(|e| {
        tracing::info!(url, error = %e, "SAML metadata not retrieved");
        err!(
            InvalidParameterException,
            "Error retrieving metadata from {url}"
        )
    })?;
    if reply.status != 200 {
        return Err(err!(
            InvalidParameterException,
            "Non-ok status code {} returned from remote metadata source {url}",
            reply.status
        ));
    }
    String::from_utf8(reply.body).map_err(|_| {
        err!(
            InvalidParameterException,
            "Error retrieving metadata from {url}"
        )
    })
}

/// Checks AttributeMapping keys against the pool's schema.
pub fn check_mapping(
    pool: &PoolRow,
    kind: ProviderType,
    mapping: &BTreeMap<String, String>,
) -> Result<()> {
    rules::check_mapping(kind, mapping, |name| {
        pool.config.schema_attribute(name).is_some()
    })
}

/// Stores a provider's identifiers: "Identifiers must be unique across the identity providers".
pub fn set_identifiers(
    c: &rusqlite::Connection,
    pool_id: &str,
    provider: &str,
    identifiers: &[String],
) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = identifiers.iter().find(|i| !seen.insert(i.as_str())) {
        return Err(err!(
            InvalidParameterException,
            "Duplicate identifier {dup} in IdpIdentifiers."
        ));
    }
    fed::set_identifiers(c, pool_id, provider, identifiers).map_err(|e| {
        if store::is_unique_violation(&e) {
            err!(
                InvalidParameterException,
                "One or more identifiers of IdpIdentifiers are already used by another identity provider of user pool {pool_id}."
            )
        } else {
            e.into()
        }
    })
}

/// Rewrites user `user_pk`'s `identities` attribute from its identities (removed when none is left).
pub fn refresh_identities(c: &rusqlite::Connection, user_pk: i64, now: f64) -> Result<()> {
    let Some(mut user) = store::users::by_pk(c, user_pk)? else {
        return Ok(());
    };
    let rows = fed::identities_of(c, user_pk)?;
    let mut list = Vec::with_capacity(rows.len());
    for r in &rows {
        let provider = fed::get_provider(c, &user.pool_id, &r.provider)?
            .map(Provider::of)
            .transpose()?;
        let (kind, issuer) = match &provider {
            Some(p) => (
                p.kind.as_str().to_string(),
                p.metadata.as_ref().map(|m| m.entity_id.clone()),
            ),
            None => (String::new(), None),
        };
        list.push(Identity {
            user_id: r.value.clone(),
            provider_name: r.provider.clone(),
            provider_type: kind,
            issuer,
            primary: r.primary,
            date_created: (r.created_at * 1000.0) as i64,
        });
    }
    let before = attributes::get(&user.attributes, "identities").map(str::to_string);
    if list.is_empty() {
        user.attributes.shift_remove("identities");
    } else {
        attributes::set(
            &mut user.attributes,
            "identities",
            federated::identities_attribute(&list),
        );
    }
    if before.as_deref() != attributes::get(&user.attributes, "identities") {
        store::users::set_attributes(c, user_pk, &user.attributes, now)?;
    }
    Ok(())
}
