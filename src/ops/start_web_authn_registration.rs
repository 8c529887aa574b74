//! StartWebAuthnRegistration: credential creation options for the signed-in user's new passkey, with a
//! single-use challenge that CompleteWebAuthnRegistration must answer from the same app client.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::auth::passkeys::{self, PendingRegistration, Settings};
use crate::crypto::webauthn::b64url;
use crate::domain::webauthn as rules;
use crate::err;
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
    let settings = Settings::of(&pool)?;
    let existing = passkeys::credentials(ctx, user.pk, &settings.rp_id)?;
    let total = ctx
        .app
        .store
        .read(|c| crate::store::passkeys::count(c, user.pk))?;
    if total >= rules::MAX_CREDENTIALS_PER_USER {
        return Err(err!(
            LimitExceededException,
            "The user already has {} passkeys, the most a user may register.",
            rules::MAX_CREDENTIALS_PER_USER
        ));
    }
    let challenge = passkeys::new_challenge();
    let pending = PendingRegistration {
        rp_id: settings.rp_id.clone(),
        user_verification: settings.uv_required(),
    };
    passkeys::begin_registration(ctx, &claims.client_id, user.pk, &challenge, &pending)?;
    let exclude: Vec<String> = existing.iter().map(|c| b64url(&c.credential_id)).collect();
    let options = rules::creation_options(
        &settings.rp_id,
        &passkeys::user_handle(&user),
        &user.username,
        &b64url(&challenge),
        &exclude,
        settings.config.user_verification,
    );
    Ok(json!({ "CredentialCreationOptions": options }))
}
