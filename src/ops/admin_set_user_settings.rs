//! AdminSetUserSettings (legacy): an administrator sets a user's MFAOptions.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::load;
use crate::ops::mfa_settings::{MfaOption, apply_legacy};
use crate::store::users;

/// AdminSetUserSettingsRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
    #[serde(rename = "MFAOptions")]
    mfa_options: Vec<MfaOption>,
}

/// Sets the legacy MFA options.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, mut user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    apply_legacy(&mut user, &req.mfa_options)?;
    let now = ctx.now();
    ctx.app
        .store
        .write(|c| users::set_mfa(c, user.pk, &user.mfa, now))?;
    Ok(json!({}))
}
