//! A pool's `LambdaConfig`: which function each trigger runs, the pre-token-generation event version,
//! and AWS's rules for the configuration (checked on CreateUserPool / UpdateUserPool).

use serde::{Deserialize, Serialize};

use crate::err;
use crate::error::Result;

/// `LambdaConfigType` as stored and described.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LambdaConfig {
    /// PreSignUp.
    pub pre_sign_up: Option<String>,
    /// CustomMessage.
    pub custom_message: Option<String>,
    /// PostConfirmation.
    pub post_confirmation: Option<String>,
    /// PreAuthentication.
    pub pre_authentication: Option<String>,
    /// PostAuthentication.
    pub post_authentication: Option<String>,
    /// DefineAuthChallenge.
    pub define_auth_challenge: Option<String>,
    /// CreateAuthChallenge.
    pub create_auth_challenge: Option<String>,
    /// VerifyAuthChallengeResponse.
    pub verify_auth_challenge_response: Option<String>,
    /// PreTokenGeneration (the V1 ARN).
    pub pre_token_generation: Option<String>,
    /// UserMigration.
    pub user_migration: Option<String>,
    /// PreTokenGenerationConfig (version and ARN).
    pub pre_token_generation_config: Option<VersionedFunction>,
    /// CustomSMSSender.
    #[serde(rename = "CustomSMSSender")]
    pub custom_sms_sender: Option<VersionedFunction>,
    /// CustomEmailSender.
    pub custom_email_sender: Option<VersionedFunction>,
    /// KMSKeyID (required with the custom senders).
    #[serde(rename = "KMSKeyID")]
    pub kms_key_id: Option<String>,
    /// InboundFederation.
    pub inbound_federation: Option<VersionedFunction>,
}

/// `{LambdaVersion, LambdaArn}` of the versioned triggers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VersionedFunction {
    /// V1_0, V2_0, V3_0.
    pub lambda_version: String,
    /// The function.
    pub lambda_arn: String,
}

/// One trigger of a pool: the name AWS uses in its error messages (the LambdaConfig member).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// PreSignUp.
    PreSignUp,
    /// CustomMessage.
    CustomMessage,
    /// PostConfirmation.
    PostConfirmation,
    /// PreAuthentication.
    PreAuthentication,
    /// PostAuthentication.
    PostAuthentication,
    /// DefineAuthChallenge.
    DefineAuthChallenge,
    /// CreateAuthChallenge.
    CreateAuthChallenge,
    /// VerifyAuthChallengeResponse.
    VerifyAuthChallengeResponse,
    /// PreTokenGeneration (any version).
    PreTokenGeneration,
    /// UserMigration.
    UserMigration,
    /// CustomSMSSender.
    CustomSmsSender,
    /// CustomEmailSender.
    CustomEmailSender,
    /// InboundFederation.
    InboundFederation,
}

impl Trigger {
    /// Every trigger the emulator runs.
    pub const ALL: [Trigger; 13] = [
        Trigger::PreSignUp,
        Trigger::CustomMessage,
        Trigger::PostConfirmation,
        Trigger::PreAuthentication,
        Trigger::PostAuthentication,
        Trigger::DefineAuthChallenge,
        Trigger::CreateAuthChallenge,
        Trigger::VerifyAuthChallengeResponse,
        Trigger::PreTokenGeneration,
        Trigger::UserMigration,
        Trigger::CustomSmsSender,
        Trigger::CustomEmailSender,
        Trigger::InboundFederation,
    ];

    /// The LambdaConfig member, as AWS names the trigger in `<Trigger> failed with error ...`.
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::PreSignUp => "PreSignUp",
            Trigger::CustomMessage => "CustomMessage",
            Trigger::PostConfirmation => "PostConfirmation",
            Trigger::PreAuthentication => "PreAuthentication",
            Trigger::PostAuthentication => "PostAuthentication",
            Trigger::DefineAuthChallenge => "DefineAuthChallenge",
            Trigger::CreateAuthChallenge => "CreateAuthChallenge",
            Trigger::VerifyAuthChallengeResponse => "VerifyAuthChallengeResponse",
            Trigger::PreTokenGeneration => "PreTokenGeneration",
            Trigger::UserMigration => "UserMigration",
            Trigger::CustomSmsSender => "CustomSMSSender",
            Trigger::CustomEmailSender => "CustomEmailSender",
            Trigger::InboundFederation => "InboundFederation",
        }
    }
}

/// The pre-token-generation event version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PreTokenVersion {
    /// V1_0: ID-token claims and groups.
    V1,
    /// V2_0: ID and access tokens, scopes.
    V2,
    /// V3_0: as V2, and client-credentials tokens too.
    V3,
}

impl PreTokenVersion {
    /// The event's `version` member.
    pub fn event_version(self) -> &'static str {
        match self {
            PreTokenVersion::V1 => "1",
            PreTokenVersion::V2 => "2",
            PreTokenVersion::V3 => "3",
        }
    }
}

