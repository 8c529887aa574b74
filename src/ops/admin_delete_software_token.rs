//! AdminDeleteSoftwareToken: removes a user's authenticator app (TOTP) factor, for a lost device; the
//! user can then associate a new one.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::domain::UserStatus;
use crate::error::Result;
use crate::ops::load;
use crate::store::users;
use crate::err;

/// AdminDeleteSoftwareTokenRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
}

/// Deletes the software token.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, mut user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    if user.status == UserStatus::Unconfirmed {
        return Err(err!(UserNotConfirmedException, "User is not confirmed."));
    }
    let mfa = &mut user.mfa;
    mfa.totp_secret = None;
    mfa.totp_pending = None;
    mfa.totp_name = None;
    mfa.totp_last_step = None;
    mfa.totp_enabled = false;
    mfa.totp_preferred = false;
    let now = ctx.now();
    ctx.app
        .store
        .write(|c| users::set_mfa(c, user.pk, &user.mfa, now))?;
    Ok(json!({}))
}
