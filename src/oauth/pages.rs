//! The HTML of the hosted pages. Every value is escaped (`html::escape`), every form carries the CSRF
//! token, every field has a label, and the first field has the focus: keyboard-only use works.
//! Field names follow the classic hosted UI (`username`, `password`, `_csrf`, `signInFormUsername`), and
//! so do the classes a pool's SetUICustomization CSS styles (`label-customizable`,
//! `inputField-customizable`, `submitButton-customizable`, `errorMessage-customizable`,
//! `textDescription-customizable`, `redirect-customizable`). Texts come from `i18n` through the page's
//! `branding::View`.

use std::collections::HashMap;

use hyper::{Response, StatusCode};

use crate::html::{Csrf, escape};
use crate::http::Body;
use crate::oauth::branding::View;
use crate::oauth::i18n::{self, T};
use crate::oauth::request::AuthRequest;
use crate::oauth::{Hosted, page};
use crate::store::pools::PoolRow;

/// A message above a form.
#[derive(Debug, Clone, Copy)]
pub enum Notice<'a> {
    /// Something went wrong (role=alert): an API message, translated when the catalog has it.
    Error(&'a str),
    /// Information, as given.
    Info(&'a str),
    /// Something went wrong: a text of the catalog.
    ErrorText(T),
    /// Information: a text of the catalog.
    InfoText(T),
}

pub(crate) fn notice_html(v: &View, n: Option<Notice<'_>>) -> String {
    let error = |m: &str| {
        format!(
            r#"<div class="alert error errorMessage-customizable" role="alert" id="errorMessage">{}</div>"#,
            escape(m)
        )
    };
    let info = |m: &str| {
        format!(
            r#"<div class="alert info" role="status" id="infoMessage">{}</div>"#,
            escape(m)
        )
    };
    match n {
        Some(Notice::Error(m)) => error(&v.msg(m)),
        Some(Notice::ErrorText(t)) => error(v.t(t)),
        Some(Notice::Info(m)) => info(m),
        Some(Notice::InfoText(t)) => info(v.t(t)),
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
        r#"<label for="{id}" class="label-customizable">{label}</label><input id="{id}" name="{name}" type="{kind}" class="inputField-customizable" value="{value}" {extra}>"#,
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

/// A submit button.
pub(crate) fn submit(label: &str) -> String {
    format!(
        r#"<button type="submit" class="submitButton-customizable">{}</button>"#,
        escape(label)
    )
}

/// `<p class="sub">`: a description under the title.
pub(crate) fn intro(text: &str) -> String {
    format!(
        r#"<p class="sub textDescription-customizable">{}</p>"#,
        escape(text)
    )
}

/// How the pool names what users sign in with: the field label, the sign-in intro and the
/// forgotten-password intro.
pub(crate) fn username_texts(pool: &PoolRow) -> (T, T, T) {
    let attrs = pool.config.username_attributes.clone().unwrap_or_default();
    match (
        attrs.iter().any(|a| a == "email"),
        attrs.iter().any(|a| a == "phone_number"),
    ) {
        (true, true) => (
            T::EmailOrPhone,
            T::SignInWithEmailOrPhone,
            T::ForgotIntroEmailOrPhone,
        ),
        (true, false) => (T::Email, T::SignInWithEmail, T::ForgotIntroEmail),
        (false, true) => (T::PhoneNumber, T::SignInWithPhone, T::ForgotIntroPhone),
        (false, false) => (T::Username, T::SignInWithUsername, T::ForgotIntroUsername),
    }
}

/// A readable label for an attribute name (standard attributes from the catalog).
pub fn attribute_label(v: &View, name: &str) -> String {
    if let Some(t) = i18n::attribute(name) {
        return v.t(t).to_string();
    }
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

/// The sign-in form (with "Sign in with passkey" where managed login offers passkeys).
pub fn login(
    h: &Hosted,
    req: &AuthRequest,
    notice: Option<Notice<'_>>,
    username: Option<&str>,
) -> Response<Body> {
    let v = View::of(h, req);
    let csrf = h.csrf();
    let q = req.query_suffix();
    let (label, intro_text, _) = username_texts(&req.pool);
    let sign_up = if req
        .pool
        .config
        .admin_create_user_config
        .allow_admin_create_user_only
    {
        String::new()
    } else {
        format!(
            r#"<span>{} <a class="redirect-customizable" href="/signup{}">{}</a></span>"#,
            escape(v.t(T::NeedAccount)),
            escape(&q),
            escape(v.t(T::SignUp))
        )
    };
    let passkey = if v.passkeys(req) {
        format!(
            r#"<button type="submit" class="link" name="passkey" value="1" id="passkeySignInButton" formnovalidate>{}</button>"#,
            escape(v.t(T::SignInWithPasskey))
        )
    } else {
        String::new()
    };
    let body = format!(
        r#"{providers}{intro}{notice}
<form name="cognitoSignInForm" method="post" action="/login{action}">{csrf}{hidden_asf}
{user}
{pw}
<button type="submit" name="signInSubmitButton" id="signInSubmitButton" class="submitButton-customizable" value="Sign in">{sign_in}</button>{passkey}
</form>
<div class="links"><a class="redirect-customizable" href="/forgotPassword{action}">{forgot}</a>{sign_up}</div>"#,
        intro = intro(v.t(intro_text)),
        notice = notice_html(&v, notice),
        providers = crate::federation::buttons::html(h, req, &v, &csrf),
        action = escape(&q),
        csrf = csrf.field(),
        hidden_asf = hidden("cognitoAsfData", ""),
        user = field(
            "signInFormUsername",
            "username",
            v.t(label),
            "text",
            username,
            r#"autocomplete="username webauthn" autocapitalize="none" required autofocus"#
        ),
        pw = field(
            "signInFormPassword",
            "password",
            v.t(T::Password),
            "password",
            None,
            r#"autocomplete="current-password" required"#
        ),
        sign_in = escape(v.t(T::SignIn)),
        forgot = escape(v.t(T::ForgotPassword)),
    );
    v.page(StatusCode::OK, v.t(T::SignIn), body, cookies(&csrf))
}

/// A JSON list of strings in a challenge parameter.
pub(crate) fn list(json: Option<&String>) -> Vec<String> {
    json.and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default()
}

/// The code field of a challenge.
pub(crate) fn code_field(v: &View) -> String {
    field(
        "code",
        "code",
        v.t(T::Code),
        "text",
        None,
        r#"inputmode="numeric" autocomplete="one-time-code" required autofocus"#,
    )
}

/// What a challenge page shows inside its form.
pub struct Step<'a> {
    /// The challenge answered by the form.
    pub name: &'a str,
    /// Its session.
    pub session: &'a str,
    /// Its parameters (shown again after an error).
    pub params: &'a HashMap<String, String>,
    /// The username the user typed.
    pub typed: &'a str,
    /// The page title.
    pub title: &'a str,
    /// The description under the title (already in the page's language).
    pub intro: String,
    /// The fields (HTML).
    pub fields: String,
    /// The submit button's label.
    pub button: &'a str,
}

/// The form of a challenge step: the step's fields, the session and parameters in hidden fields.
pub fn step_page(
    h: &Hosted,
    req: &AuthRequest,
    v: &View,
    step: Step<'_>,
    notice: Option<Notice<'_>>,
    extra: (&str, Option<&str>),
) -> Response<Body> {
    let csrf = h.csrf();
    let shown = serde_json::to_string(step.params).unwrap_or_default();
    let (form_attrs, script) = extra;
    let intro_html = if step.intro.is_empty() {
        String::new()
    } else {
        intro(&step.intro)
    };
    let body = format!(
        r#"{intro_html}{notice}<form method="post" action="/login{action}"{form_attrs}>{csrf}{hidden}
{fields}
{button}</form>
<div class="links"><a class="redirect-customizable" href="/login{action}">{start_over}</a></div>"#,
        notice = notice_html(v, notice),
        action = escape(&req.query_suffix()),
        csrf = csrf.field(),
        hidden = [
            hidden("challenge", step.name),
            hidden("session", step.session),
            hidden("username", step.typed),
            hidden("parameters", &shown),
        ]
        .concat(),
        fields = step.fields,
        button = if step.button.is_empty() {
            String::new()
        } else {
            submit(step.button)
        },
        start_over = escape(v.t(T::StartOver)),
    );
    v.page_with_script(StatusCode::OK, step.title, body, cookies(&csrf), script)
}

/// A challenge step of the sign-in (MFA_SETUP and WEB_AUTHN have their own modules).
pub fn challenge(
    h: &Hosted,
    req: &AuthRequest,
    name: &str,
    session: &str,
    params: &HashMap<String, String>,
    typed: &str,
    notice: Option<Notice<'_>>,
) -> Response<Body> {
    let v = View::of(h, req);
    let destination = params
        .get("CODE_DELIVERY_DESTINATION")
        .map(|d| i18n::fill(v.t(T::CodeSentTo), d))
        .unwrap_or_default();
    let (title, intro, fields) = match name {
        "SOFTWARE_TOKEN_MFA" => (T::MfaTitle, v.t(T::EnterAppCode).into(), code_field(&v)),
        "SMS_MFA" | "EMAIL_OTP" => (T::MfaTitle, destination, code_field(&v)),
        "SELECT_MFA_TYPE" => {
            let options = list(params.get("MFAS_CAN_CHOOSE"));
            (
                T::ChooseMethodTitle,
                v.t(T::ChooseMethodIntro).into(),
                radios(&v, "answer", &options),
            )
        }
        "NEW_PASSWORD_REQUIRED" => {
            let mut f = field(
                "password",
                "password",
                v.t(T::NewPassword),
                "password",
                None,
                r#"autocomplete="new-password" required autofocus"#,
            );
            f += &field(
                "confirmPassword",
                "confirmPassword",
                v.t(T::ConfirmNewPassword),
                "password",
                None,
                r#"autocomplete="new-password" required"#,
            );
            for attr in list(params.get("requiredAttributes")) {
                let a = attr.strip_prefix("userAttributes.").unwrap_or(&attr);
                f += &field(
                    &format!("attr-{a}"),
                    &format!("requiredAttributes[{a}]"),
                    &attribute_label(&v, a),
                    input_type(a),
                    None,
                    "required",
                );
            }
            (T::ChangePassword, v.t(T::EnterNewPassword).into(), f)
        }
        _ => (T::SignIn, String::new(), String::new()),
    };
    let step = Step {
        name,
        session,
        params,
        typed,
        title: v.t(title),
        intro,
        fields,
        button: v.t(T::Continue),
    };
    step_page(h, req, &v, step, notice, ("", None))
}

/// Radio buttons for MFA factors (`SOFTWARE_TOKEN_MFA`, `SMS_MFA`, `EMAIL_OTP`), the first checked.
pub(crate) fn radios(v: &View, name: &str, options: &[String]) -> String {
    options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let label = match o.as_str() {
                "SOFTWARE_TOKEN_MFA" => v.t(T::AuthenticatorApp),
                "SMS_MFA" => v.t(T::TextMessage),
                "EMAIL_OTP" => v.t(T::Email),
                other => other,
            };
            format!(
                r#"<label class="choice label-customizable"><input type="radio" name="{n}" value="{val}"{checked}> {l}</label>"#,
                n = escape(name),
                val = escape(o),
                l = escape(label),
                checked = if i == 0 { " checked autofocus" } else { "" }
            )
        })
        .collect()
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
