//! ListUsers: a pool's users in a stable order, with the filter grammar (`=` / `^=`), AttributesToGet,
//! Limit (default and maximum 60) and PaginationToken. Every filter is answered from an index.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::filter;
use crate::error::Result;
use crate::ops::{load, paging, shapes};
use crate::app::Ctx;
use crate::store;

/// ListUsersRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    attributes_to_get: Option<Vec<String>>,
    limit: Option<usize>,
    pagination_token: Option<String>,
    filter: Option<String>,
}

/// Lists the users.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let parsed = filter::parse(req.filter.as_deref().unwrap_or(""))?;
    let limit = req.limit.filter(|l| *l > 0).unwrap_or(60);
    let after = paging::start(ctx, req.pagination_token.as_deref())?;
    let rows = ctx.app.store.read(|c| store::users::list(c, &pool.id, parsed.as_ref(), after, limit + 1))?;
    let (rows, next) = paging::split(rows, limit, |u| u.pk);
    let only = req.attributes_to_get.as_deref();
    let users: Vec<_> = rows.iter().map(|u| shapes::UserType::of(u).only(only)).collect();
    Ok(json!({"Users": users, "PaginationToken": next}))
}
