//! `/oauth2/authorize` with an IdP named (`identity_provider`, or `idp_identifier` resolved by the
//! request parser): a live hosted session from that IdP is reused, `prompt=none` without one is
//! `login_required`, otherwise the browser goes to the IdP.

use hyper::Response;

use crate::domain::identity_providers::ProviderType;
use crate::federation::state::session_idp;
use crate::federation::{oidc, saml_flow};
use crate::http::Body;
use crate::oauth::request::AuthRequest;
use crate::oauth::{Hosted, codes, session};
use crate::ops::identity_providers as idp;

/// The authorize request's IdP step, when it names an IdP other than COGNITO.
pub fn authorize(h: &Hosted, req: &AuthRequest) -> Option<Response<Body>> {
    let name = req.identity_provider.as_deref()?;
    if name == "COGNITO" {
        return None;
    }
    let prompts: Vec<&str> = h.q("prompt").unwrap_or_default().split(' ').collect();
    if !prompts.contains(&"login") {
        let same_idp = session_idp(h).and_then(|s| s.idp).as_deref() == Some(name);
        if same_idp {
            if let Some((live, user)) = session::current(h, &req.pool) {
                return Some(match session::reissue(h, req, &user, live.auth_time) {
                    Ok(tokens) => codes::complete(h, req, &user, tokens, Vec::new()),
                    Err(e) => req.error("access_denied", Some(e.message())),
                });
            }
        }
    }
    if prompts.contains(&"none") {
        return Some(req.error("login_required", None));
    }
    Some(to_provider(h, req, name))
}

/// Sends the browser to provider `name`.
pub fn to_provider(h: &Hosted, req: &AuthRequest, name: &str) -> Response<Body> {
    let provider = match idp::load(&h.ctx, &req.pool.id, name) {
        Ok(p) => p,
        Err(e) => return req.error("invalid_request", Some(e.message())),
    };
    match provider.kind {
        ProviderType::Saml => saml_flow::redirect(h, req, &provider),
        _ => oidc::redirect(h, req, &provider),
    }
}
