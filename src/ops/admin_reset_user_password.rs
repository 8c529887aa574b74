//! AdminResetUserPassword: the user must reset (RESET_REQUIRED: sign-in gets
//! PasswordResetRequiredException) and a reset code goes to the verified channel.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::codes::{self, Purpose};
use crate::domain::UserStatus;
use crate::error::Result;
use crate::mail::Kind;
use crate::ops::load;
use crate::store::users;
use crate::triggers::Caller;

/// AdminResetUserPasswordRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
    client_metadata: Option<HashMap<String, String>>,
}

/// Resets the password.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (pool, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    codes::check_resettable(&user)?;
    let delivery = codes::recovery_delivery(&pool, &user)?;
    let context =
        codes::Context::new(Caller::None, req.client_metadata.as_ref()).with_user(&pool, &user);
    let kind = Kind::ForgotPassword;
    let message = codes::prepare_code(ctx, &pool, &user.username, kind, delivery, context)?;
    let now = ctx.now();
    ctx.app.store.write(|c| {
        users::set_status(c, user.pk, UserStatus::ResetRequired, now)?;
        codes::store_and_queue(c, &message, user.pk, Purpose::ForgotPassword, None, now)
    })?;
    ctx.app.passwords.forget(user.pk);
    codes::sent(ctx, std::slice::from_ref(&message));
    Ok(json!({}))
}
