//! ListDevices: the signed-in user's devices, paginated.

use serde::Deserialize;
use serde_json::Value;

use crate::error::Result;
use crate::ops::{load, paging};
use crate::app::Ctx;

/// ListDevicesRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: String,
    limit: Option<usize>,
    pagination_token: Option<String>,
}

/// Returns the devices.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, _, user) = load::token_user(ctx, &req.access_token)?;
    paging::devices(ctx, user.pk, req.limit, req.pagination_token.as_deref())
}
