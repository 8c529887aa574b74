//! AdminGetDevice: one device of a user.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::{load, shapes};

/// AdminGetDeviceRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    device_key: String,
    user_pool_id: String,
    username: String,
}

/// Returns the device.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    let device = load::user_device(ctx, user.pk, &req.device_key)?;
    Ok(json!({"Device": shapes::DeviceType::of(&device)}))
}
