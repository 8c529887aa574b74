//! The stored configuration of an app client (the `UserPoolClientType` members the API sets), its AWS
//! defaults, which auth flows it allows, and its token lifetimes.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::pool::PoolConfig;
use crate::error::{CognitoError, Result};

/// Everything `CreateUserPoolClient` / `UpdateUserPoolClient` set, as `DescribeUserPoolClient`
/// returns it (id, name, secret and dates are columns of their own).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClientConfig {
    /// Refresh-token lifetime in `TokenValidityUnits.RefreshToken` (default 30 days).
    #[serde(default = "thirty")]
    pub refresh_token_validity: i64,
    /// Access-token lifetime, absent = 60 minutes.
    pub access_token_validity: Option<i64>,
    /// ID-token lifetime, absent = 60 minutes.
    pub id_token_validity: Option<i64>,
    /// Units of the three lifetimes.
    #[serde(default)]
    pub token_validity_units: TokenValidityUnits,
    /// Attributes the client may read; absent = all.
    pub read_attributes: Option<Vec<String>>,
    /// Attributes the client may write; absent = all writable ones.
    pub write_attributes: Option<Vec<String>>,
    /// Allowed auth flows; absent = AWS's default set.
    pub explicit_auth_flows: Option<Vec<String>>,
    /// IdPs for the hosted UI.
    pub supported_identity_providers: Option<Vec<String>>,
    /// OAuth redirect URLs.
    #[serde(rename = "CallbackURLs")]
    pub callback_urls: Option<Vec<String>>,
    /// OAuth sign-out URLs.
    #[serde(rename = "LogoutURLs")]
    pub logout_urls: Option<Vec<String>>,
    /// Default OAuth redirect.
    #[serde(rename = "DefaultRedirectURI")]
    pub default_redirect_uri: Option<String>,
    /// code, implicit, client_credentials.
    #[serde(rename = "AllowedOAuthFlows")]
    pub allowed_oauth_flows: Option<Vec<String>>,
    /// OAuth scopes.
    #[serde(rename = "AllowedOAuthScopes")]
    pub allowed_oauth_scopes: Option<Vec<String>>,
    /// Whether the OAuth settings are in use.
    #[serde(rename = "AllowedOAuthFlowsUserPoolClient", default)]
    pub allowed_oauth_flows_user_pool_client: bool,
    /// Pinpoint analytics (stored only).
    pub analytics_configuration: Option<Value>,
    /// LEGACY or ENABLED.
    pub prevent_user_existence_errors: Option<String>,
    /// Whether RevokeToken works for this client (default true).
    #[serde(default = "yes")]
    pub enable_token_revocation: bool,
    /// Threat-protection context propagation (stored only).
    #[serde(default)]
    pub enable_propagate_additional_user_context_data: bool,
    /// Minutes a challenge session lives (3..15, default 3).
    #[serde(default = "three")]
    pub auth_session_validity: i64,
    /// Refresh-token rotation.
    pub refresh_token_rotation: Option<RefreshTokenRotation>,
}

fn thirty() -> i64 {
    30
}
fn three() -> i64 {
    3
}
fn yes() -> bool {
    true
}

/// `TokenValidityUnitsType`.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TokenValidityUnits {
    /// Unit of AccessTokenValidity (default hours).
    pub access_token: Option<String>,
    /// Unit of IdTokenValidity (default hours).
    pub id_token: Option<String>,
    /// Unit of RefreshTokenValidity (default days).
    pub refresh_token: Option<String>,
}

/// `RefreshTokenRotationType`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RefreshTokenRotation {
    /// ENABLED or DISABLED.
    pub feature: String,
    /// 0..60 seconds during which the old token still works.
    pub retry_grace_period_seconds: Option<i64>,
}

/// Flows allowed when `ExplicitAuthFlows` is omitted (AWS's documented default: refresh, SRP and custom auth).
pub const DEFAULT_AUTH_FLOWS: &[&str] = &[
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_CUSTOM_AUTH",
];

const LEGACY_FLOWS: &[&str] = &[
    "ADMIN_NO_SRP_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY",
    "USER_PASSWORD_AUTH",
];

fn unit_seconds(unit: Option<&str>, default: &str) -> i64 {
    match unit.unwrap_or(default) {
        "seconds" => 1,
        "minutes" => 60,
        "hours" => 3600,
        _ => 86400,
    }
}

