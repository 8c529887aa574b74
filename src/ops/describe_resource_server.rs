//! DescribeResourceServer.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::load;
use crate::ops::oauth_settings::ResourceServerType;

/// DescribeResourceServerRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    identifier: String,
}

/// Describes the resource server.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let row = load::resource_server(ctx, &req.user_pool_id, &req.identifier)?;
    Ok(json!({"ResourceServer": ResourceServerType::of(&row)?}))
}
