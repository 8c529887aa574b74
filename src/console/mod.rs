//! The web console under `/_emulator/ui`: pools and their settings, clients, groups, resource servers,
//! identity providers; users (search, a user's details, actions); the outbox with live refresh; a token
//! decoder; the trigger invocation log; the clock, resets and the seed export.
//!
//! Every action runs the same operation code as the API (`ops::invoke`), read views use operations or
//! the store's readers. Pages are rendered on the server with every value escaped; every state change
//! is a POST with a CSRF token; the one script is a static file (CSP without inline code).
//!
//! Access: on a loopback --host the console is open to this machine. Beyond loopback (or with
//! --console-token), it asks for the token printed at start once (`?token=...`), then a cookie carries
//! it. `--no-console` turns it off.

pub mod actions;
pub mod layout;
pub mod outbox;
pub mod pool_lists;
pub mod pools;
pub mod request;
pub mod statics;
pub mod system;
pub mod tokens;
pub mod user;
pub mod users;

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::{HeaderMap, Method, Request, Response, StatusCode};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::app::{App, Ctx, Origin, PeerAddr, WorkerSlot, sdk_of};
use crate::console::layout::{not_found, page, respond};
use crate::console::request::{Req, segments};
use crate::html::{self, Csrf, escape};
use crate::http::{Body, form_pairs, issuer_base, json_error, query_pairs};

/// The cookie that carries the console token (as an HMAC of it) after the first visit.
pub const ACCESS_COOKIE: &str = "cognito_emulator_console";

/// The start-up summary line naming the console's URL (with its token when it needs one).
pub fn summary(app: &App, local: &str) -> String {
    if app.config.no_console {
        return "console: off (--no-console)".into();
    }
    let authority = match local.rsplit_once(':') {
        Some(("0.0.0.0" | "[::]", port)) => format!("localhost:{port}"),
        _ => local.to_string(),
    };
    match &app.console_token {
        Some(token) => format!(
            "console: http://{authority}/_emulator/ui?token={}",
            html::url_encode(token)
        ),
        None => format!("console: http://{authority}/_emulator/ui"),
    }
}

