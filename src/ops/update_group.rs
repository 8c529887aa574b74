//! UpdateGroup: replaces description, role and precedence (omitted members are cleared, as on AWS).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::{load, shapes};
use crate::app::Ctx;
use crate::store;

/// UpdateGroupRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    group_name: String,
    user_pool_id: String,
    description: Option<String>,
    role_arn: Option<String>,
    precedence: Option<i64>,
}

/// Updates the group.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let group = load::group(ctx, &req.user_pool_id, &req.group_name)?;
    let now = ctx.now();
    ctx.app.store.write(|c| {
        store::groups::update(c, group.pk, req.description.as_deref(), req.role_arn.as_deref(), req.precedence, now)
    })?;
    let group = load::group(ctx, &req.user_pool_id, &req.group_name)?;
    Ok(json!({"Group": shapes::GroupType::of(&group)}))
}
