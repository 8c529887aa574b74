//! AdminForgetDevice: forgets one device of a user.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::load;
use crate::app::Ctx;
use crate::store;

/// AdminForgetDeviceRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
    device_key: String,
}

/// Forgets the device.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    let device = load::user_device(ctx, user.pk, &req.device_key)?;
    ctx.app
        .store
        .write(|c| store::devices::delete(c, &device.device_key))?;
    Ok(json!({}))
}
