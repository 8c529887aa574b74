//! AdminGetUserAuthFactors: a user's MFA settings and configured factors (as GetUserAuthFactors).

use serde::Deserialize;
use serde_json::Value;

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::{load, mfa_settings};

/// AdminGetUserAuthFactorsRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
}

/// Returns the factors.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (pool, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    mfa_settings::auth_factors(ctx, &pool, &user)
}
