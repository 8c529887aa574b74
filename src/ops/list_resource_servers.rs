//! ListResourceServers: a pool's resource servers, paginated (MaxResults 1..50).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::oauth_settings::ResourceServerType;
use crate::ops::{load, paging};
use crate::store;

/// ListResourceServersRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    max_results: Option<usize>,
    next_token: Option<String>,
}

/// Lists the resource servers.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let limit = req.max_results.filter(|l| *l > 0).unwrap_or(50);
    let after = paging::start(ctx, req.next_token.as_deref())?;
    let rows = ctx
        .app
        .store
        .read(|c| store::resource_servers::list(c, &pool.id, after, limit + 1))?;
    let (rows, next) = paging::split(rows, limit, |r| r.pk);
    let servers = rows
        .iter()
        .map(ResourceServerType::of)
        .collect::<Result<Vec<_>>>()?;
    Ok(json!({"ResourceServers": servers, "NextToken": next}))
}
