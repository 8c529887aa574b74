//! ListGroups: a pool's groups, paginated.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::{describe_group, load_pool, page_start, paginate};
use crate::{Ctx, store};

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
    let pool = load_pool(ctx, &req.user_pool_id)?;
    let limit = req.limit.filter(|l| *l > 0).unwrap_or(60);
    let after = page_start(ctx, req.next_token.as_deref())?;
    let rows = ctx.app.store.read(|c| store::groups::list(c, &pool.id, after, limit + 1))?;
    let (rows, next) = paginate(rows, limit, |g| g.pk);
    let groups: Vec<Value> = rows.iter().map(describe_group).collect();
    Ok(json!({"Groups": groups, "NextToken": next}))
}
