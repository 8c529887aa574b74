//! GetGroup: one group.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::{describe_group, load_group};
use crate::Ctx;

/// GetGroupRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    group_name: String,
    user_pool_id: String,
}

/// Returns the group.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let group = load_group(ctx, &req.user_pool_id, &req.group_name)?;
    Ok(json!({"Group": describe_group(&group)}))
}
