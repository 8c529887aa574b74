//! AdminSetUserMFAPreference: an administrator sets a user's MFA preferences.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::Ctx;
use crate::error::Result;
use crate::ops::admin_user;
use crate::ops::set_user_mfa_preference::Preferences;
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
    let (_, mut user) = admin_user(ctx, &req.user_pool_id, &req.username)?;
    req.preferences.apply(&mut user)?;
    let now = ctx.now();
    ctx.app
        .store
        .write(|c| users::set_mfa(c, user.pk, &user.mfa, now))?;
    Ok(json!({}))
}
