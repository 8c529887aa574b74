//! GetUserAuthFactors: the signed-in user's MFA settings and configured factors.

use serde::Deserialize;
use serde_json::Value;

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::{load, mfa_settings};

/// GetUserAuthFactorsRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: String,
}

/// Returns the factors.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, pool, user) = load::token_user(ctx, &req.access_token)?;
    mfa_settings::auth_factors(ctx, &pool, &user)
}
