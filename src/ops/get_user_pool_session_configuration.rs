//! GetUserPoolSessionConfiguration: the pool's session tracking settings (DISABLED and 20 sessions per
//! user until set).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::{load, session_config};

/// GetUserPoolSessionConfigurationRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
}

/// Returns the configuration.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let s = ctx
        .app
        .store
        .read(|c| session_config::pool_sessions(c, &pool.id))?;
    Ok(json!({
        "UserPoolId": pool.id,
        "UserSessionTracking": s.user_session_tracking,
        "TokenSession": s.token_session,
    }))
}
