//! RevokeUserSession: the signed-in user revokes another of their token sessions (not the one the
//! access token belongs to).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::auth::sessions;
use crate::err;
use crate::error::Result;
use crate::ops::{load, user_sessions};

/// RevokeUserSessionRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: String,
    session_id: String,
    #[allow(dead_code)]
    revoke_associated_sessions: Option<String>,
}

/// Revokes the session.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (claims, pool, user) = load::token_user(ctx, &req.access_token)?;
    if sessions::session_id(&claims.origin_jti) == req.session_id {
        return Err(err!(
            InvalidParameterException,
            "A session cannot revoke itself: SessionId {} is the caller's current session.",
            req.session_id
        ));
    }
    let origin = user_sessions::find(ctx, &pool, &user, &req.session_id)?;
    sessions::revoke(ctx, &origin)?;
    Ok(json!({}))
}
