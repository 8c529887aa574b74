//! AdminListUserSessions: a user's active token sessions (while the pool tracks sessions).

use serde::Deserialize;
use serde_json::Value;

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::{load, user_sessions};

/// AdminListUserSessionsRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
    #[allow(dead_code)]
    next_token: Option<String>,
}

/// Lists the sessions (IsCurrentSession is always false here).
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (pool, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    user_sessions::list(ctx, &pool, &user, None)
}
