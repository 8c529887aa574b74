//! x-amz-json-1.1: `X-Amz-Target` -> operation, JSON in and out, model validation, AWS error encoding,
//! request ids. Handlers are synchronous (SQLite, argon2, RSA and SRP all block): this module runs each
//! on the connection's own runtime thread (a few key lookups always; a lone request with the runtime's
//! other tasks moved away; under load among the others), or on tokio's blocking pool when the runtime
//! is single-threaded. `dispatch` is the single async boundary.

use std::sync::Arc;
use std::time::Instant;

use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::{HeaderMap, Request, Response, StatusCode};
use serde_json::Value;

use crate::app::{App, Ctx, Origin, PeerAddr, WorkerSlot, sdk_of};
use crate::blocking::multi_thread_runtime;
use crate::error::CognitoError;
use crate::http::{Body, issuer_base};
use crate::ops;

pub mod json;
mod sigv4;

const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";
const CONTENT_TYPE: &str = "application/x-amz-json-1.1";
/// Longest `x-amzn-ErrorMessage` header, in characters (the body keeps the whole message).
const MAX_ERROR_HEADER_CHARS: usize = 1024;

/// The region of a SigV4 `Authorization` header's credential scope.
fn signed_region(headers: &HeaderMap) -> Option<String> {
    let auth = headers.get(hyper::header::AUTHORIZATION)?.to_str().ok()?;
    let cred = auth.split("Credential=").nth(1)?;
    let scope = cred.split([',', ' ']).next()?;
    let region = scope.split('/').nth(2)?;
    (!region.is_empty() && region.len() <= 32).then(|| region.to_string())
}

/// Builds a JSON response with the AWS headers.
pub fn json_response(status: StatusCode, request_id: &str, body: &Value) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(hyper::header::CONTENT_TYPE, CONTENT_TYPE)
        .header("x-amzn-RequestId", request_id)
        .body(Body::from(body.to_string()))
        .expect("valid response")
}

/// The wire form of an error: status, `__type` + `message` body, `x-amzn-ErrorType` header.
pub fn error_response(e: &CognitoError, request_id: &str) -> Response<Body> {
    // SerializationException is sent with a capitalised `Message` by AWS's front end.
    let key = if matches!(e, CognitoError::SerializationException(_)) {
        "Message"
    } else {
        "message"
    };
    let body = serde_json::json!({"__type": e.name(), key: e.message()});
    let mut resp = json_response(
        StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST),
        request_id,
        &body,
    );
    let headers = resp.headers_mut();
    if let Ok(v) = format!("{}:", e.name()).parse() {
        headers.insert("x-amzn-ErrorType", v);
    }
    // Header values must be visible ASCII; messages with newlines or non-ASCII stay in the body only.
    // The header is cut short: clients limit the size of a response head (Node: 16 KiB in all).
    let header = crate::error::shortened(e.message(), MAX_ERROR_HEADER_CHARS);
    if let Ok(v) = header.replace('\n', " ").trim().parse() {
        headers.insert("x-amzn-ErrorMessage", v);
    }
    resp
}

/// Answers one `POST /` API call.
pub async fn handle(app: Arc<App>, req: Request<Incoming>) -> Response<Body> {
    let started = Instant::now();
    let request_id = crate::domain::ids::uuid();
    let (parts, body) = req.into_parts();
    let target = target_of(&parts.headers);
    let operation = target
        .as_deref()
        .and_then(|t| t.strip_prefix(TARGET_PREFIX))
        .map(|op| crate::error::quoted(op).into_owned())
        .unwrap_or_default();
    let mut scope = Scope::default();
    let result = dispatch(
        &app,
        &parts,
        target.as_deref(),
        &operation,
        body,
        &request_id,
        &mut scope,
    )
    .await;
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    let (pool, client) = (
        scope.pool.as_deref().unwrap_or(""),
        scope.client.as_deref().unwrap_or(""),
    );
    match result {
        Ok(value) => {
            tracing::info!(
                request_id,
                operation,
                pool,
                client,
                outcome = "ok",
                elapsed_ms,
                "request"
            );
            json_response(StatusCode::OK, &request_id, &value)
        }
        Err(e) => {
            tracing::info!(
                request_id,
                operation,
                pool,
                client,
                outcome = e.name(),
                message = redacted(e.message(), &scope.secrets),
                elapsed_ms,
                "request"
            );
            error_response(&e, &request_id)
        }
    }
}

