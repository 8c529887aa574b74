//! DescribeUserPoolClient: the full `UserPoolClientType`, secret included.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::{load, shapes};

/// DescribeUserPoolClientRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    client_id: String,
}

/// Describes the client.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, _) = load::pool_client(ctx, &req.user_pool_id, &req.client_id)?;
    Ok(json!({"UserPoolClient": shapes::UserPoolClientType::of(&client)}))
}
