//! GetDevice: one of the signed-in user's devices.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::{load, shapes};

/// GetDeviceRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    device_key: String,
    access_token: String,
}

/// Returns the device.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, _, user) = load::token_user(ctx, &req.access_token)?;
    let device = load::user_device(ctx, user.pk, &req.device_key)?;
    Ok(json!({"Device": shapes::DeviceType::of(&device)}))
}
