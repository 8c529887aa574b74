//! SetUserSettings (legacy): MFAOptions with an SMS entry turn SMS MFA on, an empty list turns it off.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::Ctx;
use crate::domain::mfa::Factor;
use crate::error::Result;
use crate::ops::token_user;
use crate::store::users::{self, UserRow};

/// `MFAOptionType`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MfaOption {
    /// SMS or EMAIL.
    pub delivery_medium: Option<String>,
    /// phone_number.
    #[allow(dead_code)]
    pub attribute_name: Option<String>,
}

/// Applies legacy MFAOptions to a user.
pub fn apply(user: &mut UserRow, options: &[MfaOption]) -> Result<()> {
    let sms = options
        .iter()
        .any(|o| o.delivery_medium.as_deref() == Some("SMS"));
    user.mfa.set(Factor::Sms, Some(sms), None, &user.attributes)
}

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
    let (_, _, mut user) = token_user(ctx, &req.access_token)?;
    apply(&mut user, &req.mfa_options)?;
    let now = ctx.now();
    ctx.app
        .store
        .write(|c| users::set_mfa(c, user.pk, &user.mfa, now))?;
    Ok(json!({}))
}
