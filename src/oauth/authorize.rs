//! `GET /oauth2/authorize` and what every hosted page shares with it: the authorize request (client,
//! redirect, response type, PKCE, scopes) checked in AWS's order, the hosted session cookie, and the
//! end of a sign-in (a code or implicit tokens sent to the redirect URI).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hyper::Response;
use sha2::{Digest, Sha256};

use crate::auth::tokens::{Grant, TokenSet};
use crate::domain::ids;
use crate::domain::oauth::{self, flows};
use crate::html::{self, query_string, url_encode};
use crate::http::Body;
use crate::oauth::{Hosted, codes};
use crate::store;
use crate::store::clients::ClientRow;
use crate::store::oauth::HostedSession;
use crate::store::pools::PoolRow;
use crate::store::users::UserRow;

/// The hosted session cookie (one hour from the interactive sign-in).
pub const SESSION_COOKIE: &str = "cognito";
/// Its lifetime.
pub const SESSION_SECS: f64 = 3600.0;

/// `code` or `token`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseType {
    /// Authorization code grant.
    Code,
    /// Implicit grant.
    Token,
}

/// A checked authorize request (also the query every hosted page carries).
pub struct AuthRequest {
    /// The pool.
    pub pool: PoolRow,
    /// The app client.
    pub client: ClientRow,
    /// Where the answer goes.
    pub redirect_uri: String,
    /// code or token.
    pub response_type: ResponseType,
    /// `state`, echoed.
    pub state: Option<String>,
    /// Granted scopes and nonce.
    pub grant: Grant,
    /// PKCE S256 challenge.
    pub code_challenge: Option<String>,
    /// The original query, carried from page to page.
    pub query: Vec<(String, String)>,
}

