//! The HTML of the passkey pages: the WEB_AUTHN step of a sign-in and `/passkeys/add`. The options go
//! to the browser in a data attribute of the form, which the static script (`passkeys.js`) reads; the
//! credential comes back in the form's `credential` field.

use std::collections::HashMap;

use hyper::{Response, StatusCode};
use serde_json::Value;

use crate::html::escape;
use crate::http::Body;
use crate::oauth::Hosted;
use crate::oauth::branding::View;
use crate::oauth::i18n::T;
use crate::oauth::pages::{self, Notice, Step, cookies, notice_html};
use crate::oauth::request::AuthRequest;

/// Where the pages load their passkey script from.
pub const SCRIPT_PATH: &str = "/_emulator/hosted/passkeys.js";

/// `GET /_emulator/hosted/passkeys.js`: the one script of the pages (`passkeys.js`).
pub fn script() -> Response<Body> {
    Response::builder()
        .status(StatusCode::OK)
        .header(hyper::header::CONTENT_TYPE, "text/javascript;charset=UTF-8")
        .header("x-content-type-options", "nosniff")
        .header(hyper::header::CACHE_CONTROL, "no-cache")
        .body(Body::from(include_str!("passkeys.js")))
        .expect("valid response")
}

/// The button the script drives, its error line, and what shows without JavaScript.
fn controls(v: &View, label: T) -> String {
    format!(
        r#"<input type="hidden" name="credential" value="">
<div class="alert error errorMessage-customizable" role="alert" id="passkeyError" hidden></div>
<button type="button" id="passkeyButton" class="submitButton-customizable" hidden>{}</button>
<noscript><div class="alert info">{}</div></noscript>"#,
        escape(v.t(label)),
        escape(v.t(T::NeedsScript))
    )
}

fn data(name: &str, options: &str, v: &View, error: T) -> String {
    format!(
        r#" id="passkeyForm" data-passkey-{name}="{}" data-error="{}""#,
        escape(options),
        escape(v.t(error))
    )
}

/// The WEB_AUTHN step: the browser is asked for a passkey with CREDENTIAL_REQUEST_OPTIONS.
pub fn challenge(
    h: &Hosted,
    req: &AuthRequest,
    session: &str,
    params: &HashMap<String, String>,
    typed: &str,
    notice: Option<Notice<'_>>,
) -> Response<Body> {
    let v = View::of(h, req);
    let options = params
        .get("CREDENTIAL_REQUEST_OPTIONS")
        .cloned()
        .unwrap_or_default();
    let attrs = data("get", &options, &v, T::PasskeyFailed);
    let step = Step {
        name: "WEB_AUTHN",
        session,
        params,
        typed,
        title: v.t(T::SignInWithPasskey),
        intro: v.t(T::PasskeyIntro).to_string(),
        fields: controls(&v, T::UsePasskey),
        button: "",
    };
    pages::step_page(h, req, &v, step, notice, (&attrs, Some(SCRIPT_PATH)))
}

/// `/passkeys/add`: create a passkey with `options` (none when they could not be made: only "Not now"
/// is left), or go on to `next`.
pub fn add(
    h: &Hosted,
    req: &AuthRequest,
    v: &View,
    options: Option<Value>,
    next: &str,
    notice: Option<Notice<'_>>,
) -> Response<Body> {
    let csrf = h.csrf();
    let form = match &options {
        Some(o) => format!(
            r#"<form method="post" action="/passkeys/add{q}"{attrs}>{csrf}
{controls}</form>"#,
            q = escape(&req.query_suffix()),
            attrs = data("create", &o.to_string(), v, T::PasskeyCreateFailed),
            csrf = csrf.field(),
            controls = controls(v, T::CreatePasskey),
        ),
        None => String::new(),
    };
    let body = format!(
        r#"{intro}{notice}{form}
<div class="links"><a class="redirect-customizable" id="notNow" href="{next}">{not_now}</a></div>"#,
        intro = pages::intro(v.t(T::AddPasskeyIntro)),
        notice = notice_html(v, notice),
        next = escape(next),
        not_now = escape(v.t(T::NotNow)),
    );
    let script = options.is_some().then_some(SCRIPT_PATH);
    v.page_with_script(
        StatusCode::OK,
        v.t(T::AddPasskeyTitle),
        body,
        cookies(&csrf),
        script,
    )
}
