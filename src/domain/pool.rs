//! The stored configuration of a user pool (the `UserPoolType` members the API sets), its AWS defaults,
//! and the rules that read it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::domain::lambda::LambdaConfig;
pub use crate::domain::schema::{
    NumberConstraints, STANDARD_ATTRIBUTES, SchemaAttribute, SchemaInput, StringConstraints,
    bare_name, build_schema, is_custom, resolve, standard_schema_attribute,
};

/// AWS's limit of tags per user pool.
pub const MAX_TAGS: usize = 50;

/// Everything `CreateUserPool` / `UpdateUserPool` set, as `DescribeUserPool` returns it. Members the
/// emulator does not interpret (Lambda, SES, SNS settings...) are kept verbatim as JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PoolConfig {
    /// Password and sign-in policies.
    #[serde(default)]
    pub policies: Policies,
    /// `ACTIVE` prevents deletion.
    #[serde(default = "inactive")]
    pub deletion_protection: String,
    /// Lambda triggers (stored, not invoked yet).
    #[serde(default)]
    pub lambda_config: LambdaConfig,
    /// The standard attributes followed by the custom ones (`custom:` prefixed).
    #[serde(default)]
    pub schema_attributes: Vec<SchemaAttribute>,
    /// Attributes verified automatically with a code at sign-up (`email`, `phone_number`).
    pub auto_verified_attributes: Option<Vec<String>>,
    /// Verified attributes that can also be used to sign in.
    pub alias_attributes: Option<Vec<String>>,
    /// Attributes used as the username (the stored username is then a UUID).
    pub username_attributes: Option<Vec<String>>,
    /// Legacy SMS verification template.
    pub sms_verification_message: Option<String>,
    /// Legacy email verification template.
    pub email_verification_message: Option<String>,
    /// Legacy email verification subject.
    pub email_verification_subject: Option<String>,
    /// Verification message templates.
    #[serde(default = "default_verification_template")]
    pub verification_message_template: VerificationMessageTemplate,
    /// SMS MFA message template.
    pub sms_authentication_message: Option<String>,
    /// Attributes whose old value stays until the new one is verified.
    #[serde(default)]
    pub user_attribute_update_settings: UserAttributeUpdateSettings,
    /// OFF, ON or OPTIONAL.
    #[serde(default = "off")]
    pub mfa_configuration: String,
    /// Remembered-device settings.
    pub device_configuration: Option<DeviceConfiguration>,
    /// SES settings.
    #[serde(default = "default_email_configuration")]
    pub email_configuration: Value,
    /// SNS settings.
    pub sms_configuration: Option<Value>,
    /// Tags.
    pub user_pool_tags: Option<Map<String, Value>>,
    /// Admin-created-user settings and the invitation template.
    #[serde(default)]
    pub admin_create_user_config: AdminCreateUserConfig,
    /// Threat-protection settings.
    pub user_pool_add_ons: Option<Value>,
    /// Dynamic client registration settings.
    pub dcr_configuration: Option<Value>,
    /// Whether usernames are case sensitive.
    pub username_configuration: Option<UsernameConfiguration>,
    /// Which verified channel account recovery uses; absent when the pool was created without one
    /// (recovery then follows AWS's legacy order, [`AccountRecoverySetting::legacy`]).
    pub account_recovery_setting: Option<AccountRecoverySetting>,
    /// LITE, ESSENTIALS or PLUS.
    #[serde(default = "essentials")]
    pub user_pool_tier: String,
    /// Signing-key settings (stored only).
    pub key_configuration: Option<Value>,
    /// Issuer settings (stored only).
    pub issuer_configuration: Option<Value>,
    /// ACR settings (stored only).
    pub acr_configuration: Option<Value>,
}

fn inactive() -> String {
    "INACTIVE".into()
}
fn off() -> String {
    "OFF".into()
}
fn essentials() -> String {
    "ESSENTIALS".into()
}
fn default_email_configuration() -> Value {
    json!({"EmailSendingAccount": "COGNITO_DEFAULT"})
}
/// The verification template of a pool created without one.
pub fn default_verification_template() -> VerificationMessageTemplate {
    VerificationMessageTemplate {
        default_email_option: Some("CONFIRM_WITH_CODE".into()),
        ..Default::default()
    }
}

/// `UserPoolPolicyType`.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Policies {
    /// The password policy.
    #[serde(default)]
    pub password_policy: PasswordPolicy,
    /// Allowed first factors for choice-based sign-in.
    pub sign_in_policy: Option<Value>,
}

/// `PasswordPolicyType`, with AWS's defaults.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicy {
    /// 6..99, default 8.
    #[serde(default = "eight")]
    pub minimum_length: u32,
    /// Default true.
    #[serde(default = "yes")]
    pub require_uppercase: bool,
    /// Default true.
    #[serde(default = "yes")]
    pub require_lowercase: bool,
    /// Default true.
    #[serde(default = "yes")]
    pub require_numbers: bool,
    /// Default true.
    #[serde(default = "yes")]
    pub require_symbols: bool,
    /// Number of previous passwords that cannot be reused.
    pub password_history_size: Option<u32>,
    /// Validity of temporary passwords, default 7 days.
    #[serde(default = "seven")]
    pub temporary_password_validity_days: u32,
}

fn eight() -> u32 {
    8
}
fn seven() -> u32 {
    7
}
fn yes() -> bool {
    true
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        serde_json::from_value(json!({})).expect("defaults")
    }
}

