//! The shapes many operations return, one typed definition each: `UserType`, `UserPoolType`,
//! `UserPoolClientType`, `GroupType`, `DeviceType`, and the pool ARN. Absent members are `None` and
//! leave the answer (the operation list strips nulls, as AWS omits absent members).

use serde::Serialize;
use serde_json::Value;

use crate::app::Ctx;
use crate::domain::attributes::{self, Attributes};
use crate::domain::client::ClientConfig;
use crate::domain::ids;
use crate::domain::mfa::PoolMfa;
use crate::domain::pool::PoolConfig;
use crate::error::Result;
use crate::mail::Medium;
use crate::store;
use crate::store::clients::ClientRow;
use crate::store::devices::DeviceRow;
use crate::store::groups::GroupRow;
use crate::store::pools::PoolRow;
use crate::store::users::UserRow;

/// `AttributeType` in an answer.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Attribute {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// The attributes a client may read (all for administrators), `sub` first as stored.
pub fn attribute_list(attrs: &Attributes, client: Option<&ClientConfig>) -> Vec<Attribute> {
    attributes::readable(attrs, client)
        .map(|(name, value)| Attribute {
            name: name.to_string(),
            value: value.to_string(),
        })
        .collect()
}

/// `MFAOptionType` (legacy SMS MFA).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MfaOption {
    /// SMS.
    pub delivery_medium: Medium,
    /// phone_number.
    pub attribute_name: &'static str,
}

/// `UserType` (AdminCreateUser, ListUsers, ListUsersInGroup).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserType {
    /// The internal username.
    pub username: String,
    /// Attributes.
    pub attributes: Vec<Attribute>,
    /// UserCreateDate.
    pub user_create_date: f64,
    /// UserLastModifiedDate.
    pub user_last_modified_date: f64,
    /// Enabled.
    pub enabled: bool,
    /// UserStatus.
    pub user_status: &'static str,
    /// MFAOptions (legacy SMS MFA).
    #[serde(rename = "MFAOptions")]
    pub mfa_options: Option<Vec<MfaOption>>,
}

impl UserType {
    /// The `UserType` of a stored user, with all attributes.
    pub fn of(user: &UserRow) -> UserType {
        UserType {
            username: user.username.clone(),
            attributes: attribute_list(&user.attributes, None),
            user_create_date: user.created_at,
            user_last_modified_date: user.updated_at,
            enabled: user.enabled,
            user_status: user.status.as_str(),
            mfa_options: user.mfa.sms_enabled.then(|| {
                vec![MfaOption {
                    delivery_medium: Medium::Sms,
                    attribute_name: "phone_number",
                }]
            }),
        }
    }

    /// Keeps only the attributes named in `only` (ListUsers' AttributesToGet), when given.
    pub fn only(mut self, only: Option<&[String]>) -> UserType {
        if let Some(only) = only {
            self.attributes
                .retain(|a| only.iter().any(|o| *o == a.name));
        }
        self
    }
}

/// The pool ARN.
pub fn pool_arn(ctx: &Ctx, pool_id: &str) -> String {
    format!(
        "arn:aws:cognito-idp:{}:{}:userpool/{pool_id}",
        ids::pool_region(pool_id),
        ctx.app.config.account_id
    )
}

/// `UserPoolType`: the stored settings plus what the service computes.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolType<'a> {
    /// Id.
    pub id: &'a str,
    /// Name.
    pub name: &'a str,
    /// LastModifiedDate.
    pub last_modified_date: f64,
    /// CreationDate.
    pub creation_date: f64,
    /// EstimatedNumberOfUsers.
    pub estimated_number_of_users: i64,
    /// Arn.
    pub arn: String,
    /// Domain: the prefix domain.
    pub domain: Option<String>,
    /// CustomDomain.
    pub custom_domain: Option<String>,
    /// Everything CreateUserPool / UpdateUserPool set.
    #[serde(flatten)]
    pub config: &'a PoolConfig,
}

/// `UserPoolType` of a stored pool.
pub fn user_pool<'a>(ctx: &Ctx, pool: &'a PoolRow) -> Result<UserPoolType<'a>> {
    let users = ctx
        .app
        .store
        .read(|c| store::pools::count_users(c, &pool.id))?;
    let (domain, custom_domain) = crate::ops::oauth_settings::pool_domains(ctx, &pool.id)?;
    Ok(UserPoolType {
        id: &pool.id,
        name: &pool.name,
        last_modified_date: pool.updated_at,
        creation_date: pool.created_at,
        estimated_number_of_users: users,
        arn: pool_arn(ctx, &pool.id),
        domain,
        custom_domain,
        config: &pool.config,
    })
}

