//! DescribeIdentityProvider: a provider with its completed ProviderDetails (Sign in with Apple's
//! `private_key` left out, as AWS does).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::identity_providers::{self as idp, IdentityProviderType};
use crate::ops::load;

/// DescribeIdentityProviderRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    provider_name: String,
}

/// Describes the provider.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let provider = idp::load(ctx, &pool.id, &req.provider_name)?;
    Ok(json!({"IdentityProvider": IdentityProviderType::of(&provider)?}))
}
