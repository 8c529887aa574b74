//! GetUserPoolClientSessionConfiguration: an app client's SSO session reuse (60 minutes until set).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::{load, session_config};

/// GetUserPoolClientSessionConfigurationRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    client_id: String,
}

/// Returns the configuration.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, pool) = load::pool_client(ctx, &req.user_pool_id, &req.client_id)?;
    let sso = ctx
        .app
        .store
        .read(|c| session_config::client_sso(c, &pool.id, &client.id))?;
    Ok(json!({"UserPoolId": pool.id, "ClientId": client.id, "SSOSession": sso}))
}
