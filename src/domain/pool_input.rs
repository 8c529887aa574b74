//! What CreateUserPool and UpdateUserPool receive (the updatable settings both take, the members only
//! CreateUserPool takes) and how a pool's configuration is built from them, with AWS's rules.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::domain::lambda::LambdaConfig;
use crate::domain::pool::{
    AccountRecoverySetting, AdminCreateUserConfig, DeviceConfiguration, MAX_TAGS, Policies,
    PoolConfig, UserAttributeUpdateSettings, UsernameConfiguration, VerificationMessageTemplate,
    default_verification_template,
};
use crate::domain::schema::{SchemaInput, build_schema, resolve};

/// The members `CreateUserPool` and `UpdateUserPool` both take. UpdateUserPool replaces rather than
/// merges: a member it omits goes back to its default.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct PoolSettingsInput {
    /// Password and sign-in policies.
    pub policies: Option<Policies>,
    /// ACTIVE / INACTIVE.
    pub deletion_protection: Option<String>,
    /// Lambda triggers.
    pub lambda_config: Option<LambdaConfig>,
    /// Auto-verified attributes.
    pub auto_verified_attributes: Option<Vec<String>>,
    /// Legacy SMS template.
    pub sms_verification_message: Option<String>,
    /// Legacy email template.
    pub email_verification_message: Option<String>,
    /// Legacy email subject.
    pub email_verification_subject: Option<String>,
    /// Verification templates.
    pub verification_message_template: Option<VerificationMessageTemplate>,
    /// SMS MFA template.
    pub sms_authentication_message: Option<String>,
    /// Verify-before-update settings.
    pub user_attribute_update_settings: Option<UserAttributeUpdateSettings>,
    /// OFF / ON / OPTIONAL.
    pub mfa_configuration: Option<String>,
    /// Remembered devices.
    pub device_configuration: Option<DeviceConfiguration>,
    /// SES.
    pub email_configuration: Option<Value>,
    /// SNS.
    pub sms_configuration: Option<Value>,
    /// Tags.
    pub user_pool_tags: Option<Map<String, Value>>,
    /// Admin-create settings.
    pub admin_create_user_config: Option<AdminCreateUserConfig>,
    /// Threat protection.
    pub user_pool_add_ons: Option<Value>,
    /// Dynamic client registration.
    pub dcr_configuration: Option<Value>,
    /// Account recovery.
    pub account_recovery_setting: Option<AccountRecoverySetting>,
    /// Tier.
    pub user_pool_tier: Option<String>,
    /// Key settings.
    pub key_configuration: Option<Value>,
    /// Issuer settings.
    pub issuer_configuration: Option<Value>,
    /// ACR settings.
    pub acr_configuration: Option<Value>,
}

/// The members only `CreateUserPool` takes: they cannot change afterwards.
#[derive(Debug, Clone, Default)]
pub struct PoolIdentity {
    /// AliasAttributes.
    pub alias_attributes: Option<Vec<String>>,
    /// UsernameAttributes.
    pub username_attributes: Option<Vec<String>>,
    /// Schema (standard overrides and custom attributes) as requested.
    pub schema: Vec<SchemaInput>,
    /// UsernameConfiguration.
    pub username_configuration: Option<UsernameConfiguration>,
}

impl PoolConfig {
    /// A new pool's configuration: the request's settings over AWS's defaults.
    pub fn create(
        settings: PoolSettingsInput,
        identity: PoolIdentity,
    ) -> crate::error::Result<PoolConfig> {
        let requested = resolve(&identity.schema, false)?;
        if identity
            .alias_attributes
            .as_ref()
            .is_some_and(|a| !a.is_empty())
            && identity
                .username_attributes
                .as_ref()
                .is_some_and(|u| !u.is_empty())
        {
            return Err(crate::error::CognitoError::InvalidParameterException(
                "Only one of aliasAttributes or usernameAttributes can be set in a user pool."
                    .into(),
            ));
        }
        let base = PoolConfig {
            schema_attributes: build_schema(&requested),
            alias_attributes: identity.alias_attributes.filter(|a| !a.is_empty()),
            username_attributes: identity.username_attributes.filter(|u| !u.is_empty()),
            username_configuration: identity.username_configuration,
            ..serde_json::from_value(json!({})).expect("defaults")
        };
        base.with_settings(settings)
    }

