//! GetGroup: one group.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::{load, shapes};
use crate::app::Ctx;

/// GetGroupRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    group_name: String,
    user_pool_id: String,
}

/// Returns the group.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let group = load::group(ctx, &req.user_pool_id, &req.group_name)?;
    Ok(json!({"Group": shapes::GroupType::of(&group)}))
}
