//! ListGroups: a pool's groups, paginated.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::{load, paging, shapes};
use crate::app::Ctx;
use crate::store;

/// ListGroupsRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    limit: Option<usize>,
    next_token: Option<String>,
}

/// Lists the groups.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let limit = req.limit.filter(|l| *l > 0).unwrap_or(60);
    let after = paging::start(ctx, req.next_token.as_deref())?;
    let rows = ctx.app.store.read(|c| store::groups::list(c, &pool.id, after, limit + 1))?;
    let (rows, next) = paging::split(rows, limit, |g| g.pk);
    let groups: Vec<_> = rows.iter().map(shapes::GroupType::of).collect();
    Ok(json!({"Groups": groups, "NextToken": next}))
}