    /// This configuration with every updatable member replaced by `settings` (or its default).
    pub fn with_settings(&self, s: PoolSettingsInput) -> crate::error::Result<PoolConfig> {
        let defaults: PoolConfig = serde_json::from_value(json!({})).expect("defaults");
        let mut template = s
            .verification_message_template
            .unwrap_or_else(default_verification_template);
        if template.default_email_option.is_none() {
            template.default_email_option = Some("CONFIRM_WITH_CODE".into());
        }
        if template.sms_message.is_none() {
            template.sms_message = s.sms_verification_message.clone();
        }
        if template.email_message.is_none() {
            template.email_message = s.email_verification_message.clone();
        }
        if template.email_subject.is_none() {
            template.email_subject = s.email_verification_subject.clone();
        }
        let config = PoolConfig {
            policies: s.policies.unwrap_or_default(),
            deletion_protection: s
                .deletion_protection
                .unwrap_or(defaults.deletion_protection),
            lambda_config: s.lambda_config.unwrap_or_default().checked()?,
            auto_verified_attributes: s.auto_verified_attributes.filter(|a| !a.is_empty()),
            // AWS mirrors the legacy members and the template both ways (DescribeUserPool shows both).
            sms_verification_message: s.sms_verification_message.or(template.sms_message.clone()),
            email_verification_message: s
                .email_verification_message
                .or(template.email_message.clone()),
            email_verification_subject: s
                .email_verification_subject
                .or(template.email_subject.clone()),
            verification_message_template: template,
            sms_authentication_message: s.sms_authentication_message,
            user_attribute_update_settings: s.user_attribute_update_settings.unwrap_or_default(),
            mfa_configuration: s.mfa_configuration.unwrap_or(defaults.mfa_configuration),
            device_configuration: s.device_configuration,
            email_configuration: s
                .email_configuration
                .unwrap_or(defaults.email_configuration),
            sms_configuration: s.sms_configuration,
            user_pool_tags: s.user_pool_tags,
            admin_create_user_config: s.admin_create_user_config.unwrap_or_default(),
            user_pool_add_ons: s.user_pool_add_ons,
            dcr_configuration: s.dcr_configuration,
            account_recovery_setting: s.account_recovery_setting,
            user_pool_tier: s.user_pool_tier.unwrap_or(defaults.user_pool_tier),
            key_configuration: s.key_configuration,
            issuer_configuration: s.issuer_configuration,
            acr_configuration: s.acr_configuration,
            schema_attributes: self.schema_attributes.clone(),
            alias_attributes: self.alias_attributes.clone(),
            username_attributes: self.username_attributes.clone(),
            username_configuration: self.username_configuration.clone(),
        };
        let protection = config
            .user_pool_add_ons
            .as_ref()
            .and_then(|a| a.get("AdvancedSecurityMode"))
            .and_then(Value::as_str)
            .unwrap_or("OFF");
        // Threat protection "requires the Plus tier" (UserPoolAddOnsType's documentation).
        if protection != "OFF" && config.user_pool_tier != "PLUS" {
            return Err(
                crate::error::CognitoError::FeatureUnavailableInTierException(format!(
                    "Threat protection (AdvancedSecurityMode {protection}) requires the PLUS tier; this pool is {}.",
                    config.user_pool_tier
                )),
            );
        }
        if config
            .user_pool_tags
            .as_ref()
            .is_some_and(|t| t.len() > MAX_TAGS)
        {
            return Err(crate::error::CognitoError::InvalidParameterException(
                format!("A user pool can have at most {MAX_TAGS} tags."),
            ));
        }
        let before_update = &config
            .user_attribute_update_settings
            .attributes_require_verification_before_update;
        if before_update.iter().any(|a| !config.auto_verifies(a)) {
            return Err(crate::error::CognitoError::InvalidParameterException(
                "All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes".into(),
            ));
        }
        Ok(config)
    }
}