/// `UserPoolClientType`: the stored settings plus id, name, secret and dates.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolClientType<'a> {
    /// UserPoolId.
    pub user_pool_id: &'a str,
    /// ClientName.
    pub client_name: &'a str,
    /// ClientId.
    pub client_id: &'a str,
    /// ClientSecret.
    pub client_secret: Option<&'a str>,
    /// LastModifiedDate.
    pub last_modified_date: f64,
    /// CreationDate.
    pub creation_date: f64,
    /// Everything CreateUserPoolClient / UpdateUserPoolClient set.
    #[serde(flatten)]
    pub config: &'a ClientConfig,
}

impl<'a> UserPoolClientType<'a> {
    /// The `UserPoolClientType` of a stored client.
    pub fn of(client: &'a ClientRow) -> UserPoolClientType<'a> {
        UserPoolClientType {
            user_pool_id: &client.pool_id,
            client_name: &client.name,
            client_id: &client.id,
            client_secret: client.secret.as_deref(),
            last_modified_date: client.updated_at,
            creation_date: client.created_at,
            config: &client.config,
        }
    }
}

/// `GroupType`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupType<'a> {
    /// GroupName.
    pub group_name: &'a str,
    /// UserPoolId.
    pub user_pool_id: &'a str,
    /// Description.
    pub description: Option<&'a str>,
    /// RoleArn.
    pub role_arn: Option<&'a str>,
    /// Precedence.
    pub precedence: Option<i64>,
    /// LastModifiedDate.
    pub last_modified_date: f64,
    /// CreationDate.
    pub creation_date: f64,
}

impl<'a> GroupType<'a> {
    /// The `GroupType` of a stored group.
    pub fn of(g: &'a GroupRow) -> GroupType<'a> {
        GroupType {
            group_name: &g.name,
            user_pool_id: &g.pool_id,
            description: g.description.as_deref(),
            role_arn: g.role_arn.as_deref(),
            precedence: g.precedence,
            last_modified_date: g.updated_at,
            creation_date: g.created_at,
        }
    }
}

/// `DeviceType`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeviceType {
    /// DeviceKey.
    pub device_key: String,
    /// device_status, device_name, dev:device_remembered_status.
    pub device_attributes: Vec<Attribute>,
    /// DeviceCreateDate.
    pub device_create_date: f64,
    /// DeviceLastModifiedDate.
    pub device_last_modified_date: f64,
    /// DeviceLastAuthenticatedDate.
    pub device_last_authenticated_date: Option<f64>,
}

impl DeviceType {
    /// The `DeviceType` of a stored device.
    pub fn of(d: &DeviceRow) -> DeviceType {
        let attr = |name: &str, value: &str| Attribute {
            name: name.into(),
            value: value.into(),
        };
        let mut attrs = vec![attr("device_status", "valid")];
        if let Some(name) = &d.name {
            attrs.push(attr("device_name", name));
        }
        let remembered = if d.remembered {
            "remembered"
        } else {
            "not_remembered"
        };
        attrs.push(attr("dev:device_remembered_status", remembered));
        DeviceType {
            device_key: d.device_key.clone(),
            device_attributes: attrs,
            device_create_date: d.created_at,
            device_last_modified_date: d.updated_at,
            device_last_authenticated_date: d.last_auth_at,
        }
    }
}

/// The SetUserPoolMfaConfig / GetUserPoolMfaConfig answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MfaConfig<'a> {
    /// SmsMfaConfiguration.
    pub sms_mfa_configuration: Option<&'a Value>,
    /// SoftwareTokenMfaConfiguration.
    pub software_token_mfa_configuration: Option<&'a Value>,
    /// EmailMfaConfiguration.
    pub email_mfa_configuration: Option<&'a Value>,
    /// OFF, ON or OPTIONAL.
    pub mfa_configuration: &'a str,
    /// WebAuthnConfiguration.
    pub web_authn_configuration: Option<&'a Value>,
}

impl<'a> MfaConfig<'a> {
    /// The pool's MFA configuration in mode `mode`.
    pub fn of(mfa: &'a PoolMfa, mode: &'a str) -> MfaConfig<'a> {
        MfaConfig {
            sms_mfa_configuration: mfa.sms_mfa_configuration.as_ref(),
            software_token_mfa_configuration: mfa.software_token_mfa_configuration.as_ref(),
            email_mfa_configuration: mfa.email_mfa_configuration.as_ref(),
            mfa_configuration: mode,
            web_authn_configuration: mfa.web_authn_configuration.as_ref(),
        }
    }
}
