//! The emulator's own API under `/_emulator/` (not part of Cognito): the outbox for tests that read codes
//! without SMTP.

use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::json;

use crate::protocol::Body;
use crate::server::{json_error, json_ok};
use crate::store::outbox;
use crate::{App, store};

fn query_params(req: &Request<Incoming>) -> Vec<(String, String)> {
    let Some(q) = req.uri().query() else {
        return Vec::new();
    };
    q.split('&')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((percent_decode(k)?, percent_decode(v)?))
        })
        .collect()
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Routes `/_emulator/...`.
pub async fn handle(app: &App, req: Request<Incoming>) -> Response<Body> {
    let path = req.uri().path().trim_end_matches('/').to_string();
    match (req.method(), path.as_str()) {
        (&Method::GET, "/_emulator/messages") => messages(app, &req),
        _ => json_error(
            StatusCode::NOT_FOUND,
            &format!("No control route {} {path}", req.method()),
        ),
    }
}

/// `GET /_emulator/messages?pool=&username=&destination=&after=`: the outbox, oldest first.
fn messages(app: &App, req: &Request<Incoming>) -> Response<Body> {
    let mut filter = outbox::Filter::default();
    for (k, v) in query_params(req) {
        match k.as_str() {
            "pool" | "poolId" => filter.pool_id = Some(v),
            "username" => filter.username = Some(v),
            "destination" | "email" | "phone" => filter.destination = Some(v),
            "after" => match v.parse() {
                Ok(n) => filter.after = Some(n),
                Err(_) => return json_error(StatusCode::BAD_REQUEST, "after must be a message id"),
            },
            other => {
                return json_error(StatusCode::BAD_REQUEST, &format!("unknown filter {other}"));
            }
        }
    }
    match app.store.read(|c| store::outbox::list(c, &filter)) {
        Ok(rows) => json_ok(json!({"messages": rows})),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, e.message()),
    }
}
