//! ListUsers: a pool's users in a stable order, with the filter grammar (`=` / `^=`), AttributesToGet,
//! Limit (default and maximum 60) and PaginationToken. Every filter is answered from an index.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::filter;
use crate::error::Result;
use crate::ops::{load_pool, page_start, paginate, user_type};
use crate::store::users::UserRow;
use crate::{Ctx, store};

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

/// `UserType`, attributes limited to `only` when given.
pub fn user_with(user: &UserRow, only: Option<&[String]>) -> Value {
    let mut v = user_type(user);
    if let (Some(only), Some(list)) = (only, v.get_mut("Attributes").and_then(Value::as_array_mut)) {
        list.retain(|a| a["Name"].as_str().is_some_and(|n| only.iter().any(|o| o == n)));
    }
    v
}

/// Lists the users.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load_pool(ctx, &req.user_pool_id)?;
    let parsed = filter::parse(req.filter.as_deref().unwrap_or(""))?;
    let limit = req.limit.filter(|l| *l > 0).unwrap_or(60);
    let after = page_start(ctx, req.pagination_token.as_deref())?;
    let rows = ctx.app.store.read(|c| store::users::list(c, &pool.id, parsed.as_ref(), after, limit + 1))?;
    let (rows, next) = paginate(rows, limit, |u| u.pk);
    let users: Vec<Value> = rows.iter().map(|u| user_with(u, req.attributes_to_get.as_deref())).collect();
    Ok(json!({"Users": users, "PaginationToken": next}))
}
