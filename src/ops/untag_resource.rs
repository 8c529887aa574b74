//! UntagResource: removes tags of a user pool by key (unknown keys are ignored).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::tagging;
use crate::store;

/// UntagResourceRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    resource_arn: String,
    tag_keys: Vec<String>,
}

/// Removes the tags.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = tagging::pool_of_arn(ctx, &req.resource_arn)?;
    let mut config = (*pool.config).clone();
    if let Some(tags) = config.user_pool_tags.as_mut() {
        for key in &req.tag_keys {
            tags.shift_remove(key);
        }
    }
    let now = ctx.now();
    ctx.app
        .store
        .write(|c| store::pools::update(c, &pool.id, &pool.name, &config, now))?;
    Ok(json!({}))
}
