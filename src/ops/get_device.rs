//! GetDevice: one of the signed-in user's devices.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::Ctx;
use crate::error::Result;
use crate::ops::{describe_device, token_user, user_device};

/// GetDeviceRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    device_key: String,
    access_token: String,
}

/// Returns the device.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, _, user) = token_user(ctx, &req.access_token)?;
    let device = user_device(ctx, user.pk, &req.device_key)?;
    Ok(json!({"Device": describe_device(&device)}))
}
