//! The Lambda Invoke API client: `POST {endpoint}/2015-03-31/functions/{name}/invocations` with the
//! event as body, SigV4-signed, answered as Lambda answers (the function's JSON; `X-Amz-Function-Error`
//! when it threw; 404 for an unknown function). Holds no database handle: callers invoke between
//! transactions.

use std::sync::RwLock;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

use crate::config::{Config, LambdaFunction};
use crate::crypto::sigv4;

/// Where one function is invoked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Base URL of the host.
    pub endpoint: String,
    /// The name (or ARN) sent in the path.
    pub name: String,
}

impl Target {
    /// The Invoke URL.
    pub fn url(&self) -> String {
        format!(
            "{}/2015-03-31/functions/{}/invocations",
            self.endpoint,
            sigv4::uri_encode(&self.name, false)
        )
    }
}

/// How an invocation ended, before it is turned into AWS's exception.
#[derive(Debug)]
pub enum Answer {
    /// The function returned this JSON (or `None` for an empty / non-JSON body, with the raw text).
    Returned(Result<Value, String>),
    /// The function threw (`X-Amz-Function-Error`): its `errorMessage`.
    FunctionError(String),
    /// The host answered 404: no such function.
    NotFound,
    /// The host answered another error status: Lambda's error type when it names one.
    Status(u16, String),
    /// No answer within the timeout.
    Timeout,
    /// The host could not be reached.
    Unreachable(String),
    /// Accepted for asynchronous invocation (202).
    Accepted,
}

/// The Invoke client and the emulator's Lambda settings.
pub struct Invoker {
    client: Client<HttpConnector, Full<Bytes>>,
    endpoint: Option<String>,
    functions: RwLock<Vec<LambdaFunction>>,
    timeout: Duration,
    access_key: String,
    secret_key: String,
}

/// `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]` → (region, name).
pub fn parse_arn(function: &str) -> Option<(&str, &str)> {
    let rest = function.strip_prefix("arn:")?;
    let mut parts = rest.splitn(7, ':');
    let _partition = parts.next()?;
    if parts.next()? != "lambda" {
        return None;
    }
    let region = parts.next()?;
    let _account = parts.next()?;
    if parts.next()? != "function" {
        return None;
    }
    Some((region, parts.next()?))
}

impl Invoker {
    /// The client for `config`'s Lambda settings.
    pub fn new(config: &Config) -> Invoker {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        Invoker {
            client: Client::builder(TokioExecutor::new()).build(connector),
            endpoint: config
                .lambda_endpoint
                .as_ref()
                .map(|e| e.trim_end_matches('/').to_string()),
            functions: RwLock::new(config.lambda_functions.clone()),
            timeout: Duration::from_secs_f64(config.lambda_timeout_seconds.max(0.001)),
            access_key: config.lambda_access_key.clone(),
            secret_key: config.lambda_secret_key.clone(),
        }
    }

    /// Where `function` (an ARN or name from a LambdaConfig) is invoked: its own `--lambda-function`
    /// entry (matched by ARN, by ARN without qualifier, or by name), else `--lambda-endpoint`.
    pub fn target(&self, function: &str) -> Option<Target> {
        let name = parse_arn(function).map(|(_, n)| n);
        let unqualified = function.rsplit_once(':').map(|(a, _)| a);
        let functions = self.functions.read().unwrap_or_else(|e| e.into_inner());
        let own = functions.iter().find(|f| {
            f.function == function
                || Some(f.function.as_str()) == name
                || (unqualified.is_some() && Some(f.function.as_str()) == unqualified)
        });
        match own {
            Some(f) => Some(Target {
                endpoint: f.endpoint.clone(),
                name: f.invoke_as.clone().unwrap_or_else(|| function.to_string()),
            }),
            None => self.endpoint.as_ref().map(|e| Target {
                endpoint: e.clone(),
                name: function.to_string(),
            }),
        }
    }

    /// Adds (or replaces) where one function runs (seed files).
    pub fn add_function(&self, f: LambdaFunction) {
        let mut functions = self.functions.write().unwrap_or_else(|e| e.into_inner());
        functions.retain(|g| g.function != f.function);
        functions.push(f);
    }

