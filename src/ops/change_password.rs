//! ChangePassword: the signed-in user replaces their password (the previous one is checked, and a wrong
//! one counts toward the lockout).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::accounts::NewPassword;
use crate::auth::password;
use crate::error::Result;
use crate::ops::load;
use crate::codes::{self, Action};
use crate::app::Ctx;
use crate::auth::history::{self, EventType};
use crate::err;

/// ChangePasswordRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    previous_password: Option<String>,
    proposed_password: String,
    access_token: String,
}

/// Changes the password.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, pool, user) = load::token_user(ctx, &req.access_token)?;
    ctx.app.store.write(|c| {
        Ok(codes::limit(ctx, c, user.pk, Action::ChangePassword))
    })??;
    if user.password_hash.is_some() {
        let previous = req.previous_password.as_deref().ok_or_else(|| {
            err!(InvalidParameterException, "1 validation error detected: Value null at 'previousPassword' failed to satisfy constraint: Member must not be null")
        })?;
        password::verify(ctx, &user, previous)?;
    }
    let new = NewPassword::prepare(ctx, &pool, &user, &req.proposed_password)?;
    let now = ctx.now();
    ctx.app.store.write(|c| new.store(c, user.pk, now))?;
    ctx.app.passwords.forget(user.pk);
    history::record(ctx, &pool, user.pk, EventType::PasswordChange, true, &[]);
    Ok(json!({}))
}
