//! `/oauth2/userInfo`, `/oauth2/revoke`, `/logout` and the `/error` page.

use hyper::{Response, StatusCode};
use serde_json::{Map, Value, json};

use crate::auth::tokens;
use crate::crypto::jwt;
use crate::domain::oauth::Release;
use crate::html::{self, query_string};
use crate::http::Body;
use crate::oauth::Hosted;
use crate::oauth::pages;
use crate::oauth::request;
use crate::oauth::session;
use crate::oauth::token::{authenticate, oauth_error, oauth_json};
use crate::store;

/// A plain-text answer.
pub fn plain(status: StatusCode, text: &str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(hyper::header::CONTENT_TYPE, "text/plain;charset=UTF-8")
        .body(Body::from(text.to_string()))
        .expect("valid response")
}

fn www_authenticate(status: StatusCode, error: &str, description: &str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(
            hyper::header::CONTENT_TYPE,
            "application/json;charset=UTF-8",
        )
        .header(
            hyper::header::WWW_AUTHENTICATE,
            format!(r#"error="{error}", error_description="{description}""#),
        )
        .header(
            hyper::header::CACHE_CONTROL,
            "no-cache, no-store, max-age=0, must-revalidate",
        )
        .body(Body::from(
            json!({"error": error, "error_description": description}).to_string(),
        ))
        .expect("valid response")
}

/// `GET|POST /oauth2/userInfo`: the user's attributes the token's scopes release (it needs `openid`);
/// `*_verified` are strings here, as AWS sends them.
pub fn user_info(h: &Hosted) -> Response<Body> {
    let token = h
        .headers
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .or_else(|| h.f("access_token").map(str::to_string));
    let Some(token) = token else {
        return www_authenticate(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Bad OAuth2 request at UserInfo Endpoint",
        );
    };
    let invalid = || {
        www_authenticate(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "Access token is expired, disabled, or deleted, or the user has globally signed out.",
        )
    };
    let Ok((claims, scopes)) = tokens::verify_access_token(&h.ctx, &token) else {
        return invalid();
    };
    let scopes: Vec<String> = scopes.split(' ').map(str::to_string).collect();
    if !scopes.iter().any(|s| s == "openid") || claims.username.is_empty() {
        return invalid();
    }
    let found = h.ctx.app.store.read(|c| {
        let user = store::users::by_sub(c, &claims.pool_id, &claims.sub)?;
        let client = store::clients::get(c, &claims.client_id)?;
        Ok((
            user,
            client,
            store::tokens::origin_revoked(c, &claims.origin_jti)?,
        ))
    });
    let Ok((Some(user), Some(client), false)) = found else {
        return invalid();
    };
    if !user.enabled {
        return invalid();
    }
    let release = Release::of(&scopes);
    let mut out = Map::new();
    out.insert("sub".into(), json!(user.sub));
    for (name, value) in &user.attributes {
        if name == "sub" || !client.config.can_read(name) || !release.includes(name) {
            continue;
        }
        if let Some(v) = value.as_str() {
            out.insert(name.clone(), json!(v));
        }
    }
    out.insert("username".into(), json!(user.username));
    oauth_json(StatusCode::OK, &Value::Object(out), &h.ctx.request_id)
}

/// `POST /oauth2/revoke`: revokes a refresh token and every token of its authentication.
pub fn revoke(h: &Hosted) -> Response<Body> {
    let Some(token) = h.f("token") else {
        return oauth_error(h, StatusCode::BAD_REQUEST, "invalid_request", None);
    };
    let Ok((client, _)) = authenticate(h) else {
        return oauth_error(h, StatusCode::UNAUTHORIZED, "invalid_client", None);
    };
    if !client.config.enable_token_revocation {
        return oauth_error(h, StatusCode::BAD_REQUEST, "invalid_request", None);
    }
    if jwt::verify(&h.ctx.app.keys, token).is_some() {
        return oauth_error(h, StatusCode::BAD_REQUEST, "unsupported_token_type", None);
    }
    let digest = tokens::refresh_digest(token);
    let now = h.ctx.now();
    let revoked = h.ctx.app.store.write(|c| {
        match store::tokens::get(c, &digest)? {
            // An unknown or foreign token is not an error (RFC 7009).
            Some(row) if row.client_id == client.id => {
                store::tokens::revoke_origin(c, &row.origin_jti, now)
            }
            _ => Ok(()),
        }
    });
    match revoked {
        Ok(()) => {
            oauth_json(StatusCode::OK, &json!({}), &h.ctx.request_id).map(|_| Body::default())
        }
        Err(e) => {
            tracing::error!(error = %e.message(), "revocation failed");
            oauth_error(h, StatusCode::INTERNAL_SERVER_ERROR, "server_error", None)
        }
    }
}

/// `GET /logout`: ends the hosted session, then to a registered `logout_uri`, or (with `redirect_uri`
/// and `response_type`) back to the sign-in page.
pub fn logout(h: &Hosted) -> Response<Body> {
    let client_id = h.q("client_id").unwrap_or_default().to_string();
    let client = h
        .ctx
        .app
        .store
        .read(|c| store::clients::get(c, &client_id))
        .ok()
        .flatten()
        .filter(|c| h.domain_pool.as_ref().is_none_or(|p| *p == c.pool_id));
    let Some(client) = client else {
        return request::Refusal::Page("invalid_request", client_id).response();
    };
    if let Some(uri) = h.q("logout_uri") {
        if !client.config.logout_urls.iter().flatten().any(|u| u == uri) {
            return request::Refusal::Page("invalid_request", client_id).response();
        }
        if let Some(resp) = crate::federation::saml_flow::sign_out(h, &client, uri) {
            return resp;
        }
        let cookie = session::end(h);
        return html::redirect(uri, &[cookie]);
    }
    if h.q("redirect_uri").is_some() && h.q("response_type").is_some() {
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        for k in [
            "client_id",
            "redirect_uri",
            "response_type",
            "state",
            "scope",
            "nonce",
            "code_challenge",
            "code_challenge_method",
        ] {
            if let Some(v) = h.q(k) {
                pairs.push((k, v));
            }
        }
        let query: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if let Err(refusal) = request::parse(h, &query) {
            return refusal.response();
        }
        let again = format!("/login?{}", query_string(pairs));
        if let Some(resp) = crate::federation::saml_flow::sign_out(h, &client, &again) {
            return resp;
        }
        let cookie = session::end(h);
        return html::redirect(&again, &[cookie]);
    }
    request::Refusal::Page("invalid_request", client_id).response()
}

/// `GET /error`: Cognito's error page (400).
pub fn error_page(h: &Hosted) -> Response<Body> {
    pages::error(h.q("error").unwrap_or("invalid_request"))
}
