//! SetUserPoolSessionConfiguration: turns session tracking on or off and sets how many token sessions a
//! user keeps (a full replacement; Essentials or Plus tier).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::load;
use crate::ops::session_config::{self, PoolSessions};
use crate::store::documents::{self, Kind, Scope};

/// SetUserPoolSessionConfigurationRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    user_session_tracking: String,
    token_session: Value,
}

/// Sets the configuration.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    session_config::check_tier(&pool)?;
    let settings = PoolSessions {
        user_session_tracking: req.user_session_tracking,
        token_session: req.token_session,
    };
    let now = ctx.now();
    ctx.app.store.write(|c| {
        documents::put(c, &pool.id, Kind::SessionConfiguration, Scope::Pool, &settings, now)
    })?;
    Ok(json!({
        "UserPoolId": pool.id,
        "UserSessionTracking": settings.user_session_tracking,
        "TokenSession": settings.token_session,
    }))
}
