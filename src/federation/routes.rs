//! The federation routes: `/oauth2/idpresponse` (OIDC and social IdPs), `/saml2/idpresponse` and
//! `/<poolId>/saml2/idpresponse` (SAML ACS, POST binding), `/saml2/logout` (single sign-out), and
//! `GET /<poolId>/saml2/metadata` (the pool's SP metadata, an emulator extension). Requests are read
//! as the hosted pages' are (`oauth::read`); none of these carries the pages' CSRF token: the IdP's
//! answer is bound to the pool by `state` / RelayState and the SAML signature instead.

use std::sync::Arc;

use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};

use crate::app::App;
use crate::federation::{oidc, saml_flow};
use crate::http::Body;
use crate::oauth::{self, Hosted};

/// Whether `path` is served here.
pub fn serves(path: &str) -> bool {
    match path {
        "/oauth2/idpresponse" | "/saml2/idpresponse" | "/saml2/logout" => true,
        _ => pool_route(path).is_some(),
    }
}

/// `/<poolId>/saml2/<idpresponse|metadata>` → (pool id, last segment).
fn pool_route(path: &str) -> Option<(&str, &str)> {
    let mut parts = path.trim_start_matches('/').split('/');
    let (pool, saml, last) = (parts.next()?, parts.next()?, parts.next()?);
    let ok = parts.next().is_none()
        && saml == "saml2"
        && (last == "idpresponse" || last == "metadata")
        && pool.contains('_')
        && pool.len() <= 55;
    ok.then_some((pool, last))
}

/// Serves one request.
pub async fn handle(app: Arc<App>, req: Request<Incoming>, tls: bool) -> Response<Body> {
    let hosted = match oauth::read(app, req, tls).await {
        Ok(h) => h,
        Err(resp) => return resp,
    };
    match tokio::task::spawn_blocking(move || dispatch(&hosted)).await {
        Ok(resp) => resp,
        Err(e) => {
            tracing::error!(error = %e, "federation handler panicked");
            plain(StatusCode::INTERNAL_SERVER_ERROR, "Internal error")
        }
    }
}

fn plain(status: StatusCode, text: &str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(hyper::header::CONTENT_TYPE, "text/plain;charset=UTF-8")
        .body(Body::from(text.to_string()))
        .expect("valid response")
}

fn dispatch(h: &Hosted) -> Response<Body> {
    let started = std::time::Instant::now();
    let resp = match (&h.method, h.path.as_str()) {
        (&Method::GET | &Method::POST, "/oauth2/idpresponse") => oidc::callback(h),
        (&Method::POST, "/saml2/idpresponse") => saml_flow::acs(h),
        (&Method::GET | &Method::POST, "/saml2/logout") => saml_flow::logout_response(h),
        (m, path) => match (m, pool_route(path)) {
            (&Method::POST, Some((_, "idpresponse"))) => saml_flow::acs(h),
            (&Method::GET, Some((pool, "metadata"))) => saml_flow::sp_metadata(h, pool),
            _ => plain(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed"),
        },
    };
    tracing::info!(
        request_id = h.ctx.request_id,
        method = %h.method,
        path = h.path,
        status = resp.status().as_u16(),
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "federation"
    );
    resp
}
