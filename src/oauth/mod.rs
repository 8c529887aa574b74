//! OAuth 2.0 / OpenID Connect at the emulator's root, as a pool domain serves them: `/oauth2/authorize`,
//! `/oauth2/token`, `/oauth2/userInfo`, `/oauth2/revoke`, `/logout`, and the hosted pages (`/login`,
//! `/signup`, `/confirm`, `/resendcode`, `/forgotPassword`, `/confirmforgotPassword`, `/error`, and in
//! managed login `/passkeys/add`), with their branding and language (`branding`, `i18n`).
//!
//! A request finds its pool through the client id (or the access token), and, when its Host names a
//! pool domain (`<prefix>.auth.<region>.amazoncognito.com` or a custom domain), that domain's pool only.
//! Sign-in goes through the same state machine as the API (`auth`), sign-up and password reset
//! through the same operations (`ops`), so triggers and messages behave as they do there.

pub mod account;
pub mod account_pages;
pub mod authorize;
pub mod branding;
pub mod codes;
pub mod endpoints;
pub mod failure;
pub mod i18n;
pub mod login;
pub mod mfa_setup;
pub mod pages;
pub mod passkey_pages;
pub mod passkeys;
pub mod request;
pub mod session;
pub mod token;

use std::sync::Arc;

use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::{HeaderMap, Method, Request, Response, StatusCode};

use crate::app::{App, Ctx, Origin, PeerAddr, WorkerSlot, sdk_of};
use crate::html::{self, CSRF_FIELD, Csrf};
use crate::http::{Body, form_pairs, issuer_base};
use crate::store;

/// Whether `path` is served here.
pub fn serves(path: &str) -> bool {
    matches!(
        path,
        "/oauth2/authorize"
            | "/oauth2/token"
            | "/oauth2/userInfo"
            | "/oauth2/revoke"
            | "/logout"
            | "/login"
            | "/signup"
            | "/confirm"
            | "/resendcode"
            | "/forgotPassword"
            | "/confirmforgotPassword"
            | "/error"
            | "/passkeys/add"
            | passkey_pages::SCRIPT_PATH
    )
}

/// One request to the OAuth endpoints or pages, read in full.
pub struct Hosted {
    /// The request's context (iss follows the base it came in on).
    pub ctx: Ctx,
    /// GET or POST.
    pub method: Method,
    /// The path.
    pub path: String,
    /// Decoded query pairs.
    pub query: Vec<(String, String)>,
    /// Decoded form pairs (POST bodies).
    pub form: Vec<(String, String)>,
    /// The request headers.
    pub headers: HeaderMap,
    /// `http(s)://<Host>` of this request.
    pub base: String,
    /// True over TLS (cookies get `Secure`).
    pub secure: bool,
    /// The pool of the domain the Host names, if any.
    pub domain_pool: Option<String>,
}

fn first<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

impl Hosted {
    /// A query parameter (empty values count as absent).
    pub fn q(&self, name: &str) -> Option<&str> {
        first(&self.query, name).filter(|v| !v.is_empty())
    }

    /// A form field (empty values count as absent).
    pub fn f(&self, name: &str) -> Option<&str> {
        first(&self.form, name).filter(|v| !v.is_empty())
    }

    /// This browser's CSRF token for the forms of a page.
    pub fn csrf(&self) -> Csrf {
        Csrf::prepare(&self.ctx.app.page_key, &self.headers, self.secure)
    }

    /// Whether the POST carries this browser's CSRF token.
    pub fn csrf_ok(&self) -> bool {
        let given = self.f(CSRF_FIELD).or_else(|| self.f("csrf"));
        Csrf::verify(&self.ctx.app.page_key, &self.headers, given)
    }
}

/// The pool of the domain `host` names: `<prefix>.auth.<region>.amazoncognito.com` or a custom domain.
fn domain_pool(app: &App, headers: &HeaderMap) -> Option<String> {
    let key = domain_name(headers)?;
    let row = app.store.read(|c| store::domains::get(c, &key)).ok()??;
    Some(row.pool_id)
}

