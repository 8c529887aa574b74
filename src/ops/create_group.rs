//! CreateGroup: a group with an optional IAM role and precedence.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::{load, shapes};
use crate::app::Ctx;
use crate::{err, store};

/// CreateGroupRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    group_name: String,
    user_pool_id: String,
    description: Option<String>,
    role_arn: Option<String>,
    precedence: Option<i64>,
}

/// AWS's limit of groups per pool.
const GROUPS_PER_POOL: i64 = 10_000;

/// Creates the group.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let now = ctx.now();
    ctx.app.store.write(|c| {
        if store::groups::count(c, &pool.id)? >= GROUPS_PER_POOL {
            return Err(err!(LimitExceededException, "The maximum number of groups per user pool has been reached."));
        }
        store::groups::insert(
            c,
            &pool.id,
            &req.group_name,
            req.description.as_deref(),
            req.role_arn.as_deref(),
            req.precedence,
            now,
        )
        .map_err(|e| {
            if store::is_unique_violation(&e) {
                err!(GroupExistsException, "A group with the name {} already exists.", req.group_name)
            } else {
                e.into()
            }
        })
    })?;
    let group = load::group(ctx, &pool.id, &req.group_name)?;
    Ok(json!({"Group": shapes::GroupType::of(&group)}))
}