/// The sign-in flows a client can be asked for, by the `ExplicitAuthFlows` values that allow them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// USER_PASSWORD_AUTH.
    UserPassword,
    /// USER_SRP_AUTH.
    UserSrp,
    /// ADMIN_USER_PASSWORD_AUTH / ADMIN_NO_SRP_AUTH.
    AdminUserPassword,
    /// REFRESH_TOKEN_AUTH / REFRESH_TOKEN.
    RefreshToken,
    /// CUSTOM_AUTH.
    Custom,
    /// USER_AUTH.
    UserAuth,
}

impl ClientConfig {
    /// The defaults of a client created with only a name.
    pub fn defaults() -> ClientConfig {
        serde_json::from_value(serde_json::json!({})).expect("defaults")
    }

    /// Whether the client allows `flow`, counting AWS's defaults and the legacy values.
    pub fn allows(&self, flow: Flow) -> bool {
        let flows: Vec<&str> = match &self.explicit_auth_flows {
            Some(f) if !f.is_empty() => f.iter().map(String::as_str).collect(),
            _ => DEFAULT_AUTH_FLOWS.to_vec(),
        };
        let has = |v: &str| flows.contains(&v);
        let legacy = flows.iter().any(|f| LEGACY_FLOWS.contains(f));
        match flow {
            Flow::UserPassword => has("ALLOW_USER_PASSWORD_AUTH") || has("USER_PASSWORD_AUTH"),
            Flow::UserSrp => {
                has("ALLOW_USER_SRP_AUTH") || (legacy && !has("CUSTOM_AUTH_FLOW_ONLY"))
            }
            Flow::AdminUserPassword => {
                has("ALLOW_ADMIN_USER_PASSWORD_AUTH") || has("ADMIN_NO_SRP_AUTH")
            }
            // With legacy values refresh and SRP were always allowed.
            Flow::RefreshToken => has("ALLOW_REFRESH_TOKEN_AUTH") || legacy,
            Flow::Custom => has("ALLOW_CUSTOM_AUTH") || has("CUSTOM_AUTH_FLOW_ONLY"),
            Flow::UserAuth => has("ALLOW_USER_AUTH"),
        }
    }

    /// Access-token lifetime in seconds.
    pub fn access_token_seconds(&self) -> i64 {
        match self.access_token_validity {
            Some(v) => v * unit_seconds(self.token_validity_units.access_token.as_deref(), "hours"),
            None => 3600,
        }
    }

    /// ID-token lifetime in seconds.
    pub fn id_token_seconds(&self) -> i64 {
        match self.id_token_validity {
            Some(v) => v * unit_seconds(self.token_validity_units.id_token.as_deref(), "hours"),
            None => 3600,
        }
    }

    /// Refresh-token lifetime in seconds (0 means the 30-day default).
    pub fn refresh_token_seconds(&self) -> i64 {
        if self.refresh_token_validity == 0 {
            return 30 * 86400;
        }
        self.refresh_token_validity
            * unit_seconds(self.token_validity_units.refresh_token.as_deref(), "days")
    }

    /// True when unknown users get the same answer as wrong passwords.
    pub fn prevents_user_existence_errors(&self) -> bool {
        self.prevent_user_existence_errors.as_deref() == Some("ENABLED")
    }

    /// Whether the client may read `attr` (`sub` always).
    pub fn can_read(&self, attr: &str) -> bool {
        attr == "sub"
            || self
                .read_attributes
                .as_ref()
                .is_none_or(|r| r.iter().any(|a| a == attr))
    }

    /// Whether the client may write `attr`. Without WriteAttributes every mutable attribute is
    /// writable except the `*_verified` flags, which only administrators set.
    pub fn can_write(&self, attr: &str) -> bool {
        match &self.write_attributes {
            Some(w) => w.iter().any(|a| a == attr),
            None => !matches!(attr, "email_verified" | "phone_number_verified"),
        }
    }

