//! `GET /oauth2/authorize`: the request checked (`request`), then straight back to the client within a
//! live hosted session, `login_required` for `prompt=none` without one, else the sign-in page.

use hyper::Response;

use crate::html;
use crate::http::Body;
use crate::oauth::request::parse;
use crate::oauth::{Hosted, codes, session};

/// `GET /oauth2/authorize`: with a live session (and no `prompt=login`), straight back to the client
/// with fresh tokens; `prompt=none` without one is `login_required`; otherwise the sign-in page with
/// the same parameters.
pub fn authorize(h: &Hosted) -> Response<Body> {
    let req = match parse(h, &h.query) {
        Ok(r) => r,
        Err(refusal) => return refusal.response(),
    };
    if let Some(resp) = crate::federation::start::authorize(h, &req) {
        return resp;
    }
    let prompt = h.q("prompt").unwrap_or_default();
    let prompts: Vec<&str> = prompt.split(' ').collect();
    if !prompts.contains(&"login") {
        if let Some((live, user)) = session::current(h, &req.pool) {
            return match session::reissue(h, &req, &user, live.auth_time) {
                Ok(tokens) => codes::complete(h, &req, &user, tokens, Vec::new()),
                Err(e) => req.error("access_denied", Some(e.message())),
            };
        }
    }
    if prompts.contains(&"none") {
        return req.error("login_required", None);
    }
    html::redirect(&format!("/login{}", req.query_suffix()), &[])
}
