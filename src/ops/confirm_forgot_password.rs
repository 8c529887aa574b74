//! ConfirmForgotPassword: the reset code and a new password; the user is CONFIRMED afterwards.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use crate::auth::password::NewPassword;
use crate::auth::{check_secret_hash, require_member_secret_hash};
use crate::domain::UserStatus;
use crate::error::Result;
use crate::ops::{load_client, rate_limit};
use crate::store::{self, users};
use crate::{Ctx, err};

/// ConfirmForgotPasswordRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    client_id: String,
    secret_hash: Option<String>,
    username: String,
    confirmation_code: String,
    password: String,
    #[allow(dead_code)]
    client_metadata: Option<HashMap<String, String>>,
}

/// Sets the new password.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, pool) = load_client(ctx, &req.client_id)?;
    require_member_secret_hash(&client, req.secret_hash.as_deref())?;
    let user = ctx.app.store.read(|c| users::resolve(c, &pool.id, &pool.config, &req.username))?;
    let Some(user) = user else {
        check_secret_hash(&client, req.secret_hash.as_deref(), &[&req.username])?;
        return Err(if client.config.prevents_user_existence_errors() {
            err!(CodeMismatchException, "Invalid verification code provided, please try again.")
        } else {
            err!(UserNotFoundException, "Username/client id combination not found.")
        });
    };
    check_secret_hash(&client, req.secret_hash.as_deref(), &[&req.username, &user.username])?;
    let now = ctx.now();
    // Attempts and wrong guesses are counted (and committed) before anything else.
    ctx.app.store.write(|c| {
        Ok((|| {
            rate_limit(ctx, c, user.pk, "confirm_forgot_password", ctx.app.config.password_changes_per_hour)?;
            let code = store::codes::get(c, user.pk, "forgot_password")?
                .filter(|code| code.expires_at > now)
                .ok_or_else(|| err!(ExpiredCodeException, "Invalid code provided, please request a code again."))?;
            if !bool::from(code.code.as_bytes().ct_eq(req.confirmation_code.as_bytes())) {
                store::codes::record_failure(c, user.pk, "forgot_password")?;
                return Err(err!(CodeMismatchException, "Invalid verification code provided, please try again."));
            }
            Ok(())
        })())
    })??;
    let new = NewPassword::prepare(ctx, &pool, &user, &req.password)?;
    let now = ctx.now();
    ctx.app.store.write(|c| {
        // The code may have been used by a concurrent request meanwhile.
        if store::codes::get(c, user.pk, "forgot_password")?.is_none() {
            return Err(err!(ExpiredCodeException, "Invalid code provided, please request a code again."));
        }
        new.store(c, user.pk, now)?;
        store::codes::delete(c, user.pk, "forgot_password")?;
        users::set_lockout(c, user.pk, 0, None, None)?;
        if user.status != UserStatus::Confirmed {
            users::set_status(c, user.pk, UserStatus::Confirmed, now)?;
        }
        Ok(())
    })?;
    ctx.app.passwords.forget(user.pk);
    Ok(json!({}))
}
