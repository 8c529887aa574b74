//! InitiateAuth: starts a sign-in with the flows the client allows.

use std::collections::HashMap;

use serde::Deserialize;

use crate::auth::{AuthResponse, Caller};
use crate::auth::request::InitiateRequest;
use crate::auth::start::start;
use crate::auth::Params;
use crate::error::Result;
use crate::ops::load;
use crate::app::Ctx;

/// InitiateAuthRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    auth_flow: String,
    auth_parameters: Option<Params>,
    client_metadata: Option<HashMap<String, String>>,
    client_id: String,
    session: Option<String>,
}

/// Runs the first step of the requested flow.
pub fn handle(ctx: &Ctx, req: Request) -> Result<AuthResponse> {
    let (client, pool) = load::client(ctx, &req.client_id)?;
    let params = req.auth_parameters.unwrap_or_default();
    let request = InitiateRequest {
        ctx,
        pool: &pool,
        client: &client,
        params: &params,
        session: req.session.as_deref(),
        caller: Caller::Client,
        client_metadata: req.client_metadata.as_ref(),
        hosted: None,
    };
    let outcome = start(&request, &req.auth_flow)?;
    Ok(outcome.response())
}
