//! The authorize request every hosted page carries: client, redirect URI, response type, PKCE and
//! scopes checked in AWS's order, and where a refusal goes (Cognito's error page or the redirect URI).

use hyper::Response;

use crate::auth::tokens::Grant;
use crate::domain::oauth::{self, flows};
use crate::html::{self, query_string};
use crate::http::Body;
use crate::oauth::Hosted;
use crate::store;
use crate::store::clients::ClientRow;
use crate::store::pools::PoolRow;

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
    /// The identity provider `identity_provider` / `idp_identifier` named (`COGNITO` or an IdP of
    /// the pool the client supports); `None` lets the user choose.
    pub identity_provider: Option<String>,
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
    let supported: Vec<&String> = cfg.supported_identity_providers.iter().flatten().collect();
    if !cfg.allowed_oauth_flows_user_pool_client || supported.is_empty() {
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
    let identity_provider = match (
        get(query, "identity_provider"),
        get(query, "idp_identifier"),
    ) {
        (Some(idp), _) => Some(idp.to_string()),
        (None, Some(identifier)) => app
            .store
            .read(|c| store::federation::provider_by_identifier(c, &pool.id, identifier))
            .ok()
            .flatten()
            .map(|p| p.name),
        (None, None) => None,
    };
    let named = get(query, "identity_provider").is_some() || get(query, "idp_identifier").is_some();
    if named
        && !identity_provider
            .as_ref()
            .is_some_and(|p| supported.contains(&p))
    {
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
        identity_provider,
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
}
