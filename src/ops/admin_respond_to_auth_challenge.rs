//! AdminRespondToAuthChallenge: answers the challenge of a sign-in started by AdminInitiateAuth.

use std::collections::HashMap;

use serde::Deserialize;

use crate::auth::{AuthResponse, Caller, Params, respond};
use crate::error::Result;
use crate::ops::load;
use crate::app::Ctx;

/// AdminRespondToAuthChallengeRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    client_id: String,
    challenge_name: String,
    session: Option<String>,
    challenge_responses: Option<Params>,
    client_metadata: Option<HashMap<String, String>>,
}

/// Runs the answered step.
pub fn handle(ctx: &Ctx, req: Request) -> Result<AuthResponse> {
    let (client, pool) = load::pool_client(ctx, &req.user_pool_id, &req.client_id)?;
    let responses = req.challenge_responses.unwrap_or_default();
    let outcome =
        respond::respond(
        ctx,
        &pool,
        &client,
        respond::Answered {
            challenge: &req.challenge_name,
            responses: &responses,
            session: req.session.as_deref(),
            caller: Caller::Admin,
            client_metadata: req.client_metadata.as_ref(),
            hosted: false,
        },
    )?;
    Ok(outcome.response())
}
