//! AdminSetUserMFAPreference: an administrator sets a user's MFA preferences.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::load;
use crate::ops::mfa_settings::Preferences;
use crate::store::users;

/// AdminSetUserMFAPreferenceRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
    #[serde(flatten)]
    preferences: Preferences,
}

/// Sets the preferences.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, mut user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    req.preferences.apply(&mut user)?;
    let now = ctx.now();
    ctx.app
        .store
        .write(|c| users::set_mfa(c, user.pk, &user.mfa, now))?;
    Ok(json!({}))
}