    /// Invokes `target` with `event`; `asynchronous` uses the `Event` invocation type. Blocks the
    /// calling thread up to the timeout (callers wait through `Ctx::waiting`, which first moves a
    /// runtime thread's other tasks elsewhere).
    pub fn invoke(
        &self,
        target: &Target,
        region: &str,
        event: &Value,
        asynchronous: bool,
        now_secs: i64,
    ) -> Answer {
        let Some(host) = target
            .endpoint
            .strip_prefix("http://")
            .map(|rest| rest.split('/').next().unwrap_or(rest).to_string())
        else {
            return Answer::Unreachable(format!(
                "{} is not an http:// endpoint (https is not supported for Lambda hosts)",
                target.endpoint
            ));
        };
        let body = event.to_string().into_bytes();
        let kind = if asynchronous {
            "Event"
        } else {
            "RequestResponse"
        };
        let amz_date = sigv4::amz_date(now_secs);
        // Lambda signs its path encoded once more than it is sent (`%3A` is signed as `%253A`).
        let path = format!(
            "/2015-03-31/functions/{}/invocations",
            sigv4::uri_encode(&target.name, false)
        );
        let canonical_uri = sigv4::uri_encode(&path, true);
        let headers = vec![
            ("host".to_string(), host.clone()),
            ("x-amz-date".to_string(), amz_date.clone()),
            ("x-amz-invocation-type".to_string(), kind.to_string()),
            ("x-amz-content-sha256".to_string(), sigv4::sha256_hex(&body)),
        ];
        let creds = sigv4::Credentials {
            access_key: &self.access_key,
            secret_key: &self.secret_key,
            region,
            service: "lambda",
        };
        let request = sigv4::Request {
            method: "POST",
            canonical_uri: &canonical_uri,
            query: &[],
            headers: &headers,
            body: &body,
        };
        let authorization = sigv4::authorization(&request, &creds, &amz_date);
        let mut builder = hyper::Request::post(target.url())
            .header("content-type", "application/json")
            .header("authorization", authorization);
        for (k, v) in &headers {
            if k != "host" {
                builder = builder.header(k.as_str(), v.as_str());
            }
        }
        let request = match builder.body(Full::new(Bytes::from(body))) {
            Ok(r) => r,
            Err(e) => return Answer::Unreachable(format!("cannot build the request: {e}")),
        };
        let client = self.client.clone();
        let timeout = self.timeout;
        let call = async move {
            let response = client.request(request).await.map_err(|e| {
                let mut text = e.to_string();
                if let Some(source) = std::error::Error::source(&e) {
                    text = format!("{text}: {source}");
                }
                text
            })?;
            let status = response.status().as_u16();
            let function_error = response
                .headers()
                .get("x-amz-function-error")
                .map(|v| v.to_str().unwrap_or("Unhandled").to_string());
            let error_type = response
                .headers()
                .get("x-amzn-errortype")
                .and_then(|v| v.to_str().ok())
                .map(|v| v.split(':').next().unwrap_or(v).to_string());
            let bytes = response
                .into_body()
                .collect()
                .await
                .map_err(|e| e.to_string())?
                .to_bytes();
            Ok::<_, String>((status, function_error, error_type, bytes))
        };
        let started = Instant::now();
        let handle = tokio::runtime::Handle::current();
        let result = handle.block_on(async { tokio::time::timeout(timeout, call).await });
        let (status, function_error, error_type, bytes) = match result {
            Err(_) => return Answer::Timeout,
            Ok(Err(e)) => return Answer::Unreachable(e),
            Ok(Ok(parts)) => parts,
        };
        tracing::debug!(
            url = target.url(),
            status,
            elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
            "lambda answered"
        );
        let parsed: Result<Value, String> = serde_json::from_slice(&bytes)
            .map_err(|_| String::from_utf8_lossy(&bytes).into_owned());
        match status {
            202 if asynchronous => Answer::Accepted,
            200..=299 if function_error.is_some() => {
                let message = parsed
                    .as_ref()
                    .ok()
                    .and_then(|v| v.get("errorMessage"))
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| match &parsed {
                        Ok(v) => v.to_string(),
                        Err(text) => text.clone(),
                    });
                Answer::FunctionError(message)
            }
            200..=299 => {
                // A body carrying only Lambda's error document is a function error too (hosts that do
                // not set the header).
                if let Ok(v) = &parsed {
                    if let (Some(m), Some(obj)) = (v.get("errorMessage"), v.as_object()) {
                        if obj.keys().all(|k| {
                            matches!(
                                k.as_str(),
                                "errorMessage" | "errorType" | "stackTrace" | "trace" | "requestId"
                            )
                        }) {
                            return Answer::FunctionError(
                                m.as_str()
                                    .map(str::to_string)
                                    .unwrap_or_else(|| m.to_string()),
                            );
                        }
                    }
                }
                Answer::Returned(parsed)
            }
            404 => Answer::NotFound,
            s => Answer::Status(
                s,
                error_type
                    .or_else(|| {
                        parsed
                            .ok()
                            .and_then(|v| v.get("Type").or(v.get("__type")).cloned())
                            .and_then(|t| t.as_str().map(str::to_string))
                    })
                    .unwrap_or_else(|| "ServiceException".into()),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invoker(args: &[&str]) -> Invoker {
        let mut all = vec!["cognito-emulator"];
        all.extend_from_slice(args);
        use clap::Parser;
        Invoker::new(&Config::parse_from(all))
    }

    #[test]
    fn functions_find_their_host() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:pre-signup";
        let none = invoker(&[]);
        assert_eq!(none.target(arn), None);
        let default = invoker(&["--lambda-endpoint", "http://127.0.0.1:3001/"]);
        assert_eq!(
            default.target(arn).unwrap().url(),
            "http://127.0.0.1:3001/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Apre-signup/invocations"
        );
        let own = invoker(&[
            "--lambda-endpoint",
            "http://127.0.0.1:3001",
            "--lambda-function",
            "pre-signup=http://localhost:3002#triggers-dev-preSignUp",
        ]);
        let t = own.target(&format!("{arn}:live")).unwrap();
        assert_eq!(t.endpoint, "http://localhost:3002");
        assert_eq!(t.name, "triggers-dev-preSignUp");
        let other = own
            .target("arn:aws:lambda:us-east-1:123456789012:function:other")
            .unwrap();
        assert_eq!(other.endpoint, "http://127.0.0.1:3001");
        assert_eq!(parse_arn(arn), Some(("us-east-1", "pre-signup")));
        assert_eq!(parse_arn("pre-signup"), None);
    }
}
