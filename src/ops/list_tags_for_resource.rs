//! ListTagsForResource: the tags of a user pool (the same map as DescribeUserPool's UserPoolTags).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::tagging;

/// ListTagsForResourceRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    resource_arn: String,
}

/// Lists the tags.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = tagging::pool_of_arn(ctx, &req.resource_arn)?;
    Ok(json!({"Tags": pool.config.user_pool_tags.clone().unwrap_or_default()}))
}
