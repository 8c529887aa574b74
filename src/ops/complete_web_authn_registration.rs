//! CompleteWebAuthnRegistration: verifies a RegistrationResponseJSON against the challenge of
//! StartWebAuthnRegistration and stores the passkey (`auth::passkey_registration`, shared with the
//! managed login page `/passkeys/add`).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::auth::passkey_registration;
use crate::error::Result;
use crate::ops::load;

/// CompleteWebAuthnRegistrationRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: String,
    credential: Value,
}

/// Stores the passkey.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (claims, pool, user) = load::token_user(ctx, &req.access_token)?;
    passkey_registration::complete(ctx, &pool, &claims.client_id, &user, &req.credential)?;
    Ok(json!({}))
}
