//! StopUserImportJob: stops a Pending or InProgress job (Stopping, then Stopped once the import notices,
//! between rows).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::import_jobs;
use crate::{err, store};

/// StopUserImportJobRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    job_id: String,
}

/// Stops the job.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let job = import_jobs::load(ctx, &req.user_pool_id, &req.job_id)?;
    if job.status != "Pending" && job.status != "InProgress" {
        return Err(err!(
            PreconditionNotMetException,
            "Import job {} is {} and cannot be stopped.",
            job.id,
            job.status
        ));
    }
    ctx.app.store.write(|c| {
        store::import_jobs::set_status(c, &job.id, "Stopping", None, None, None)
    })?;
    let job = import_jobs::load(ctx, &req.user_pool_id, &req.job_id)?;
    Ok(json!({"UserImportJob": import_jobs::shape(ctx, &job, None)}))
}
