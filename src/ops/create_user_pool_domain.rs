//! CreateUserPoolDomain: a prefix domain (`<prefix>.auth.<region>.amazoncognito.com`) or a custom domain
//! (with CustomDomainConfig), ACTIVE at once.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::domain::ids;
use crate::domain::oauth::{self, DomainSettings};
use crate::error::Result;
use crate::ops::load;
use crate::store::domains::DomainRow;
use crate::{err, store};

/// CreateUserPoolDomainRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    domain: String,
    user_pool_id: String,
    managed_login_version: Option<i64>,
    custom_domain_config: Option<Value>,
    routing: Option<Value>,
}

/// A CloudFront-like host name for a custom domain (stable per domain).
pub fn cloudfront_name(domain: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(domain.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("d{}.cloudfront.net", &hex[..13])
}

/// Creates the domain.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let custom = req.custom_domain_config.is_some();
    if custom {
        oauth::check_custom_domain(&req.domain)?;
    } else {
        oauth::check_prefix_domain(&req.domain)?;
    }
    let version = req.managed_login_version.unwrap_or(1);
    if !(1..=2).contains(&version) {
        return Err(err!(
            InvalidParameterException,
            "ManagedLoginVersion must be 1 or 2."
        ));
    }
    let host = oauth::domain_host(&req.domain, custom, &ids::pool_region(&pool.id));
    let settings = DomainSettings {
        custom_domain_config: req.custom_domain_config,
        managed_login_version: version,
        cloud_front_distribution: if custom {
            cloudfront_name(&req.domain)
        } else {
            host
        },
        routing: req.routing,
    };
    let row = DomainRow {
        domain: req.domain.clone(),
        pool_id: pool.id.clone(),
        custom,
        settings: serde_json::to_string(&settings)?,
        created_at: ctx.now(),
    };
    let now = ctx.now();
    ctx.app.store.write(|c| {
        if let Some(existing) = store::domains::get(c, &req.domain)? {
            return Err(if existing.pool_id == pool.id {
                err!(
                    InvalidParameterException,
                    "User pool already has a domain configured."
                )
            } else {
                err!(
                    InvalidParameterException,
                    "Domain already associated with another user pool."
                )
            });
        }
        match store::domains::insert(c, &row, now) {
            Ok(()) => Ok(()),
            Err(e) if store::is_unique_violation(&e) => Err(err!(
                InvalidParameterException,
                "User pool already has a domain configured."
            )),
            Err(e) => Err(e.into()),
        }
    })?;
    Ok(json!({
        "ManagedLoginVersion": version,
        "CloudFrontDomain": custom.then_some(settings.cloud_front_distribution),
    }))
}
