//! ConfirmForgotPassword: the reset code and a new password; the user is CONFIRMED afterwards.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::accounts::NewPassword;
use crate::auth::checks::{Wording, identify};
use crate::domain::UserStatus;
use crate::error::Result;
use crate::codes::{self, Action, Purpose};
use crate::ops::load;
use crate::store::users;
use crate::app::Ctx;
use crate::auth::history::{self, EventType};
use crate::triggers::{Caller, events};
use crate::err;

/// ConfirmForgotPasswordRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    client_id: String,
    secret_hash: Option<String>,
    username: String,
    confirmation_code: String,
    password: String,
    client_metadata: Option<HashMap<String, String>>,
}

/// Sets the new password.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, pool) = load::client(ctx, &req.client_id)?;
    let user = identify(ctx, &pool, &client, &req.username, req.secret_hash.as_deref(), Wording::Member)?;
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
        codes::limit(ctx, c, user.pk, Action::ConfirmForgotPassword)?;
        codes::check(c, user.pk, Purpose::ForgotPassword, &req.confirmation_code, now).map(drop)
    })?;
    let new = NewPassword::prepare(ctx, &pool, &user, &req.password)?;
    let now = ctx.now();
    ctx.app.store.write(|c| {
        // The code may have been used, or replaced by a new ForgotPassword, meanwhile.
        let still = codes::pending(c, user.pk, Purpose::ForgotPassword)?;
        if !still.is_some_and(|code| codes::matches(&code.code, &req.confirmation_code)) {
            return Err(codes::expired());
        }
        new.store(c, user.pk, now)?;
        codes::discard(c, user.pk, Purpose::ForgotPassword)?;
        users::set_lockout(c, user.pk, 0, None, None)?;
        if user.status != UserStatus::Confirmed {
            users::set_status(c, user.pk, UserStatus::Confirmed, now)?;
        }
        Ok(())
    })?;
    ctx.app.passwords.forget(user.pk);
    events::post_confirmation_of(
        ctx,
        &pool,
        "PostConfirmation_ConfirmForgotPassword",
        user.pk,
        Caller::client(&client.id),
        req.client_metadata.as_ref(),
    )?;
    history::record(ctx, &pool, user.pk, EventType::PasswordChange, true, &[]);
    Ok(json!({}))
}