impl LambdaConfig {
    /// The function `trigger` runs, if configured.
    pub fn function(&self, trigger: Trigger) -> Option<&str> {
        fn plain(f: &Option<String>) -> Option<&str> {
            f.as_deref()
        }
        fn versioned(f: &Option<VersionedFunction>) -> Option<&str> {
            f.as_ref().map(|v| v.lambda_arn.as_str())
        }
        match trigger {
            Trigger::PreSignUp => plain(&self.pre_sign_up),
            Trigger::CustomMessage => plain(&self.custom_message),
            Trigger::PostConfirmation => plain(&self.post_confirmation),
            Trigger::PreAuthentication => plain(&self.pre_authentication),
            Trigger::PostAuthentication => plain(&self.post_authentication),
            Trigger::DefineAuthChallenge => plain(&self.define_auth_challenge),
            Trigger::CreateAuthChallenge => plain(&self.create_auth_challenge),
            Trigger::VerifyAuthChallengeResponse => plain(&self.verify_auth_challenge_response),
            Trigger::PreTokenGeneration => versioned(&self.pre_token_generation_config)
                .or(self.pre_token_generation.as_deref()),
            Trigger::UserMigration => plain(&self.user_migration),
            Trigger::CustomSmsSender => versioned(&self.custom_sms_sender),
            Trigger::CustomEmailSender => versioned(&self.custom_email_sender),
            Trigger::InboundFederation => versioned(&self.inbound_federation),
        }
    }

    /// The pre-token-generation event version (V1 for the plain `PreTokenGeneration` ARN).
    pub fn pre_token_version(&self) -> PreTokenVersion {
        match self
            .pre_token_generation_config
            .as_ref()
            .map(|c| c.lambda_version.as_str())
        {
            Some("V2_0") => PreTokenVersion::V2,
            Some("V3_0") => PreTokenVersion::V3,
            _ => PreTokenVersion::V1,
        }
    }

    /// Every configured trigger with its function.
    pub fn configured(&self) -> Vec<(Trigger, &str)> {
        Trigger::ALL
            .iter()
            .filter_map(|t| self.function(*t).map(|f| (*t, f)))
            .collect()
    }

    /// Checks a requested configuration as CreateUserPool / UpdateUserPool do, and fills
    /// `PreTokenGeneration` and `PreTokenGenerationConfig` from each other as AWS describes them.
    pub fn checked(mut self) -> Result<LambdaConfig> {
        match (
            &self.pre_token_generation,
            &self.pre_token_generation_config,
        ) {
            (Some(arn), Some(cfg)) if *arn != cfg.lambda_arn => {
                return Err(err!(
                    InvalidParameterException,
                    "PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must be the same function."
                ));
            }
            (Some(arn), None) => {
                self.pre_token_generation_config = Some(VersionedFunction {
                    lambda_version: "V1_0".into(),
                    lambda_arn: arn.clone(),
                });
            }
            (None, Some(cfg)) => self.pre_token_generation = Some(cfg.lambda_arn.clone()),
            _ => {}
        }
        let senders = self.custom_sms_sender.is_some() || self.custom_email_sender.is_some();
        if senders && self.kms_key_id.is_none() {
            return Err(err!(
                InvalidParameterException,
                "KMSKeyID is required when CustomEmailSender or CustomSMSSender is configured."
            ));
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(v: serde_json::Value) -> LambdaConfig {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn pre_token_members_fill_each_other() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:pre-token";
        let c = config(json!({"PreTokenGeneration": arn}))
            .checked()
            .unwrap();
        assert_eq!(c.pre_token_version(), PreTokenVersion::V1);
        assert_eq!(c.pre_token_generation_config.unwrap().lambda_arn, arn);
        let c = config(
            json!({"PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": arn}}),
        )
        .checked()
        .unwrap();
        assert_eq!(c.pre_token_generation.as_deref(), Some(arn));
        assert_eq!(c.pre_token_version(), PreTokenVersion::V2);
        assert_eq!(c.function(Trigger::PreTokenGeneration), Some(arn));
        let other = json!({"PreTokenGeneration": arn, "PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": "arn:aws:lambda:us-east-1:123456789012:function:x"}});
        assert!(config(other).checked().is_err());
    }

    #[test]
    fn senders_need_a_key_and_inbound_federation_runs() {
        let sender = json!({"LambdaVersion": "V1_0", "LambdaArn": "arn:aws:lambda:us-east-1:123456789012:function:s"});
        assert!(
            config(json!({"CustomEmailSender": sender.clone()}))
                .checked()
                .is_err()
        );
        let with_key = json!({"CustomEmailSender": sender.clone(), "KMSKeyID": "arn:aws:kms:us-east-1:123456789012:key/k"});
        assert!(config(with_key).checked().is_ok());
        let inbound = config(json!({"InboundFederation": sender}))
            .checked()
            .unwrap();
        assert_eq!(
            inbound.function(Trigger::InboundFederation),
            Some("arn:aws:lambda:us-east-1:123456789012:function:s")
        );
    }
}
