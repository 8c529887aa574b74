//! GetTokensFromRefreshToken: refresh with the client secret sent as is, and rotation when the client
//! enables it.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::refresh;
use crate::domain::client::Flow;
use crate::error::Result;
use crate::ops::load;
use crate::app::Ctx;
use crate::err;

/// GetTokensFromRefreshTokenRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    refresh_token: String,
    client_id: String,
    client_secret: Option<String>,
    device_key: Option<String>,
    client_metadata: Option<HashMap<String, String>>,
}

/// Returns new tokens (and a new refresh token under rotation).
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, pool) = load::client(ctx, &req.client_id)?;
    if !client.config.allows(Flow::RefreshToken) {
        return Err(err!(
            InvalidParameterException,
            "REFRESH_TOKEN_AUTH flow not enabled for this client"
        ));
    }
    let exchange = refresh::Exchange {
        token: &req.refresh_token,
        client_secret: req.client_secret.as_deref(),
        device_key: req.device_key.as_deref(),
        client_metadata: req.client_metadata.as_ref(),
    };
    let set = refresh::exchange(ctx, &pool, &client, &exchange)?;
    Ok(json!({"AuthenticationResult": set.authentication_result()}))
}
