//! SetUserMFAPreference: the signed-in user enables, disables and prefers SMS, TOTP and email MFA.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::ops::mfa_settings::Preferences;
use crate::error::Result;
use crate::ops::load;
use crate::store::users;

/// SetUserMFAPreferenceRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: String,
    #[serde(flatten)]
    preferences: Preferences,
}

/// Sets the preferences.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, _, mut user) = load::token_user(ctx, &req.access_token)?;
    req.preferences.apply(&mut user)?;
    let now = ctx.now();
    ctx.app
        .store
        .write(|c| users::set_mfa(c, user.pk, &user.mfa, now))?;
    Ok(json!({}))
}
