//! MFA_SETUP on the hosted pages (MFA required, the user has no factor yet): the user picks a factor when
//! the pool offers both, then sets up an authenticator app (AssociateSoftwareToken, VerifySoftwareToken,
//! MFA_SETUP) or email MFA (MFA_SETUP with EMAIL, then the EMAIL_OTP code; see `auth::email_setup`),
//! exactly as a client of the API does.

use std::collections::HashMap;

use hyper::Response;
use serde_json::json;

use crate::auth::Params;
use crate::error::CognitoError;
use crate::html::{escape, url_encode};
use crate::http::Body;
use crate::oauth::Hosted;
use crate::oauth::branding::View;
use crate::oauth::failure::failed;
use crate::oauth::i18n::T;
use crate::oauth::pages::{self, Notice, Step, code_field, field, radios};
use crate::oauth::request::AuthRequest;
use crate::ops;

/// The factor the user chose, kept in the page's parameters.
const SETUP: &str = "SETUP";
const TOTP: &str = "SOFTWARE_TOKEN_MFA";
const EMAIL: &str = "EMAIL_OTP";

/// The MFA_SETUP page for the state machine's parameters (`MFAS_CAN_SETUP`).
pub fn page(
    h: &Hosted,
    req: &AuthRequest,
    session: &str,
    params: &HashMap<String, String>,
    typed: &str,
    notice: Option<Notice<'_>>,
) -> Response<Body> {
    let options = pages::list(params.get("MFAS_CAN_SETUP"));
    let (totp, email) = (
        options.iter().any(|o| o == TOTP),
        options.iter().any(|o| o == EMAIL),
    );
    if params.contains_key("SECRET_CODE") {
        return totp_page(h, req, session, params, typed, notice);
    }
    let v = View::of(h, req);
    match params.get(SETUP).map(String::as_str) {
        Some(EMAIL) if email => email_page(h, req, &v, session, params, typed, notice),
        Some(TOTP) if totp => associate(h, req, session, params, typed, notice),
        _ if totp && email => {
            let step = Step {
                name: "MFA_SETUP",
                session,
                params,
                typed,
                title: v.t(T::SetUpMfaTitle),
                intro: v.t(T::SetUpChooseIntro).to_string(),
                fields: radios(&v, "setup", &[TOTP.to_string(), EMAIL.to_string()]),
                button: v.t(T::Continue),
            };
            pages::step_page(h, req, &v, step, notice, ("", None))
        }
        _ if totp => associate(h, req, session, params, typed, notice),
        _ if email => email_page(h, req, &v, session, params, typed, notice),
        _ => pages::login(h, req, Some(Notice::ErrorText(T::NoMfaSetup)), Some(typed)),
    }
}

/// AssociateSoftwareToken with the session, then the key and the code field.
fn associate(
    h: &Hosted,
    req: &AuthRequest,
    session: &str,
    params: &HashMap<String, String>,
    typed: &str,
    notice: Option<Notice<'_>>,
) -> Response<Body> {
    match ops::invoke(
        &h.ctx,
        "AssociateSoftwareToken",
        json!({"Session": session}),
    ) {
        Ok(answer) => {
            let mut p = params.clone();
            let secret = answer["SecretCode"].as_str().unwrap_or_default();
            p.insert("SECRET_CODE".into(), secret.to_string());
            let s = answer["Session"].as_str().unwrap_or(session).to_string();
            totp_page(h, req, &s, &p, typed, notice)
        }
        Err(e) => failed(h, req, e, typed),
    }
}

fn totp_page(
    h: &Hosted,
    req: &AuthRequest,
    session: &str,
    params: &HashMap<String, String>,
    typed: &str,
    notice: Option<Notice<'_>>,
) -> Response<Body> {
    let v = View::of(h, req);
    let secret = params.get("SECRET_CODE").cloned().unwrap_or_default();
    let issuer = &req.pool.name;
    let uri = format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}",
        url_encode(issuer),
        url_encode(typed),
        url_encode(issuer)
    );
    let fields = format!(
        r#"<code class="secret" id="secretCode">{}</code><p><a href="{}">{}</a></p>{}"#,
        escape(&secret),
        escape(&uri),
        escape(v.t(T::OpenInAuthenticator)),
        code_field(&v)
    );
    let step = Step {
        name: "MFA_SETUP",
        session,
        params,
        typed,
        title: v.t(T::SetUpMfaTitle),
        intro: v.t(T::SetUpTotpIntro).to_string(),
        fields,
        button: v.t(T::Continue),
    };
    pages::step_page(h, req, &v, step, notice, ("", None))
}

fn email_page(
    h: &Hosted,
    req: &AuthRequest,
    v: &View,
    session: &str,
    params: &HashMap<String, String>,
    typed: &str,
    notice: Option<Notice<'_>>,
) -> Response<Body> {
    let mut shown = params.clone();
    shown.insert(SETUP.into(), EMAIL.into());
    let step = Step {
        name: "MFA_SETUP",
        session,
        params: &shown,
        typed,
        title: v.t(T::SetUpMfaTitle),
        intro: v.t(T::SetUpEmailIntro).to_string(),
        fields: field(
            "email",
            "email",
            v.t(T::EmailAddress),
            "email",
            None,
            r#"autocomplete="email" autocapitalize="none" required autofocus"#,
        ),
        button: v.t(T::SendCode),
    };
    pages::step_page(h, req, v, step, notice, ("", None))
}

/// A posted MFA_SETUP form: the factor chosen (its page), the email address (`EMAIL` for MFA_SETUP), or
/// the authenticator app's code (VerifySoftwareToken). `Ok`: the session to answer MFA_SETUP with.
pub fn answer(
    h: &Hosted,
    req: &AuthRequest,
    session: &str,
    shown: &HashMap<String, String>,
    typed: &str,
    responses: &mut Params,
) -> Result<String, Response<Body>> {
    if let Some(choice) = h.f("setup") {
        let mut p = shown.clone();
        p.insert(SETUP.into(), choice.to_string());
        return Err(page(h, req, session, &p, typed, None));
    }
    let again = |n: Notice<'_>| page(h, req, session, shown, typed, Some(n));
    if !shown.contains_key("SECRET_CODE") {
        let Some(email) = h.f("email").map(str::trim).filter(|e| !e.is_empty()) else {
            return Err(again(Notice::ErrorText(T::EnterEmail)));
        };
        responses.insert("EMAIL".into(), email.to_string());
        return Ok(session.to_string());
    }
    let code = h.f("code").map(str::trim).unwrap_or_default();
    if code.is_empty() {
        return Err(again(Notice::ErrorText(T::EnterAppCode)));
    }
    let verified = ops::invoke(
        &h.ctx,
        "VerifySoftwareToken",
        json!({"Session": session, "UserCode": code, "FriendlyDeviceName": "Authenticator app"}),
    );
    match verified {
        Ok(v) => Ok(v["Session"].as_str().unwrap_or(session).to_string()),
        Err(
            e @ (CognitoError::CodeMismatchException(_)
            | CognitoError::EnableSoftwareTokenMFAException(_)
            | CognitoError::InvalidParameterException(_)),
        ) => Err(again(Notice::Error(e.message()))),
        Err(e) => Err(failed(h, req, e, typed)),
    }
}
