//! MFA: the pool's MFA configuration (SetUserPoolMfaConfig), a user's factors and preferences, and which
//! challenge a sign-in gets.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::domain::attributes::{self, Attributes};
use crate::domain::challenge::ChallengeName;
use crate::domain::pool::PoolConfig;
use crate::error::{CognitoError, Result};

/// One MFA factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor {
    /// Code by SMS.
    Sms,
    /// Authenticator app.
    Totp,
    /// Code by email.
    Email,
}

impl Factor {
    /// The challenge that asks for this factor.
    pub fn challenge(self) -> ChallengeName {
        match self {
            Factor::Sms => ChallengeName::SmsMfa,
            Factor::Totp => ChallengeName::SoftwareTokenMfa,
            Factor::Email => ChallengeName::EmailOtp,
        }
    }

    /// The factor a challenge or `SELECT_MFA_TYPE` answer names.
    pub fn from_challenge(name: ChallengeName) -> Option<Factor> {
        match name {
            ChallengeName::SmsMfa => Some(Factor::Sms),
            ChallengeName::SoftwareTokenMfa => Some(Factor::Totp),
            ChallengeName::EmailOtp => Some(Factor::Email),
            _ => None,
        }
    }
}

/// The pool's MFA configuration as SetUserPoolMfaConfig stores it.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct PoolMfa {
    /// `SmsMfaConfigType`.
    pub sms_mfa_configuration: Option<Value>,
    /// `SoftwareTokenMfaConfigType`.
    pub software_token_mfa_configuration: Option<Value>,
    /// `EmailMfaConfigType`.
    pub email_mfa_configuration: Option<Value>,
    /// `WebAuthnConfigurationType`.
    pub web_authn_configuration: Option<Value>,
}

impl PoolMfa {
    /// Factors the pool offers.
    pub fn offers(&self, pool: &PoolConfig, factor: Factor) -> bool {
        match factor {
            Factor::Sms => self.sms_mfa_configuration.is_some() || pool.sms_configuration.is_some(),
            Factor::Totp => self
                .software_token_mfa_configuration
                .as_ref()
                .and_then(|c| c.get("Enabled"))
                .and_then(Value::as_bool)
                .unwrap_or(false),
            Factor::Email => self.email_mfa_configuration.is_some(),
        }
    }

    /// The SMS text of MFA codes.
    pub fn sms_message(&self, pool: &PoolConfig) -> String {
        self.sms_mfa_configuration
            .as_ref()
            .and_then(|c| c.get("SmsAuthenticationMessage"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| pool.sms_authentication_message.clone())
            .unwrap_or_else(|| "Your authentication code is {####}. ".into())
    }

    /// The email (subject, body) of MFA and sign-in codes.
    pub fn email_message(&self) -> (String, String) {
        let c = self.email_mfa_configuration.as_ref();
        let get = |k: &str| {
            c.and_then(|c| c.get(k))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        (
            get("Subject").unwrap_or_else(|| "Your sign-in code".into()),
            get("Message").unwrap_or_else(|| "Your authentication code is {####}. ".into()),
        )
    }
}

/// A user's MFA settings and TOTP secrets.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct UserMfa {
    /// SMS MFA enabled.
    #[serde(default)]
    pub sms_enabled: bool,
    /// SMS is the preferred factor.
    #[serde(default)]
    pub sms_preferred: bool,
    /// TOTP enabled.
    #[serde(default)]
    pub totp_enabled: bool,
    /// TOTP is the preferred factor.
    #[serde(default)]
    pub totp_preferred: bool,
    /// Email MFA enabled.
    #[serde(default)]
    pub email_enabled: bool,
    /// Email is the preferred factor.
    #[serde(default)]
    pub email_preferred: bool,
    /// The verified TOTP secret (base32).
    pub totp_secret: Option<String>,
    /// A secret from AssociateSoftwareToken not verified yet.
    pub totp_pending: Option<String>,
    /// FriendlyDeviceName given at VerifySoftwareToken.
    pub totp_name: Option<String>,
    /// The last TOTP step accepted (a code is good once).
    pub totp_last_step: Option<i64>,
}

impl UserMfa {
    /// (enabled, preferred) of one factor.
    pub fn flags(&self, f: Factor) -> (bool, bool) {
        match f {
            Factor::Sms => (self.sms_enabled, self.sms_preferred),
            Factor::Totp => (
                self.totp_enabled && self.totp_secret.is_some(),
                self.totp_preferred,
            ),
            Factor::Email => (self.email_enabled, self.email_preferred),
        }
    }

    /// Factors enabled for the user that the pool offers and the user can receive.
    pub fn factors(
        &self,
        pool: &PoolConfig,
        pool_mfa: &PoolMfa,
        attrs: &Attributes,
    ) -> Vec<Factor> {
        [Factor::Sms, Factor::Totp, Factor::Email]
            .into_iter()
            .filter(|f| pool_mfa.offers(pool, *f) && self.flags(*f).0 && can_receive(*f, attrs))
            .collect()
    }

