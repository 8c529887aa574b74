//! AdminDeleteUser: deletes a user (tokens, devices and memberships go with it).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::load;
use crate::store::users;
use crate::app::Ctx;

/// AdminDeleteUserRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
}

/// Deletes the user.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    ctx.app.store.write(|c| users::delete(c, user.pk))?;
    ctx.app.passwords.forget(user.pk);
    Ok(json!({}))
}
