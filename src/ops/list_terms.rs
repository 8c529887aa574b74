//! ListTerms: the terms documents of a pool, in creation order, MaxResults (1..60, default 60) a page.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::{load, paging};
use crate::store;

/// ListTermsRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    max_results: Option<usize>,
    next_token: Option<String>,
}

/// Lists the terms.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let limit = req.max_results.unwrap_or(60);
    let after = paging::start(ctx, req.next_token.as_deref())?;
    let rows = ctx
        .app
        .store
        .read(|c| store::terms::list(c, &pool.id, after, limit + 1))?;
    let (rows, next) = paging::split(rows, limit, |t| t.rowid);
    let terms: Vec<Value> = rows
        .iter()
        .map(|t| {
            json!({
                "TermsId": t.id,
                "TermsName": t.name,
                "Enforcement": t.enforcement,
                "CreationDate": t.created_at,
                "LastModifiedDate": t.updated_at,
            })
        })
        .collect();
    Ok(json!({"Terms": terms, "NextToken": next}))
}