/// Why an authorize request is refused: on Cognito's error page (unknown client, unregistered
/// redirect) or at the redirect URI.
pub enum Refusal {
    /// `302 /error?error=<code>&client_id=<id>`.
    Page(&'static str, String),
    /// The error sent to the redirect URI.
    Redirect(Box<Redirect>),
}

/// An answer sent to the client's redirect URI.
pub struct Redirect {
    /// The redirect URI.
    pub uri: String,
    /// In the fragment (implicit grant) instead of the query.
    pub fragment: bool,
    /// The parameters.
    pub params: Vec<(String, String)>,
}

impl Redirect {
    /// The Location value.
    pub fn location(&self) -> String {
        let qs = query_string(self.params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let sep = if self.fragment {
            '#'
        } else if self.uri.contains('?') {
            '&'
        } else {
            '?'
        };
        format!("{}{sep}{qs}", self.uri)
    }
}

impl Refusal {
    /// The 302 answer.
    pub fn response(&self) -> Response<Body> {
        match self {
            Refusal::Page(error, client_id) => html::redirect(
                &format!(
                    "/error?{}",
                    query_string([("error", *error), ("client_id", client_id.as_str())])
                ),
                &[],
            ),
            Refusal::Redirect(r) => html::redirect(&r.location(), &[]),
        }
    }
}

fn error_to(uri: &str, fragment: bool, error: &str, state: Option<&str>) -> Refusal {
    let mut params = vec![("error".to_string(), error.to_string())];
    if let Some(s) = state {
        params.push(("state".into(), s.into()));
    }
    Refusal::Redirect(Box::new(Redirect {
        uri: uri.to_string(),
        fragment,
        params,
    }))
}

fn get<'a>(query: &'a [(String, String)], k: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// Checks an authorize request in AWS's order: client, redirect URI, OAuth enabled, response type,
/// flow allowed, PKCE, scopes.
pub fn parse(h: &Hosted, query: &[(String, String)]) -> Result<AuthRequest, Refusal> {
    let app = &h.ctx.app;
    let client_id = get(query, "client_id").unwrap_or_default().to_string();
    let found = app.store.read(|c| {
        let Some(client) = store::clients::get(c, &client_id)? else {
            return Ok(None);
        };
        Ok(store::pools::get(c, &client.pool_id)?.map(|p| (client, p)))
    });
    let (client, pool) = match found {
        Ok(Some(found)) => found,
        _ => return Err(Refusal::Page("invalid_request", client_id)),
    };
    if h.domain_pool.as_ref().is_some_and(|p| *p != pool.id) {
        return Err(Refusal::Page("invalid_request", client_id));
    }
    let cfg = &client.config;
    let callbacks = cfg.callback_urls.clone().unwrap_or_default();
    let redirect_uri = match get(query, "redirect_uri") {
        Some(uri) if callbacks.iter().any(|c| c == uri) => uri.to_string(),
        Some(_) => return Err(Refusal::Page("redirect_mismatch", client_id)),
        None => match (&cfg.default_redirect_uri, callbacks.as_slice()) {
            (Some(d), _) => d.clone(),
            (None, [only]) => only.clone(),
            _ => return Err(Refusal::Page("redirect_mismatch", client_id)),
        },
    };
    let cognito_idp = cfg
        .supported_identity_providers
        .iter()
        .flatten()
        .any(|p| p == "COGNITO");
    if !cfg.allowed_oauth_flows_user_pool_client || !cognito_idp {
        return Err(Refusal::Page("invalid_request", client_id));
    }
    let state = get(query, "state").map(str::to_string);
    let st = state.as_deref();
    let response_type = match get(query, "response_type") {
        Some("code") => ResponseType::Code,
        Some("token") => ResponseType::Token,
        _ => return Err(error_to(&redirect_uri, false, "invalid_request", st)),
    };
    let fragment = response_type == ResponseType::Token;
    let flow = match response_type {
        ResponseType::Code => flows::CODE,
        ResponseType::Token => flows::IMPLICIT,
    };
    if !cfg.allowed_oauth_flows.iter().flatten().any(|f| f == flow) {
        return Err(error_to(&redirect_uri, fragment, "unauthorized_client", st));
    }
    let code_challenge = match (
        get(query, "code_challenge"),
        get(query, "code_challenge_method"),
    ) {
        (None, None) => None,
        (Some(c), Some("S256")) if response_type == ResponseType::Code => Some(c.to_string()),
        _ => return Err(error_to(&redirect_uri, fragment, "invalid_request", st)),
    };
    if let Some(idp) = get(query, "identity_provider") {
        if idp != "COGNITO" {
            return Err(error_to(&redirect_uri, fragment, "invalid_request", st));
        }
    }
    if get(query, "idp_identifier").is_some() {
        return Err(error_to(&redirect_uri, fragment, "invalid_request", st));
    }
    let allowed = cfg.allowed_oauth_scopes.clone().unwrap_or_default();
    let custom = crate::ops::oauth_settings::custom_scopes(&h.ctx, &pool.id).unwrap_or_default();
    let scopes = oauth::grant_scopes(get(query, "scope"), &allowed, |s| {
        custom.iter().any(|c| c == s)
    })
    .map_err(|_| error_to(&redirect_uri, fragment, "invalid_scope", st))?;
    Ok(AuthRequest {
        pool,
        client,
        redirect_uri,
        response_type,
        state,
        grant: Grant {
            scopes,
            nonce: get(query, "nonce").map(str::to_string),
        },
        code_challenge,
        query: query.to_vec(),
    })
}

impl AuthRequest {
    /// `?<the original query>` for links and form actions between the hosted pages.
    pub fn query_suffix(&self) -> String {
        self.query_with(&[])
    }

    /// The original query with some parameters replaced or added.
    pub fn query_with(&self, extra: &[(&str, &str)]) -> String {
        let mut pairs: Vec<(&str, &str)> = self
            .query
            .iter()
            .filter(|(k, _)| !extra.iter().any(|(e, _)| e == k))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        pairs.extend(extra.iter().copied());
        format!("?{}", query_string(pairs))
    }

    /// An error sent to the redirect URI (`error_description` when given).
    pub fn error(&self, error: &str, description: Option<&str>) -> Response<Body> {
        let mut params = vec![("error".to_string(), error.to_string())];
        if let Some(d) = description {
            params.push(("error_description".into(), d.into()));
        }
        if let Some(s) = &self.state {
            params.push(("state".into(), s.clone()));
        }
        let r = Redirect {
            uri: self.redirect_uri.clone(),
            fragment: self.response_type == ResponseType::Token,
            params,
        };
        html::redirect(&r.location(), &[])
    }

