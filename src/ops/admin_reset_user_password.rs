//! AdminResetUserPassword: the user must reset (RESET_REQUIRED: sign-in gets
//! PasswordResetRequiredException) and a reset code goes to the verified channel.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::UserStatus;
use crate::error::Result;
use crate::ops::forgot_password::{recovery_delivery, send_reset_code};
use crate::ops::admin_user;
use crate::store::users;
use crate::Ctx;

/// AdminResetUserPasswordRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
    #[allow(dead_code)]
    client_metadata: Option<HashMap<String, String>>,
}

/// Resets the password.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (pool, user) = admin_user(ctx, &req.user_pool_id, &req.username)?;
    let delivery = recovery_delivery(&pool, &user)?;
    let now = ctx.now();
    ctx.app.store.write(|c| {
        users::set_status(c, user.pk, UserStatus::ResetRequired, now)?;
        send_reset_code(ctx, c, &pool, &user, &delivery)
    })?;
    ctx.app.passwords.forget(user.pk);
    ctx.app.mail.wake();
    Ok(json!({}))
}
