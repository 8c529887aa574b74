//! SetUserSettings (legacy): MFAOptions with an SMS entry turn SMS MFA on, an empty list turns it off.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::load;
use crate::ops::mfa_settings::{MfaOption, apply_legacy};
use crate::store::users;

/// SetUserSettingsRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: String,
    #[serde(rename = "MFAOptions")]
    mfa_options: Vec<MfaOption>,
}

/// Sets the legacy MFA options.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, _, mut user) = load::token_user(ctx, &req.access_token)?;
    apply_legacy(&mut user, &req.mfa_options)?;
    let now = ctx.now();
    ctx.app
        .store
        .write(|c| users::set_mfa(c, user.pk, &user.mfa, now))?;
    Ok(json!({}))
}