    /// The end of a sign-in: a code (or the implicit tokens) at the redirect URI, plus `cookies`.
    pub fn complete(
        &self,
        h: &Hosted,
        user: &UserRow,
        tokens: TokenSet,
        mut cookies: Vec<String>,
    ) -> Response<Body> {
        let mut params: Vec<(String, String)> = Vec::new();
        match self.response_type {
            ResponseType::Code => match codes::issue(&h.ctx, self, user, &tokens) {
                Ok(code) => params.push(("code".into(), code)),
                Err(e) => {
                    tracing::error!(error = %e.message(), "storing an authorization code failed");
                    return self.error("server_error", None);
                }
            },
            ResponseType::Token => {
                if self.grant.has("openid") {
                    params.push(("id_token".into(), tokens.id_token.clone()));
                }
                params.push(("access_token".into(), tokens.access_token.clone()));
                params.push(("token_type".into(), "bearer".into()));
                params.push(("expires_in".into(), tokens.expires_in.to_string()));
            }
        }
        if let Some(s) = &self.state {
            params.push(("state".into(), s.clone()));
        }
        let r = Redirect {
            uri: self.redirect_uri.clone(),
            fragment: self.response_type == ResponseType::Token,
            params,
        };
        cookies.retain(|c| !c.is_empty());
        html::redirect(&r.location(), &cookies)
    }
}

fn session_key(value: &str) -> [u8; 32] {
    Sha256::digest(value.as_bytes()).into()
}

/// Starts a hosted session for `user` (after an interactive sign-in): the `Set-Cookie` value.
pub fn start_session(h: &Hosted, pool: &PoolRow, user: &UserRow, auth_time: i64) -> String {
    let value = URL_SAFE_NO_PAD.encode(ids::random_bytes(32));
    let now = h.ctx.now();
    let s = HostedSession {
        pool_id: pool.id.clone(),
        user_pk: user.pk,
        auth_time,
        expires_at: now + SESSION_SECS,
    };
    let key = session_key(&value);
    match h
        .ctx
        .app
        .store
        .write(|c| store::oauth::insert_session(c, &key, &s, now))
    {
        Ok(()) => html::set_cookie(SESSION_COOKIE, &value, SESSION_SECS as i64, h.secure),
        Err(e) => {
            tracing::warn!(error = %e.message(), "storing a hosted session failed");
            String::new()
        }
    }
}

/// The live hosted session of this browser in `pool`, with its user.
pub fn current_session(h: &Hosted, pool: &PoolRow) -> Option<(HostedSession, UserRow)> {
    let value = html::cookie(&h.headers, SESSION_COOKIE)?;
    let key = session_key(&value);
    let now = h.ctx.now();
    h.ctx
        .app
        .store
        .read(|c| {
            let Some(s) = store::oauth::get_session(c, &key)? else {
                return Ok(None);
            };
            if s.pool_id != pool.id || s.expires_at <= now {
                return Ok(None);
            }
            Ok(store::users::by_pk(c, s.user_pk)?.map(|u| (s, u)))
        })
        .ok()
        .flatten()
        .filter(|(_, u)| u.enabled)
}

/// Ends this browser's hosted session: the `Set-Cookie` that deletes the cookie.
pub fn end_session(h: &Hosted) -> String {
    if let Some(value) = html::cookie(&h.headers, SESSION_COOKIE) {
        let key = session_key(&value);
        if let Err(e) = h
            .ctx
            .app
            .store
            .write(|c| store::oauth::delete_session(c, &key))
        {
            tracing::warn!(error = %e.message(), "ending a hosted session failed");
        }
    }
    html::set_cookie(SESSION_COOKIE, "", 0, h.secure)
}

/// `GET /oauth2/authorize`: with a live session (and no `prompt=login`), straight back to the client
/// with fresh tokens; `prompt=none` without one is `login_required`; otherwise the sign-in page with
/// the same parameters.
pub fn authorize(h: &Hosted) -> Response<Body> {
    let req = match parse(h, &h.query) {
        Ok(r) => r,
        Err(refusal) => return refusal.response(),
    };
    let prompt = h.q("prompt").unwrap_or_default();
    let prompts: Vec<&str> = prompt.split(' ').collect();
    if !prompts.contains(&"login") {
        if let Some((session, user)) = current_session(h, &req.pool) {
            return match crate::oauth::login::reissue(h, &req, &user, session.auth_time) {
                Ok(tokens) => req.complete(h, &user, tokens, Vec::new()),
                Err(e) => req.error("access_denied", Some(e.message())),
            };
        }
    }
    if prompts.contains(&"none") {
        return req.error("login_required", None);
    }
    html::redirect(&format!("/login{}", req.query_suffix()), &[])
}

/// Percent-encodes for the pages' links.
pub fn enc(s: &str) -> String {
    url_encode(s)
}
