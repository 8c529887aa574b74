//! ListUserSessions: the signed-in user's active token sessions across the pool's app clients, the
//! caller's own marked IsCurrentSession.

use serde::Deserialize;
use serde_json::Value;

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::{load, user_sessions};

/// ListUserSessionsRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: String,
    #[allow(dead_code)]
    next_token: Option<String>,
}

/// Lists the sessions.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (claims, pool, user) = load::token_user(ctx, &req.access_token)?;
    user_sessions::list(ctx, &pool, &user, Some(&claims.origin_jti))
}
