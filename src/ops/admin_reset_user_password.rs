//! AdminResetUserPassword: the user must reset (RESET_REQUIRED: sign-in gets
//! PasswordResetRequiredException) and a reset code goes to the verified channel.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::UserStatus;
use crate::error::Result;
use crate::ops::forgot_password::{RESET_CODE_TTL, recovery_delivery};
use crate::ops::{CodeMessage, admin_user, send_code};
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
        let m = CodeMessage {
            user_pk: user.pk,
            username: &user.username,
            delivery: &delivery,
            purpose: "forgot_password",
            kind: "forgot_password",
            value: None,
            ttl: RESET_CODE_TTL,
        };
        send_code(ctx, c, &pool, &m)
    })?;
    ctx.app.passwords.forget(user.pk);
    ctx.app.mail.wake();
    Ok(json!({}))
}
