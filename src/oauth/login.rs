//! `/login`: the sign-in form and every step after it (MFA codes, MFA choice, MFA set-up, a new
//! password, a passkey), driven through the API's own state machine (`auth::password::sign_in`,
//! `auth::respond::respond`) with the page's OAuth grant; at the end a hosted session starts and the
//! browser goes back to the client with a code or tokens.

use std::collections::HashMap;

use hyper::Response;
use serde_json::Value;

use crate::auth::request::InitiateRequest;
use crate::auth::respond::{self, Answered};
use crate::auth::tokens::TokenSet;
use crate::auth::{Caller, Outcome, Params, password, user_auth};
use crate::crypto::jwt;
use crate::err;
use crate::error::CognitoError;
use crate::http::Body;
use crate::oauth::branding::View;
use crate::oauth::failure::{failed, secret_hash_for};
use crate::oauth::i18n::T;
use crate::oauth::pages::{self, Notice};
use crate::oauth::request::{self, AuthRequest};
use crate::oauth::{Hosted, codes, mfa_setup, passkey_pages, session};
use crate::store::users::{self, UserRow};

/// `GET /login` shows the form; `POST /login` signs in or answers the pending step.
pub fn login(h: &Hosted) -> Response<Body> {
    let req = match request::parse(h, &h.query) {
        Ok(r) => r,
        Err(refusal) => return refusal.response(),
    };
    if let Some(resp) = crate::federation::buttons::hook(h, &req) {
        return resp;
    }
    if h.method == hyper::Method::GET {
        let notice = match h.q("notice") {
            Some("confirmed") => Some(Notice::InfoText(T::AccountConfirmed)),
            Some("reset") => Some(Notice::InfoText(T::PasswordChanged)),
            _ => None,
        };
        let hint = h.q("username").or_else(|| h.q("login_hint"));
        return pages::login(h, &req, notice, hint);
    }
    match h.f("challenge") {
        Some(challenge) => answer(h, &req, challenge),
        None if h.f("passkey").is_some() && View::of(h, &req).passkeys(&req) => {
            match h.f("username") {
                Some(username) => passkey_sign_in(h, &req, username),
                None => pages::login(h, &req, Some(Notice::ErrorText(T::EnterUsername)), None),
            }
        }
        None => {
            let (Some(username), Some(pw)) = (h.f("username"), h.f("password")) else {
                return pages::login(
                    h,
                    &req,
                    Some(Notice::ErrorText(T::EnterUsernameAndPassword)),
                    h.f("username"),
                );
            };
            sign_in(h, &req, username, pw)
        }
    }
}

/// Signs in with a password (any client: the hosted UI does not need ALLOW_USER_PASSWORD_AUTH).
pub fn sign_in(h: &Hosted, req: &AuthRequest, username: &str, pw: &str) -> Response<Body> {
    let mut params = Params::new();
    params.insert("USERNAME".into(), username.into());
    params.insert("PASSWORD".into(), pw.into());
    if let Some(hash) = secret_hash_for(req, username) {
        params.insert("SECRET_HASH".into(), hash);
    }
    let initiate = InitiateRequest {
        ctx: &h.ctx,
        pool: &req.pool,
        client: &req.client,
        params: &params,
        session: None,
        caller: Caller::Client,
        client_metadata: None,
        hosted: Some(&req.grant),
    };
    match password::sign_in(&initiate) {
        Ok(outcome) => next(h, req, outcome, username),
        Err(e) => failed(h, req, e, username),
    }
}

/// "Sign in with passkey": USER_AUTH with WEB_AUTHN preferred for `username` (PreAuthentication runs as
/// for any sign-in), then the page that asks the browser for the passkey (its assertion is verified by
/// RespondToAuthChallenge's code, `auth::passkeys::answer`).
fn passkey_sign_in(h: &Hosted, req: &AuthRequest, username: &str) -> Response<Body> {
    let mut params = Params::new();
    params.insert("USERNAME".into(), username.into());
    params.insert("PREFERRED_CHALLENGE".into(), "WEB_AUTHN".into());
    if let Some(hash) = secret_hash_for(req, username) {
        params.insert("SECRET_HASH".into(), hash);
    }
    let initiate = InitiateRequest {
        ctx: &h.ctx,
        pool: &req.pool,
        client: &req.client,
        params: &params,
        session: None,
        caller: Caller::Client,
        client_metadata: None,
        hosted: Some(&req.grant),
    };
    match user_auth::start(&initiate) {
        Ok(Outcome::Select { .. }) => pages::login(
            h,
            req,
            Some(Notice::ErrorText(T::NoPasskey)),
            Some(username),
        ),
        Ok(outcome) => next(h, req, outcome, username),
        Err(e) => failed(h, req, e, username),
    }
}

/// The user the tokens were issued to.
fn user_of(h: &Hosted, req: &AuthRequest, tokens: &TokenSet) -> Option<UserRow> {
    let (_, claims) = jwt::verify(&h.ctx.app.keys, &tokens.access_token)?;
    let sub = claims.get("sub")?.as_str()?.to_string();
    h.ctx
        .app
        .store
        .read(|c| users::by_sub(c, &req.pool.id, &sub))
        .ok()
        .flatten()
}

fn auth_time(h: &Hosted, tokens: &TokenSet) -> i64 {
    jwt::verify(&h.ctx.app.keys, &tokens.access_token)
        .and_then(|(_, c)| c.get("auth_time").and_then(Value::as_i64))
        .unwrap_or_else(|| h.ctx.app.clock.now_secs())
}

