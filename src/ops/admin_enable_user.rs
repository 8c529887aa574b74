//! AdminEnableUser: a disabled user may sign in again (revoked tokens stay revoked).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::load;
use crate::store::users;
use crate::app::Ctx;

/// AdminEnableUserRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
}

/// Enables the user.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    let now = ctx.now();
    ctx.app.store.write(|c| users::set_enabled(c, user.pk, true, now))?;
    Ok(json!({}))
}