/// The domain name the request's Host would be stored under: the prefix of
/// `<prefix>.auth.<region>.amazoncognito.com`, else the host name itself (a custom domain).
pub fn domain_name(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(hyper::header::HOST)?.to_str().ok()?;
    let name = host.rsplit_once(':').map_or(host, |(h, p)| {
        if p.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    let name = name.to_ascii_lowercase();
    Some(match name.split_once(".auth.") {
        Some((prefix, rest)) if rest.ends_with(".amazoncognito.com") => prefix.to_string(),
        _ => name,
    })
}

/// Routes one request to the endpoints and pages (`tls`: it came in on the HTTPS listener).
pub async fn handle(app: Arc<App>, req: Request<Incoming>, tls: bool) -> Response<Body> {
    let hosted = match read(app, req, tls).await {
        Ok(h) => h,
        Err(resp) => return resp,
    };
    match tokio::task::spawn_blocking(move || dispatch(&hosted)).await {
        Ok(resp) => resp,
        Err(e) => {
            tracing::error!(error = %e, "hosted handler panicked");
            endpoints::plain(StatusCode::INTERNAL_SERVER_ERROR, "Internal error")
        }
    }
}

/// Reads a request to the hosted endpoints in full (the federation callbacks use it too), holding a
/// handler slot for it.
pub async fn read(
    app: Arc<App>,
    req: Request<Incoming>,
    tls: bool,
) -> Result<Hosted, Response<Body>> {
    let (parts, body) = req.into_parts();
    let limit = app.config.max_body_bytes;
    let bytes = match http_body_util::Limited::new(body, limit).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            return Err(endpoints::plain(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request body too large",
            ));
        }
    };
    let form = if parts.method == Method::POST {
        form_pairs(std::str::from_utf8(&bytes).unwrap_or_default())
    } else {
        Vec::new()
    };
    let mut base = issuer_base(&app, &parts.headers);
    let request_base = request_base(&app, &parts.headers, tls);
    if app.config.issuer_url.is_none() {
        base = request_base.clone();
    }
    let permit = match app.workers.clone().acquire_owned().await {
        Ok(p) => p,
        Err(_) => {
            return Err(endpoints::plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "shutting down",
            ));
        }
    };
    let ctx = Ctx {
        app: app.clone(),
        region: app.config.region.clone(),
        issuer_base: base,
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
    let hosted = Hosted {
        domain_pool: domain_pool(&app, &parts.headers),
        ctx,
        method: parts.method.clone(),
        path: parts.uri.path().to_string(),
        query: crate::http::query_pairs(&parts.uri),
        form,
        headers: parts.headers,
        base: request_base,
        secure: tls,
    };
    Ok(hosted)
}

/// `http(s)://<Host>` of the request itself (the base the discovery document's endpoints use).
pub fn request_base(app: &App, headers: &HeaderMap, tls: bool) -> String {
    let plain = issuer_base_from_host(app, headers);
    if tls {
        plain.replacen("http://", "https://", 1)
    } else {
        plain
    }
}

fn issuer_base_from_host(app: &App, headers: &HeaderMap) -> String {
    let host = headers
        .get(hyper::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_string)
        .unwrap_or_else(|| format!("{}:{}", app.config.host, app.config.port));
    format!("http://{host}")
}

fn dispatch(h: &Hosted) -> Response<Body> {
    let started = std::time::Instant::now();
    let resp = match (&h.method, h.path.as_str()) {
        (&Method::GET, "/oauth2/authorize") => authorize::authorize(h),
        (&Method::POST, "/oauth2/token") => token::token(h),
        (&Method::GET | &Method::POST, "/oauth2/userInfo") => endpoints::user_info(h),
        (&Method::POST, "/oauth2/revoke") => endpoints::revoke(h),
        (&Method::GET, "/logout") => endpoints::logout(h),
        (&Method::GET, "/error") => endpoints::error_page(h),
        (&Method::GET, passkey_pages::SCRIPT_PATH) => passkey_pages::script(),
        (m, _) if *m != Method::GET && *m != Method::POST => {
            endpoints::plain(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed")
        }
        (&Method::POST, _) if !h.path.starts_with("/oauth2/") && !h.csrf_ok() => {
            pages::forbidden(h)
        }
        (_, "/login") => login::login(h),
        (_, "/signup") => account::sign_up(h),
        (_, "/confirm") => account::confirm(h),
        (&Method::POST, "/resendcode") => account::resend(h),
        (_, "/forgotPassword") => account::forgot_password(h),
        (_, "/confirmforgotPassword") => account::confirm_forgot_password(h),
        (_, "/passkeys/add") => passkeys::add(h),
        _ => endpoints::plain(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed"),
    };
    tracing::info!(
        request_id = h.ctx.request_id,
        method = %h.method,
        path = h.path,
        status = resp.status().as_u16(),
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "hosted"
    );
    resp
}

/// An `html::Page` response with status `status`, in English without branding (pages that belong to
/// no app client, such as the error page; the others go through `branding::View::page`).
pub fn page(status: StatusCode, title: &str, body: String, cookies: &[String]) -> Response<Body> {
    let branding = html::Branding::default();
    let doc = html::render(&html::Page {
        title,
        body,
        branding: &branding,
        lang: "en",
        footer: i18n::text(i18n::Lang::En, i18n::T::Footer),
        script: None,
    });
    html::response(status, doc, cookies)
}
