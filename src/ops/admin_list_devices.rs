//! AdminListDevices: a user's devices, paginated.

use serde::Deserialize;
use serde_json::Value;

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::{load, paging};

/// AdminListDevicesRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
    limit: Option<usize>,
    pagination_token: Option<String>,
}

/// Returns the devices.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    paging::devices(ctx, user.pk, req.limit, req.pagination_token.as_deref())
}
