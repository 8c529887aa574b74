//! Passkeys on the managed login pages: "Sign in with passkey" on `/login` (the username first, then the
//! WEB_AUTHN challenge of choice-based sign-in, its assertion verified by the same code as
//! RespondToAuthChallenge WEB_AUTHN), and `/passkeys/add`, where a signed-in user registers a passkey
//! (after confirming a sign-up, or by direct link). Offered when the domain serves managed login, the
//! pool allows WEB_AUTHN as a first factor with a relying party, and the app client allows
//! ALLOW_USER_AUTH (managed login offers the choice of sign-in methods only to such clients). The
//! browser side is one static script (`passkeys.js`, served at [`SCRIPT_PATH`]).

use hyper::{Method, Response};
use serde_json::Value;

use crate::auth::passkey_registration;
use crate::html::{self, query_string};
use crate::http::Body;
use crate::oauth::branding::View;
use crate::oauth::i18n::T;
use crate::oauth::pages::{self, Notice};
use crate::oauth::request::{self, AuthRequest};
use crate::oauth::{Hosted, passkey_pages, session};

/// Where the browser goes after `/passkeys/add`: `/oauth2/authorize` with the same parameters (the
/// hosted session then issues the code), without a `prompt` that would ask for the password again.
fn continue_to(req: &AuthRequest) -> String {
    let pairs = req
        .query
        .iter()
        .filter(|(k, _)| k != "prompt")
        .map(|(k, v)| (k.as_str(), v.as_str()));
    format!("/oauth2/authorize?{}", query_string(pairs))
}

/// `GET|POST /passkeys/add`: the signed-in user (hosted session) registers a passkey; without a session
/// the sign-in page comes first.
pub fn add(h: &Hosted) -> Response<Body> {
    let req = match request::parse(h, &h.query) {
        Ok(r) => r,
        Err(refusal) => return refusal.response(),
    };
    let v = View::of(h, &req);
    if !v.passkeys(&req) {
        return pages::error("invalid_request");
    }
    let Some((_, user)) = session::current(h, &req.pool) else {
        return html::redirect(&format!("/login{}", req.query_suffix()), &v.cookies());
    };
    let next = continue_to(&req);
    if h.method == Method::POST {
        let credential = h
            .f("credential")
            .and_then(|c| serde_json::from_str::<Value>(c).ok());
        let done = match credential {
            Some(c) => passkey_registration::complete(&h.ctx, &req.pool, &req.client.id, &user, &c),
            None => Err(crate::err!(
                InvalidParameterException,
                "Invalid Credential: expected RegistrationResponseJSON."
            )),
        };
        match done {
            Ok(()) => return html::redirect(&next, &v.cookies()),
            Err(e) => {
                tracing::info!(error = %e.message(), "hosted UI: passkey registration refused");
                let options = passkey_registration::start(&h.ctx, &req.pool, &req.client.id, &user);
                let notice = Notice::ErrorText(T::PasskeyCreateFailed);
                return passkey_pages::add(h, &req, &v, options.ok(), &next, Some(notice));
            }
        }
    }
    match passkey_registration::start(&h.ctx, &req.pool, &req.client.id, &user) {
        Ok(options) => passkey_pages::add(h, &req, &v, Some(options), &next, None),
        Err(e) => passkey_pages::add(h, &req, &v, None, &next, Some(Notice::Error(e.message()))),
    }
}
