//! StartWebAuthnRegistration: credential creation options for the signed-in user's new passkey, with a
//! single-use challenge that CompleteWebAuthnRegistration must answer from the same app client
//! (`auth::passkey_registration`, shared with the managed login page `/passkeys/add`).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::auth::passkey_registration;
use crate::error::Result;
use crate::ops::load;

/// StartWebAuthnRegistrationRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: String,
}

/// Returns `CredentialCreationOptions`.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (claims, pool, user) = load::token_user(ctx, &req.access_token)?;
    let options = passkey_registration::start(ctx, &pool, &claims.client_id, &user)?;
    Ok(json!({ "CredentialCreationOptions": options }))
}
