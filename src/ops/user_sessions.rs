//! `SessionDescriptionType` for (Admin)ListUserSessions, and finding the session a revoke names.

use serde_json::{Value, json};

use crate::app::Ctx;
use crate::auth::sessions;
use crate::err;
use crate::error::Result;
use crate::store::pools::PoolRow;
use crate::store::tokens::TokenSessionRow;
use crate::store::users::UserRow;

/// A token session as ListUserSessions shows it (`current`: the caller's own authentication).
pub fn describe(s: &TokenSessionRow, current: Option<&str>) -> Value {
    json!({
        "SessionId": sessions::session_id(&s.origin_jti),
        "SessionType": "TOKEN",
        "ClientId": s.client_id,
        "CreateDate": s.created_at,
        "LastActiveDate": s.last_active,
        "DeviceType": "unknown",
        "IsCurrentSession": current == Some(s.origin_jti.as_str()),
    })
}

/// `{"Sessions": [...]}` of a user, most recently active first (one page: AWS returns up to 125).
pub fn list(ctx: &Ctx, pool: &PoolRow, user: &UserRow, current: Option<&str>) -> Result<Value> {
    let mut live = sessions::of_user(ctx, pool, user)?;
    live.reverse();
    let list: Vec<Value> = live
        .iter()
        .take(125)
        .map(|s| describe(s, current))
        .collect();
    Ok(json!({"Sessions": list}))
}

/// The authentication (`origin_jti`) of the user's session `session_id`, or ResourceNotFoundException.
pub fn find(ctx: &Ctx, pool: &PoolRow, user: &UserRow, session_id: &str) -> Result<String> {
    sessions::of_user(ctx, pool, user)?
        .into_iter()
        .find(|s| sessions::session_id(&s.origin_jti) == session_id)
        .map(|s| s.origin_jti)
        .ok_or_else(|| {
            err!(
                ResourceNotFoundException,
                "Session {session_id} does not exist."
            )
        })
}
