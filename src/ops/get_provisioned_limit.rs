//! GetProvisionedLimit: the provisioned and free request rate of an API category.

use serde::Deserialize;
use serde_json::Value;

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::provisioned_limits::{self, Definition};

/// GetProvisionedLimitRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    limit_definition: Definition,
}

/// Returns the limit.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (category, free) = provisioned_limits::category(&req.limit_definition)?;
    let value = provisioned_limits::provisioned(ctx, &category, free)?;
    Ok(provisioned_limits::answer(&req.limit_definition, value, free))
}
