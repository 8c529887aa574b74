//! DeleteManagedLoginBranding: removes a managed login style from its app client.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::branding;
use crate::store;

/// DeleteManagedLoginBrandingRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    managed_login_branding_id: String,
    user_pool_id: String,
}

/// Deletes the style.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let row = branding::load(ctx, &req.user_pool_id, &req.managed_login_branding_id)?;
    ctx.app
        .store
        .write(|c| store::branding::delete(c, &row.pool_id, &row.id))?;
    Ok(json!({}))
}
