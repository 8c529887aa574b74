//! Token sessions (ListUserSessions and friends): each authentication, with the refresh tokens it
//! issued, is one session while it can still be refreshed; its id is `tkn` + 25 characters derived from
//! the authentication's `origin_jti`. Session tracking is a pool setting (SetUserPoolSessionConfiguration:
//! DISABLED and 20 sessions per user until set); with tracking on, a sign-in beyond the limit evicts the
//! user's least recently used session.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::app::Ctx;
use crate::error::Result;
use crate::store::documents::{self, Kind, Scope};
use crate::store::pools::PoolRow;
use crate::store::tokens::{self, TokenSessionRow};
use crate::store::users::UserRow;

/// "The default is 20."
pub const DEFAULT_MAX_PER_USER: i64 = 20;

/// The pool-level session settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PoolSessions {
    /// ENABLED or DISABLED.
    pub user_session_tracking: String,
    /// `{"MaxPerUser": n}`.
    pub token_session: Value,
}

impl Default for PoolSessions {
    fn default() -> Self {
        PoolSessions {
            user_session_tracking: "DISABLED".into(),
            token_session: serde_json::json!({"MaxPerUser": DEFAULT_MAX_PER_USER}),
        }
    }
}

impl PoolSessions {
    /// Whether sessions are tracked.
    pub fn enabled(&self) -> bool {
        self.user_session_tracking == "ENABLED"
    }

    /// The most token sessions a user keeps.
    pub fn max_per_user(&self) -> i64 {
        self.token_session
            .get("MaxPerUser")
            .and_then(Value::as_i64)
            .unwrap_or(DEFAULT_MAX_PER_USER)
    }
}

/// The pool's settings (defaults when never set).
pub fn pool_sessions(c: &rusqlite::Connection, pool_id: &str) -> Result<PoolSessions> {
    Ok(
        documents::get::<PoolSessions>(c, pool_id, Kind::SessionConfiguration, Scope::Pool)?
            .map(|d| d.body)
            .unwrap_or_default(),
    )
}

/// The SessionId of an authentication: `tkn` and 25 lower-case letters and digits.
pub fn session_id(origin_jti: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let digest = Sha256::digest(origin_jti.as_bytes());
    let tail: String = digest
        .iter()
        .take(25)
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    format!("tkn{tail}")
}

/// The user's live token sessions, least recently active first (none while tracking is off).
pub fn of_user(ctx: &Ctx, pool: &PoolRow, user: &UserRow) -> Result<Vec<TokenSessionRow>> {
    let now = ctx.now();
    ctx.app.store.read(|c| {
        if !pool_sessions(c, &pool.id)?.enabled() {
            return Ok(Vec::new());
        }
        tokens::sessions_of_user(c, user.pk, now)
    })
}

/// Revokes one session (its refresh tokens and the access tokens of its authentication).
pub fn revoke(ctx: &Ctx, origin_jti: &str) -> Result<()> {
    let now = ctx.now();
    ctx.app
        .store
        .write(|c| tokens::revoke_origin(c, origin_jti, now))
}

/// After a sign-in: with tracking on, the user keeps at most MaxPerUser sessions; the least recently
/// used ones (other than this one) are revoked. Failures are logged, never fail the sign-in.
pub fn after_sign_in(ctx: &Ctx, pool: &PoolRow, user: &UserRow, origin_jti: &str) {
    let now = ctx.now();
    // A read first: most pools do not track sessions, and a sign-in then takes no extra write.
    let settings = match ctx.app.store.read(|c| pool_sessions(c, &pool.id)) {
        Ok(s) if s.enabled() => s,
        Ok(_) => return,
        Err(e) => {
            tracing::warn!(error = %e, "session limit not applied");
            return;
        }
    };
    let result = ctx.app.store.write(|c| {
        let live = tokens::sessions_of_user(c, user.pk, now)?;
        let excess = live.len() as i64 - settings.max_per_user();
        for s in live
            .iter()
            .filter(|s| s.origin_jti != origin_jti)
            .take(excess.max(0) as usize)
        {
            tokens::revoke_origin(c, &s.origin_jti, now)?;
        }
        Ok(())
    });
    if let Err(e) = result {
        tracing::warn!(error = %e, "session limit not applied");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_ids_have_awss_shape() {
        let id = session_id("3f0c2a9e-1111-4222-8333-444455556666");
        assert_eq!(id.len(), 28);
        assert!(id.starts_with("tkn"));
        assert!(
            id[3..]
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
        assert_eq!(id, session_id("3f0c2a9e-1111-4222-8333-444455556666"));
    }
}
