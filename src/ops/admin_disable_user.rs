//! AdminDisableUser: the user can no longer sign in or refresh ("User is disabled."), and every token
//! issued so far is revoked, as AWS documents.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::load;
use crate::store::users;
use crate::app::Ctx;

/// AdminDisableUserRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
}

/// Disables the user.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    let now = ctx.now();
    ctx.app.store.write(|c| {
        users::set_enabled(c, user.pk, false, now)?;
        users::sign_out_everywhere(c, user.pk, now)
    })?;
    Ok(json!({}))
}
