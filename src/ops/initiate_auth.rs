//! InitiateAuth: starts a sign-in with the flows the client allows (reference §3.1).

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use crate::auth::{Params, password, refresh};
use crate::domain::client::Flow;
use crate::error::Result;
use crate::ops::load_client;
use crate::{Ctx, err};

/// InitiateAuthRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    auth_flow: String,
    auth_parameters: Option<Params>,
    #[allow(dead_code)]
    client_metadata: Option<HashMap<String, String>>,
    client_id: String,
    #[allow(dead_code)]
    session: Option<String>,
}

/// Runs the first step of the requested flow.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, pool) = load_client(ctx, &req.client_id)?;
    let params = req.auth_parameters.unwrap_or_default();
    let flow = req.auth_flow.as_str();
    let not_enabled = || err!(InvalidParameterException, "{flow} flow not enabled for this client");
    let outcome = match flow {
        "USER_PASSWORD_AUTH" => {
            if !client.config.allows(Flow::UserPassword) {
                return Err(not_enabled());
            }
            password::sign_in(ctx, &pool, &client, &params)?
        }
        "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => {
            if !client.config.allows(Flow::RefreshToken) {
                return Err(not_enabled());
            }
            refresh::refresh(ctx, &client, &params)?
        }
        "ADMIN_NO_SRP_AUTH" | "ADMIN_USER_PASSWORD_AUTH" => {
            return Err(err!(InvalidParameterException, "Initiate Auth method not supported."));
        }
        "USER_SRP_AUTH" => {
            if !client.config.allows(Flow::UserSrp) {
                return Err(not_enabled());
            }
            return Err(err!(UnsupportedOperationException, "USER_SRP_AUTH is not implemented by cognito-emulator yet."));
        }
        "CUSTOM_AUTH" => {
            if !client.config.allows(Flow::Custom) {
                return Err(not_enabled());
            }
            return Err(err!(InvalidParameterException, "Custom auth lambda trigger is not configured for the user pool."));
        }
        _ => {
            if !client.config.allows(Flow::UserAuth) {
                return Err(not_enabled());
            }
            return Err(err!(UnsupportedOperationException, "{flow} is not implemented by cognito-emulator yet."));
        }
    };
    Ok(outcome.response())
}
