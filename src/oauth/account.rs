//! The account pages: `/signup` and `/confirm` (SignUp, ConfirmSignUp, ResendConfirmationCode) and
//! `/forgotPassword` / `/confirmforgotPassword` (ForgotPassword, ConfirmForgotPassword), run through the
//! API's own operations so that triggers (PreSignUp_SignUp, PostConfirmation, CustomMessage) and
//! messages behave exactly as there.

use std::collections::HashMap;

use hyper::{Method, Response};
use serde_json::{Value, json};

use crate::error::CognitoError;
use crate::html;
use crate::http::Body;
use crate::oauth::Hosted;
use crate::oauth::account_pages as pages;
use crate::oauth::login::{secret_hash_for, sign_in};
use crate::oauth::pages::Notice;
use crate::oauth::request::{self, AuthRequest};
use crate::ops;

fn request(h: &Hosted) -> Result<AuthRequest, Response<Body>> {
    request::parse(h, &h.query).map_err(|r| r.response())
}

/// Runs an operation for the client of the page, with its SECRET_HASH when it has a secret.
fn call(
    h: &Hosted,
    req: &AuthRequest,
    op: &str,
    username: &str,
    mut input: Value,
) -> Result<Value, CognitoError> {
    input["ClientId"] = json!(req.client.id);
    input["Username"] = json!(username);
    if let Some(hash) = secret_hash_for(req, username) {
        input["SecretHash"] = json!(hash);
    }
    ops::invoke(&h.ctx, op, input)
}

/// `/signup`: the form, then SignUp; an unconfirmed user goes on to `/confirm`, an auto-confirmed one
/// is signed in.
pub fn sign_up(h: &Hosted) -> Response<Body> {
    let req = match request(h) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    if h.method == Method::GET {
        return pages::sign_up(h, &req, None, &HashMap::new());
    }
    let mut values = HashMap::new();
    let mut attributes = Vec::new();
    for (k, v) in &h.form {
        if let Some(a) = k
            .strip_prefix("requiredAttributes[")
            .and_then(|a| a.strip_suffix(']'))
        {
            values.insert(a.to_string(), v.clone());
            attributes.push(json!({"Name": a, "Value": v}));
        }
    }
    let username = h.f("username").unwrap_or_default().to_string();
    values.insert("username".into(), username.clone());
    let password = h.f("password").unwrap_or_default().to_string();
    let input = json!({"Password": password, "UserAttributes": attributes});
    match call(h, &req, "SignUp", &username, input) {
        Ok(answer) if answer["UserConfirmed"] == json!(true) => {
            sign_in(h, &req, &username, &password)
        }
        Ok(_) => html::redirect(
            &format!("/confirm{}", req.query_with(&[("username", &username)])),
            &[],
        ),
        Err(e) => pages::sign_up(h, &req, Some(Notice::Error(e.message())), &values),
    }
}

/// `/confirm`: the code from the message, then ConfirmSignUp; the user signs in next.
pub fn confirm(h: &Hosted) -> Response<Body> {
    let req = match request(h) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    if h.method == Method::GET {
        let username = h.q("username").unwrap_or_default();
        return pages::confirm(h, &req, username, None);
    }
    let username = h.f("username").unwrap_or_default().to_string();
    let code = h.f("code").map(str::trim).unwrap_or_default().to_string();
    match call(
        h,
        &req,
        "ConfirmSignUp",
        &username,
        json!({"ConfirmationCode": code}),
    ) {
        Ok(_) => html::redirect(
            &format!(
                "/login{}",
                req.query_with(&[("username", &username), ("notice", "confirmed")])
            ),
            &[],
        ),
        Err(e) => pages::confirm(h, &req, &username, Some(Notice::Error(e.message()))),
    }
}

/// `POST /resendcode`: ResendConfirmationCode, back to `/confirm`.
pub fn resend(h: &Hosted) -> Response<Body> {
    let req = match request(h) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let username = h.f("username").unwrap_or_default().to_string();
    match call(h, &req, "ResendConfirmationCode", &username, json!({})) {
        Ok(_) => pages::confirm(
            h,
            &req,
            &username,
            Some(Notice::Info("We sent a new code.")),
        ),
        Err(e) => pages::confirm(h, &req, &username, Some(Notice::Error(e.message()))),
    }
}

/// `/forgotPassword`: ForgotPassword, then the reset form.
pub fn forgot_password(h: &Hosted) -> Response<Body> {
    let req = match request(h) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    if h.method == Method::GET {
        return pages::forgot(h, &req, None);
    }
    let username = h.f("username").unwrap_or_default().to_string();
    match call(h, &req, "ForgotPassword", &username, json!({})) {
        Ok(_) => html::redirect(
            &format!(
                "/confirmforgotPassword{}",
                req.query_with(&[("username", &username)])
            ),
            &[],
        ),
        Err(e) => pages::forgot(h, &req, Some(Notice::Error(e.message()))),
    }
}

/// `/confirmforgotPassword`: the code and a new password (ConfirmForgotPassword), then sign in.
pub fn confirm_forgot_password(h: &Hosted) -> Response<Body> {
    let req = match request(h) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    if h.method == Method::GET {
        let username = h.q("username").unwrap_or_default();
        return pages::confirm_forgot(
            h,
            &req,
            username,
            Some(Notice::Info(
                "We sent you a code. Enter it with your new password.",
            )),
        );
    }
    let username = h.f("username").unwrap_or_default().to_string();
    let password = h.f("password").unwrap_or_default();
    if h.f("confirmPassword") != Some(password) {
        return pages::confirm_forgot(
            h,
            &req,
            &username,
            Some(Notice::Error("Passwords do not match.")),
        );
    }
    let code = h.f("code").map(str::trim).unwrap_or_default();
    let input = json!({"ConfirmationCode": code, "Password": password});
    match call(h, &req, "ConfirmForgotPassword", &username, input) {
        Ok(_) => html::redirect(
            &format!(
                "/login{}",
                req.query_with(&[("username", &username), ("notice", "reset")])
            ),
            &[],
        ),
        Err(e) => pages::confirm_forgot(h, &req, &username, Some(Notice::Error(e.message()))),
    }
}
