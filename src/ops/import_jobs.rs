//! `UserImportJobType` and the loader the import-job operations share (a job not started within a
//! day is Expired, as AWS expires them).

use serde_json::{Map, Value, json};

use crate::app::Ctx;
use crate::err;
use crate::error::Result;
use crate::store::import_jobs::{self, JobRow};
use crate::user_import::EXPIRE_SECS;

/// The pre-signed URL of a job (the signature is only known when the job is created; later answers
/// show the URL without it, as a used or expired one).
pub fn url(ctx: &Ctx, job_id: &str, signature: Option<&str>) -> String {
    let base = format!(
        "{}/_emulator/user-import/{job_id}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-SignedHeaders=host%3Bx-amz-server-side-encryption&X-Amz-Expires=899",
        ctx.issuer_base
    );
    match signature {
        Some(s) => format!("{base}&X-Amz-Signature={s}"),
        None => base,
    }
}

/// `UserImportJobType` of a job.
pub fn shape(ctx: &Ctx, j: &JobRow, signature: Option<&str>) -> Value {
    let mut out = Map::new();
    out.insert("JobName".into(), json!(j.name));
    out.insert("JobId".into(), json!(j.id));
    out.insert("UserPoolId".into(), json!(j.pool_id));
    out.insert("PreSignedUrl".into(), json!(url(ctx, &j.id, signature)));
    out.insert("CreationDate".into(), json!(j.created_at));
    if let Some(t) = j.started_at {
        out.insert("StartDate".into(), json!(t));
    }
    if let Some(t) = j.completed_at {
        out.insert("CompletionDate".into(), json!(t));
    }
    out.insert("Status".into(), json!(j.status));
    out.insert("CloudWatchLogsRoleArn".into(), json!(j.role_arn));
    out.insert("ImportedUsers".into(), json!(j.imported));
    out.insert("SkippedUsers".into(), json!(j.skipped));
    out.insert("FailedUsers".into(), json!(j.failed));
    if let Some(m) = &j.message {
        out.insert("CompletionMessage".into(), json!(m));
    }
    Value::Object(out)
}

/// Marks a Created job older than a day Expired (and returns it as it now is).
pub fn expire(ctx: &Ctx, mut job: JobRow) -> Result<JobRow> {
    let now = ctx.now();
    if job.status == "Created" && now > job.created_at + EXPIRE_SECS {
        let message = "The user import job has expired.";
        ctx.app.store.write(|c| {
            import_jobs::set_status(c, &job.id, "Expired", None, Some(now), Some(message))
        })?;
        job.status = "Expired".into();
        job.completed_at = Some(now);
        job.message = Some(message.into());
    }
    Ok(job)
}

/// The job `id` of pool `pool_id` (expired if due), or ResourceNotFoundException.
pub fn load(ctx: &Ctx, pool_id: &str, id: &str) -> Result<JobRow> {
    crate::ops::load::pool(ctx, pool_id)?;
    let job = ctx
        .app
        .store
        .read(|c| import_jobs::get(c, id))?
        .filter(|j| j.pool_id == pool_id)
        .ok_or_else(|| err!(ResourceNotFoundException, "Import job {id} does not exist."))?;
    expire(ctx, job)
}

/// UserImportInProgressException while a job of the pool imports (AddCustomAttributes, UpdateUserPool).
pub fn check_not_importing(ctx: &Ctx, pool_id: &str) -> Result<()> {
    if ctx.app.store.read(|c| import_jobs::running(c, pool_id))? {
        return Err(err!(
            UserImportInProgressException,
            "A user import job is in progress for user pool {pool_id}."
        ));
    }
    Ok(())
}
