//! AdminRevokeUserSession: revokes one of a user's token sessions (its refresh tokens and access
//! tokens). A token session has no linked SSO session here, so LINKED revokes the same.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::auth::sessions;
use crate::error::Result;
use crate::ops::{load, user_sessions};

/// AdminRevokeUserSessionRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
    session_id: String,
    #[allow(dead_code)]
    revoke_associated_sessions: Option<String>,
}

/// Revokes the session.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (pool, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    let origin = user_sessions::find(ctx, &pool, &user, &req.session_id)?;
    sessions::revoke(ctx, &origin)?;
    Ok(json!({}))
}
