//! ConfirmSignUp: the emailed (or texted) code confirms the user and verifies the channel it went to.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::session::{self, Handle, Step};
use crate::auth::password::identify_member;
use crate::domain::UserStatus;
use crate::domain::attributes;
use crate::error::Result;
use crate::ops::{check_code, load_client, rate_limit};
use crate::store::pools::PoolRow;
use crate::store::users::{self, UserRow};
use crate::{Ctx, err, store};

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
    #[allow(dead_code)]
    client_metadata: Option<HashMap<String, String>>,
    session: Option<String>,
}



/// Sets `<attr>_verified` and, when the attribute is a sign-in alias of the pool, makes it one — taking it
/// from another user only with `force`. Runs inside the caller's transaction.
pub fn verify_attribute(
    c: &rusqlite::Connection,
    pool: &PoolRow,
    user: &mut UserRow,
    attr: &str,
    force: bool,
    now: f64,
) -> Result<()> {
    attributes::set(&mut user.attributes, &format!("{attr}_verified"), "true");
    if pool.config.alias_attribute(attr) {
        if let Some(value) = attributes::get(&user.attributes, attr) {
            let key = pool.config.lookup_key(value);
            match users::alias_owner(c, &pool.id, attr, &key)? {
                Some(owner) if owner == user.pk => {}
                Some(owner) => {
                    if !force {
                        return Err(err!(
                            AliasExistsException,
                            "An account with the given {attr} already exists."
                        ));
                    }
                    users::remove_alias(c, owner, attr)?;
                    if let Some(mut other) = users::by_pk(c, owner)? {
                        attributes::set(
                            &mut other.attributes,
                            &format!("{attr}_verified"),
                            "false",
                        );
                        users::set_attributes(c, owner, &other.attributes, now)?;
                    }
                    users::add_alias(c, &pool.id, attr, &key, user.pk)?;
                }
                None => {
                    users::remove_alias(c, user.pk, attr)?;
                    users::add_alias(c, &pool.id, attr, &key, user.pk)?;
                }
            }
        }
    }
    users::set_attributes(c, user.pk, &user.attributes, now)
}

/// Confirms the user.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, pool) = load_client(ctx, &req.client_id)?;
    let user = identify_member(ctx, &pool, &client, &req.username, req.secret_hash.as_deref())?;
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
        rate_limit(ctx, c, user.pk, "confirm_sign_up", ctx.app.config.code_checks_per_hour)?;
        if user.status != UserStatus::Unconfirmed {
            return Err(err!(
                NotAuthorizedException,
                "User cannot be confirmed. Current status is {}",
                user.status.as_str()
            ));
        }
        let code = check_code(c, user.pk, "sign_up", &req.confirmation_code, now)?;
        if let Some(attr) = code.attribute.as_deref() {
            if attributes::get(&user.attributes, attr).is_some() {
                verify_attribute(c, &pool, &mut user, attr, req.force_alias_creation, now)?;
            }
        }
        users::set_status(c, user.pk, UserStatus::Confirmed, now)?;
        store::codes::delete(c, user.pk, "sign_up")?;
        Ok(())
    })?;
    // The SignUp session, if any, becomes a session for signing in right away (InitiateAuth USER_AUTH).
    let session = match req.session.as_deref().and_then(Handle::from_session) {
        Some(h) => match session::take(ctx, &client, "CONFIRM_SIGN_UP", Some(h)) {
            Ok((_, Some(pk), mut state)) if pk == user.pk => {
                state.step = Step::Confirmed;
                Some(
                    session::create(ctx, &client, Some(pk), "SIGN_IN_AFTER_CONFIRMATION", &state)?
                        .session(),
                )
            }
            _ => None,
        },
        None => None,
    };
    Ok(json!({"Session": session}))
}