/// The `X-Amz-Target` header. Several of them are read as HTTP reads a repeated header, one value
/// joined with commas, which names no operation: an ambiguous target is refused, never guessed.
fn target_of(headers: &HeaderMap) -> Option<String> {
    let values: Vec<String> = headers
        .get_all("x-amz-target")
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect();
    (!values.is_empty()).then(|| values.join(","))
}

/// What a request names, for its log line.
#[derive(Default)]
struct Scope {
    pool: Option<String>,
    client: Option<String>,
    /// Values of the request's sensitive members: never written to the log.
    secrets: Vec<String>,
}

/// `text` with every secret of the request replaced by `***` (secrets shorter than 6 characters are
/// left: no password policy allows them, and replacing them would garble the text).
fn redacted(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for s in secrets.iter().filter(|s| s.chars().count() >= 6) {
        if out.contains(s.as_str()) {
            out = out.replace(s.as_str(), "***");
        }
    }
    out
}

async fn dispatch(
    app: &Arc<App>,
    parts: &hyper::http::request::Parts,
    target: Option<&str>,
    operation: &str,
    body: Incoming,
    request_id: &str,
    scope: &mut Scope,
) -> Result<Value, CognitoError> {
    let Some(target) = target else {
        return Err(CognitoError::UnknownOperationException(
            "Missing X-Amz-Target header: expected AWSCognitoIdentityProviderService.<Operation>"
                .into(),
        ));
    };
    // Unknown targets are refused before the body is read.
    let known = target
        .strip_prefix(TARGET_PREFIX)
        .is_some_and(|name| crate::model::model().operations.contains_key(name));
    if !known {
        return Err(CognitoError::UnknownOperationException(format!(
            "Unknown operation: {}",
            crate::error::quoted(target)
        )));
    }

    let limit = app.config.max_body_bytes;
    let bytes = http_body_util::Limited::new(body, limit)
        .collect()
        .await
        .map_err(|e| {
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some()
            {
                CognitoError::RequestEntityTooLargeException(format!(
                    "Request body is larger than {limit} bytes"
                ))
            } else {
                CognitoError::SerializationException(format!(
                    "Could not read the request body: {e}"
                ))
            }
        })?;
    let bytes = bytes.to_bytes();
    // AWS checks the signature before it reads the request.
    let signed = crate::model::model()
        .operations
        .get(operation)
        .is_some_and(|op| op.auth == "sigv4");
    if app.config.require_sigv4 && signed {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        sigv4::verify(
            &app.config.sigv4_credentials,
            &parts.method,
            &parts.uri,
            &parts.headers,
            &bytes,
            now,
        )?;
    }
    let input: Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Default::default())
    } else {
        json::parse(&bytes).map_err(CognitoError::SerializationException)?
    };
    let name = |k: &str| input.get(k).and_then(Value::as_str).map(str::to_string);
    scope.pool = name("UserPoolId");
    scope.client = name("ClientId");
    if let Some(op) = crate::model::model().operations.get(operation) {
        scope.secrets = crate::model::model().sensitive_values(op, &input);
    }
    if runs_inline(operation) {
        let ctx = request_ctx(app, parts, request_id, None);
        return unpanicked(|| ops::invoke(&ctx, operation, input));
    }
    if multi_thread_runtime() {
        // This connection's thread runs the handler itself instead of handing it to the blocking pool
        // and back (two thread wake-ups per request: ~0.1 ms of a lone request on the bench machine,
        // ~10% of the machine idle under load). A handler blocks at most this one runtime thread; the
        // runtime's other threads take over its other tasks, and a wait on something outside the
        // emulator (a Lambda trigger, an identity provider) moves off it (`blocking::off_runtime`).
        if let Some(permit) = idle_slot(app) {
            // No other handler is computing: it holds the idle slot, so it may split its work over
            // two cores.
            let slot = Arc::new(WorkerSlot::new(app.workers.clone(), permit));
            let ctx = request_ctx(app, parts, request_id, Some(slot.clone()));
            return unpanicked(|| invoke_in_slot(&ctx, slot, operation, input));
        }
        // Beside other handlers: the permit, when one is free, counts it as computing.
        let _computing = app.workers.clone().try_acquire_owned().ok();
        let ctx = request_ctx(app, parts, request_id, None);
        return unpanicked(|| ops::invoke(&ctx, operation, input));
    }
    let operation = operation.to_string();
    // Handlers are CPU-bound (argon2, RSA, SRP). On a single-threaded runtime (an embedding test) they
    // run on the blocking pool, [`app::HANDLER_SLOTS_PER_CORE`] per core at once, the rest waiting in
    // arrival order. A handler waiting on a Lambda trigger gives its slot back meanwhile
    // (`Ctx::waiting`).
    let permit = app
        .workers
        .clone()
        .acquire_owned()
        .await
        .map_err(CognitoError::internal)?;
    let slot = Arc::new(WorkerSlot::new(app.workers.clone(), permit));
    let ctx = request_ctx(app, parts, request_id, Some(slot.clone()));
    tokio::task::spawn_blocking(move || invoke_in_slot(&ctx, slot, &operation, input))
        .await
        .map_err(|e| CognitoError::internal(format_args!("handler panicked: {e}")))?
}

