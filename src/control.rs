//! The emulator's own API under `/_emulator/` (not part of Cognito), for tests and local tooling:
//!
//! - `GET  /_emulator/messages?pool=&username=&destination=&after=` — the outbox, oldest first;
//! - `POST /_emulator/reset` — deletes all state, then re-applies the seed file;
//!   `POST /_emulator/reset?pool=<id>` — deletes one pool's users, groups and messages (pool and clients
//!   stay), then re-applies that pool's seed entries;
//! - `GET  /_emulator/clock` — the emulator's time; `POST /_emulator/clock` with
//!   `{"advanceSeconds": n}` moves it forward (every expiry follows it);
//! - `GET  /_emulator/export` — the current state as a seed file;
//! - `GET  /_emulator/invocations?pool=&trigger=&after=` — the last Lambda trigger invocations (event,
//!   answer, duration, outcome), oldest first;
//! - `GET  /_emulator/auth-events?pool=&username=` — a user's auth events (AdminListUserAuthEvents)
//!   with the feedback token a risk notification email would carry (for UpdateAuthEventFeedback).

use std::sync::Arc;

use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{Value, json};

use crate::app::App;
use crate::http::{Body, json_error, json_ok, query_pairs};
use crate::store::outbox;
use crate::{seed, store};

/// Routes `/_emulator/...`.
pub async fn handle(app: &Arc<App>, req: Request<Incoming>) -> Response<Body> {
    let path = req.uri().path().trim_end_matches('/').to_string();
    match (req.method().clone(), path.as_str()) {
        (Method::GET, "/_emulator/messages") => messages(app, &req),
        (Method::GET, "/_emulator/invocations") => invocations(app, &req),
        (Method::GET, "/_emulator/auth-events") => auth_events(app, &req),
        (Method::POST, "/_emulator/reset") => reset(app, &req).await,
        (Method::GET, "/_emulator/clock") => clock(app),
        (Method::POST, "/_emulator/clock") => advance(app, req).await,
        (Method::GET, "/_emulator/export") => {
            let app = app.clone();
            match tokio::task::spawn_blocking(move || seed::export(&app)).await {
                Ok(Ok(doc)) => json_ok(doc),
                Ok(Err(e)) => json_error(StatusCode::INTERNAL_SERVER_ERROR, e.message()),
                Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
            }
        }
        (m, p) => json_error(StatusCode::NOT_FOUND, &format!("No control route {m} {p}")),
    }
}

fn auth_events(app: &App, req: &Request<Incoming>) -> Response<Body> {
    let mut pool_id = None;
    let mut username = None;
    for (k, v) in query_pairs(req.uri()) {
        match k.as_str() {
            "pool" | "poolId" => pool_id = Some(v),
            "username" => username = Some(v),
            other => {
                return json_error(StatusCode::BAD_REQUEST, &format!("unknown filter {other}"));
            }
        }
    }
    let (Some(pool_id), Some(username)) = (pool_id, username) else {
        return json_error(StatusCode::BAD_REQUEST, "pool and username are required");
    };
    let found = app.store.read(|c| {
        let Some(pool) = store::pools::get(c, &pool_id)? else {
            return Ok(None);
        };
        let Some(user) = store::users::resolve(c, &pool.id, &pool.config, &username)? else {
            return Ok(None);
        };
        Ok(Some(store::auth_events::list(c, user.pk, 0, 100)?))
    });
    match found {
        Ok(Some(events)) => {
            let list: Vec<Value> = events
                .iter()
                .map(|e| {
                    json!({"eventId": e.id, "eventType": e.event_type, "eventResponse": e.response,
                           "creationDate": e.created_at, "feedbackToken": e.feedback_token})
                })
                .collect();
            json_ok(json!({"events": list}))
        }
        Ok(None) => json_error(StatusCode::NOT_FOUND, "no such pool or user"),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, e.message()),
    }
}