    /// Checks the rules the model cannot express: legacy flow values mixed with ALLOW_* values,
    /// lifetimes within AWS's bounds once units are applied, permissions naming attributes of the pool.
    /// `verb` is "creating" or "updating", as AWS's messages say.
    pub fn validate(&self, pool: &PoolConfig, verb: &str) -> Result<()> {
        if let Some(flows) = &self.explicit_auth_flows {
            let legacy = flows.iter().any(|f| LEGACY_FLOWS.contains(&f.as_str()));
            let modern = flows.iter().any(|f| f.starts_with("ALLOW_"));
            if legacy && modern {
                return Err(CognitoError::InvalidParameterException(
                    "ExplicitAuthFlows cannot contain both legacy values (ADMIN_NO_SRP_AUTH, CUSTOM_AUTH_FLOW_ONLY, USER_PASSWORD_AUTH) and ALLOW_ values.".into(),
                ));
            }
        }
        let day = 86400;
        let (access, id, refresh) = (
            self.access_token_seconds(),
            self.id_token_seconds(),
            self.refresh_token_seconds(),
        );
        let in_range = (300..=day).contains(&access)
            && (300..=day).contains(&id)
            && (3600..=3650 * day).contains(&refresh)
            && refresh >= access
            && refresh >= id;
        if !in_range {
            return Err(CognitoError::InvalidParameterException(
                "Invalid range for token validity.".into(),
            ));
        }
        if let Some(read) = &self.read_attributes {
            if read.iter().any(|a| pool.schema_attribute(a).is_none()) {
                return Err(CognitoError::InvalidParameterException(format!(
                    "Invalid read attributes specified while {verb} a client"
                )));
            }
        }
        if let Some(write) = &self.write_attributes {
            let bad = write.iter().any(|a| {
                pool.schema_attribute(a).is_none()
                    || matches!(
                        a.as_str(),
                        "sub" | "email_verified" | "phone_number_verified"
                    )
            });
            let missing_required = pool
                .schema_attributes
                .iter()
                .any(|s| s.required && s.name != "sub" && !write.iter().any(|w| *w == s.name));
            if bad || missing_required {
                return Err(CognitoError::InvalidParameterException(format!(
                    "Invalid write attributes specified while {verb} a client"
                )));
            }
        }
        Ok(())
    }
}

/// The order AWS echoes ExplicitAuthFlows in, whatever the request's order.
pub fn normalise_flows(flows: Option<Vec<String>>) -> Option<Vec<String>> {
    const ORDER: &[&str] = &[
        "ADMIN_NO_SRP_AUTH",
        "CUSTOM_AUTH_FLOW_ONLY",
        "USER_PASSWORD_AUTH",
        "ALLOW_CUSTOM_AUTH",
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_USER_AUTH",
        "ALLOW_TOKEN_EXCHANGE_DELEGATION",
        "ALLOW_TOKEN_EXCHANGE_IMPERSONATION",
    ];
    let mut flows = flows.filter(|f| !f.is_empty())?;
    flows.sort_by_key(|f| ORDER.iter().position(|o| o == f).unwrap_or(ORDER.len()));
    flows.dedup();
    Some(flows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_flows(flows: &[&str]) -> ClientConfig {
        ClientConfig {
            explicit_auth_flows: Some(flows.iter().map(|s| s.to_string()).collect()),
            ..ClientConfig::defaults()
        }
    }

    #[test]
    fn default_flows_are_srp_refresh_custom() {
        let c = ClientConfig::defaults();
        assert!(c.allows(Flow::UserSrp) && c.allows(Flow::RefreshToken) && c.allows(Flow::Custom));
        assert!(!c.allows(Flow::UserPassword) && !c.allows(Flow::AdminUserPassword));
    }

    #[test]
    fn legacy_values_keep_their_old_meaning() {
        let c = with_flows(&["USER_PASSWORD_AUTH"]);
        assert!(
            c.allows(Flow::UserPassword) && c.allows(Flow::RefreshToken) && c.allows(Flow::UserSrp)
        );
        assert!(with_flows(&["ADMIN_NO_SRP_AUTH"]).allows(Flow::AdminUserPassword));
        let pool: PoolConfig = serde_json::from_value(serde_json::json!({})).unwrap();
        assert!(
            with_flows(&["USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"])
                .validate(&pool, "creating")
                .is_err()
        );
    }

    #[test]
    fn lifetimes_follow_units() {
        let mut c = ClientConfig::defaults();
        assert_eq!(
            (c.access_token_seconds(), c.refresh_token_seconds()),
            (3600, 30 * 86400)
        );
        c.access_token_validity = Some(5);
        c.token_validity_units.access_token = Some("minutes".into());
        assert_eq!(c.access_token_seconds(), 300);
        let pool: PoolConfig = serde_json::from_value(serde_json::json!({})).unwrap();
        assert!(c.validate(&pool, "creating").is_ok());
        c.access_token_validity = Some(2);
        c.token_validity_units.access_token = Some("days".into());
        assert_eq!(
            c.validate(&pool, "creating").unwrap_err().message(),
            "Invalid range for token validity."
        );
    }
}
