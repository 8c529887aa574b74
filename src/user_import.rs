//! User import: the CSV header a pool expects, the pre-signed upload URL (`PUT
//! /_emulator/user-import/<job>?X-Amz-Signature=...`, used as `curl -T users.csv -H
//! "x-amz-server-side-encryption:aws:kms" <url>` as the AWS documentation shows), and the job that
//! imports the CSV in the background after StartUserImportJob: users in RESET_REQUIRED, the header and
//! every row checked, a failed row counted without stopping the job, StopUserImportJob honoured
//! between rows.

use std::sync::Arc;

use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::accounts::{self, NewAccount};
use crate::app::App;
use crate::domain::attributes::{self, Attributes, Writer};
use crate::domain::pool::PoolConfig;
use crate::domain::usernames::{self, Creator};
use crate::domain::{UserStatus, csv, ids};
use crate::error::{CognitoError, Result};
use crate::http::{Body, query_pairs};
use crate::store::import_jobs;
use crate::store::pools::{self, PoolRow};
use crate::store::users;

/// How long a pre-signed upload URL works (AWS signs them with `X-Amz-Expires=899`).
pub const UPLOAD_SECS: f64 = 900.0;
/// A job not started within a day expires (AWS: "within 24-48 hours").
pub const EXPIRE_SECS: f64 = 86_400.0;
/// The largest CSV accepted (AWS: 100 MB).
pub const MAX_CSV_BYTES: usize = 100 * 1024 * 1024;

/// The column names GetCSVHeader returns: the pool's attributes but `sub` (custom ones included), then
/// `cognito:mfa_enabled` and `cognito:username`.
pub fn csv_header(pool: &PoolConfig) -> Vec<String> {
    pool.schema_attributes
        .iter()
        .filter(|a| a.name != "sub")
        .map(|a| a.name.clone())
        .chain(["cognito:mfa_enabled".into(), "cognito:username".into()])
        .collect()
}

/// A new upload token and its stored digest.
pub fn new_upload_token() -> (String, Vec<u8>) {
    let token: String = ids::random_bytes(32)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let digest = Sha256::digest(token.as_bytes()).to_vec();
    (token, digest)
}

fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn s3_error(status: StatusCode, code: &str, message: &str) -> Response<Body> {
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{}</Message></Error>",
        escape_xml(message)
    );
    Response::builder()
        .status(status)
        .header(hyper::header::CONTENT_TYPE, "application/xml")
        .body(Body::from(xml))
        .expect("valid response")
}

/// `PUT /_emulator/user-import/<job>`: stores the CSV of a job that has not started, when the URL's
/// signature is the job's and has not expired, and the request carries the encryption header the URL
/// was signed with (S3 refuses the upload otherwise).
pub async fn upload(app: Arc<App>, req: Request<Incoming>, job_id: &str) -> Response<Body> {
    let signature = query_pairs(req.uri())
        .into_iter()
        .find(|(k, _)| k == "X-Amz-Signature")
        .map(|(_, v)| v)
        .unwrap_or_default();
    let sse = req
        .headers()
        .get("x-amz-server-side-encryption")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let job = match app.store.read(|c| import_jobs::get(c, job_id)) {
        Ok(job) => job,
        Err(e) => {
            return s3_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalError",
                e.message(),
            );
        }
    };
    let digest = Sha256::digest(signature.as_bytes());
    let Some(job) = job.filter(|j| bool::from(j.upload_token.as_slice().ct_eq(&digest[..]))) else {
        return s3_error(
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        );
    };
    if sse.as_deref() != Some("aws:kms") {
        return s3_error(
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
            "The URL was signed with the header x-amz-server-side-encryption: aws:kms, which the request does not carry.",
        );
    }
    if app.clock.now_f64() > job.created_at + UPLOAD_SECS {
        return s3_error(StatusCode::FORBIDDEN, "AccessDenied", "Request has expired");
    }
    if job.status != "Created" {
        return s3_error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "The import job has started; its file can no longer change.",
        );
    }
    let body = match http_body_util::Limited::new(req.into_body(), MAX_CSV_BYTES)
        .collect()
        .await
    {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            return s3_error(
                StatusCode::BAD_REQUEST,
                "EntityTooLarge",
                "Your proposed upload exceeds the maximum allowed size (100 MB).",
            );
        }
    };
    let id = job.id.clone();
    let stored = tokio::task::spawn_blocking(move || {
        app.store.write(|c| import_jobs::set_csv(c, &id, &body))
    })
    .await;
    match stored {
        Ok(Ok(())) => Response::builder()
            .status(StatusCode::OK)
            .header("ETag", format!("\"{}\"", &job.id))
            .body(Body::default())
            .expect("valid response"),
        Ok(Err(e)) => s3_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            e.message(),
        ),
        Err(e) => s3_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            &e.to_string(),
        ),
    }
}

