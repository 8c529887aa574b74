//! What the pool remembers while the browser is at an IdP: the app's authorize request, the nonce and
//! redirect URI sent upstream (OIDC), the AuthnRequest or LogoutRequest ID (SAML). The browser carries
//! only an opaque token (`state` / `RelayState`); the row is keyed by its SHA-256, used once, and
//! lives five minutes (AWS cancels federated sign-ins not finished within 5 minutes).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::app::Ctx;
use crate::domain::ids;
use crate::error::Result;
use crate::html;
use crate::oauth::Hosted;
use crate::oauth::session::{SESSION_COOKIE, session_key};
use crate::store::federation::{self as fed, SessionIdp, StateRow};

/// How long a sign-in may stay at the IdP.
pub const STATE_SECS: f64 = 300.0;

/// A pending sign-in (or SAML sign-out).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Pending {
    /// The app's authorize query (sign-in), replayed when the IdP answers.
    #[serde(default)]
    pub query: Vec<(String, String)>,
    /// The nonce sent to an OIDC IdP.
    #[serde(default)]
    pub nonce: Option<String>,
    /// The `redirect_uri` sent to an OIDC IdP (the token request repeats it).
    #[serde(default)]
    pub redirect_uri: Option<String>,
    /// The SAML AuthnRequest / LogoutRequest ID.
    #[serde(default)]
    pub request_id: Option<String>,
    /// Sign-out: where the browser goes once the IdP answered.
    #[serde(default)]
    pub logout_to: Option<String>,
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Stores `pending` for `provider` of `pool_id`; returns the token the browser carries.
pub fn save(ctx: &Ctx, pool_id: &str, provider: &str, pending: &Pending) -> Result<String> {
    let token = URL_SAFE_NO_PAD.encode(ids::random_bytes(32));
    let now = ctx.now();
    let row = StateRow {
        pool_id: pool_id.to_string(),
        provider: provider.to_string(),
        body: serde_json::to_string(pending)?,
        expires_at: now + STATE_SECS,
    };
    ctx.app
        .store
        .write(|c| fed::insert_state(c, &digest(&token), &row, now))?;
    Ok(token)
}

/// Takes the pending sign-in of `token` (once; `None` when unknown, used or expired).
pub fn take(ctx: &Ctx, token: &str) -> Result<Option<(StateRow, Pending)>> {
    if token.is_empty() || token.len() > 512 {
        return Ok(None);
    }
    let now = ctx.now();
    let row = ctx
        .app
        .store
        .write(|c| fed::take_state(c, &digest(token)))?;
    match row {
        Some(row) if row.expires_at > now => {
            let pending = serde_json::from_str(&row.body)?;
            Ok(Some((row, pending)))
        }
        _ => Ok(None),
    }
}

/// The IdP the browser's hosted session signed in through (`None`: none, or a password sign-in).
pub fn session_idp(h: &Hosted) -> Option<SessionIdp> {
    let value = html::cookie(&h.headers, SESSION_COOKIE)?;
    let key = session_key(&value);
    h.ctx
        .app
        .store
        .read(|c| fed::session_idp(c, &key))
        .ok()
        .flatten()
}
