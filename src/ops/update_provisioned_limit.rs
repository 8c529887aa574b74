//! UpdateProvisionedLimit: sets the provisioned request rate of an API category; it cannot go below the
//! free limit. Recorded, not enforced (the emulator does not throttle).

use serde::Deserialize;
use serde_json::Value;

use crate::app::Ctx;
use crate::err;
use crate::error::Result;
use crate::ops::provisioned_limits::{self, Definition};
use crate::store::documents;

/// UpdateProvisionedLimitRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    limit_definition: Definition,
    requested_limit_value: i64,
}

/// Sets the limit.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (category, free) = provisioned_limits::category(&req.limit_definition)?;
    if req.requested_limit_value < free {
        return Err(err!(
            InvalidParameterException,
            "RequestedLimitValue {} is below the free limit of {category} ({free}).",
            req.requested_limit_value
        ));
    }
    let now = ctx.now();
    ctx.app.store.write(|c| {
        documents::account_put(c, "provisioned_limit", &category, &req.requested_limit_value, now)
    })?;
    Ok(provisioned_limits::answer(
        &req.limit_definition,
        req.requested_limit_value,
        free,
    ))
}
