//! DeleteGroup: removes a group and its memberships.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::load;
use crate::app::Ctx;
use crate::store;

/// DeleteGroupRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    group_name: String,
    user_pool_id: String,
}

/// Deletes the group.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let group = load::group(ctx, &req.user_pool_id, &req.group_name)?;
    ctx.app.store.write(|c| store::groups::delete(c, group.pk))?;
    Ok(json!({}))
}
