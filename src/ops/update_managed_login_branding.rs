//! UpdateManagedLoginBranding: changes a managed login style; what the request does not name is kept.

use serde::Deserialize;
use serde_json::Value;

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::branding::{self, Style};
use crate::{err, store};

/// UpdateManagedLoginBrandingRequest (both ids are optional in the model, needed in fact).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: Option<String>,
    managed_login_branding_id: Option<String>,
    #[serde(flatten)]
    style: Style,
}

fn missing(member: &str) -> crate::error::CognitoError {
    err!(
        InvalidParameterException,
        "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
    )
}

/// Updates the style.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool_id = req.user_pool_id.ok_or_else(|| missing("userPoolId"))?;
    let id = req
        .managed_login_branding_id
        .ok_or_else(|| missing("managedLoginBrandingId"))?;
    req.style.check()?;
    let mut row = branding::load(ctx, &pool_id, &id)?;
    req.style.apply(&mut row);
    row.updated_at = ctx.now();
    ctx.app
        .store
        .write(|c| Ok(store::branding::save(c, &row)?))?;
    Ok(branding::answer(&row))
}
