//! The emulator's calls to identity providers (discovery, JWKS, token, userinfo, SAML metadata): plain
//! HTTP/1.1 with a timeout, made from a handler thread without holding its CPU slot. Only `http://`
//! URLs are reached — the local stand-ins an offline emulator talks to; an `https://` IdP gets a clear
//! error instead (the emulator carries no public trust store).

use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::app::Ctx;
use crate::html::query_string;

/// How long an IdP may take to answer one call.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// The largest answer read (metadata documents can be large; nothing legitimate is near this).
const MAX_BODY: usize = 2 * 1024 * 1024;

/// An IdP's answer.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as JSON, when it is.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// No answer within [`TIMEOUT`].
    Timeout,
    /// Not reachable (refused, reset, bad URL, https).
    Unreachable(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Timeout => write!(f, "Read timed out"),
            CallError::Unreachable(why) => write!(f, "{why}"),
        }
    }
}

/// `GET url` with `headers`.
pub fn get(ctx: &Ctx, url: &str, headers: &[(&str, String)]) -> Result<Reply, CallError> {
    call(ctx, "GET", url, headers, None)
}

/// `POST url` with a form body.
pub fn post_form(
    ctx: &Ctx,
    url: &str,
    form: &[(&str, &str)],
    headers: &[(&str, String)],
) -> Result<Reply, CallError> {
    let body = query_string(form.iter().copied());
    call(ctx, "POST", url, headers, Some(body))
}

fn call(
    ctx: &Ctx,
    method: &str,
    url: &str,
    headers: &[(&str, String)],
    form: Option<String>,
) -> Result<Reply, CallError> {
    if !url.starts_with("http://") {
        return Err(CallError::Unreachable(format!(
            "cognito-emulator reaches identity providers over http:// only (a local stand-in); cannot call {url}"
        )));
    }
    let mut builder = hyper::Request::builder()
        .method(method)
        .uri(url)
        .header("user-agent", "Amazon/Cognito")
        .header("accept", "application/json, */*");
    for (k, v) in headers {
        builder = builder.header(*k, v.as_str());
    }
    if form.is_some() {
        builder = builder.header("content-type", "application/x-www-form-urlencoded");
    }
    let request = builder
        .body(Full::new(Bytes::from(form.unwrap_or_default())))
        .map_err(|e| CallError::Unreachable(format!("invalid URL {url}: {e}")))?;
    let exchange = async move {
        let mut connector = HttpConnector::new();
        connector.set_connect_timeout(Some(TIMEOUT));
        let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(0)
            .build(connector);
        let response = client.request(request).await.map_err(|e| {
            let mut text = e.to_string();
            if let Some(source) = std::error::Error::source(&e) {
                text = format!("{text}: {source}");
            }
            CallError::Unreachable(text)
        })?;
        let status = response.status().as_u16();
        let body = http_body_util::Limited::new(response.into_body(), MAX_BODY)
            .collect()
            .await
            .map_err(|e| CallError::Unreachable(format!("reading the answer: {e}")))?
            .to_bytes()
            .to_vec();
        Ok(Reply { status, body })
    };
    // A runtime of its own on a thread of its own: callers are handler threads, the seed loader at
    // start-up, or tests, and none of them may block a runtime they are part of.
    let result = ctx.waiting(|| {
        std::thread::scope(|s| {
            s.spawn(|| {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| CallError::Unreachable(format!("runtime: {e}")))?;
                rt.block_on(async { tokio::time::timeout(TIMEOUT, exchange).await })
                    .map_err(|_| CallError::Timeout)?
            })
            .join()
            .unwrap_or_else(|_| Err(CallError::Unreachable("the call panicked".into())))
        })
    });
    let reply = result?;
    tracing::debug!(
        method,
        url,
        status = reply.status,
        "identity provider answered"
    );
    Ok(reply)
}
