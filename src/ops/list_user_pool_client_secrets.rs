//! ListUserPoolClientSecrets: the ids and creation dates of an app client's current secrets (never
//! their values), in one page.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::load;
use crate::store;

/// ListUserPoolClientSecretsRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    client_id: String,
    #[allow(dead_code)]
    next_token: Option<String>,
}

/// Lists the secrets, oldest first.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, _) = load::pool_client(ctx, &req.user_pool_id, &req.client_id)?;
    let secrets = ctx
        .app
        .store
        .read(|c| store::clients::secrets(c, &client.id))?;
    let list: Vec<Value> = secrets
        .iter()
        .map(|s| json!({"ClientSecretId": s.id, "ClientSecretCreateDate": s.created_at}))
        .collect();
    Ok(json!({"ClientSecrets": list}))
}
