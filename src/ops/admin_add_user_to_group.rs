//! AdminAddUserToGroup: membership shows in `cognito:groups` of the next tokens.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::load;
use crate::app::Ctx;
use crate::{err, store};

/// AdminAddUserToGroupRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
    group_name: String,
}

/// AWS's limit of groups per user.
const GROUPS_PER_USER: usize = 100;

/// Adds the user to the group.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    let group = load::group(ctx, &req.user_pool_id, &req.group_name)?;
    let now = ctx.now();
    ctx.app.store.write(|c| {
        let current = store::groups::of_user(c, user.pk)?;
        if !current.iter().any(|g| g.pk == group.pk) && current.len() >= GROUPS_PER_USER {
            return Err(err!(LimitExceededException, "The user is already in the maximum number of groups."));
        }
        store::groups::add_member(c, group.pk, user.pk, now)
    })?;
    Ok(json!({}))
}
