//! AdminUpdateDeviceStatus: remembered / not_remembered for a device of a user.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::load;
use crate::app::Ctx;
use crate::store;

/// AdminUpdateDeviceStatusRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
    device_key: String,
    device_remembered_status: Option<String>,
}

/// Sets the status.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    let device = load::user_device(ctx, user.pk, &req.device_key)?;
    let remembered = req.device_remembered_status.as_deref() == Some("remembered");
    let now = ctx.now();
    ctx.app
        .store
        .write(|c| store::devices::set_remembered(c, &device.device_key, remembered, now))?;
    Ok(json!({}))
}