/// Runs job `job_id` (already Pending) on a thread of its own.
pub fn spawn(app: Arc<App>, job_id: String) {
    let spawned = std::thread::Builder::new()
        .name("user-import".into())
        .spawn(move || {
            if let Err(e) = run(&app, &job_id) {
                tracing::error!(job = %job_id, error = %e, "user import failed");
                let now = app.clock.now_f64();
                let _ = app.store.write(|c| {
                    import_jobs::set_status(
                        c,
                        &job_id,
                        "Failed",
                        None,
                        Some(now),
                        Some("The import job failed."),
                    )
                });
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start the user import thread");
    }
}

/// Ends a running job with `status`, unless StopUserImportJob asked first: then it is Stopped.
fn finish(app: &App, job_id: &str, status: &str, message: &str) -> Result<()> {
    let now = app.clock.now_f64();
    app.store.write(|c| {
        if !import_jobs::transition(c, job_id, "InProgress", status, Some(now), Some(message))? {
            import_jobs::transition(
                c,
                job_id,
                "Stopping",
                "Stopped",
                Some(now),
                Some("The Import Job was stopped by the developer."),
            )?;
        }
        Ok(())
    })
}

fn run(app: &App, job_id: &str) -> Result<()> {
    let (job, csv_bytes) = app
        .store
        .read(|c| Ok((import_jobs::get(c, job_id)?, import_jobs::csv(c, job_id)?)))?;
    let (Some(job), Some(csv_bytes)) = (job, csv_bytes) else {
        return Ok(());
    };
    let Some(pool) = app.store.read(|c| pools::get(c, &job.pool_id))? else {
        return Ok(());
    };
    let started = app
        .store
        .write(|c| import_jobs::transition(c, job_id, "Pending", "InProgress", None, None))?;
    if !started {
        let now = app.clock.now_f64();
        let message = "The Import Job was stopped by the developer.";
        app.store.write(|c| {
            import_jobs::transition(c, job_id, "Stopping", "Stopped", Some(now), Some(message))
        })?;
        return Ok(());
    }
    let Ok(text) = String::from_utf8(csv_bytes) else {
        return finish(app, job_id, "Failed", "The CSV file is not UTF-8 text.");
    };
    let records = match csv::parse(&text) {
        Ok(r) => r,
        Err(e) => {
            return finish(
                app,
                job_id,
                "Failed",
                &format!("The CSV file is malformed: {e}."),
            );
        }
    };
    let Some((header, rows)) = records.split_first() else {
        return finish(app, job_id, "Failed", "The CSV file has no header row.");
    };
    if let Err(problem) = check_header(&pool.config, header) {
        return finish(app, job_id, "Failed", &problem);
    }
    let mut imported = 0;
    for (i, row) in rows.iter().enumerate() {
        if i % 50 == 0 {
            let status = app
                .store
                .read(|c| import_jobs::get(c, job_id))?
                .map(|j| j.status);
            if status.as_deref() != Some("InProgress") {
                return finish(
                    app,
                    job_id,
                    "Stopped",
                    "The Import Job was stopped by the developer.",
                );
            }
        }
        let outcome = import_row(app, &pool, header, row);
        let (ok, failed) = match &outcome {
            Ok(()) => (1, 0),
            Err(e) => {
                tracing::info!(job = %job_id, row = i + 2, problem = %e.message(), "user import row failed");
                (0, 1)
            }
        };
        imported += ok;
        app.store
            .write(|c| import_jobs::count(c, job_id, ok, 0, failed))?;
    }
    if imported == 0 && !rows.is_empty() {
        return finish(
            app,
            job_id,
            "Failed",
            "Too many users have failed or been skipped during the import.",
        );
    }
    finish(
        app,
        job_id,
        "Succeeded",
        "Import Job Completed Successfully.",
    )
}

/// The header must name every column of GetCSVHeader's and nothing else ("All columns in the header
/// must be present"); the order does not matter.
pub fn check_header(pool: &PoolConfig, header: &[String]) -> std::result::Result<(), String> {
    let expected = csv_header(pool);
    if let Some(unknown) = header.iter().find(|h| !expected.contains(h)) {
        return Err(format!(
            "The CSV header has a column that is not in the user pool's schema: {unknown}."
        ));
    }
    if let Some(missing) = expected.iter().find(|e| !header.contains(e)) {
        return Err(format!(
            "The CSV header lacks the column {missing} (every column of GetCSVHeader must be present)."
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = header.iter().find(|h| !seen.insert(h.as_str())) {
        return Err(format!("The CSV header names the column {twice} twice."));
    }
    Ok(())
}

fn row_error(m: String) -> CognitoError {
    CognitoError::InvalidParameterException(m)
}

/// Imports one user (in a transaction of its own): RESET_REQUIRED, no password, with the row's
/// attributes; the row must name the user, say whether SMS MFA is on, and have a verified auto-verified
/// channel.
fn import_row(app: &App, pool: &PoolRow, header: &[String], row: &[String]) -> Result<()> {
    let cfg = &pool.config;
    if row.len() != header.len() {
        return Err(row_error(format!(
            "the row has {} fields for {} columns",
            row.len(),
            header.len()
        )));
    }
    let value = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .map(|i| row[i].trim())
            .filter(|v| !v.is_empty())
    };
    let username =
        value("cognito:username").ok_or_else(|| row_error("cognito:username is empty".into()))?;
    let mfa = match value("cognito:mfa_enabled")
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("true") => true,
        Some("false") => false,
        _ => {
            return Err(row_error(
                "cognito:mfa_enabled must be true or false".into(),
            ));
        }
    };
    let mut requested: Vec<(String, Option<String>)> = Vec::new();
    for (i, name) in header.iter().enumerate() {
        if name.starts_with("cognito:") || row[i].trim().is_empty() {
            continue;
        }
        let mut v = row[i].trim().to_string();
        if name.ends_with("_verified")
            && (v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false"))
        {
            v = v.to_ascii_lowercase();
        }
        requested.push((name.clone(), Some(v)));
    }
    attributes::check_new(cfg, Writer::Admin, &requested)?;
    let mut attrs = Attributes::new();
    let sub = ids::uuid();
    attributes::set(&mut attrs, "sub", sub.clone());
    for (name, v) in &requested {
        attributes::set(&mut attrs, name, v.clone().unwrap_or_default());
    }
    for channel in ["email", "phone_number"] {
        if attributes::is_verified(&attrs, channel) && attributes::get(&attrs, channel).is_none() {
            return Err(row_error(format!(
                "{channel}_verified is true without a {channel}"
            )));
        }
    }
    let auto = cfg.auto_verified_attributes.clone().unwrap_or_default();
    if auto.is_empty() {
        return Err(row_error(
            "the user pool has no auto-verified attribute".into(),
        ));
    }
    if !auto.iter().any(|a| attributes::is_verified(&attrs, a)) {
        return Err(row_error(format!(
            "at least one auto-verified attribute ({}) must be verified",
            auto.join(", ")
        )));
    }
    if mfa && attributes::get(&attrs, "phone_number").is_none() {
        return Err(row_error(
            "cognito:mfa_enabled is true without a phone_number".into(),
        ));
    }
    attributes::check_required(cfg, &attrs)?;
    let plan = usernames::plan(cfg, username, &sub, Creator::Admin)?;
    if let Some((attr, v)) = &plan.fills {
        attributes::set(&mut attrs, attr, v.clone());
    }
    let now = app.clock.now_f64();
    app.store.write(|c| {
        let pk = accounts::insert(
            c,
            &NewAccount {
                pool,
                plan: &plan,
                sub: &sub,
                attributes: &attrs,
                status: UserStatus::ResetRequired,
                enabled: true,
                password: None,
                force_alias_creation: false,
            },
            now,
        )?;
        if mfa {
            let mut user = users::by_pk(c, pk)?
                .ok_or_else(|| CognitoError::internal("imported user vanished"))?;
            user.mfa.sms_enabled = true;
            users::set_mfa(c, pk, &user.mfa, now)?;
        }
        Ok(())
    })
}
