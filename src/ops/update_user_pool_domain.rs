//! UpdateUserPoolDomain: a custom domain's certificate, or either kind's ManagedLoginVersion.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::{load, oauth_settings};
use crate::{err, store};

/// UpdateUserPoolDomainRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    domain: String,
    user_pool_id: String,
    managed_login_version: Option<i64>,
    custom_domain_config: Option<Value>,
    routing: Option<Value>,
}

/// Updates the domain.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let row = ctx
        .app
        .store
        .read(|c| store::domains::get(c, &req.domain))?
        .filter(|d| d.pool_id == pool.id)
        .ok_or_else(|| {
            err!(
                InvalidParameterException,
                "No such domain or user pool exists."
            )
        })?;
    let mut settings = oauth_settings::settings(&row)?;
    match (row.custom, req.custom_domain_config) {
        (true, None) => {
            return Err(err!(
                InvalidParameterException,
                "Cannot convert custom domain to prefix domain."
            ));
        }
        (false, Some(_)) => {
            return Err(err!(
                InvalidParameterException,
                "Cannot convert prefix domain to custom domain."
            ));
        }
        (true, Some(config)) => settings.custom_domain_config = Some(config),
        (false, None) => {}
    }
    if let Some(v) = req.managed_login_version {
        if !(1..=2).contains(&v) {
            return Err(err!(
                InvalidParameterException,
                "ManagedLoginVersion must be 1 or 2."
            ));
        }
        settings.managed_login_version = v;
    }
    if req.routing.is_some() {
        settings.routing = req.routing;
    }
    let json = serde_json::to_string(&settings)?;
    let now = ctx.now();
    ctx.app
        .store
        .write(|c| store::domains::update(c, &row.domain, &json, now))?;
    Ok(json!({
        "ManagedLoginVersion": settings.managed_login_version,
        "CloudFrontDomain": row.custom.then_some(settings.cloud_front_distribution),
    }))
}
