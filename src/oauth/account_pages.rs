//! The HTML of the account pages: sign-up, confirmation, forgotten password and its reset form (the
//! frame, fields and notices come from `pages`).

use std::collections::HashMap;

use hyper::{Response, StatusCode};

use crate::html::escape;
use crate::http::Body;
use crate::oauth::pages::{
    Notice, attribute_label, cookies, field, hidden, input_type, notice_html, username_label,
};
use crate::oauth::request::AuthRequest;
use crate::oauth::{Hosted, page};
use crate::store::pools::PoolRow;

/// The attributes the sign-up form asks for: the pool's required ones, except the one used as
/// username.
pub fn sign_up_attributes(pool: &PoolRow) -> Vec<String> {
    let as_username = pool.config.username_attributes.clone().unwrap_or_default();
    pool.config
        .schema_attributes
        .iter()
        .filter(|a| a.required && a.name != "sub" && !as_username.contains(&a.name))
        .map(|a| a.name.clone())
        .collect()
}

/// The sign-up form; `values` refills it after an error (never the password).
pub fn sign_up(
    h: &Hosted,
    req: &AuthRequest,
    notice: Option<Notice<'_>>,
    values: &HashMap<String, String>,
) -> Response<Body> {
    let csrf = h.csrf();
    let q = escape(&req.query_suffix());
    let mut fields = field(
        "username",
        "username",
        username_label(&req.pool),
        "text",
        values.get("username").map(String::as_str),
        r#"autocomplete="username" autocapitalize="none" required autofocus"#,
    );
    for a in sign_up_attributes(&req.pool) {
        fields += &field(
            &format!("attr-{a}"),
            &format!("requiredAttributes[{a}]"),
            &attribute_label(&a),
            input_type(&a),
            values.get(&a).map(String::as_str),
            "required",
        );
    }
    fields += &field(
        "password",
        "password",
        "Password",
        "password",
        None,
        r#"autocomplete="new-password" required"#,
    );
    let p = &req.pool.config.policies.password_policy;
    let mut rules = vec![format!("at least {} characters", p.minimum_length)];
    for (on, what) in [
        (p.require_uppercase, "an upper-case letter"),
        (p.require_lowercase, "a lower-case letter"),
        (p.require_numbers, "a number"),
        (p.require_symbols, "a symbol"),
    ] {
        if on {
            rules.push(what.into());
        }
    }
    let body = format!(
        r#"<p class="sub">Create an account</p>{notice}<form method="post" action="/signup{q}">{csrf}
{fields}<p class="foot" style="text-align:left">Passwords need {rules}.</p>
<button type="submit">Sign up</button></form>
<div class="links"><span>Already have an account? <a href="/login{q}">Sign in</a></span></div>"#,
        notice = notice_html(notice),
        csrf = csrf.field(),
        rules = escape(&rules.join(", ")),
    );
    page(StatusCode::OK, "Sign up", body, &cookies(&csrf))
}

/// The confirmation-code form after sign-up.
pub fn confirm(
    h: &Hosted,
    req: &AuthRequest,
    username: &str,
    notice: Option<Notice<'_>>,
) -> Response<Body> {
    let csrf = h.csrf();
    let q = escape(&req.query_suffix());
    let body = format!(
        r#"<p class="sub">We sent a code to confirm the account <strong id="confirmUsername">{user}</strong>.</p>{notice}
<form method="post" action="/confirm{q}">{csrf}{hidden}
{code}
<button type="submit">Confirm account</button></form>
<form method="post" action="/resendcode{q}">{csrf}{hidden}<button type="submit" class="link">Send a new code</button></form>"#,
        user = escape(username),
        notice = notice_html(notice),
        csrf = csrf.field(),
        hidden = hidden("username", username),
        code = field(
            "code",
            "code",
            "Confirmation code",
            "text",
            None,
            r#"inputmode="numeric" autocomplete="one-time-code" required autofocus"#
        ),
    );
    page(
        StatusCode::OK,
        "Confirm your account",
        body,
        &cookies(&csrf),
    )
}

/// The forgotten-password form.
pub fn forgot(h: &Hosted, req: &AuthRequest, notice: Option<Notice<'_>>) -> Response<Body> {
    let csrf = h.csrf();
    let q = escape(&req.query_suffix());
    let body = format!(
        r#"<p class="sub">Enter your {label} and we will send you a code to reset your password.</p>{notice}
<form method="post" action="/forgotPassword{q}">{csrf}
{user}<button type="submit">Reset my password</button></form>
<div class="links"><a href="/login{q}">Back to sign in</a></div>"#,
        label = escape(&username_label(&req.pool).to_lowercase()),
        notice = notice_html(notice),
        csrf = csrf.field(),
        user = field(
            "username",
            "username",
            username_label(&req.pool),
            "text",
            None,
            r#"autocomplete="username" autocapitalize="none" required autofocus"#
        ),
    );
    page(
        StatusCode::OK,
        "Forgot your password?",
        body,
        &cookies(&csrf),
    )
}

/// The reset form: code and new password.
pub fn confirm_forgot(
    h: &Hosted,
    req: &AuthRequest,
    username: &str,
    notice: Option<Notice<'_>>,
) -> Response<Body> {
    let csrf = h.csrf();
    let q = escape(&req.query_suffix());
    let body = format!(
        r#"{notice}<form method="post" action="/confirmforgotPassword{q}">{csrf}{hidden}
{code}{pw}{pw2}<button type="submit">Change password</button></form>
<div class="links"><a href="/login{q}">Back to sign in</a></div>"#,
        notice = notice_html(notice),
        csrf = csrf.field(),
        hidden = hidden("username", username),
        code = field(
            "code",
            "code",
            "Code",
            "text",
            None,
            r#"inputmode="numeric" autocomplete="one-time-code" required autofocus"#
        ),
        pw = field(
            "password",
            "password",
            "New password",
            "password",
            None,
            r#"autocomplete="new-password" required"#
        ),
        pw2 = field(
            "confirmPassword",
            "confirmPassword",
            "Enter new password again",
            "password",
            None,
            r#"autocomplete="new-password" required"#
        ),
    );
    page(StatusCode::OK, "Reset your password", body, &cookies(&csrf))
}
