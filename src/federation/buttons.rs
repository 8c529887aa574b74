//! The IdPs on the hosted sign-in page: one button per provider the app client supports (a link to
//! `/oauth2/authorize` with `identity_provider`), an email box when providers have identifiers (the
//! email's domain picks the IdP, as AWS's page does), and a page with the buttons alone for clients
//! that do not support COGNITO.

use hyper::{Response, StatusCode};

use crate::html::{self, Csrf, escape};
use crate::http::Body;
use crate::oauth::Hosted;
use crate::oauth::branding::View;
use crate::oauth::i18n::{T, fill};
use crate::oauth::request::AuthRequest;
use crate::ops::identity_providers::Provider;
use crate::store::federation as fed;

/// The pool's providers the client supports, in the client's order.
pub fn providers(h: &Hosted, req: &AuthRequest) -> Vec<Provider> {
    let all = h
        .ctx
        .app
        .store
        .read(|c| fed::all_providers(c, &req.pool.id))
        .unwrap_or_default();
    let supported = req
        .client
        .config
        .supported_identity_providers
        .clone()
        .unwrap_or_default();
    supported
        .iter()
        .filter_map(|name| all.iter().find(|p| p.name == *name).cloned())
        .filter_map(|row| Provider::of(row).ok())
        .collect()
}

fn supports_cognito(req: &AuthRequest) -> bool {
    req.client
        .config
        .supported_identity_providers
        .iter()
        .flatten()
        .any(|p| p == "COGNITO")
}

const STYLE: &str = "<style>.idps{display:flex;flex-direction:column;gap:10px;margin:0 0 18px}\
a.idp{display:block;text-align:center;padding:10px;border:1px solid var(--line);border-radius:8px;\
color:var(--text);text-decoration:none;font-weight:600}a.idp:hover{border-color:var(--accent)}\
.or{text-align:center;color:var(--muted);font-size:.85rem;margin:14px 0}</style>";

/// The buttons (and the email box, whose form carries `csrf`) for the sign-in page, in the texts of
/// `v`; empty when the client supports no IdP.
pub fn html(h: &Hosted, req: &AuthRequest, v: &View, csrf: &Csrf) -> String {
    let list = providers(h, req);
    if list.is_empty() {
        return String::new();
    }
    let links: String = list
        .iter()
        .map(|p| {
            let href = format!(
                "/oauth2/authorize{}",
                without_idp(req, &[("identity_provider", p.name())])
            );
            format!(
                r#"<a class="idp" id="idp-{id}" href="{href}">{label}</a>"#,
                id = escape(p.name()),
                href = escape(&href),
                label = escape(&fill(v.t(T::IdpContinueWith), p.name())),
            )
        })
        .collect();
    let email = if list.iter().any(|p| !p.identifiers.is_empty()) {
        format!(
            r#"<form method="post" action="/login{action}">{csrf}<label for="idpEmail">{label}</label><input id="idpEmail" name="idp_email" type="email" autocomplete="email"><button type="submit" id="idpEmailSubmit">{go}</button></form>"#,
            action = escape(&req.query_suffix()),
            csrf = csrf.field(),
            label = escape(v.t(T::IdpCorporateEmail)),
            go = escape(v.t(T::Continue)),
        )
    } else {
        String::new()
    };
    let or = if supports_cognito(req) {
        format!(r#"<div class="or">{}</div>"#, escape(v.t(T::IdpOr)))
    } else {
        String::new()
    };
    format!(r#"{STYLE}<div class="idps">{links}</div>{email}{or}"#)
}

/// The authorize query without `identity_provider` / `idp_identifier`, plus `extra`.
fn without_idp(req: &AuthRequest, extra: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(&str, &str)> = req
        .query
        .iter()
        .filter(|(k, _)| k != "identity_provider" && k != "idp_identifier")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    pairs.extend(extra.iter().copied());
    format!("?{}", html::query_string(pairs))
}

/// `/login`'s federation step: an email typed in the box goes to the IdP its domain names; a client
/// without COGNITO gets the buttons alone (no password form, no password sign-in).
pub fn hook(h: &Hosted, req: &AuthRequest) -> Option<Response<Body>> {
    if h.method == hyper::Method::POST {
        if let Some(email) = h.f("idp_email") {
            return Some(by_email(h, req, email));
        }
    }
    if supports_cognito(req) {
        return None;
    }
    Some(providers_page(h, req, None))
}

fn by_email(h: &Hosted, req: &AuthRequest, email: &str) -> Response<Body> {
    let domain = email.rsplit_once('@').map_or(email, |(_, d)| d);
    let found = providers(h, req).into_iter().find_map(|p| {
        p.identifiers
            .iter()
            .find(|i| i.eq_ignore_ascii_case(domain) || i.eq_ignore_ascii_case(email))
            .cloned()
    });
    match found {
        Some(identifier) => html::redirect(
            &format!(
                "/oauth2/authorize{}",
                without_idp(req, &[("idp_identifier", &identifier)])
            ),
            &[],
        ),
        None => providers_page(
            h,
            req,
            Some(&fill(View::of(h, req).t(T::IdpNoneForDomain), domain)),
        ),
    }
}

fn providers_page(h: &Hosted, req: &AuthRequest, error: Option<&str>) -> Response<Body> {
    let notice = error
        .map(|m| {
            format!(
                r#"<div class="alert error" role="alert" id="errorMessage">{}</div>"#,
                escape(m)
            )
        })
        .unwrap_or_default();
    let v = View::of(h, req);
    let csrf = h.csrf();
    let body = format!(
        r#"<p class="sub">{}</p>{notice}{}"#,
        escape(v.t(T::IdpIntro)),
        html(h, req, &v, &csrf)
    );
    let cookies: Vec<String> = csrf.set_cookie.iter().cloned().collect();
    v.page(StatusCode::OK, v.t(T::SignIn), body, cookies)
}