/// After a step: tokens end the sign-in; a challenge shows its page.
pub(crate) fn next(h: &Hosted, req: &AuthRequest, outcome: Outcome, typed: &str) -> Response<Body> {
    match outcome {
        Outcome::Tokens(tokens) => {
            let Some(user) = user_of(h, req, &tokens) else {
                return req.error("server_error", None);
            };
            let cookie = session::start(h, &req.pool, &user, auth_time(h, &tokens));
            codes::complete(h, req, &user, tokens, vec![cookie])
        }
        Outcome::Challenge {
            name,
            session,
            parameters,
        } => challenge_page(h, req, name.as_str(), &session, &parameters, typed, None),
        Outcome::Select { .. } => req.error("server_error", None),
    }
}

/// The page of a challenge (MFA_SETUP and WEB_AUTHN have their own).
fn challenge_page(
    h: &Hosted,
    req: &AuthRequest,
    name: &str,
    session: &str,
    parameters: &HashMap<String, String>,
    typed: &str,
    notice: Option<Notice<'_>>,
) -> Response<Body> {
    match name {
        "MFA_SETUP" => mfa_setup::page(h, req, session, parameters, typed, notice),
        "WEB_AUTHN" => passkey_pages::challenge(h, req, session, parameters, typed, notice),
        _ => pages::challenge(h, req, name, session, parameters, typed, notice),
    }
}

/// Answers the pending step from the page's form.
fn answer(h: &Hosted, req: &AuthRequest, challenge: &str) -> Response<Body> {
    let typed = h.f("username").unwrap_or_default().to_string();
    let session = h.f("session").unwrap_or_default().to_string();
    let shown: HashMap<String, String> = h
        .f("parameters")
        .and_then(|p| serde_json::from_str(p).ok())
        .unwrap_or_default();
    let again =
        |n: Notice<'_>| challenge_page(h, req, challenge, &session, &shown, &typed, Some(n));
    let mut responses = Params::new();
    responses.insert("USERNAME".into(), typed.clone());
    if let Some(hash) = secret_hash_for(req, &typed) {
        responses.insert("SECRET_HASH".into(), hash);
    }
    let code = h.f("code").map(str::trim).unwrap_or_default().to_string();
    let mut session_used = session.clone();
    match challenge {
        "SOFTWARE_TOKEN_MFA" | "SMS_MFA" | "EMAIL_OTP" => {
            let field = match challenge {
                "SOFTWARE_TOKEN_MFA" => "SOFTWARE_TOKEN_MFA_CODE",
                "SMS_MFA" => "SMS_MFA_CODE",
                _ => "EMAIL_OTP_CODE",
            };
            if code.is_empty() {
                return again(Notice::ErrorText(T::EnterCode));
            }
            responses.insert(field.into(), code);
        }
        "SELECT_MFA_TYPE" => {
            let Some(choice) = h.f("answer") else {
                return again(Notice::ErrorText(T::ChooseCodeMethod));
            };
            responses.insert("ANSWER".into(), choice.into());
        }
        "NEW_PASSWORD_REQUIRED" => {
            let (Some(pw), confirm) = (h.f("password"), h.f("confirmPassword")) else {
                return again(Notice::ErrorText(T::EnterNewPassword));
            };
            if confirm != Some(pw) {
                return again(Notice::ErrorText(T::PasswordsDontMatch));
            }
            responses.insert("NEW_PASSWORD".into(), pw.into());
            for (k, v) in &h.form {
                if let Some(attr) = k
                    .strip_prefix("requiredAttributes[")
                    .and_then(|a| a.strip_suffix(']'))
                {
                    responses.insert(format!("userAttributes.{attr}"), v.clone());
                }
            }
        }
        "MFA_SETUP" => match mfa_setup::answer(h, req, &session, &shown, &typed, &mut responses) {
            Ok(s) => session_used = s,
            Err(page) => return page,
        },
        "WEB_AUTHN" => {
            let Some(credential) = h.f("credential") else {
                return again(Notice::ErrorText(T::PasskeyFailed));
            };
            responses.insert("CREDENTIAL".into(), credential.to_string());
        }
        _ => {
            return failed(
                h,
                req,
                err!(NotAuthorizedException, "Invalid session for the user."),
                &typed,
            );
        }
    }
    let answered = Answered {
        challenge,
        responses: &responses,
        session: Some(&session_used),
        caller: Caller::Client,
        client_metadata: None,
        hosted: true,
    };
    let email_setup = challenge == "MFA_SETUP" && responses.contains_key("EMAIL");
    match respond::respond(&h.ctx, &req.pool, &req.client, answered) {
        Ok(outcome) => next(h, req, outcome, &typed),
        // The state machine gives the session back for these: the same page again.
        Err(
            e @ (CognitoError::InvalidPasswordException(_)
            | CognitoError::InvalidParameterException(_)
            | CognitoError::PasswordHistoryPolicyViolationException(_)),
        ) if challenge != "MFA_SETUP" || email_setup => again(Notice::Error(e.message())),
        Err(e @ CognitoError::CodeMismatchException(_)) => again(Notice::Error(e.message())),
        Err(CognitoError::NotAuthorizedException(m)) if challenge == "WEB_AUTHN" => {
            tracing::info!(reason = %m, "hosted UI: passkey refused");
            pages::login(
                h,
                req,
                Some(Notice::ErrorText(T::PasskeyFailed)),
                Some(&typed),
            )
        }
        Err(e) => failed(h, req, e, &typed),
    }
}
