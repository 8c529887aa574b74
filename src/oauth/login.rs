//! `/login`: the sign-in form and every step after it (MFA codes, MFA choice, TOTP set-up, a new
//! password), driven through the API's own state machine (`auth::password::sign_in`,
//! `auth::respond::respond`) with the page's OAuth grant; at the end a hosted session starts and the
//! browser goes back to the client with a code or tokens.

use std::collections::HashMap;

use hyper::Response;
use serde_json::{Value, json};

use crate::auth::request::InitiateRequest;
use crate::auth::respond::{self, Answered};
use crate::auth::tokens::TokenSet;
use crate::auth::{Caller, Outcome, Params, password};
use crate::crypto::{jwt, secret_hash};
use crate::err;
use crate::error::CognitoError;
use crate::http::Body;
use crate::oauth::pages::{self, Notice};
use crate::oauth::request::{self, AuthRequest};
use crate::oauth::{Hosted, codes, session};
use crate::store::users::{self, UserRow};
use crate::{html, ops};

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
            Some("confirmed") => Some(Notice::Info(
                "Your account is confirmed. Sign in to continue.",
            )),
            Some("reset") => Some(Notice::Info(
                "Your password was changed. Sign in with the new one.",
            )),
            _ => None,
        };
        let hint = h.q("username").or_else(|| h.q("login_hint"));
        return pages::login(h, &req, notice, hint);
    }
    match h.f("challenge") {
        Some(challenge) => answer(h, &req, challenge),
        None => {
            let (Some(username), Some(pw)) = (h.f("username"), h.f("password")) else {
                return pages::login(
                    h,
                    &req,
                    Some(Notice::Error("Please enter your username and password.")),
                    h.f("username"),
                );
            };
            sign_in(h, &req, username, pw)
        }
    }
}

/// SECRET_HASH for a client with a secret: the hosted pages know the secret.
pub fn secret_hash_for(req: &AuthRequest, username: &str) -> Option<String> {
    req.client
        .secret
        .as_deref()
        .map(|s| secret_hash::compute(s, username, &req.client.id))
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
fn next(h: &Hosted, req: &AuthRequest, outcome: Outcome, typed: &str) -> Response<Body> {
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

/// The page of a challenge; MFA_SETUP first associates a TOTP secret with the session.
fn challenge_page(
    h: &Hosted,
    req: &AuthRequest,
    name: &str,
    session: &str,
    parameters: &HashMap<String, String>,
    typed: &str,
    error: Option<&str>,
) -> Response<Body> {
    if name == "MFA_SETUP" && !parameters.contains_key("SECRET_CODE") {
        let can = parameters
            .get("MFAS_CAN_SETUP")
            .cloned()
            .unwrap_or_default();
        if !can.contains("SOFTWARE_TOKEN_MFA") {
            return pages::login(
                h,
                req,
                Some(Notice::Error(
                    "MFA is required, but the hosted pages can only set up an authenticator app and the pool does not offer one.",
                )),
                Some(typed),
            );
        }
        let associated = ops::invoke(
            &h.ctx,
            "AssociateSoftwareToken",
            json!({"Session": session}),
        );
        return match associated {
            Ok(v) => {
                let mut p = parameters.clone();
                let secret = v["SecretCode"].as_str().unwrap_or_default().to_string();
                p.insert("SECRET_CODE".into(), secret);
                let s = v["Session"].as_str().unwrap_or(session).to_string();
                pages::challenge(h, req, name, &s, &p, typed, error)
            }
            Err(e) => failed(h, req, e, typed),
        };
    }
    pages::challenge(h, req, name, session, parameters, typed, error)
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
        |error: &str| challenge_page(h, req, challenge, &session, &shown, &typed, Some(error));
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
                return again("Please enter the code.");
            }
            responses.insert(field.into(), code);
        }
        "SELECT_MFA_TYPE" => {
            let Some(choice) = h.f("answer") else {
                return again("Please choose how to receive your code.");
            };
            responses.insert("ANSWER".into(), choice.into());
        }
        "NEW_PASSWORD_REQUIRED" => {
            let (Some(pw), confirm) = (h.f("password"), h.f("confirmPassword")) else {
                return again("Please enter a new password.");
            };
            if confirm != Some(pw) {
                return again("Passwords do not match.");
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
        "MFA_SETUP" => {
            if code.is_empty() {
                return again("Please enter the code from your authenticator app.");
            }
            let verified = ops::invoke(
                &h.ctx,
                "VerifySoftwareToken",
                json!({"Session": session, "UserCode": code, "FriendlyDeviceName": "Authenticator app"}),
            );
            match verified {
                Ok(v) => session_used = v["Session"].as_str().unwrap_or(&session).to_string(),
                Err(e)
                    if matches!(
                        e,
                        CognitoError::CodeMismatchException(_)
                            | CognitoError::EnableSoftwareTokenMFAException(_)
                            | CognitoError::InvalidParameterException(_)
                    ) =>
                {
                    return again(e.message());
                }
                Err(e) => return failed(h, req, e, &typed),
            }
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
    match respond::respond(&h.ctx, &req.pool, &req.client, answered) {
        Ok(outcome) => next(h, req, outcome, &typed),
        // The state machine gives the session back for these: the same page again.
        Err(
            e @ (CognitoError::InvalidPasswordException(_)
            | CognitoError::InvalidParameterException(_)
            | CognitoError::PasswordHistoryPolicyViolationException(_)),
        ) if challenge != "MFA_SETUP" => again(e.message()),
        Err(e @ CognitoError::CodeMismatchException(_)) => again(e.message()),
        Err(e) => failed(h, req, e, &typed),
    }
}

/// A refused sign-in: unconfirmed users confirm first, failures after the credentials were accepted
/// (PostAuthentication, PreTokenGeneration) go to the client, the rest back to the form.
fn failed(h: &Hosted, req: &AuthRequest, e: CognitoError, typed: &str) -> Response<Body> {
    if let CognitoError::UserNotConfirmedException(_) = e {
        let mut input = json!({"ClientId": req.client.id, "Username": typed});
        if let Some(hash) = secret_hash_for(req, typed) {
            input["SecretHash"] = json!(hash);
        }
        if let Err(e) = ops::invoke(&h.ctx, "ResendConfirmationCode", input) {
            tracing::info!(error = %e.message(), "hosted UI: resending the sign-up code failed");
        }
        return html::redirect(
            &format!("/confirm{}", req.query_with(&[("username", typed)])),
            &[],
        );
    }
    let message = e.message().to_string();
    if message.starts_with("PostAuthentication failed")
        || message.starts_with("PreTokenGeneration failed")
    {
        return req.error("access_denied", Some(&message));
    }
    if matches!(e, CognitoError::InternalErrorException(_)) {
        return req.error("server_error", None);
    }
    pages::login(h, req, Some(Notice::Error(&message)), Some(typed))
}
