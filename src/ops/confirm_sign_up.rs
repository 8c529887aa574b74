//! ConfirmSignUp: the emailed (or texted) code confirms the user and verifies the channel it went to.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::session::{self, Handle, Step};
use crate::auth::checks::{Wording, identify};
use crate::domain::UserStatus;
use crate::domain::attributes;
use crate::error::Result;
use crate::codes::{self, Action, Purpose};
use crate::ops::{load, user_attributes};
use crate::store::users;
use crate::app::Ctx;
use crate::triggers::{Caller, events};
use crate::err;

/// ConfirmSignUpRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    client_id: String,
    secret_hash: Option<String>,
    username: String,
    confirmation_code: String,
    #[serde(default)]
    force_alias_creation: bool,
    client_metadata: Option<HashMap<String, String>>,
    session: Option<String>,
}



/// Confirms the user.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, pool) = load::client(ctx, &req.client_id)?;
    let user = identify(ctx, &pool, &client, &req.username, req.secret_hash.as_deref(), Wording::Member)?;
    let Some(mut user) = user else {
        return Err(if client.config.prevents_user_existence_errors() {
            err!(
                CodeMismatchException,
                "Invalid verification code provided, please try again."
            )
        } else {
            err!(
                UserNotFoundException,
                "Username/client id combination not found."
            )
        });
    };
    let now = ctx.now();
    // The attempt counter and wrong guesses are committed even when the confirmation fails.
    ctx.app.store.write_committed(|c| {
        codes::limit(ctx, c, user.pk, Action::ConfirmSignUp)?;
        if user.status != UserStatus::Unconfirmed {
            return Err(err!(
                NotAuthorizedException,
                "User cannot be confirmed. Current status is {}",
                user.status.as_str()
            ));
        }
        let code = codes::check(c, user.pk, Purpose::SignUp, &req.confirmation_code, now)?;
        if let Some(attr) = code.attribute.as_deref() {
            if attributes::get(&user.attributes, attr).is_some() {
                user_attributes::verify(c, &pool, &mut user, attr, req.force_alias_creation, now)?;
            }
        }
        users::set_status(c, user.pk, UserStatus::Confirmed, now)?;
        codes::discard(c, user.pk, Purpose::SignUp)?;
        Ok(())
    })?;
    // Confirmed; a PostConfirmation failure reaches the caller but does not undo it.
    events::post_confirmation_of(
        ctx,
        &pool,
        "PostConfirmation_ConfirmSignUp",
        user.pk,
        Caller::client(&client.id),
        req.client_metadata.as_ref(),
    )?;
    // The SignUp session, if any, becomes a session for signing in right away (InitiateAuth USER_AUTH).
    let session = match req.session.as_deref().and_then(Handle::from_session) {
        Some(h) => match session::take(ctx, &client, session::Kind::ConfirmSignUp, Some(h)) {
            Ok((_, Some(pk), mut state)) if pk == user.pk => {
                state.step = Step::Confirmed;
                Some(
                    session::create(ctx, &client, Some(pk), session::Kind::SignInAfterConfirmation, &state)?
                        .session(),
                )
            }
            _ => None,
        },
        None => None,
    };
    Ok(json!({"Session": session}))
}
