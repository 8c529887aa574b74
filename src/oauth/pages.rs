//! The HTML of the hosted pages. Every value is escaped (`html::escape`), every form carries the CSRF
//! token, every field has a label, and the first field has the focus: keyboard-only use works.
//! Field names follow the classic hosted UI (`username`, `password`, `_csrf`, `signInFormUsername`).

use std::collections::HashMap;

use hyper::{Response, StatusCode};

use crate::html::{Csrf, escape};
use crate::http::Body;
use crate::oauth::request::AuthRequest;
use crate::oauth::{Hosted, page};
use crate::store::pools::PoolRow;

/// A message above a form.
#[derive(Debug, Clone, Copy)]
pub enum Notice<'a> {
    /// Something went wrong (role=alert).
    Error(&'a str),
    /// Information.
    Info(&'a str),
}

pub(crate) fn notice_html(n: Option<Notice<'_>>) -> String {
    match n {
        Some(Notice::Error(m)) => format!(
            r#"<div class="alert error" role="alert" id="errorMessage">{}</div>"#,
            escape(m)
        ),
        Some(Notice::Info(m)) => format!(
            r#"<div class="alert info" role="status" id="infoMessage">{}</div>"#,
            escape(m)
        ),
        None => String::new(),
    }
}

pub(crate) fn cookies(csrf: &Csrf) -> Vec<String> {
    csrf.set_cookie.iter().cloned().collect()
}

pub(crate) fn field(
    id: &str,
    name: &str,
    label: &str,
    kind: &str,
    value: Option<&str>,
    extra: &str,
) -> String {
    format!(
        r#"<label for="{id}">{label}</label><input id="{id}" name="{name}" type="{kind}" value="{value}" {extra}>"#,
        id = escape(id),
        name = escape(name),
        label = escape(label),
        kind = kind,
        value = escape(value.unwrap_or_default()),
    )
}

pub(crate) fn hidden(name: &str, value: &str) -> String {
    format!(
        r#"<input type="hidden" name="{}" value="{}">"#,
        escape(name),
        escape(value)
    )
}

/// How the pool names what users sign in with.
pub(crate) fn username_label(pool: &PoolRow) -> &'static str {
    let attrs = pool.config.username_attributes.clone().unwrap_or_default();
    match (
        attrs.iter().any(|a| a == "email"),
        attrs.iter().any(|a| a == "phone_number"),
    ) {
        (true, true) => "Email or phone number",
        (true, false) => "Email",
        (false, true) => "Phone number",
        (false, false) => "Username",
    }
}

/// A readable label for an attribute name.
pub fn attribute_label(name: &str) -> String {
    let bare = name.strip_prefix("custom:").unwrap_or(name);
    let words = bare.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

pub(crate) fn input_type(attr: &str) -> &'static str {
    match attr {
        "email" => "email",
        "phone_number" => "tel",
        _ => "text",
    }
}

/// The sign-in form.
pub fn login(
    h: &Hosted,
    req: &AuthRequest,
    notice: Option<Notice<'_>>,
    username: Option<&str>,
) -> Response<Body> {
    let csrf = h.csrf();
    let q = req.query_suffix();
    let sign_up = if req
        .pool
        .config
        .admin_create_user_config
        .allow_admin_create_user_only
    {
        String::new()
    } else {
        format!(
            r#"<span>Need an account? <a href="/signup{}">Sign up</a></span>"#,
            escape(&q)
        )
    };
    let body = format!(
        r#"{providers}<p class="sub">Sign in with your {label_lower} and password</p>{notice}
<form name="cognitoSignInForm" method="post" action="/login{action}">{csrf}{hidden_asf}
{user}
{pw}
<button type="submit" name="signInSubmitButton" id="signInSubmitButton" value="Sign in">Sign in</button>
</form>
<div class="links"><a href="/forgotPassword{action}">Forgot your password?</a>{sign_up}</div>"#,
        providers = crate::federation::buttons::html(h, req, &csrf),
        label_lower = escape(&username_label(&req.pool).to_lowercase()),
        notice = notice_html(notice),
        action = escape(&q),
        csrf = csrf.field(),
        hidden_asf = hidden("cognitoAsfData", ""),
        user = field(
            "signInFormUsername",
            "username",
            username_label(&req.pool),
            "text",
            username,
            r#"autocomplete="username" autocapitalize="none" required autofocus"#
        ),
        pw = field(
            "signInFormPassword",
            "password",
            "Password",
            "password",
            None,
            r#"autocomplete="current-password" required"#
        ),
    );
    page(StatusCode::OK, "Sign in", body, &cookies(&csrf))
}

fn list(json: Option<&String>) -> Vec<String> {
    json.and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default()
}

