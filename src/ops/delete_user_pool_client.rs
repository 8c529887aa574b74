//! DeleteUserPoolClient: removes the client and the refresh tokens it issued.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::load;
use crate::app::Ctx;
use crate::store;

/// DeleteUserPoolClientRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    client_id: String,
}

/// Deletes the client.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, _) = load::pool_client(ctx, &req.user_pool_id, &req.client_id)?;
    ctx.app.store.write(|c| store::clients::delete(c, &client.id))?;
    Ok(json!({}))
}
