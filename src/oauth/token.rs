//! `POST /oauth2/token`: `authorization_code` (single use, five minutes, PKCE, the same redirect_uri),
//! `refresh_token` (the grant's scopes kept) and `client_credentials` (resource-server scopes, no user).
//! Clients authenticate with HTTP Basic or `client_secret` in the body, checked by `auth::checks`.
//! Errors are RFC 6749 JSON with AWS's statuses.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hyper::{Response, StatusCode};
use serde_json::{Map, Value, json};

use crate::auth::checks::check_client_secret;
use crate::auth::refresh::{self, Exchange};
use crate::auth::tokens::{self, Session};
use crate::domain::client::Flow;
use crate::domain::oauth::{STANDARD_SCOPES, flows};
use crate::error::CognitoError;
use crate::http::{Body, percent_decode};
use crate::oauth::Hosted;
use crate::oauth::codes::{self, Refused};
use crate::store;
use crate::store::clients::ClientRow;
use crate::store::pools::PoolRow;

/// A JSON answer of the OAuth endpoints (`application/json;charset=UTF-8`, never cached).
pub fn oauth_json(status: StatusCode, body: &Value, request_id: &str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(
            hyper::header::CONTENT_TYPE,
            "application/json;charset=UTF-8",
        )
        .header(hyper::header::CACHE_CONTROL, "no-store")
        .header(hyper::header::PRAGMA, "no-cache")
        .header("x-amz-cognito-request-id", request_id)
        .body(Body::from(body.to_string()))
        .expect("valid response")
}

/// `{"error": ...}` (with `error_description` when given).
pub fn oauth_error(
    h: &Hosted,
    status: StatusCode,
    error: &str,
    description: Option<&str>,
) -> Response<Body> {
    let mut body = json!({"error": error});
    if let Some(d) = description {
        body["error_description"] = json!(d);
    }
    oauth_json(status, &body, &h.ctx.request_id)
}

fn bad(h: &Hosted, error: &str) -> Response<Body> {
    oauth_error(h, StatusCode::BAD_REQUEST, error, None)
}

/// The client id and secret of the request: HTTP Basic (form-url-encoded inside, as RFC 6749 says), or
/// `client_id` / `client_secret` in the body.
pub fn client_credentials(h: &Hosted) -> Option<(String, Option<String>)> {
    let basic = h
        .headers
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Basic ")
                .or_else(|| v.strip_prefix("basic "))
        })
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok());
    if let Some(pair) = basic {
        let (id, secret) = pair.split_once(':')?;
        return Some((percent_decode(id)?, Some(percent_decode(secret)?)));
    }
    let id = h.f("client_id")?.to_string();
    Some((id, h.f("client_secret").map(str::to_string)))
}

/// The authenticated client and its pool, or `invalid_client`.
pub fn authenticate(h: &Hosted) -> Result<(ClientRow, PoolRow), ()> {
    let (id, secret) = client_credentials(h).ok_or(())?;
    let found = h
        .ctx
        .app
        .store
        .read(|c| {
            let Some(client) = store::clients::get(c, &id)? else {
                return Ok(None);
            };
            Ok(store::pools::get(c, &client.pool_id)?.map(|p| (client, p)))
        })
        .map_err(|_| ())?;
    let (client, pool) = found.ok_or(())?;
    if h.domain_pool.as_ref().is_some_and(|p| *p != pool.id) {
        return Err(());
    }
    check_client_secret(&client, secret.as_deref()).map_err(|_| ())?;
    Ok((client, pool))
}

/// `POST /oauth2/token`.
pub fn token(h: &Hosted) -> Response<Body> {
    let grant_type = h.f("grant_type");
    let Ok((client, pool)) = authenticate(h) else {
        return bad(h, "invalid_client");
    };
    match grant_type {
        None => bad(h, "invalid_request"),
        Some("authorization_code") => authorization_code(h, &pool, &client),
        Some("refresh_token") => refresh_token(h, &pool, &client),
        Some("client_credentials") => client_credentials_grant(h, &pool, &client),
        Some(_) => bad(h, "unsupported_grant_type"),
    }
}

fn allows(client: &ClientRow, flow: &str) -> bool {
    client.config.allowed_oauth_flows_user_pool_client
        && client
            .config
            .allowed_oauth_flows
            .iter()
            .flatten()
            .any(|f| f == flow)
}

fn authorization_code(h: &Hosted, pool: &PoolRow, client: &ClientRow) -> Response<Body> {
    let Some(code) = h.f("code") else {
        return bad(h, "invalid_request");
    };
    if !allows(client, flows::CODE) {
        return bad(h, "unauthorized_client");
    }
    let redeemed = codes::redeem(
        &h.ctx,
        &client.id,
        code,
        h.f("redirect_uri"),
        h.f("code_verifier"),
    );
    let (row, granted) = match redeemed {
        Ok(Ok(r)) => r,
        Ok(Err(Refused::InvalidGrant)) => return bad(h, "invalid_grant"),
        Ok(Err(Refused::InvalidRedirect)) => {
            return oauth_error(
                h,
                StatusCode::BAD_REQUEST,
                "unauthorized_client",
                Some("invalid_redirect"),
            );
        }
        Err(e) => return internal(h, e),
    };
    let user = match h
        .ctx
        .app
        .store
        .read(|c| store::users::by_pk(c, row.user_pk))
    {
        Ok(Some(u)) if u.enabled => u,
        Ok(_) => return bad(h, "invalid_grant"),
        Err(e) => return internal(h, e),
    };
    let session = Session {
        origin_jti: granted.origin_jti.clone(),
        auth_time: granted.auth_time,
        device_key: None,
    };
    let scopes = granted.grant.scope_claim();
    let refresh = match tokens::store_refresh(&h.ctx, client, &user, &session, Some(&scopes)) {
        Ok(r) => r,
        Err(e) => return internal(h, e),
    };
    // The session limit counts this session now that its refresh token exists.
    crate::auth::sessions::after_sign_in(&h.ctx, pool, &user, &session.origin_jti);
    let mut body = Map::new();
    if granted.grant.has("openid") {
        body.insert("id_token".into(), json!(granted.id_token));
    }
    body.insert("access_token".into(), json!(granted.access_token));
    body.insert("refresh_token".into(), json!(refresh));
    body.insert("expires_in".into(), json!(granted.expires_in));
    body.insert("token_type".into(), json!("Bearer"));
    oauth_json(StatusCode::OK, &Value::Object(body), &h.ctx.request_id)
}