/// A challenge step of the sign-in.
pub fn challenge(
    h: &Hosted,
    req: &AuthRequest,
    name: &str,
    session: &str,
    params: &HashMap<String, String>,
    typed: &str,
    error: Option<&str>,
) -> Response<Body> {
    let csrf = h.csrf();
    let shown = serde_json::to_string(params).unwrap_or_default();
    let code_field = |label: &str| {
        field(
            "code",
            "code",
            label,
            "text",
            None,
            r#"inputmode="numeric" autocomplete="one-time-code" required autofocus"#,
        )
    };
    let destination = params
        .get("CODE_DELIVERY_DESTINATION")
        .map(|d| format!("We sent a code to {}.", escape(d)))
        .unwrap_or_default();
    let (title, intro, fields) = match name {
        "SOFTWARE_TOKEN_MFA" => (
            "Multi-factor authentication",
            "Enter the code from your authenticator app.".to_string(),
            code_field("Code"),
        ),
        "SMS_MFA" => (
            "Multi-factor authentication",
            destination,
            code_field("Code"),
        ),
        "EMAIL_OTP" => (
            "Multi-factor authentication",
            destination,
            code_field("Code"),
        ),
        "SELECT_MFA_TYPE" => {
            let options = list(params.get("MFAS_CAN_CHOOSE"));
            let radios: String = options
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    let label = match o.as_str() {
                        "SOFTWARE_TOKEN_MFA" => "Authenticator app",
                        "SMS_MFA" => "Text message (SMS)",
                        "EMAIL_OTP" => "Email",
                        other => other,
                    };
                    format!(
                        r#"<label class="choice"><input type="radio" name="answer" value="{v}"{checked}> {l}</label>"#,
                        v = escape(o),
                        l = escape(label),
                        checked = if i == 0 { " checked autofocus" } else { "" }
                    )
                })
                .collect();
            (
                "Choose a sign-in method",
                "How do you want to receive your code?".into(),
                radios,
            )
        }
        "NEW_PASSWORD_REQUIRED" => {
            let mut f = field(
                "password",
                "password",
                "New password",
                "password",
                None,
                r#"autocomplete="new-password" required autofocus"#,
            );
            f += &field(
                "confirmPassword",
                "confirmPassword",
                "Confirm new password",
                "password",
                None,
                r#"autocomplete="new-password" required"#,
            );
            for attr in list(params.get("requiredAttributes")) {
                let a = attr.strip_prefix("userAttributes.").unwrap_or(&attr);
                f += &field(
                    &format!("attr-{a}"),
                    &format!("requiredAttributes[{a}]"),
                    &attribute_label(a),
                    input_type(a),
                    None,
                    "required",
                );
            }
            ("Change password", "Please enter a new password.".into(), f)
        }
        "MFA_SETUP" => {
            let secret = params.get("SECRET_CODE").cloned().unwrap_or_default();
            let issuer = &req.pool.name;
            let uri = format!(
                "otpauth://totp/{}:{}?secret={secret}&issuer={}",
                crate::html::url_encode(issuer),
                crate::html::url_encode(typed),
                crate::html::url_encode(issuer)
            );
            let f = format!(
                r#"<p>Add this key to your authenticator app, then enter the code it shows.</p>
<code class="secret" id="secretCode">{}</code><p><a href="{}">Open in an authenticator app</a></p>{}"#,
                escape(&secret),
                escape(&uri),
                code_field("Code")
            );
            ("Set up multi-factor authentication", String::new(), f)
        }
        _ => ("Sign in", String::new(), String::new()),
    };
    let intro = if intro.is_empty() {
        String::new()
    } else {
        format!(r#"<p class="sub">{intro}</p>"#)
    };
    let body = format!(
        r#"{intro}{notice}<form method="post" action="/login{action}">{csrf}{hidden}
{fields}
<button type="submit">Continue</button></form>
<div class="links"><a href="/login{action}">Start over</a></div>"#,
        notice = notice_html(error.map(Notice::Error)),
        action = escape(&req.query_suffix()),
        csrf = csrf.field(),
        hidden = [
            hidden("challenge", name),
            hidden("session", session),
            hidden("username", typed),
            hidden("parameters", &shown),
        ]
        .concat(),
    );
    page(StatusCode::OK, title, body, &cookies(&csrf))
}

/// 403 for a form posted without this browser's CSRF token: nothing was changed.
pub fn forbidden(_h: &Hosted) -> Response<Body> {
    page(
        StatusCode::FORBIDDEN,
        "Request refused",
        r#"<div class="alert error" role="alert">This form was not sent by this browser's page (missing or invalid CSRF token). Nothing was changed. Go back, reload the page and try again.</div>"#.into(),
        &[],
    )
}

/// Cognito's error page: `400` with the error code.
pub fn error(code: &str) -> Response<Body> {
    let explain = match code {
        "redirect_mismatch" => "The redirect URI is not one of the app client's callback URLs.",
        "invalid_request" => "The app client does not exist, or is not set up for this request.",
        _ => "The request could not be handled.",
    };
    page(
        StatusCode::BAD_REQUEST,
        "An error was encountered with the requested page.",
        format!(
            r#"<div class="alert error" role="alert"><strong>{}</strong>: {}</div>"#,
            escape(code),
            escape(explain)
        ),
        &[],
    )
}
