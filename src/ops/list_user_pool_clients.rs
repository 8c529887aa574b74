//! ListUserPoolClients: `UserPoolClientDescription` pages in creation order.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::{load, paging};
use crate::app::Ctx;
use crate::store;

/// ListUserPoolClientsRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    max_results: Option<usize>,
    next_token: Option<String>,
}

/// Lists the clients of a pool (MaxResults defaults to 60).
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let limit = req.max_results.unwrap_or(60);
    let after = paging::start(ctx, req.next_token.as_deref())?;
    let rows = ctx.app.store.read(|c| store::clients::list(c, &pool.id, after, limit + 1))?;
    let (rows, next) = paging::split(rows, limit, |c| c.pk);
    let clients: Vec<Value> = rows
        .iter()
        .map(|c| json!({"ClientId": c.id, "UserPoolId": c.pool_id, "ClientName": c.name}))
        .collect();
    Ok(json!({"UserPoolClients": clients, "NextToken": next}))
}
