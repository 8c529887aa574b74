//! ForgetDevice: the signed-in user forgets one of their devices.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::load;
use crate::app::Ctx;
use crate::{err, store};

/// ForgetDeviceRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: Option<String>,
    device_key: String,
}

/// Forgets the device.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let token = req
        .access_token
        .as_deref()
        .ok_or_else(|| err!(NotAuthorizedException, "Invalid Access Token"))?;
    let (_, _, user) = load::token_user(ctx, token)?;
    let device = load::user_device(ctx, user.pk, &req.device_key)?;
    ctx.app
        .store
        .write(|c| store::devices::delete(c, &device.device_key))?;
    Ok(json!({}))
}
