//! AdminUserGlobalSignOut: revokes every refresh token of a user and the access tokens issued from them.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::load;
use crate::store::users;
use crate::app::Ctx;

/// AdminUserGlobalSignOutRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
}

/// Signs the user out everywhere.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    let now = ctx.now();
    ctx.app.store.write(|c| users::sign_out_everywhere(c, user.pk, now))?;
    Ok(json!({}))
}
