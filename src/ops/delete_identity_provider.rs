//! DeleteIdentityProvider: the provider and its identifiers go; its federated users, their group and
//! the app clients that name it stay (a client's sign-in with it then fails).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::identity_providers as idp;
use crate::ops::load;
use crate::store::federation as fed;

/// DeleteIdentityProviderRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    provider_name: String,
}

/// Deletes the provider.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    if let Some(e) = idp::built_in(&req.provider_name) {
        return Err(e);
    }
    let deleted = ctx
        .app
        .store
        .write(|c| fed::delete_provider(c, &pool.id, &req.provider_name))?;
    if !deleted {
        return Err(idp::not_found(&req.provider_name));
    }
    Ok(json!({}))
}
