//! The account pages: `/signup` and `/confirm` (SignUp, ConfirmSignUp, ResendConfirmationCode) and
//! `/forgotPassword` / `/confirmforgotPassword` (ForgotPassword, ConfirmForgotPassword), run through the
//! API's own operations so that triggers (PreSignUp_SignUp, PostConfirmation, CustomMessage) and
//! messages behave exactly as there.
//!
//! A sign-up confirmed in the same browser signs the user in, as AWS's hosted UI does (the confirmed
//! code is the user's second factor on that first sign-in, so MFA is not asked): `/signup` leaves a
//! `page-data` cookie naming a sign-up session (AWS keeps its page data in a cookie of that name), and
//! `/confirm` exchanges it for a hosted session and the code at the redirect URI — or, where managed
//! login offers passkeys, for `/passkeys/add` first. Without that cookie (a code confirmed on another
//! device, an unconfirmed user sent here by the sign-in page) the user signs in next.

use std::collections::HashMap;

use hyper::{Method, Response};
use serde_json::{Value, json};

use crate::auth::checks::check_can_sign_in;
use crate::auth::flow::Attempt;
use crate::auth::session::{self as challenge, Handle, Kind, State, Step};
use crate::auth::{Caller, Outcome};
use crate::codes::SIGN_UP_CODE_TTL;
use crate::error::CognitoError;
use crate::html;
use crate::http::Body;
use crate::oauth::account_pages as pages;
use crate::oauth::branding::View;
use crate::oauth::failure::{failed, secret_hash_for};
use crate::oauth::i18n::T;
use crate::oauth::login::sign_in;
use crate::oauth::pages::Notice;
use crate::oauth::request::{self, AuthRequest};
use crate::oauth::{Hosted, codes, session};
use crate::ops;
use crate::store::users::{self, UserRow};

/// The cookie naming the sign-up this browser made (see the module comment).
const PAGE_DATA: &str = "page-data";

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
        Ok(answer) => {
            let sub = answer["UserSub"].as_str().unwrap_or_default();
            let proof = sign_up_proof(h, &req, &username, sub);
            html::redirect(
                &format!("/confirm{}", req.query_with(&[("username", &username)])),
                &proof.into_iter().collect::<Vec<_>>(),
            )
        }
        Err(e) => pages::sign_up(h, &req, Some(Notice::Error(e.message())), &values),
    }
}

/// A sign-up session for the user just signed up, as the `page-data` cookie.
fn sign_up_proof(h: &Hosted, req: &AuthRequest, typed: &str, sub: &str) -> Option<String> {
    let user = h
        .ctx
        .app
        .store
        .read(|c| users::by_sub(c, &req.pool.id, sub))
        .ok()??;
    let state = State {
        username: user.username.clone(),
        typed: typed.to_string(),
        caller: Caller::Client,
        device_key: None,
        step: Step::SignedUp,
        hosted: Some(req.grant.clone()),
    };
    let ttl = SIGN_UP_CODE_TTL;
    let kind = Kind::ConfirmSignUp;
    let handle = challenge::create_for(&h.ctx, &req.client, Some(user.pk), kind, &state, ttl);
    match handle {
        Ok(handle) => Some(html::set_cookie(
            PAGE_DATA,
            &handle.session(),
            ttl as i64,
            h.secure,
        )),
        Err(e) => {
            tracing::warn!(error = %e.message(), "hosted UI: storing the sign-up session failed");
            None
        }
    }
}

/// The user this browser signed up, if the `page-data` cookie names the sign-up of `username` (used
/// up here).
fn signed_up(h: &Hosted, req: &AuthRequest, username: &str) -> Option<UserRow> {
    let handle = Handle::from_session(&html::cookie(&h.headers, PAGE_DATA)?)?;
    let (_, pk, _) =
        challenge::take(&h.ctx, &req.client, Kind::ConfirmSignUp, Some(handle)).ok()?;
    let (pool, pk) = (&req.pool, pk?);
    let user = h
        .ctx
        .app
        .store
        .read(|c| users::resolve(c, &pool.id, &pool.config, username))
        .ok()??;
    (user.pk == pk).then_some(user)
}

/// Signs in the user who just confirmed their sign-up (PreTokenGeneration as
/// `TokenGeneration_HostedAuth`, PostAuthentication), then the code at the redirect URI or
/// `/passkeys/add` first.
fn after_confirmation(h: &Hosted, req: &AuthRequest, user: UserRow, typed: &str) -> Response<Body> {
    let clear = html::set_cookie(PAGE_DATA, "", 0, h.secure);
    if let Err(e) = check_can_sign_in(&user) {
        return failed(h, req, e, typed);
    }
    let (ctx, caller) = (&h.ctx, Caller::Client);
    let attempt = Attempt::new(
        ctx,
        &req.pool,
        &req.client,
        user.clone(),
        typed,
        caller,
        None,
    )
    .hosted(Some(req.grant.clone()));
    let tokens = match attempt.finish() {
        Ok(Outcome::Tokens(tokens)) => tokens,
        Ok(_) => return req.error("server_error", None),
        Err(e) => return failed(h, req, e, typed),
    };
    let started = session::start(h, &req.pool, &user, h.ctx.app.clock.now_secs());
    let v = View::of(h, req);
    if v.passkeys(req) {
        let mut cookies = vec![started, clear];
        cookies.extend(v.cookies());
        cookies.retain(|c| !c.is_empty());
        return html::redirect(&format!("/passkeys/add{}", req.query_suffix()), &cookies);
    }
    codes::complete(h, req, &user, tokens, vec![started, clear])
}

/// `/confirm`: the code from the message, then ConfirmSignUp; a sign-up of this browser is signed in
/// at once, others sign in next.
pub fn confirm(h: &Hosted) -> Response<Body> {
    let req = match request(h) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    if h.method == Method::GET {
        let username = h.q("username").unwrap_or_default();
        return pages::confirm(h, &req, username, None, Vec::new());
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
        Ok(_) => match signed_up(h, &req, &username) {
            Some(user) => after_confirmation(h, &req, user, &username),
            None => html::redirect(
                &format!(
                    "/login{}",
                    req.query_with(&[("username", &username), ("notice", "confirmed")])
                ),
                &[],
            ),
        },
        Err(e) => pages::confirm(
            h,
            &req,
            &username,
            Some(Notice::Error(e.message())),
            Vec::new(),
        ),
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
            Some(Notice::InfoText(T::NewCodeSent)),
            Vec::new(),
        ),
        Err(e) => pages::confirm(
            h,
            &req,
            &username,
            Some(Notice::Error(e.message())),
            Vec::new(),
        ),
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
        return pages::confirm_forgot(h, &req, username, Some(Notice::InfoText(T::ResetCodeSent)));
    }
    let username = h.f("username").unwrap_or_default().to_string();
    let password = h.f("password").unwrap_or_default();
    if h.f("confirmPassword") != Some(password) {
        return pages::confirm_forgot(
            h,
            &req,
            &username,
            Some(Notice::ErrorText(T::PasswordsDontMatch)),
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