fn refresh_token(h: &Hosted, pool: &PoolRow, client: &ClientRow) -> Response<Body> {
    let Some(token) = h.f("refresh_token") else {
        return bad(h, "invalid_request");
    };
    if !client.config.allows(Flow::RefreshToken) {
        return bad(h, "unauthorized_client");
    }
    let secret = client_credentials(h).and_then(|(_, s)| s);
    let digest = tokens::refresh_digest(token);
    let scopes = match h.ctx.app.store.read(|c| store::tokens::get(c, &digest)) {
        Ok(row) => row.and_then(|r| r.scopes),
        Err(e) => return internal(h, e),
    };
    let exchange = Exchange {
        token,
        client_secret: secret.as_deref(),
        device_key: None,
        client_metadata: None,
    };
    match refresh::exchange(&h.ctx, pool, client, &exchange) {
        Ok(set) => {
            // API refresh tokens (no OAuth scopes) still get an ID token, as from InitiateAuth.
            let openid = scopes
                .as_deref()
                .is_none_or(|s| s.split(' ').any(|x| x == "openid"));
            let mut body = Map::new();
            if openid {
                body.insert("id_token".into(), json!(set.id_token));
            }
            body.insert("access_token".into(), json!(set.access_token));
            if let Some(r) = set.refresh_token {
                body.insert("refresh_token".into(), json!(r));
            }
            body.insert("expires_in".into(), json!(set.expires_in));
            body.insert("token_type".into(), json!("Bearer"));
            oauth_json(StatusCode::OK, &Value::Object(body), &h.ctx.request_id)
        }
        Err(e) => grant_failure(h, e),
    }
}

fn client_credentials_grant(h: &Hosted, pool: &PoolRow, client: &ClientRow) -> Response<Body> {
    if client.secret.is_none() || !allows(client, flows::CLIENT_CREDENTIALS) {
        return bad(h, "unauthorized_client");
    }
    let allowed: Vec<String> = client
        .config
        .allowed_oauth_scopes
        .iter()
        .flatten()
        .filter(|s| !STANDARD_SCOPES.contains(&s.as_str()))
        .cloned()
        .collect();
    let existing = match crate::ops::oauth_settings::custom_scopes(&h.ctx, &pool.id) {
        Ok(s) => s,
        Err(e) => return internal(h, e),
    };
    let mut scopes: Vec<String> = Vec::new();
    match h.f("scope").map(str::trim).filter(|s| !s.is_empty()) {
        None => scopes.extend(allowed.iter().cloned()),
        Some(list) => {
            for s in list.split(' ').filter(|s| !s.is_empty()) {
                if !allowed.iter().any(|a| a == s) {
                    return bad(h, "invalid_scope");
                }
                if !scopes.iter().any(|x| x == s) {
                    scopes.push(s.to_string());
                }
            }
        }
    }
    // Scopes of a deleted resource server are dropped quietly.
    scopes.retain(|s| existing.contains(s));
    if scopes.is_empty() {
        return bad(h, "invalid_scope");
    }
    let metadata: Option<HashMap<String, String>> = match h.f("aws_client_metadata") {
        None => None,
        Some(raw) => match serde_json::from_str(raw) {
            Ok(m) => Some(m),
            Err(_) => return bad(h, "invalid_request"),
        },
    };
    match tokens::mint_client_credentials(&h.ctx, pool, client, &scopes, metadata.as_ref()) {
        Ok((access, expires_in)) => oauth_json(
            StatusCode::OK,
            &json!({"access_token": access, "expires_in": expires_in, "token_type": "Bearer"}),
            &h.ctx.request_id,
        ),
        Err(e) => grant_failure(h, e),
    }
}

/// A refused grant: token problems are `invalid_grant`, trigger failures `invalid_request` with the
/// trigger's message, anything else `server_error`-like.
fn grant_failure(h: &Hosted, e: CognitoError) -> Response<Body> {
    match e {
        CognitoError::NotAuthorizedException(_)
        | CognitoError::RefreshTokenReuseException(_)
        | CognitoError::UserNotFoundException(_) => bad(h, "invalid_grant"),
        CognitoError::UserLambdaValidationException(m)
        | CognitoError::InvalidLambdaResponseException(m)
        | CognitoError::UnexpectedLambdaException(m) => {
            oauth_error(h, StatusCode::BAD_REQUEST, "invalid_request", Some(&m))
        }
        e => internal(h, e),
    }
}

fn internal(h: &Hosted, e: CognitoError) -> Response<Body> {
    tracing::error!(error = %e.message(), "token endpoint failed");
    oauth_error(h, StatusCode::INTERNAL_SERVER_ERROR, "server_error", None)
}
