//! AddUserPoolClientSecret: a second secret for a confidential app client, for rotation without
//! downtime: until one is deleted, SECRET_HASH and client secrets are accepted with either.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::domain::ids;
use crate::error::Result;
use crate::ops::load;
use crate::{err, store};

/// "Supports up to 2 active secrets per app client" (the operation's documentation).
pub const MAX_SECRETS: usize = 2;

/// AddUserPoolClientSecretRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    client_id: String,
    client_secret: Option<String>,
}

/// Adds the secret; its value is returned only when Cognito generated it.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, _) = load::pool_client(ctx, &req.user_pool_id, &req.client_id)?;
    if !client.has_secret() {
        return Err(err!(
            InvalidParameterException,
            "Client {} is a public client without a client secret; secrets can only be added to a confidential client.",
            client.id
        ));
    }
    let generated = req.client_secret.is_none();
    let secret = req.client_secret.unwrap_or_else(ids::client_secret);
    let mut now = ctx.now();
    let (id, created) = ctx.app.store.write(|c| {
        if store::clients::secrets(c, &client.id)?.len() >= MAX_SECRETS {
            return Err(err!(
                LimitExceededException,
                "Client {} already has {MAX_SECRETS} secrets, the most an app client can have; delete one first.",
                client.id
            ));
        }
        loop {
            match store::clients::insert_secret(c, &client.id, &secret, generated, now) {
                Ok(id) => return Ok((id, now)),
                // Two secrets in the same millisecond would share an id: the next millisecond.
                Err(e) if store::is_unique_violation(&e) => now += 0.001,
                Err(e) => return Err(e.into()),
            }
        }
    })?;
    Ok(json!({"ClientSecretDescriptor": {
        "ClientSecretId": id,
        "ClientSecretValue": generated.then_some(secret),
        "ClientSecretCreateDate": created,
    }}))
}
