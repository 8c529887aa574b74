//! DescribeManagedLoginBranding: a managed login style by id. ReturnMergedResources would add
//! Cognito's default values; the emulator does not know them and returns what was customised.

use serde::Deserialize;
use serde_json::Value;

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::branding;

/// DescribeManagedLoginBrandingRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    managed_login_branding_id: String,
    #[allow(dead_code)]
    return_merged_resources: Option<bool>,
}

/// Describes the style.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let row = branding::load(ctx, &req.user_pool_id, &req.managed_login_branding_id)?;
    Ok(branding::answer(&row))
}
