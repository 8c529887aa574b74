//! UpdateUserPool: replaces the updatable settings (omitted members go back to their defaults, as on
//! AWS); the schema, username/alias attributes and case sensitivity cannot change.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::pool_input::PoolSettingsInput;
use crate::error::Result;
use crate::ops::{import_jobs, load};
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
    import_jobs::check_not_importing(ctx, &pool.id)?;
    let mut settings = req.settings;
    // Tags are their own resource (TagResource / UntagResource): an update that omits UserPoolTags
    // keeps them.
    if settings.user_pool_tags.is_none() {
        settings.user_pool_tags = pool.config.user_pool_tags.clone();
    }
    let config = pool.config.with_settings(settings)?;
    let name = req.pool_name.unwrap_or(pool.name);
    let now = ctx.now();
    ctx.app.store.write(|c| store::pools::update(c, &pool.id, &name, &config, now))?;
    Ok(json!({}))
}
