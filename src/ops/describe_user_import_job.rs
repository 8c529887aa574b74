//! DescribeUserImportJob: a job's status and counters.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::import_jobs;

/// DescribeUserImportJobRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    job_id: String,
}

/// Describes the job.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let job = import_jobs::load(ctx, &req.user_pool_id, &req.job_id)?;
    Ok(json!({"UserImportJob": import_jobs::shape(ctx, &job, None)}))
}