fn access_mac(app: &App, token: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(&app.page_key).expect("HMAC takes any key");
    mac.update(b"console:");
    mac.update(token.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

fn same(a: &str, b: &str) -> bool {
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// What the console's access check decided.
enum Access {
    Granted,
    /// A right `?token=`: set the cookie and go to the same URL without it.
    Enter(String),
    Refused,
}

fn access(app: &App, headers: &HeaderMap, query: &[(String, String)]) -> Access {
    let Some(token) = &app.console_token else {
        return Access::Granted;
    };
    let want = access_mac(app, token);
    if let Some((_, given)) = query.iter().find(|(k, _)| k == "token") {
        return if same(given, token) {
            Access::Enter(want)
        } else {
            Access::Refused
        };
    }
    match html::cookie(headers, ACCESS_COOKIE) {
        Some(c) if same(&c, &want) => Access::Granted,
        _ => Access::Refused,
    }
}

fn refused(json: bool) -> Response<Body> {
    if json {
        return json_error(
            StatusCode::UNAUTHORIZED,
            "The console needs the token printed at start: open /_emulator/ui?token=<token> once",
        );
    }
    let doc = format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Console token needed</title>
<link rel="stylesheet" href="/_emulator/ui/console.css"></head><body><main><h1>Console token needed</h1>
<section class="card"><p>This emulator listens beyond this machine, so its console asks for the token it printed at
start. Open the <code>console:</code> URL from its start-up lines, <code>{}</code>, once; a cookie keeps you in.</p></section></main></body></html>"#,
        escape("/_emulator/ui?token=<token>")
    );
    respond(StatusCode::UNAUTHORIZED, doc, &[])
}

/// Routes `/_emulator/ui/...` (`tls`: the HTTPS listener; cookies get `Secure`).
pub async fn handle(app: Arc<App>, req: Request<Incoming>, tls: bool) -> Response<Body> {
    if app.config.no_console {
        return json_error(StatusCode::NOT_FOUND, "The console is off (--no-console)");
    }
    let (parts, body) = req.into_parts();
    let Some(segs) = segments(parts.uri.path()) else {
        return json_error(StatusCode::BAD_REQUEST, "The path does not decode");
    };
    if parts.method == Method::GET && segs.len() == 1 {
        if let Some(resp) = statics::file(&segs[0]) {
            return resp;
        }
    }
    let query = query_pairs(&parts.uri);
    match access(&app, &parts.headers, &query) {
        Access::Granted => {}
        Access::Refused => return refused(segs.last().is_some_and(|s| s.ends_with(".json"))),
        Access::Enter(mac) => {
            let rest: Vec<(&str, &str)> = query
                .iter()
                .filter(|(k, _)| k != "token")
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let mut location = parts.uri.path().to_string();
            if !rest.is_empty() {
                location = format!("{location}?{}", html::query_string(rest));
            }
            let cookie = format!(
                "{ACCESS_COOKIE}={mac}; Path=/_emulator/ui; Max-Age=2592000; HttpOnly; SameSite=Strict{}",
                if tls { "; Secure" } else { "" }
            );
            return html::redirect(&location, &[cookie]);
        }
    }
    if !matches!(parts.method, Method::GET | Method::POST) {
        return json_error(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed");
    }
    let limit = app.config.max_body_bytes;
    let bytes = match http_body_util::Limited::new(body, limit).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return json_error(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large"),
    };
    let form = if parts.method == Method::POST {
        form_pairs(std::str::from_utf8(&bytes).unwrap_or_default())
    } else {
        Vec::new()
    };
    let permit = match app.workers.clone().acquire_owned().await {
        Ok(p) => p,
        Err(_) => return json_error(StatusCode::SERVICE_UNAVAILABLE, "shutting down"),
    };
    let ctx = Ctx {
        app: app.clone(),
        region: app.config.region.clone(),
        issuer_base: issuer_base(&app, &parts.headers),
        request_id: crate::domain::ids::uuid(),
        sdk: sdk_of(
            parts
                .headers
                .get(hyper::header::USER_AGENT)
                .and_then(|v| v.to_str().ok()),
        ),
        worker: Some(Arc::new(WorkerSlot::new(app.workers.clone(), permit))),
        origin: Origin::of(&parts.headers, parts.extensions.get::<PeerAddr>().copied()),
    };
    let r = Req {
        csrf: Csrf::prepare(&app.page_key, &parts.headers, tls),
        ctx,
        method: parts.method,
        segments: segs,
        query,
        form,
        headers: parts.headers,
    };
    match tokio::task::spawn_blocking(move || dispatch(&r)).await {
        Ok(resp) => resp,
        Err(e) => {
            tracing::error!(error = %e, "console handler panicked");
            json_error(StatusCode::INTERNAL_SERVER_ERROR, "Internal error")
        }
    }
}

fn dispatch(r: &Req) -> Response<Body> {
    let started = std::time::Instant::now();
    let segs: Vec<&str> = r.segments.iter().map(String::as_str).collect();
    let post = r.method == Method::POST;
    let resp = if post && !r.csrf_ok() {
        page(
            r,
            StatusCode::FORBIDDEN,
            "Form expired",
            &[],
            r#"<div class="alert error" role="alert">This form's CSRF token is missing or does not match this browser's cookie. Go back, reload the page and try again.</div>"#,
        )
    } else {
        route(r, post, &segs)
    };
    tracing::info!(
        request_id = r.ctx.request_id,
        method = %r.method,
        path = %r.segments.join("/"),
        status = resp.status().as_u16(),
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "console"
    );
    resp
}

fn route(r: &Req, post: bool, segs: &[&str]) -> Response<Body> {
    match (post, segs) {
        (false, []) => pools::home(r),
        (false, ["pools", pool]) => pools::settings(r, pool),
        (false, ["pools", pool, "clients"]) => pool_lists::clients(r, pool),
        (false, ["pools", pool, "groups"]) => pool_lists::groups(r, pool),
        (false, ["pools", pool, "groups", group]) => pool_lists::group(r, pool, group),
        (false, ["pools", pool, "resource-servers"]) => pool_lists::resource_servers(r, pool),
        (false, ["pools", pool, "identity-providers"]) => pool_lists::identity_providers(r, pool),
        (false, ["pools", pool, "users"]) => users::list(r, pool),
        (false, ["pools", pool, "new-user"]) => users::new_user(r, pool, None),
        (true, ["pools", pool, "new-user"]) => actions::create_user(r, pool),
        (false, ["pools", pool, "users", username]) => user::page(r, pool, username, None),
        (true, ["pools", pool, "users", username, action]) => {
            actions::user_action(r, pool, username, action)
        }
        (true, ["pools", pool, "reset"]) => system::reset(r, Some(pool)),
        (true, ["reset"]) => system::reset(r, None),
        (false, ["outbox"]) => outbox::page(r),
        (false, ["outbox.json"]) => outbox::feed(r),
        (_, ["tokens"]) => tokens::page(r),
        (false, ["triggers"]) => system::triggers(r),
        (_, ["clock"]) => system::clock(r),
        (false, ["export"]) => system::export(r),
        _ => not_found(r, "No console page here."),
    }
}
