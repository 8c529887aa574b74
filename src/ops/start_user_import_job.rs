//! StartUserImportJob: starts importing the uploaded CSV (status Pending, then InProgress and
//! Succeeded or Failed as the background import goes; DescribeUserImportJob follows it).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::import_jobs;
use crate::store;
use crate::{err, user_import};

/// StartUserImportJobRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    job_id: String,
}

/// Starts the job.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let mut job = import_jobs::load(ctx, &req.user_pool_id, &req.job_id)?;
    let pool = crate::ops::load::pool(ctx, &req.user_pool_id)?;
    if job.status != "Created" {
        return Err(err!(
            PreconditionNotMetException,
            "Import job {} is {} and cannot be started.",
            job.id,
            job.status
        ));
    }
    if !job.uploaded {
        return Err(err!(
            PreconditionNotMetException,
            "No CSV file has been uploaded to the pre-signed URL of import job {}.",
            job.id
        ));
    }
    if pool
        .config
        .auto_verified_attributes
        .as_ref()
        .is_none_or(|a| a.is_empty())
    {
        return Err(err!(
            PreconditionNotMetException,
            "User pool {} has no auto-verified attribute (email or phone_number): imported users could not reset their passwords.",
            pool.id
        ));
    }
    import_jobs::check_not_importing(ctx, &pool.id)?;
    let now = ctx.now();
    ctx.app.store.write(|c| {
        store::import_jobs::set_status(c, &job.id, "Pending", Some(now), None, None)
    })?;
    job.status = "Pending".into();
    job.started_at = Some(now);
    user_import::spawn(ctx.app.clone(), job.id.clone());
    Ok(json!({"UserImportJob": import_jobs::shape(ctx, &job, None)}))
}
