//! CreateUserImportJob: a job (status Created) and the pre-signed URL its CSV is uploaded to, valid 15
//! minutes. The CloudWatch Logs role must be an IAM role ARN. Importing password hashes
//! (PasswordHashingAlgorithm) is refused: the CSV columns that would carry them are not documented.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::domain::ids;
use crate::error::Result;
use crate::ops::{import_jobs, load};
use crate::store::import_jobs::JobRow;
use crate::user_import;
use crate::{err, store};

/// AWS's limit of import jobs per pool.
const MAX_JOBS: usize = 1000;

/// CreateUserImportJobRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    job_name: String,
    user_pool_id: String,
    cloud_watch_logs_role_arn: String,
    password_hashing_algorithm: Option<String>,
}

/// `arn:aws:iam::<12 digits>:role/<name>`.
fn is_role_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", _, "iam", "", account, resource]
        if account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())
            && resource.strip_prefix("role/").is_some_and(|r| !r.is_empty()))
}

/// Creates the job.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    if !is_role_arn(&req.cloud_watch_logs_role_arn) {
        return Err(err!(
            InvalidParameterException,
            "CloudWatchLogsRoleArn {} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>).",
            req.cloud_watch_logs_role_arn
        ));
    }
    if let Some(algorithm) = &req.password_hashing_algorithm {
        return Err(err!(
            InvalidParameterException,
            "PasswordHashingAlgorithm {algorithm} is not supported by cognito-emulator: the CSV columns carrying password hashes are not documented, so users are imported without passwords (RESET_REQUIRED)."
        ));
    }
    let (signature, digest) = user_import::new_upload_token();
    let now = ctx.now();
    let job = JobRow {
        rowid: 0,
        id: format!("import-{}", &ids::pool_id("x")[2..]),
        pool_id: pool.id.clone(),
        name: req.job_name,
        role_arn: req.cloud_watch_logs_role_arn,
        status: "Created".into(),
        upload_token: digest,
        uploaded: false,
        created_at: now,
        started_at: None,
        completed_at: None,
        imported: 0,
        skipped: 0,
        failed: 0,
        message: None,
    };
    ctx.app.store.write(|c| {
        if store::import_jobs::list(c, &pool.id, 0, MAX_JOBS)?.len() >= MAX_JOBS {
            return Err(err!(
                LimitExceededException,
                "User pool {} already has {MAX_JOBS} import jobs.",
                pool.id
            ));
        }
        Ok(store::import_jobs::insert(c, &job)?)
    })?;
    Ok(json!({"UserImportJob": import_jobs::shape(ctx, &job, Some(&signature))}))
}