    /// The preferred factor, if enabled.
    pub fn preferred(&self) -> Option<Factor> {
        [Factor::Sms, Factor::Totp, Factor::Email]
            .into_iter()
            .find(|f| {
                let (enabled, preferred) = self.flags(*f);
                enabled && preferred
            })
    }

    /// `UserMFASettingList`, `PreferredMfaSetting` and legacy `MFAOptions` for GetUser / AdminGetUser.
    pub fn describe(&self, out: &mut serde_json::Map<String, Value>) {
        let enabled: Vec<ChallengeName> = [Factor::Sms, Factor::Totp, Factor::Email]
            .into_iter()
            .filter(|f| self.flags(*f).0)
            .map(Factor::challenge)
            .collect();
        if !enabled.is_empty() {
            out.insert("UserMFASettingList".into(), json!(enabled));
        }
        if let Some(p) = self.preferred() {
            out.insert("PreferredMfaSetting".into(), json!(p.challenge()));
        }
        if self.sms_enabled {
            out.insert(
                "MFAOptions".into(),
                json!([{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]),
            );
        }
    }

    /// Applies one `*MfaSettings` of SetUserMFAPreference, with AWS's checks.
    pub fn set(
        &mut self,
        factor: Factor,
        enabled: Option<bool>,
        preferred: Option<bool>,
        attrs: &Attributes,
    ) -> Result<()> {
        let (cur_enabled, cur_preferred) = self.flags(factor);
        let preferred = preferred.unwrap_or(cur_preferred && enabled != Some(false));
        let enabled = enabled.unwrap_or(cur_enabled) || preferred;
        if enabled {
            match factor {
                Factor::Totp if self.totp_secret.is_none() => {
                    return Err(CognitoError::InvalidParameterException(
                        "User has not verified software token mfa".into(),
                    ));
                }
                Factor::Sms | Factor::Email if !can_receive(factor, attrs) => {
                    return Err(CognitoError::InvalidParameterException(format!(
                        "User does not have delivery config set to turn on {}",
                        factor.challenge()
                    )));
                }
                _ => {}
            }
        }
        let (e, p) = match factor {
            Factor::Sms => (&mut self.sms_enabled, &mut self.sms_preferred),
            Factor::Totp => (&mut self.totp_enabled, &mut self.totp_preferred),
            Factor::Email => (&mut self.email_enabled, &mut self.email_preferred),
        };
        *e = enabled;
        *p = preferred && enabled;
        if *p {
            // Only one factor is preferred.
            for other in [Factor::Sms, Factor::Totp, Factor::Email]
                .into_iter()
                .filter(|o| *o != factor)
            {
                match other {
                    Factor::Sms => self.sms_preferred = false,
                    Factor::Totp => self.totp_preferred = false,
                    Factor::Email => self.email_preferred = false,
                }
            }
        }
        Ok(())
    }
}

fn can_receive(f: Factor, attrs: &Attributes) -> bool {
    match f {
        Factor::Sms => attributes::get(attrs, "phone_number").is_some_and(|p| !p.is_empty()),
        Factor::Email => attributes::get(attrs, "email").is_some_and(|e| !e.is_empty()),
        Factor::Totp => true,
    }
}

/// What MFA a sign-in needs after the password (and device) steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MfaStep {
    /// No MFA.
    None,
    /// This factor's challenge.
    Challenge(Factor),
    /// The user chooses among these.
    Select(Vec<Factor>),
    /// MFA is required and the user has no factor: set one up (TOTP and/or email).
    Setup(Vec<Factor>),
}

/// Decides the MFA step: OFF never; OPTIONAL when the user has a factor; ON always (MFA_SETUP without a
/// factor). A preferred factor wins; several without preference give SELECT_MFA_TYPE.
pub fn decide(
    pool: &PoolConfig,
    pool_mfa: &PoolMfa,
    user: &UserMfa,
    attrs: &Attributes,
) -> MfaStep {
    if pool.mfa_configuration == "OFF" {
        return MfaStep::None;
    }
    let mut factors = user.factors(pool, pool_mfa, attrs);
    if factors.is_empty() && pool.mfa_configuration == "ON" && pool_mfa.offers(pool, Factor::Sms) {
        // Legacy SMS MFA: with MFA required and SMS configured, a user with a phone number gets SMS codes.
        if can_receive(Factor::Sms, attrs) {
            factors.push(Factor::Sms);
        }
    }
    if factors.is_empty() {
        if pool.mfa_configuration != "ON" {
            return MfaStep::None;
        }
        let setup: Vec<Factor> = [Factor::Totp, Factor::Email]
            .into_iter()
            .filter(|f| pool_mfa.offers(pool, *f))
            .collect();
        return MfaStep::Setup(setup);
    }
    if let Some(p) = user.preferred().filter(|p| factors.contains(p)) {
        return MfaStep::Challenge(p);
    }
    if factors.len() == 1 {
        MfaStep::Challenge(factors[0])
    } else {
        MfaStep::Select(factors)
    }
}
