//! MFA settings a user or an administrator sets: the legacy `MFAOptions` (Admin)SetUserSettings take,
//! and the per-factor preferences of (Admin)SetUserMFAPreference.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::app::Ctx;
use crate::auth::{passkeys, user_auth};
use crate::domain::challenge::FirstFactor;
use crate::store::pools::PoolRow;

use crate::domain::mfa::Factor;
use crate::error::Result;
use crate::mail::Medium;
use crate::store::users::UserRow;

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
pub fn apply_legacy(user: &mut UserRow, options: &[MfaOption]) -> Result<()> {
    let sms = options
        .iter()
        .any(|o| o.delivery_medium.as_deref().and_then(Medium::parse) == Some(Medium::Sms));
    user.mfa.set(Factor::Sms, Some(sms), None, &user.attributes)
}

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
    /// Passkey MFA (after a password): not implemented, so turning it on is refused.
    pub web_authn_mfa_settings: Option<Settings>,
}

impl Preferences {
    /// Applies the settings to a user's MFA.
    pub fn apply(&self, user: &mut UserRow) -> Result<()> {
        if self
            .web_authn_mfa_settings
            .as_ref()
            .is_some_and(|s| s.enabled == Some(true))
        {
            return Err(crate::err!(
                InvalidParameterException,
                "WebAuthnMfaSettings (passkeys as MFA after a password) is not implemented by cognito-emulator yet."
            ));
        }
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

/// The (Admin)GetUserAuthFactors answer for `user`: the MFA settings, and the factors configured for
/// them — the first factors they can use with USER_AUTH (PASSWORD for PASSWORD and PASSWORD_SRP,
/// EMAIL_OTP, SMS_OTP, WEB_AUTHN with a registered passkey) and the MFA factors they turned on.
pub fn auth_factors(ctx: &Ctx, pool: &PoolRow, user: &UserRow) -> Result<Value> {
    let has_passkey = passkeys::usable(ctx, pool, user)?;
    let mut factors: Vec<&str> = Vec::new();
    let mut add = |f: &'static str| {
        if !factors.contains(&f) {
            factors.push(f);
        }
    };
    for f in user_auth::available(pool, user, has_passkey) {
        match f {
            FirstFactor::Password | FirstFactor::PasswordSrp => add("PASSWORD"),
            FirstFactor::EmailOtp => add("EMAIL_OTP"),
            FirstFactor::SmsOtp => add("SMS_OTP"),
            FirstFactor::WebAuthn => add("WEB_AUTHN"),
        }
    }
    for (factor, name) in [
        (Factor::Email, "EMAIL_OTP"),
        (Factor::Sms, "SMS_OTP"),
        (Factor::Totp, "SOFTWARE_TOKEN"),
    ] {
        if user.mfa.flags(factor).0 {
            add(name);
        }
    }
    let mut out = Map::new();
    out.insert("Username".into(), json!(user.username));
    user.mfa.describe(&mut out);
    out.remove("MFAOptions");
    out.insert("ConfiguredUserAuthFactors".into(), json!(factors));
    Ok(Value::Object(out))
}
