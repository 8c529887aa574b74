//! UpdateIdentityProvider: replaces the members given (ProviderDetails, AttributeMapping,
//! IdpIdentifiers, AcrMapping) with the same checks as CreateIdentityProvider; SAML metadata is read
//! again. The built-in COGNITO provider cannot be changed.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::domain::identity_providers::Details;
use crate::error::Result;
use crate::ops::identity_providers::{self as idp, IdentityProviderType, Provider};
use crate::ops::load;
use crate::store::federation as fed;

/// UpdateIdentityProviderRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    provider_name: String,
    provider_details: Option<Details>,
    attribute_mapping: Option<BTreeMap<String, String>>,
    idp_identifiers: Option<Vec<String>>,
    acr_mapping: Option<Value>,
}

/// Updates the provider.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    if let Some(e) = idp::built_in(&req.provider_name) {
        return Err(e);
    }
    let current = idp::load(ctx, &pool.id, &req.provider_name)?;
    let mut row = current.row.clone();
    if let Some(mapping) = &req.attribute_mapping {
        idp::check_mapping(&pool, current.kind, mapping)?;
        row.attribute_mapping = serde_json::to_string(mapping)?;
    }
    if let Some(given) = &req.provider_details {
        let (details, metadata) = idp::prepare_details(ctx, current.kind, given)?;
        row.details = serde_json::to_string(&details)?;
        row.metadata = metadata.map(|m| serde_json::to_string(&m)).transpose()?;
    }
    if let Some(ids) = &req.idp_identifiers {
        row.idp_identifiers = serde_json::to_string(ids)?;
    }
    if let Some(acr) = &req.acr_mapping {
        row.acr_mapping = Some(acr.to_string());
    }
    let now = ctx.now();
    let stored = ctx.app.store.write(|c| {
        fed::update_provider(c, &row, now)?;
        if let Some(ids) = &req.idp_identifiers {
            idp::set_identifiers(c, &pool.id, &row.name, ids)?;
        }
        fed::get_provider(c, &pool.id, &row.name)?.ok_or_else(|| idp::not_found(&row.name))
    })?;
    Ok(json!({"IdentityProvider": IdentityProviderType::of(&Provider::of(stored)?)?}))
}
