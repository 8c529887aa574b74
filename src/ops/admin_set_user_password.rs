//! AdminSetUserPassword: a permanent password (the user becomes CONFIRMED) or a temporary one
//! (FORCE_CHANGE_PASSWORD, valid TemporaryPasswordValidityDays).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::accounts::NewPassword;
use crate::domain::UserStatus;
use crate::error::Result;
use crate::ops::load;
use crate::store::users;
use crate::app::Ctx;

/// AdminSetUserPasswordRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
    password: String,
    #[serde(default)]
    permanent: bool,
}

/// Sets the password.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (pool, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    let new = NewPassword::prepare(ctx, &pool, &user, &req.password)?;
    let status = if req.permanent { UserStatus::Confirmed } else { UserStatus::ForceChangePassword };
    let now = ctx.now();
    ctx.app.store.write(|c| {
        new.store(c, user.pk, now)?;
        users::set_lockout(c, user.pk, 0, None, None)?;
        users::set_status(c, user.pk, status, now)
    })?;
    ctx.app.passwords.forget(user.pk);
    Ok(json!({}))
}
