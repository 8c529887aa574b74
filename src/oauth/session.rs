//! The hosted-UI session behind the `cognito` cookie: one hour from the interactive sign-in, not
//! extended by use; within it `/oauth2/authorize` issues fresh tokens without the form.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::auth::tokens::{self, Issue, Session, TokenSet};
use crate::domain::{UserStatus, ids};
use crate::err;
use crate::error::Result;
use crate::html;
use crate::oauth::Hosted;
use crate::oauth::request::AuthRequest;
use crate::store;
use crate::store::oauth::HostedSession;
use crate::store::pools::PoolRow;
use crate::store::users::UserRow;
use crate::triggers::pre_token::TokenSource;

/// The hosted session cookie (one hour from the interactive sign-in).
pub const SESSION_COOKIE: &str = "cognito";
/// Its lifetime.
pub const SESSION_SECS: f64 = 3600.0;

/// The stored key of a session cookie value (its SHA-256).
pub fn session_key(value: &str) -> [u8; 32] {
    Sha256::digest(value.as_bytes()).into()
}

/// Starts a hosted session for `user` (after an interactive sign-in): the `Set-Cookie` value.
pub fn start(h: &Hosted, pool: &PoolRow, user: &UserRow, auth_time: i64) -> String {
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
pub fn current(h: &Hosted, pool: &PoolRow) -> Option<(HostedSession, UserRow)> {
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
pub fn end(h: &Hosted) -> String {
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

/// Fresh tokens for a live hosted session (`/oauth2/authorize` without the form): the same
/// authentication time, PreTokenGeneration as `TokenGeneration_HostedAuth`.
pub fn reissue(h: &Hosted, req: &AuthRequest, user: &UserRow, auth_time: i64) -> Result<TokenSet> {
    let signs_in = matches!(
        user.status,
        UserStatus::Confirmed | UserStatus::ExternalProvider
    );
    if !user.enabled || !signs_in {
        return Err(err!(NotAuthorizedException, "User is disabled."));
    }
    let mut session = Session::new(&h.ctx);
    session.auth_time = auth_time;
    let issue = Issue {
        pool: &req.pool,
        client: &req.client,
        user,
        session: &session,
        source: TokenSource::HostedAuth,
        client_metadata: None,
        grant: Some(&req.grant),
    };
    let (id_token, access_token, expires_in) = tokens::mint(&h.ctx, &issue)?;
    Ok(TokenSet {
        id_token,
        access_token,
        refresh_token: None,
        expires_in,
        new_device: None,
    })
}
