//! AdminInitiateAuth: a server-side sign-in (ADMIN_USER_PASSWORD_AUTH, USER_SRP_AUTH, refresh...).

use std::collections::HashMap;

use serde::Deserialize;

use crate::auth::{AuthResponse, Caller};
use crate::auth::request::InitiateRequest;
use crate::auth::start::start;
use crate::auth::Params;
use crate::error::Result;
use crate::ops::load;
use crate::app::Ctx;

/// AdminInitiateAuthRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    client_id: String,
    auth_flow: String,
    auth_parameters: Option<Params>,
    client_metadata: Option<HashMap<String, String>>,
    session: Option<String>,
}

/// Runs the first step of the requested flow.
pub fn handle(ctx: &Ctx, req: Request) -> Result<AuthResponse> {
    let (client, pool) = load::pool_client(ctx, &req.user_pool_id, &req.client_id)?;
    let params = req.auth_parameters.unwrap_or_default();
    let request = InitiateRequest {
        ctx,
        pool: &pool,
        client: &client,
        params: &params,
        session: req.session.as_deref(),
        caller: Caller::Admin,
        client_metadata: req.client_metadata.as_ref(),
        hosted: None,
    };
    let outcome = start(&request, &req.auth_flow)?;
    Ok(outcome.response())
}
