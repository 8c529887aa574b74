//! GetUserPoolMfaConfig: the pool's MFA mode and factor configurations.

use serde::Deserialize;
use serde_json::Value;

use crate::error::Result;
use crate::ops::{load_pool, set_user_pool_mfa_config::describe};
use crate::Ctx;

/// GetUserPoolMfaConfigRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
}

/// Returns the configuration.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load_pool(ctx, &req.user_pool_id)?;
    Ok(describe(&pool.mfa, &pool.config.mfa_configuration))
}
