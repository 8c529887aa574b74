//! AdminListDevices: a user's devices, paginated.

use serde::Deserialize;
use serde_json::Value;

use crate::Ctx;
use crate::error::Result;
use crate::ops::{admin_user, list_devices};

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
    let (_, user) = admin_user(ctx, &req.user_pool_id, &req.username)?;
    list_devices::list(ctx, user.pk, req.limit, req.pagination_token.as_deref())
}
