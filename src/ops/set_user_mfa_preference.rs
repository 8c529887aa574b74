//! SetUserMFAPreference: the signed-in user enables, disables and prefers SMS, TOTP and email MFA.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::Ctx;
use crate::domain::mfa::Factor;
use crate::error::Result;
use crate::ops::token_user;
use crate::store::users;

/// `*MfaSettingsType`.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Settings {
    /// Enabled.
    pub enabled: Option<bool>,
    /// PreferredMfa.
    pub preferred_mfa: Option<bool>,
}

/// The three settings of (Admin)SetUserMFAPreference.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Preferences {
    /// SMS.
    #[serde(rename = "SMSMfaSettings")]
    pub sms_mfa_settings: Option<Settings>,
    /// TOTP.
    pub software_token_mfa_settings: Option<Settings>,
    /// Email.
    pub email_mfa_settings: Option<Settings>,
}

impl Preferences {
    /// Applies the settings to a user's MFA.
    pub fn apply(&self, user: &mut crate::store::users::UserRow) -> Result<()> {
        for (factor, s) in [
            (Factor::Sms, &self.sms_mfa_settings),
            (Factor::Totp, &self.software_token_mfa_settings),
            (Factor::Email, &self.email_mfa_settings),
        ] {
            if let Some(s) = s {
                user.mfa
                    .set(factor, s.enabled, s.preferred_mfa, &user.attributes)?;
            }
        }
        Ok(())
    }
}

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
    let (_, _, mut user) = token_user(ctx, &req.access_token)?;
    req.preferences.apply(&mut user)?;
    let now = ctx.now();
    ctx.app
        .store
        .write(|c| users::set_mfa(c, user.pk, &user.mfa, now))?;
    Ok(json!({}))
}
