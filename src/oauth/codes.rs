//! Authorization codes: one use, five minutes, bound to the client, the redirect URI and the PKCE
//! challenge. The tokens were signed when the user signed in (so trigger failures reach the page); the
//! refresh token is made when the code is redeemed. Only the code's SHA-256 is stored. Also the end of
//! every sign-in: the code (or the implicit grant's tokens) sent to the redirect URI.

use hyper::Response;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::app::Ctx;
use crate::auth::tokens::{Grant, TokenSet};
use crate::crypto::jwt;
use crate::domain::ids;
use crate::err;
use crate::error::Result;
use crate::html;
use crate::http::Body;
use crate::oauth::Hosted;
use crate::oauth::request::{AuthRequest, Redirect, ResponseType};
use crate::store;
use crate::store::oauth::{CodeRow, NewCode};
use crate::store::users::UserRow;

/// A code lives five minutes.
pub const CODE_SECS: f64 = 300.0;

/// What a code stands for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Granted {
    /// Scopes and nonce.
    pub grant: Grant,
    /// The signed ID token.
    pub id_token: String,
    /// The signed access token.
    pub access_token: String,
    /// Access-token lifetime.
    pub expires_in: i64,
    /// The authentication the tokens belong to.
    pub origin_jti: String,
    /// When the user signed in.
    pub auth_time: i64,
}

fn digest(code: &str) -> [u8; 32] {
    Sha256::digest(code.as_bytes()).into()
}

/// Stores a code for the tokens of a completed sign-in and returns it (UUID-shaped, as AWS's).
pub fn issue(ctx: &Ctx, req: &AuthRequest, user: &UserRow, tokens: &TokenSet) -> Result<String> {
    let claims = jwt::verify(&ctx.app.keys, &tokens.access_token)
        .map(|(_, c)| c)
        .ok_or_else(|| {
            err!(
                InternalErrorException,
                "cannot read the access token just signed"
            )
        })?;
    let granted = Granted {
        grant: req.grant.clone(),
        id_token: tokens.id_token.clone(),
        access_token: tokens.access_token.clone(),
        expires_in: tokens.expires_in,
        origin_jti: claims
            .get("origin_jti")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string(),
        auth_time: claims
            .get("auth_time")
            .and_then(|v| v.as_i64())
            .unwrap_or_default(),
    };
    let code = ids::uuid();
    let hash = digest(&code);
    let grant = serde_json::to_string(&granted)?;
    let now = ctx.now();
    ctx.app.store.write(|c| {
        store::oauth::insert_code(
            c,
            &NewCode {
                hash: &hash,
                client_id: &req.client.id,
                user_pk: user.pk,
                redirect_uri: &req.redirect_uri,
                code_challenge: req.code_challenge.as_deref(),
                grant: &grant,
            },
            now,
            now + CODE_SECS,
        )
    })?;
    Ok(code)
}

/// Why a code cannot be redeemed.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Unknown, used, expired, another client's, or the PKCE verifier does not match.
    InvalidGrant,
    /// The redirect_uri differs from the authorize request's.
    InvalidRedirect,
}

/// Redeems a code for `client_id`: single use even when the verifier is wrong (a stolen code gets one
/// guess).
pub fn redeem(
    ctx: &Ctx,
    client_id: &str,
    code: &str,
    redirect_uri: Option<&str>,
    verifier: Option<&str>,
) -> Result<std::result::Result<(CodeRow, Granted), Refused>> {
    let hash = digest(code);
    let now = ctx.now();
    ctx.app.store.write_committed(|c| {
        let Some(row) = store::oauth::get_code(c, &hash)? else {
            return Ok(Err(Refused::InvalidGrant));
        };
        if row.client_id != client_id || row.used_at.is_some() || row.expires_at <= now {
            return Ok(Err(Refused::InvalidGrant));
        }
        if redirect_uri != Some(row.redirect_uri.as_str()) {
            return Ok(Err(Refused::InvalidRedirect));
        }
        if !store::oauth::mark_code_used(c, &hash, now)? {
            return Ok(Err(Refused::InvalidGrant));
        }
        if let Some(challenge) = &row.code_challenge {
            let ok = verifier.is_some_and(|v| crate::domain::oauth::pkce_matches(challenge, v));
            if !ok {
                return Ok(Err(Refused::InvalidGrant));
            }
        }
        let granted: Granted = serde_json::from_str(&row.grant)?;
        Ok(Ok((row, granted)))
    })
}

/// The end of a sign-in: a code (or the implicit tokens) at the redirect URI, plus `cookies`.
pub fn complete(
    h: &Hosted,
    req: &AuthRequest,
    user: &UserRow,
    tokens: TokenSet,
    mut cookies: Vec<String>,
) -> Response<Body> {
    let mut params: Vec<(String, String)> = Vec::new();
    match req.response_type {
        ResponseType::Code => match issue(&h.ctx, req, user, &tokens) {
            Ok(code) => params.push(("code".into(), code)),
            Err(e) => {
                tracing::error!(error = %e.message(), "storing an authorization code failed");
                return req.error("server_error", None);
            }
        },
        ResponseType::Token => {
            if req.grant.has("openid") {
                params.push(("id_token".into(), tokens.id_token.clone()));
            }
            params.push(("access_token".into(), tokens.access_token.clone()));
            params.push(("token_type".into(), "bearer".into()));
            params.push(("expires_in".into(), tokens.expires_in.to_string()));
        }
    }
    if let Some(s) = &req.state {
        params.push(("state".into(), s.clone()));
    }
    let r = Redirect {
        uri: req.redirect_uri.clone(),
        fragment: req.response_type == ResponseType::Token,
        params,
    };
    cookies.retain(|c| !c.is_empty());
    html::redirect(&r.location(), &cookies)
}
