//! DeleteUserPoolClientSecret: retires one secret of an app client; the last one cannot go.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::load;
use crate::{err, store};

/// DeleteUserPoolClientSecretRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    client_id: String,
    client_secret_id: String,
}

/// Deletes the secret.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, _) = load::pool_client(ctx, &req.user_pool_id, &req.client_id)?;
    ctx.app.store.write(|c| {
        let secrets = store::clients::secrets(c, &client.id)?;
        if !secrets.iter().any(|s| s.id == req.client_secret_id) {
            return Err(err!(
                ResourceNotFoundException,
                "Client secret {} does not exist for client {}.",
                req.client_secret_id,
                client.id
            ));
        }
        if secrets.len() == 1 {
            return Err(err!(
                InvalidParameterException,
                "Client secret {} is the last secret of client {} and cannot be deleted.",
                req.client_secret_id,
                client.id
            ));
        }
        store::clients::delete_secret(c, &client.id, &req.client_secret_id)?;
        Ok(())
    })?;
    Ok(json!({}))
}