/// `VerificationMessageTemplateType`.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct VerificationMessageTemplate {
    /// SMS text with `{####}`.
    pub sms_message: Option<String>,
    /// Email text with `{####}`.
    pub email_message: Option<String>,
    /// Email subject.
    pub email_subject: Option<String>,
    /// Email text with `{##link text##}`.
    pub email_message_by_link: Option<String>,
    /// Email subject for link messages.
    pub email_subject_by_link: Option<String>,
    /// CONFIRM_WITH_CODE or CONFIRM_WITH_LINK.
    pub default_email_option: Option<String>,
}

/// `UserAttributeUpdateSettingsType`.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct UserAttributeUpdateSettings {
    /// email / phone_number.
    #[serde(default)]
    pub attributes_require_verification_before_update: Vec<String>,
}

/// `DeviceConfigurationType`.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct DeviceConfiguration {
    /// A new device must pass MFA.
    #[serde(default)]
    pub challenge_required_on_new_device: bool,
    /// Devices are remembered only when the user asks.
    #[serde(default)]
    pub device_only_remembered_on_user_prompt: bool,
}

/// `AdminCreateUserConfigType`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminCreateUserConfig {
    /// Only administrators can create users (SignUp refused).
    #[serde(default)]
    pub allow_admin_create_user_only: bool,
    /// Legacy temporary-password validity.
    pub unused_account_validity_days: Option<u32>,
    /// Invitation template.
    pub invite_message_template: Option<MessageTemplate>,
}

impl Default for AdminCreateUserConfig {
    fn default() -> Self {
        AdminCreateUserConfig {
            allow_admin_create_user_only: false,
            unused_account_validity_days: Some(7),
            invite_message_template: None,
        }
    }
}

/// `MessageTemplateType`.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct MessageTemplate {
    /// SMS text.
    #[serde(rename = "SMSMessage")]
    pub sms_message: Option<String>,
    /// Email text.
    pub email_message: Option<String>,
    /// Email subject.
    pub email_subject: Option<String>,
}

/// `UsernameConfigurationType`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UsernameConfiguration {
    /// False makes usernames and aliases case-insensitive.
    pub case_sensitive: bool,
}

/// `AccountRecoverySettingType`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountRecoverySetting {
    /// Channels by priority.
    #[serde(default)]
    pub recovery_mechanisms: Vec<RecoveryOption>,
}

impl AccountRecoverySetting {
    /// What a pool without the setting does: "the legacy behavior to determine the recovery method
    /// where SMS is preferred through email" (the UserPoolType.AccountRecoverySetting documentation).
    pub fn legacy() -> AccountRecoverySetting {
        let option = |priority, name: &str| RecoveryOption {
            priority,
            name: name.into(),
        };
        AccountRecoverySetting {
            recovery_mechanisms: vec![
                option(1, "verified_phone_number"),
                option(2, "verified_email"),
            ],
        }
    }
}

/// `RecoveryOptionType`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RecoveryOption {
    /// 1 or 2.
    pub priority: u32,
    /// verified_email, verified_phone_number or admin_only.
    pub name: String,
}

impl PoolConfig {
    /// Looks up the schema entry of an attribute by its full name (`email`, `custom:tenant`).
    pub fn schema_attribute(&self, name: &str) -> Option<&SchemaAttribute> {
        self.schema_attributes.iter().find(|a| a.name == name)
    }

    /// Usernames and aliases are compared case-insensitively. The API default when
    /// `UsernameConfiguration` is omitted is case sensitive (the API reference of UsernameConfigurationType).
    pub fn case_insensitive(&self) -> bool {
        self.username_configuration
            .as_ref()
            .is_some_and(|c| !c.case_sensitive)
    }

    /// The look-up form of a username or alias value.
    pub fn lookup_key(&self, value: &str) -> String {
        if self.case_insensitive() {
            value.to_lowercase()
        } else {
            value.to_string()
        }
    }

    /// True when `attr` (email / phone_number) is one of the pool's UsernameAttributes.
    pub fn username_attribute(&self, attr: &str) -> bool {
        self.username_attributes
            .as_ref()
            .is_some_and(|v| v.iter().any(|a| a == attr))
    }

    /// True when the pool uses email or phone as the username.
    pub fn uses_username_attributes(&self) -> bool {
        self.username_attributes
            .as_ref()
            .is_some_and(|v| !v.is_empty())
    }

    /// True when `attr` is one of the pool's AliasAttributes.
    pub fn alias_attribute(&self, attr: &str) -> bool {
        self.alias_attributes
            .as_ref()
            .is_some_and(|v| v.iter().any(|a| a == attr))
    }

    /// True when `attr` (email / phone_number) is verified automatically at sign-up.
    pub fn auto_verifies(&self, attr: &str) -> bool {
        self.auto_verified_attributes
            .as_ref()
            .is_some_and(|v| v.iter().any(|a| a == attr))
    }

    /// The sign-up verification email: (subject, body) with `{####}` still in place.
    pub fn verification_email(&self) -> (String, String) {
        let t = &self.verification_message_template;
        let subject = t
            .email_subject
            .clone()
            .or_else(|| self.email_verification_subject.clone())
            .unwrap_or_else(|| "Your verification code".into());
        let body = t
            .email_message
            .clone()
            .or_else(|| self.email_verification_message.clone())
            .unwrap_or_else(|| "Your verification code is {####}. ".into());
        (subject, body)
    }

    /// The sign-up verification SMS with `{####}` still in place.
    pub fn verification_sms(&self) -> String {
        self.verification_message_template
            .sms_message
            .clone()
            .or_else(|| self.sms_verification_message.clone())
            .unwrap_or_else(|| "Your verification code is {####}. ".into())
    }
}
