//! GetIdentityProviderByIdentifier: the provider that lists an identifier in its IdpIdentifiers
//! (identifiers are matched exactly; provider names are not identifiers).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::err;
use crate::error::Result;
use crate::ops::identity_providers::{IdentityProviderType, Provider};
use crate::ops::load;
use crate::store::federation as fed;

/// GetIdentityProviderByIdentifierRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    idp_identifier: String,
}

/// Finds the provider.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let row = ctx
        .app
        .store
        .read(|c| fed::provider_by_identifier(c, &pool.id, &req.idp_identifier))?
        .ok_or_else(|| {
            err!(
                ResourceNotFoundException,
                "Identity provider with identifier {} does not exist.",
                req.idp_identifier
            )
        })?;
    Ok(json!({"IdentityProvider": IdentityProviderType::of(&Provider::of(row)?)?}))
}
