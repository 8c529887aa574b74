//! ConfirmForgotPassword: the reset code and a new password; the user is CONFIRMED afterwards.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::password::NewPassword;
use crate::auth::password::identify_member;
use crate::domain::UserStatus;
use crate::error::Result;
use crate::ops::{check_code, code_is, expired_code, load_client, rate_limit};
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
    let user = identify_member(ctx, &pool, &client, &req.username, req.secret_hash.as_deref())?;
    let Some(user) = user else {
        return Err(if client.config.prevents_user_existence_errors() {
            err!(CodeMismatchException, "Invalid verification code provided, please try again.")
        } else {
            err!(UserNotFoundException, "Username/client id combination not found.")
        });
    };
    let now = ctx.now();
    // Attempts and wrong guesses are counted (and committed) before anything else.
    ctx.app.store.write_committed(|c| {
        rate_limit(ctx, c, user.pk, "confirm_forgot_password", ctx.app.config.password_changes_per_hour)?;
        check_code(c, user.pk, "forgot_password", &req.confirmation_code, now).map(drop)
    })?;
    let new = NewPassword::prepare(ctx, &pool, &user, &req.password)?;
    let now = ctx.now();
    ctx.app.store.write(|c| {
        // The code may have been used, or replaced by a new ForgotPassword, meanwhile.
        let still = store::codes::get(c, user.pk, "forgot_password")?;
        if !still.is_some_and(|code| code_is(&code, &req.confirmation_code)) {
            return Err(expired_code());
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
