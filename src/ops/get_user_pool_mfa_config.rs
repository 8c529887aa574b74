//! GetUserPoolMfaConfig: the pool's MFA mode and factor configurations.

use serde::Deserialize;
use serde_json::Value;

use crate::error::Result;
use crate::ops::{load, shapes};
use crate::app::Ctx;

/// GetUserPoolMfaConfigRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
}

/// Returns the configuration.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    Ok(serde_json::to_value(shapes::MfaConfig::of(
        &pool.mfa,
        &pool.config.mfa_configuration,
    ))?)
}
