//! TagResource: adds tags to a user pool, or changes the value of existing keys (50 at most).

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::tagging;
use crate::store;

/// TagResourceRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    resource_arn: String,
    tags: Map<String, Value>,
}

/// Adds the tags.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = tagging::pool_of_arn(ctx, &req.resource_arn)?;
    let mut config = (*pool.config).clone();
    let mut tags = config.user_pool_tags.clone().unwrap_or_default();
    tags.extend(req.tags);
    tagging::check_count(&tags)?;
    config.user_pool_tags = Some(tags);
    let now = ctx.now();
    ctx.app
        .store
        .write(|c| store::pools::update(c, &pool.id, &pool.name, &config, now))?;
    Ok(json!({}))
}
