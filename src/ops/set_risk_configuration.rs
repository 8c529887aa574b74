//! SetRiskConfiguration: threat protection settings (compromised credentials, adaptive authentication
//! and its notifications, IP exceptions) for the pool or one app client; stored and returned (the
//! emulator assesses no risk). Only UserPoolId resets the pool to defaults; UserPoolId and ClientId
//! alone make the client inherit the pool's again.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::app::Ctx;
use crate::auth::history;
use crate::error::Result;
use crate::ops::load;
use crate::store::documents::{self, Kind, Scope};
use crate::err;

/// SetRiskConfigurationRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    client_id: Option<String>,
    compromised_credentials_risk_configuration: Option<Value>,
    account_takeover_risk_configuration: Option<Value>,
    risk_exception_configuration: Option<Value>,
}

/// Sets (or resets) the configuration.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    if let Some(id) = &req.client_id {
        load::pool_client(ctx, &pool.id, id)?;
    }
    if !history::collects(&pool.config) {
        return Err(err!(
            UserPoolAddOnNotEnabledException,
            "Threat protection is not enabled for user pool {}: set UserPoolAddOns.AdvancedSecurityMode to AUDIT or ENFORCED first.",
            pool.id
        ));
    }
    for ranges in ["BlockedIPRangeList", "SkippedIPRangeList"] {
        let list = req
            .risk_exception_configuration
            .as_ref()
            .and_then(|r| r.get(ranges))
            .and_then(Value::as_array);
        for range in list.into_iter().flatten() {
            let text = range.as_str().unwrap_or_default();
            if !is_cidr(text) {
                return Err(err!(
                    InvalidParameterException,
                    "{text} in {ranges} is not an IP address range in CIDR notation."
                ));
            }
        }
    }
    let notify_wanted = req
        .account_takeover_risk_configuration
        .as_ref()
        .and_then(|a| a.get("Actions"))
        .and_then(Value::as_object)
        .is_some_and(|actions| {
            actions
                .values()
                .any(|a| a.get("Notify").and_then(Value::as_bool) == Some(true))
        });
    let has_notify_config = req
        .account_takeover_risk_configuration
        .as_ref()
        .is_some_and(|a| a.get("NotifyConfiguration").is_some());
    if notify_wanted && !has_notify_config {
        return Err(err!(
            InvalidParameterException,
            "NotifyConfiguration is required when an account takeover action notifies the user."
        ));
    }
    let mut body = Map::new();
    for (k, v) in [
        (
            "CompromisedCredentialsRiskConfiguration",
            req.compromised_credentials_risk_configuration,
        ),
        (
            "AccountTakeoverRiskConfiguration",
            req.account_takeover_risk_configuration,
        ),
        ("RiskExceptionConfiguration", req.risk_exception_configuration),
    ] {
        if let Some(v) = v {
            body.insert(k.into(), v);
        }
    }
    let scope = match &req.client_id {
        Some(id) => Scope::Client(id),
        None => Scope::Pool,
    };
    let now = ctx.now();
    let inherit = req.client_id.is_some() && body.is_empty();
    ctx.app.store.write(|c| {
        if inherit {
            documents::delete(c, &pool.id, Kind::RiskConfiguration, scope)
        } else {
            documents::put(c, &pool.id, Kind::RiskConfiguration, scope, &body, now)
        }
    })?;
    let mut out = Map::new();
    out.insert("UserPoolId".into(), json!(pool.id));
    if let Some(id) = &req.client_id {
        out.insert("ClientId".into(), json!(id));
    }
    out.extend(body);
    out.insert("LastModifiedDate".into(), json!(now));
    Ok(json!({"RiskConfiguration": out}))
}

/// `a.b.c.d/n` or an IPv6 address with a prefix length.
fn is_cidr(text: &str) -> bool {
    let Some((ip, bits)) = text.split_once('/') else {
        return false;
    };
    let Ok(bits) = bits.parse::<u8>() else {
        return false;
    };
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => bits <= 32,
        Ok(std::net::IpAddr::V6(_)) => bits <= 128,
        Err(_) => false,
    }
}