fn invocations(app: &App, req: &Request<Incoming>) -> Response<Body> {
    let mut filter = crate::triggers::log::Filter::default();
    for (k, v) in query_pairs(req.uri()) {
        match k.as_str() {
            "pool" | "poolId" => filter.pool_id = Some(v),
            "trigger" | "triggerSource" => filter.trigger = Some(v),
            "after" => match v.parse() {
                Ok(n) => filter.after = Some(n),
                Err(_) => {
                    return json_error(StatusCode::BAD_REQUEST, "after must be an invocation id");
                }
            },
            other => {
                return json_error(StatusCode::BAD_REQUEST, &format!("unknown filter {other}"));
            }
        }
    }
    json_ok(json!({"invocations": app.invocations.list(&filter)}))
}

fn messages(app: &App, req: &Request<Incoming>) -> Response<Body> {
    let mut filter = outbox::Filter::default();
    for (k, v) in query_pairs(req.uri()) {
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

async fn reset(app: &Arc<App>, req: &Request<Incoming>) -> Response<Body> {
    let pool = query_pairs(req.uri())
        .into_iter()
        .find(|(k, _)| k == "pool")
        .map(|(_, v)| v);
    let app = app.clone();
    match tokio::task::spawn_blocking(move || reset_state(&app, pool)).await {
        Ok(Ok(v)) => json_ok(v),
        Ok(Err((status, m))) => json_error(status, &m),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

/// Resets one pool (`Some(id)`: its users, groups and messages) or everything, then re-applies the seed
/// file's entries for it. Blocking (seeded passwords are hashed). The console's reset buttons use it too.
pub fn reset_state(app: &Arc<App>, pool: Option<String>) -> Result<Value, (StatusCode, String)> {
    let internal = |e: crate::error::CognitoError| {
        (StatusCode::INTERNAL_SERVER_ERROR, e.message().to_string())
    };
    match &pool {
        Some(id) => {
            if !app
                .store
                .read(|c| store::pools::exists(c, id))
                .map_err(internal)?
            {
                return Err((
                    StatusCode::NOT_FOUND,
                    format!("User pool {id} does not exist."),
                ));
            }
            app.store.reset_pool(id).map_err(internal)?;
        }
        None => {
            app.store.reset_all().map_err(internal)?;
            app.invocations.clear();
        }
    }
    app.passwords.forget_all();
    let seeded = match &app.config.seed {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("cannot read the seed: {e}"),
                )
            })?;
            let doc: Value = serde_json::from_str(&text).map_err(|e| {
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("seed is not JSON: {e}"),
                )
            })?;
            let s = seed::apply(app, doc, pool.as_deref())
                .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
            Some(s.to_string())
        }
        None => None,
    };
    tracing::info!(
        pool = pool.as_deref().unwrap_or("(all)"),
        seeded,
        "state reset"
    );
    Ok(json!({"reset": pool.unwrap_or_else(|| "all".into()), "seed": seeded}))
}

/// Moves the clock forward by `secs` (0 to 1000 years); `false` when out of range.
pub fn advance_clock(app: &App, secs: f64) -> bool {
    if !(secs >= 0.0 && secs * 1000.0 <= crate::clock::MAX_ADVANCE_MS as f64) {
        return false;
    }
    app.clock.advance_ms((secs * 1000.0).round() as i64);
    tracing::info!(advanced_seconds = secs, "clock moved forward");
    true
}

fn clock(app: &App) -> Response<Body> {
    json_ok(
        json!({"now": app.clock.now_f64(), "offsetSeconds": app.clock.offset_ms() as f64 / 1000.0}),
    )
}

async fn advance(app: &App, req: Request<Incoming>) -> Response<Body> {
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let secs = parsed
        .get("advanceSeconds")
        .and_then(Value::as_f64)
        .unwrap_or(-1.0);
    if !advance_clock(app, secs) {
        return json_error(
            StatusCode::BAD_REQUEST,
            "expected {\"advanceSeconds\": <number of seconds from 0 to 1000 years>}",
        );
    }
    clock(app)
}
