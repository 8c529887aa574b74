//! AdminRemoveUserFromGroup: ends a membership.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::load;
use crate::app::Ctx;
use crate::store;

/// AdminRemoveUserFromGroupRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
    group_name: String,
}

/// Removes the user from the group.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    let group = load::group(ctx, &req.user_pool_id, &req.group_name)?;
    ctx.app.store.write(|c| store::groups::remove_member(c, group.pk, user.pk))?;
    Ok(json!({}))
}
