//! ListUsersInGroup: the members of a group, paginated.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::{load, paging, shapes};
use crate::app::Ctx;
use crate::store;

/// ListUsersInGroupRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    group_name: String,
    limit: Option<usize>,
    next_token: Option<String>,
}

/// Lists the members.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let group = load::group(ctx, &req.user_pool_id, &req.group_name)?;
    let limit = req.limit.filter(|l| *l > 0).unwrap_or(60);
    let after = paging::start(ctx, req.next_token.as_deref())?;
    let rows = ctx.app.store.read(|c| store::groups::members(c, group.pk, after, limit + 1))?;
    let (rows, next) = paging::split(rows, limit, |u| u.pk);
    let users: Vec<_> = rows.iter().map(shapes::UserType::of).collect();
    Ok(json!({"Users": users, "NextToken": next}))
}
