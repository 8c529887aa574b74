//! CreateIdentityProvider: an OIDC, SAML or social IdP of the pool, with AWS's checks per
//! ProviderType (`domain::identity_providers`), SAML metadata read now (from `MetadataURL` or
//! `MetadataFile`), unique names and identifiers, at most 300 per pool.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::domain::identity_providers::{self as rules, Details, ProviderType};
use crate::error::Result;
use crate::ops::identity_providers::{self as idp, IdentityProviderType, Provider};
use crate::ops::load;
use crate::store::federation::{self as fed, ProviderRow};
use crate::{err, store};

/// Identity providers a pool may have (AWS's quota).
const PER_POOL: i64 = 300;

/// CreateIdentityProviderRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    provider_name: String,
    provider_type: String,
    provider_details: Details,
    attribute_mapping: Option<BTreeMap<String, String>>,
    idp_identifiers: Option<Vec<String>>,
    acr_mapping: Option<Value>,
}

/// Creates the provider.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let kind = ProviderType::parse(&req.provider_type).ok_or_else(|| {
        err!(
            InvalidParameterException,
            "Invalid ProviderType {}",
            req.provider_type
        )
    })?;
    rules::check_name(&req.provider_name, kind)?;
    let mapping = req.attribute_mapping.unwrap_or_default();
    idp::check_mapping(&pool, kind, &mapping)?;
    let duplicate = || {
        err!(
            DuplicateProviderException,
            "{} already exists in user pool {}",
            req.provider_name,
            pool.id
        )
    };
    let exists = ctx
        .app
        .store
        .read(|c| fed::get_provider(c, &pool.id, &req.provider_name))?;
    if exists.is_some() {
        return Err(duplicate());
    }
    let (details, metadata) = idp::prepare_details(ctx, kind, &req.provider_details)?;
    let identifiers = req.idp_identifiers.unwrap_or_default();
    let row = ProviderRow {
        pk: 0,
        pool_id: pool.id.clone(),
        name: req.provider_name.clone(),
        kind: kind.as_str().into(),
        details: serde_json::to_string(&details)?,
        attribute_mapping: serde_json::to_string(&mapping)?,
        idp_identifiers: serde_json::to_string(&identifiers)?,
        acr_mapping: req.acr_mapping.map(|v| v.to_string()),
        metadata: metadata.map(|m| serde_json::to_string(&m)).transpose()?,
        created_at: 0.0,
        updated_at: 0.0,
    };
    let now = ctx.now();
    let stored = ctx.app.store.write(|c| {
        if fed::count_providers(c, &pool.id)? >= PER_POOL {
            return Err(err!(
                LimitExceededException,
                "The user pool has reached its limit of {PER_POOL} identity providers."
            ));
        }
        match fed::insert_provider(c, &row, now) {
            Ok(()) => {}
            Err(e) if store::is_unique_violation(&e) => return Err(duplicate()),
            Err(e) => return Err(e.into()),
        }
        idp::set_identifiers(c, &pool.id, &row.name, &identifiers)?;
        fed::get_provider(c, &pool.id, &row.name)?
            .ok_or_else(|| err!(InternalErrorException, "provider vanished after insert"))
    })?;
    Ok(json!({"IdentityProvider": IdentityProviderType::of(&Provider::of(stored)?)?}))
}
