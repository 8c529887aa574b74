//! Pure rules, no I/O: pool and client configuration, attributes and schema, password policy,
//! identifier formats, user status.

pub mod attributes;
pub mod challenge;
pub mod client;
pub mod csv;
pub mod federated_users;
pub mod filter;
pub mod identity_providers;
pub mod ids;
pub mod lambda;
pub mod mfa;
pub mod oauth;
pub mod password_policy;
pub mod pool;
pub mod pool_input;
pub mod schema;
pub mod usernames;
pub mod webauthn;

use serde::{Deserialize, Serialize};

/// `UserStatusType` values the emulator uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UserStatus {
    /// Signed up, code not yet confirmed.
    Unconfirmed,
    /// Confirmed.
    Confirmed,
    /// Created by an administrator with a temporary password.
    ForceChangePassword,
    /// An administrator reset the password.
    ResetRequired,
    /// Federated user.
    ExternalProvider,
}

impl UserStatus {
    /// The wire (and stored) form.
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Unconfirmed => "UNCONFIRMED",
            UserStatus::Confirmed => "CONFIRMED",
            UserStatus::ForceChangePassword => "FORCE_CHANGE_PASSWORD",
            UserStatus::ResetRequired => "RESET_REQUIRED",
            UserStatus::ExternalProvider => "EXTERNAL_PROVIDER",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<UserStatus> {
        Some(match s {
            "UNCONFIRMED" => UserStatus::Unconfirmed,
            "CONFIRMED" => UserStatus::Confirmed,
            "FORCE_CHANGE_PASSWORD" => UserStatus::ForceChangePassword,
            "RESET_REQUIRED" => UserStatus::ResetRequired,
            "EXTERNAL_PROVIDER" => UserStatus::ExternalProvider,
            _ => return None,
        })
    }
}
