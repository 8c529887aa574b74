//! The HTML of the account pages: sign-up, confirmation, forgotten password and its reset form (the
//! frame, fields and notices come from `pages`, the texts from `i18n`).

use std::collections::HashMap;

use hyper::{Response, StatusCode};

use crate::html::escape;
use crate::http::Body;
use crate::oauth::Hosted;
use crate::oauth::branding::View;
use crate::oauth::i18n::{self, T};
use crate::oauth::pages::{
    Notice, attribute_label, cookies, field, hidden, input_type, intro, notice_html, submit,
    username_texts,
};
use crate::oauth::request::AuthRequest;
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

fn code_field(v: &View, label: T) -> String {
    field(
        "code",
        "code",
        v.t(label),
        "text",
        None,
        r#"inputmode="numeric" autocomplete="one-time-code" required autofocus"#,
    )
}

fn back_to_sign_in(v: &View, q: &str) -> String {
    format!(
        r#"<div class="links"><a class="redirect-customizable" href="/login{q}">{}</a></div>"#,
        escape(v.t(T::BackToSignIn))
    )
}

/// The sign-up form; `values` refills it after an error (never the password).
pub fn sign_up(
    h: &Hosted,
    req: &AuthRequest,
    notice: Option<Notice<'_>>,
    values: &HashMap<String, String>,
) -> Response<Body> {
    let v = View::of(h, req);
    let csrf = h.csrf();
    let q = escape(&req.query_suffix());
    let mut fields = field(
        "username",
        "username",
        v.t(username_texts(&req.pool).0),
        "text",
        values.get("username").map(String::as_str),
        r#"autocomplete="username" autocapitalize="none" required autofocus"#,
    );
    for a in sign_up_attributes(&req.pool) {
        fields += &field(
            &format!("attr-{a}"),
            &format!("requiredAttributes[{a}]"),
            &attribute_label(&v, &a),
            input_type(&a),
            values.get(&a).map(String::as_str),
            "required",
        );
    }
    fields += &field(
        "password",
        "password",
        v.t(T::Password),
        "password",
        None,
        r#"autocomplete="new-password" required"#,
    );
    let p = &req.pool.config.policies.password_policy;
    let mut rules = vec![i18n::fill(
        v.t(T::RuleLength),
        &p.minimum_length.to_string(),
    )];
    for (on, what) in [
        (p.require_uppercase, T::RuleUpper),
        (p.require_lowercase, T::RuleLower),
        (p.require_numbers, T::RuleNumber),
        (p.require_symbols, T::RuleSymbol),
    ] {
        if on {
            rules.push(v.t(what).into());
        }
    }
    let rules = i18n::fill(v.t(T::PasswordsNeed), &rules.join(v.t(T::ListSeparator)));
    let body = format!(
        r#"{intro}{notice}<form method="post" action="/signup{q}">{csrf}
{fields}<p class="foot textDescription-customizable" style="text-align:left">{rules}</p>
{button}</form>
<div class="links"><span>{have} <a class="redirect-customizable" href="/login{q}">{sign_in}</a></span></div>"#,
        intro = intro(v.t(T::CreateAccount)),
        notice = notice_html(&v, notice),
        csrf = csrf.field(),
        rules = escape(&rules),
        button = submit(v.t(T::SignUp)),
        have = escape(v.t(T::HaveAccount)),
        sign_in = escape(v.t(T::SignIn)),
    );
    v.page(StatusCode::OK, v.t(T::SignUp), body, cookies(&csrf))
}

/// The confirmation-code form after sign-up (`more`: cookies to set with it).
pub fn confirm(
    h: &Hosted,
    req: &AuthRequest,
    username: &str,
    notice: Option<Notice<'_>>,
    more: Vec<String>,
) -> Response<Body> {
    let v = View::of(h, req);
    let csrf = h.csrf();
    let q = escape(&req.query_suffix());
    let who = format!(
        r#"<strong id="confirmUsername">{}</strong>"#,
        escape(username)
    );
    let body = format!(
        r#"<p class="sub textDescription-customizable">{intro}</p>{notice}
<form method="post" action="/confirm{q}">{csrf}{hidden}
{code}
{button}</form>
<form method="post" action="/resendcode{q}">{csrf}{hidden}<button type="submit" class="link">{resend}</button></form>"#,
        intro = i18n::fill(&escape(v.t(T::ConfirmIntro)), &who),
        notice = notice_html(&v, notice),
        csrf = csrf.field(),
        hidden = hidden("username", username),
        code = code_field(&v, T::ConfirmationCode),
        button = submit(v.t(T::ConfirmAccount)),
        resend = escape(v.t(T::SendNewCode)),
    );
    let mut set = cookies(&csrf);
    set.extend(more);
    v.page(StatusCode::OK, v.t(T::ConfirmTitle), body, set)
}

/// The forgotten-password form.
pub fn forgot(h: &Hosted, req: &AuthRequest, notice: Option<Notice<'_>>) -> Response<Body> {
    let v = View::of(h, req);
    let csrf = h.csrf();
    let q = escape(&req.query_suffix());
    let (label, _, intro_text) = username_texts(&req.pool);
    let body = format!(
        r#"{intro}{notice}
<form method="post" action="/forgotPassword{q}">{csrf}
{user}{button}</form>
{back}"#,
        intro = intro(v.t(intro_text)),
        notice = notice_html(&v, notice),
        csrf = csrf.field(),
        user = field(
            "username",
            "username",
            v.t(label),
            "text",
            None,
            r#"autocomplete="username" autocapitalize="none" required autofocus"#
        ),
        button = submit(v.t(T::ResetMyPassword)),
        back = back_to_sign_in(&v, &q),
    );
    v.page(StatusCode::OK, v.t(T::ForgotPassword), body, cookies(&csrf))
}

/// The reset form: code and new password.
pub fn confirm_forgot(
    h: &Hosted,
    req: &AuthRequest,
    username: &str,
    notice: Option<Notice<'_>>,
) -> Response<Body> {
    let v = View::of(h, req);
    let csrf = h.csrf();
    let q = escape(&req.query_suffix());
    let body = format!(
        r#"{notice}<form method="post" action="/confirmforgotPassword{q}">{csrf}{hidden}
{code}{pw}{pw2}{button}</form>
{back}"#,
        notice = notice_html(&v, notice),
        csrf = csrf.field(),
        hidden = hidden("username", username),
        code = code_field(&v, T::Code),
        pw = field(
            "password",
            "password",
            v.t(T::NewPassword),
            "password",
            None,
            r#"autocomplete="new-password" required"#
        ),
        pw2 = field(
            "confirmPassword",
            "confirmPassword",
            v.t(T::NewPasswordAgain),
            "password",
            None,
            r#"autocomplete="new-password" required"#
        ),
        button = submit(v.t(T::ChangePassword)),
        back = back_to_sign_in(&v, &q),
    );
    v.page(StatusCode::OK, v.t(T::ResetTitle), body, cookies(&csrf))
}