/// The context of one API request: region and issuer from its headers, its SDK, its origin, and the
/// handler slot it holds (none for the key lookups, nor for a handler run under load).
fn request_ctx(
    app: &Arc<App>,
    parts: &hyper::http::request::Parts,
    request_id: &str,
    worker: Option<Arc<WorkerSlot>>,
) -> Ctx {
    Ctx {
        app: app.clone(),
        region: signed_region(&parts.headers).unwrap_or_else(|| app.config.region.clone()),
        issuer_base: issuer_base(app, &parts.headers),
        request_id: request_id.to_string(),
        sdk: sdk_of(
            parts
                .headers
                .get(hyper::header::USER_AGENT)
                .and_then(|v| v.to_str().ok()),
        ),
        worker,
        origin: Origin::of(&parts.headers, parts.extensions.get::<PeerAddr>().copied()),
    }
}

/// Operations that read a few rows by key and do no other work (no hashing, no signing, no Lambda, no
/// writes, no scan that grows with the pool): they run on the connection's own thread without ever
/// taking a handler slot, so they are never counted as computing (they were the first to leave the
/// blocking pool: about 0.1 ms of a GetUser here).
fn runs_inline(operation: &str) -> bool {
    matches!(
        operation,
        "GetUser"
            | "AdminGetUser"
            | "DescribeUserPoolClient"
            | "GetGroup"
            | "GetUserPoolMfaConfig"
            | "DescribeResourceServer"
            | "DescribeIdentityProvider"
            | "DescribeUserPoolDomain"
    )
}

/// A handler slot when every slot is free (no other handler computing).
fn idle_slot(app: &Arc<App>) -> Option<tokio::sync::OwnedSemaphorePermit> {
    if app.workers.available_permits() < app.slots {
        return None;
    }
    app.workers.clone().try_acquire_owned().ok()
}

/// Runs the operation holding handler slot `slot`: a handler waiting for the database writer gives its
/// slot back meanwhile, as for a Lambda.
fn invoke_in_slot(
    ctx: &Ctx,
    slot: Arc<WorkerSlot>,
    operation: &str,
    input: Value,
) -> Result<Value, CognitoError> {
    let hook: std::rc::Rc<dyn crate::store::WaitHook> = std::rc::Rc::new(SlotHook(slot));
    crate::store::with_wait_hook(hook, || ops::invoke(ctx, operation, input))
}

/// `f` on this thread, a panic answered as an internal error (as spawn_blocking's would be) instead of
/// taking the connection down.
fn unpanicked(f: impl FnOnce() -> Result<Value, CognitoError>) -> Result<Value, CognitoError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(CognitoError::internal("handler panicked")))
}

/// The wait hook of a handler: its slot.
struct SlotHook(Arc<WorkerSlot>);

impl crate::store::WaitHook for SlotHook {
    fn release(&self) {
        crate::store::WaitHook::release(&*self.0);
    }

    fn reacquire(&self) {
        crate::store::WaitHook::reacquire(&*self.0);
    }
}
