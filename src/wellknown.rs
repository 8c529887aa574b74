//! `/<poolId>/.well-known/jwks.json` and `/<poolId>/.well-known/openid-configuration`; the discovery document lists the endpoints this emulator serves.

use hyper::{HeaderMap, Response, StatusCode};
use serde_json::json;

use crate::app::App;
use crate::http::{Body, issuer_base, json_error, json_ok};
use crate::store;

fn pool_exists(app: &App, pool_id: &str) -> bool {
    app.store
        .read(|c| store::pools::exists(c, pool_id))
        .unwrap_or(false)
}

/// The public signing keys (the same two keys for every pool).
pub fn jwks(app: &App, pool_id: &str) -> Response<Body> {
    if !pool_exists(app, pool_id) {
        return json_error(
            StatusCode::NOT_FOUND,
            &format!("User pool {pool_id} does not exist."),
        );
    }
    json_ok(app.keys.jwks())
}

/// The OpenID discovery document of a pool.
/// The endpoints are this emulator's, on the same base as `iss`: `--issuer-url`, else the base the
/// request came in on (`http(s)://<Host>`), so every URL listed answers.
pub fn openid_configuration(
    app: &App,
    headers: &HeaderMap,
    pool_id: &str,
    tls: bool,
) -> Response<Body> {
    if !pool_exists(app, pool_id) {
        return json_error(
            StatusCode::NOT_FOUND,
            &format!("User pool {pool_id} does not exist."),
        );
    }
    // `--issuer-url` names the emulator as its users reach it (a container name, a proxy): the
    // endpoints live on that base too. Otherwise the base is the one this request came in on.
    let base = match &app.config.issuer_url {
        Some(_) => issuer_base(app, headers),
        None => crate::oauth::request_base(app, headers, tls),
    };
    let issuer = format!("{base}/{pool_id}");
    json_ok(json!({
        "authorization_endpoint": format!("{base}/oauth2/authorize"),
        "end_session_endpoint": format!("{base}/logout"),
        "id_token_signing_alg_values_supported": ["RS256"],
        "issuer": issuer,
        "jwks_uri": format!("{base}/{pool_id}/.well-known/jwks.json"),
        "response_types_supported": ["code", "token"],
        "revocation_endpoint": format!("{base}/oauth2/revoke"),
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "subject_types_supported": ["public"],
        "token_endpoint": format!("{base}/oauth2/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "userinfo_endpoint": format!("{base}/oauth2/userInfo"),
    }))
}
