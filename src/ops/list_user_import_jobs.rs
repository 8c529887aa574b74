//! ListUserImportJobs: a pool's import jobs in creation order, MaxResults (1..60) a page.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::{import_jobs, load, paging};
use crate::store;

/// ListUserImportJobsRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    max_results: usize,
    pagination_token: Option<String>,
}

/// Lists the jobs.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let after = paging::start(ctx, req.pagination_token.as_deref())?;
    let rows = ctx
        .app
        .store
        .read(|c| store::import_jobs::list(c, &pool.id, after, req.max_results + 1))?;
    let (rows, next) = paging::split(rows, req.max_results, |j| j.rowid);
    let mut jobs = Vec::with_capacity(rows.len());
    for job in rows {
        let job = import_jobs::expire(ctx, job)?;
        jobs.push(import_jobs::shape(ctx, &job, None));
    }
    Ok(json!({"UserImportJobs": jobs, "PaginationToken": next}))
}
