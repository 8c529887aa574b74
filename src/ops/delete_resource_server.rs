//! DeleteResourceServer: its scopes leave the tokens; clients that name them keep working.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::load;
use crate::store;

/// DeleteResourceServerRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    identifier: String,
}

/// Deletes the resource server.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let row = load::resource_server(ctx, &req.user_pool_id, &req.identifier)?;
    ctx.app
        .store
        .write(|c| store::resource_servers::delete(c, &row.pool_id, &row.identifier))?;
    Ok(json!({}))
}
