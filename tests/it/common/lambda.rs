//! A Lambda Invoke API host for the Rust tests: functions are closures over the event, answered as
//! Lambda answers (the returned JSON; `X-Amz-Function-Error` for a thrown error; 404 for an unknown
//! function; 202 for asynchronous invocations). Every invocation is recorded.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// What a function does with an event.
pub enum Reply {
    /// Returns this JSON.
    Json(Value),
    /// Throws: `X-Amz-Function-Error: Unhandled` with this errorMessage.
    Throw(String),
    /// Answers this raw body (not JSON).
    Raw(String),
    /// Sleeps, then returns the event unchanged.
    Sleep(Duration),
}

type Handler = Arc<dyn Fn(&Value) -> Reply + Send + Sync>;

/// One recorded invocation.
#[derive(Debug, Clone)]
pub struct Call {
    /// The function name from the path (URL-decoded).
    pub function: String,
    /// X-Amz-Invocation-Type.
    pub invocation_type: String,
    /// The Authorization header.
    pub authorization: String,
    /// The event.
    pub event: Value,
}

/// A running host.
pub struct LambdaHost {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    handlers: Arc<Mutex<HashMap<String, Handler>>>,
    calls: Arc<Mutex<Vec<Call>>>,
}

/// The ARN of function `name` in us-east-1.
pub fn arn(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:123456789012:function:{name}")
}

fn decode(s: &str) -> String {
    cognito_emulator::http::percent_decode(s).unwrap_or_else(|| s.to_string())
}

impl LambdaHost {
    /// Starts a host with no functions.
    pub async fn start() -> LambdaHost {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let handlers: Arc<Mutex<HashMap<String, Handler>>> = Arc::default();
        let calls: Arc<Mutex<Vec<Call>>> = Arc::default();
        let (h, c) = (handlers.clone(), calls.clone());
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let (h, c) = (h.clone(), c.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |req| serve(h.clone(), c.clone(), req));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        LambdaHost { url, handlers, calls }
    }

    /// Registers function `name` (invoked by name or by ARN).
    pub fn add(&self, name: &str, f: impl Fn(&Value) -> Reply + Send + Sync + 'static) {
        self.handlers.lock().unwrap().insert(name.to_string(), Arc::new(f));
    }

    /// Every invocation so far.
    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    /// The invocations of function `name`.
    pub fn calls_of(&self, name: &str) -> Vec<Call> {
        self.calls().into_iter().filter(|c| c.function == name).collect()
    }

    /// The last event function `name` received.
    #[track_caller]
    pub fn last(&self, name: &str) -> Value {
        self.calls_of(name)
            .last()
            .map(|c| c.event.clone())
            .unwrap_or_else(|| panic!("{name} was not invoked"))
    }

    /// Waits (up to 5 s) until function `name` was invoked `n` times (asynchronous invocations).
    pub async fn wait_for(&self, name: &str, n: usize) -> Vec<Call> {
        for _ in 0..500 {
            let calls = self.calls_of(name);
            if calls.len() >= n {
                return calls;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("{name} was not invoked {n} times")
    }
}

async fn serve(
    handlers: Arc<Mutex<HashMap<String, Handler>>>,
    calls: Arc<Mutex<Vec<Call>>>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = req.uri().path().to_string();
    let header = |name: &str| {
        req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
    };
    let invocation_type = header("x-amz-invocation-type");
    let authorization = header("authorization");
    let name = path
        .strip_prefix("/2015-03-31/functions/")
        .and_then(|p| p.strip_suffix("/invocations"))
        .map(decode)
        .unwrap_or_default();
    // An ARN names the function by its last part (a qualifier after it is ignored here).
    let short = match name.strip_prefix("arn:aws:lambda:") {
        Some(rest) => rest.split(':').nth(3).unwrap_or_default().to_string(),
        None => name.clone(),
    };
    let body = req.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let handler = handlers.lock().unwrap().get(&short).cloned();
    let response = |status: u16, body: String, error: Option<&str>| {
        let mut b = Response::builder().status(status).header("content-type", "application/json");
        if let Some(kind) = error {
            b = b.header("x-amz-function-error", "Unhandled").header("x-amzn-errortype", kind);
        }
        Ok(b.body(Full::new(Bytes::from(body))).unwrap())
    };
    let Some(handler) = handler else {
        let body = json!({"Type": "User", "Message": format!("Function not found: {name}")});
        return Ok(Response::builder()
            .status(404)
            .header("x-amzn-errortype", "ResourceNotFoundException")
            .body(Full::new(Bytes::from(body.to_string())))
            .unwrap());
    };
    calls.lock().unwrap().push(Call {
        function: short,
        invocation_type: invocation_type.clone(),
        authorization,
        event: event.clone(),
    });
    if invocation_type == "Event" {
        let _ = handler(&event);
        return response(202, String::new(), None);
    }
    match handler(&event) {
        Reply::Json(v) => response(200, v.to_string(), None),
        Reply::Throw(message) => {
            let body = json!({"errorMessage": message, "errorType": "Error", "stackTrace": []});
            let mut r = Response::builder().status(200).header("x-amz-function-error", "Unhandled");
            r = r.header("content-type", "application/json");
            Ok(r.body(Full::new(Bytes::from(body.to_string()))).unwrap())
        }
        Reply::Raw(text) => response(200, text, None),
        Reply::Sleep(d) => {
            tokio::time::sleep(d).await;
            response(200, event.to_string(), None)
        }
    }
}

/// The event with `response` members set (what a handler that changes its response returns).
pub fn respond(event: &Value, response: Value) -> Reply {
    let mut out = event.clone();
    if let (Some(r), Some(add)) = (out["response"].as_object_mut(), response.as_object()) {
        for (k, v) in add {
            r.insert(k.clone(), v.clone());
        }
    } else {
        out["response"] = response;
    }
    Reply::Json(out)
}
