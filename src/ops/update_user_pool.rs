//! UpdateUserPool: replaces the updatable settings (omitted members go back to their defaults, as on
//! AWS); the schema, username/alias attributes and case sensitivity cannot change.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::pool::PoolSettingsInput;
use crate::error::Result;
use crate::ops::load;
use crate::app::Ctx;
use crate::store;

/// UpdateUserPoolRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    pool_name: Option<String>,
    #[serde(flatten)]
    settings: PoolSettingsInput,
}

/// Updates the pool.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let config = pool.config.with_settings(req.settings)?;
    let name = req.pool_name.unwrap_or(pool.name);
    let now = ctx.now();
    ctx.app.store.write(|c| store::pools::update(c, &pool.id, &name, &config, now))?;
    Ok(json!({}))
}
