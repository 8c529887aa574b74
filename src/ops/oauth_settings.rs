//! Helpers of the OAuth operations: a client's OAuth settings checked against the pool's resource
//! servers, the `ResourceServerType` and `DomainDescriptionType` shapes, and the pool's domains.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::app::Ctx;
use crate::domain::client::ClientConfig;
use crate::domain::oauth::{self, DomainSettings};
use crate::error::Result;
use crate::store;
use crate::store::domains::DomainRow;
use crate::store::pools::PoolRow;
use crate::store::resource_servers::ResourceServerRow;

/// `ResourceServerScopeType`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct Scope {
    /// ScopeName.
    pub scope_name: String,
    /// ScopeDescription.
    pub scope_description: String,
}

/// `ResourceServerType`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceServerType {
    /// UserPoolId.
    pub user_pool_id: String,
    /// Identifier.
    pub identifier: String,
    /// Name.
    pub name: String,
    /// Scopes.
    pub scopes: Vec<Scope>,
}

impl ResourceServerType {
    /// The shape of a stored server.
    pub fn of(row: &ResourceServerRow) -> Result<ResourceServerType> {
        Ok(ResourceServerType {
            user_pool_id: row.pool_id.clone(),
            identifier: row.identifier.clone(),
            name: row.name.clone(),
            scopes: serde_json::from_str(&row.scopes)?,
        })
    }
}

/// The `<identifier>/<scope>` names of the pool's resource servers.
pub fn custom_scopes(ctx: &Ctx, pool_id: &str) -> Result<Vec<String>> {
    let rows = ctx
        .app
        .store
        .read(|c| store::resource_servers::all(c, pool_id))?;
    let mut out = Vec::new();
    for row in rows {
        let scopes: Vec<Scope> = serde_json::from_str(&row.scopes)?;
        out.extend(
            scopes
                .iter()
                .map(|s| format!("{}/{}", row.identifier, s.scope_name)),
        );
    }
    Ok(out)
}

/// CreateUserPoolClient / UpdateUserPoolClient: the OAuth settings as AWS checks them.
pub fn check_client(
    ctx: &Ctx,
    pool: &PoolRow,
    config: &ClientConfig,
    has_secret: bool,
) -> Result<()> {
    let custom = custom_scopes(ctx, &pool.id)?;
    let providers: Vec<String> = ctx
        .app
        .store
        .read(|c| store::federation::all_providers(c, &pool.id))?
        .into_iter()
        .map(|p| p.name)
        .collect();
    oauth::validate_client(config, has_secret, &pool.id, &custom, &providers)
}

/// `DomainDescriptionType`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DomainDescription {
    /// UserPoolId.
    pub user_pool_id: String,
    /// AWSAccountId.
    #[serde(rename = "AWSAccountId")]
    pub aws_account_id: String,
    /// Domain.
    pub domain: String,
    /// S3Bucket.
    pub s3_bucket: String,
    /// CloudFrontDistribution.
    pub cloud_front_distribution: String,
    /// Version.
    pub version: String,
    /// Status: ACTIVE at once.
    pub status: &'static str,
    /// CustomDomainConfig.
    pub custom_domain_config: Option<Value>,
    /// ManagedLoginVersion.
    pub managed_login_version: i64,
    /// Routing.
    pub routing: Option<Value>,
}

/// The settings of a stored domain.
pub fn settings(row: &DomainRow) -> Result<DomainSettings> {
    Ok(serde_json::from_str(&row.settings)?)
}

impl DomainDescription {
    /// The description of a stored domain.
    pub fn of(ctx: &Ctx, row: &DomainRow) -> Result<DomainDescription> {
        let s = settings(row)?;
        Ok(DomainDescription {
            user_pool_id: row.pool_id.clone(),
            aws_account_id: ctx.app.config.account_id.clone(),
            domain: row.domain.clone(),
            s3_bucket: "aws-cognito-prod-emulator-assets".into(),
            cloud_front_distribution: s.cloud_front_distribution,
            version: format!("{}", row.created_at as i64),
            status: "ACTIVE",
            custom_domain_config: s.custom_domain_config,
            managed_login_version: s.managed_login_version,
            routing: s.routing,
        })
    }
}

/// The pool's prefix domain and custom domain, for `DescribeUserPool`.
pub fn pool_domains(ctx: &Ctx, pool_id: &str) -> Result<(Option<String>, Option<String>)> {
    let rows = ctx
        .app
        .store
        .read(|c| store::domains::of_pool(c, pool_id))?;
    let prefix = rows.iter().find(|d| !d.custom).map(|d| d.domain.clone());
    let custom = rows.iter().find(|d| d.custom).map(|d| d.domain.clone());
    Ok((prefix, custom))
}
