//! DeleteWebAuthnCredential: the signed-in user deletes one of their passkeys.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::crypto::webauthn::b64url_decode;
use crate::err;
use crate::error::Result;
use crate::ops::load;
use crate::store::passkeys;

/// DeleteWebAuthnCredentialRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: String,
    credential_id: String,
}

/// Deletes the passkey.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, _, user) = load::token_user(ctx, &req.access_token)?;
    let not_found = || err!(ResourceNotFoundException, "Credential not found.");
    let id = b64url_decode(&req.credential_id).ok_or_else(not_found)?;
    if !ctx
        .app
        .store
        .write(|c| passkeys::delete(c, user.pk, &id))?
    {
        return Err(not_found());
    }
    Ok(json!({}))
}
