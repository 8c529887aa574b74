//! SignUp: a new UNCONFIRMED user, checked against the pool's schema, username rules and password
//! policy; a confirmation code goes to the auto-verified channel through the outbox.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::checks::{Wording, check_secret_hash};
use crate::auth::session::{self, State, Step};
use crate::auth::password::NewPassword;
use crate::domain::attributes::{self, AttributeType, Attributes, Writer};
use crate::domain::client::Flow;
use crate::domain::{UserStatus, ids, password_policy};
use crate::error::{CognitoError, Result};
use crate::auth::Caller;
use crate::codes::{self, Purpose};
use crate::domain::usernames::{self, Creator};
use crate::mail::Kind;
use crate::ops::load;
use crate::store::users::{self, NewUser, exists_error};
use crate::app::Ctx;
use crate::{err, store};

/// SignUpRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    client_id: String,
    secret_hash: Option<String>,
    username: String,
    password: Option<String>,
    user_attributes: Option<Vec<AttributeType>>,
    #[allow(dead_code)]
    validation_data: Option<Vec<AttributeType>>,
    #[allow(dead_code)]
    client_metadata: Option<HashMap<String, String>>,
}

/// Signs the user up.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, pool) = load::client(ctx, &req.client_id)?;
    if pool
        .config
        .admin_create_user_config
        .allow_admin_create_user_only
    {
        return Err(err!(
            NotAuthorizedException,
            "SignUp is not permitted for this user pool"
        ));
    }
    check_secret_hash(&client, req.secret_hash.as_deref(), &[&req.username], Wording::Member)?;
    let Some(password) = req.password.as_deref() else {
        return Err(err!(
            InvalidParameterException,
            "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null"
        ));
    };

    let sub = ids::uuid();
    let plan = usernames::plan(&pool.config, &req.username, &sub, Creator::SignUp)?;
    let requested = attributes::pairs(req.user_attributes.as_ref());
    attributes::check_new(&pool.config, Writer::Client(&client.config), &requested)?;
    let mut attrs = Attributes::new();
    attributes::set(&mut attrs, "sub", sub.clone());
    for (name, value) in requested {
        attributes::set(&mut attrs, &name, value.unwrap_or_default());
    }
    if let Some((attr, value)) = &plan.fills {
        attributes::set(&mut attrs, attr, value.clone());
    }
    attributes::check_required(&pool.config, &attrs)?;
    password_policy::check(&pool.config.policies.password_policy, password)?;

    let username_key = pool.config.lookup_key(&plan.username);
    let taken = ctx.app.store.read(|c| {
        if users::by_username(c, &pool.id, &username_key)?.is_some() {
            return Ok(true);
        }
        match &plan.fills {
            Some((attr, value)) => {
                Ok(
                    users::alias_owner(c, &pool.id, attr, &pool.config.lookup_key(value))?
                        .is_some(),
                )
            }
            None => Ok(false),
        }
    })?;
    if taken {
        return Err(CognitoError::UsernameExistsException(plan.taken_message));
    }

    // The slow parts, outside any database lock.
    let new = NewPassword::compute(ctx, &pool.id, &plan.username, password)?;
    let message = match codes::sign_up_delivery(&pool, &attrs) {
        Some(d) => Some(codes::prepare_code(ctx, &pool, &plan.username, Kind::SignUp, d)?),
        None => None,
    };

    let now = ctx.now();
    let pk = ctx.app.store.write(|c| {
        let pk = users::insert(
            c,
            &NewUser {
                pool_id: &pool.id,
                username: &plan.username,
                username_key: &username_key,
                sub: &sub,
                status: UserStatus::Unconfirmed,
                enabled: true,
                attributes: &attrs,
                password_hash: Some(&new.hash),
                srp: Some((&new.srp.salt, &new.srp.verifier)),
                now,
            },
        )
        .map_err(|e| exists_error(e, &plan.taken_message))?;
        if let Some((attr, value)) = &plan.fills {
            users::add_alias(c, &pool.id, attr, &pool.config.lookup_key(value), pk)
                .map_err(|e| exists_error(e, &plan.taken_message))?;
        }
        if pool.config.alias_attribute("preferred_username") {
            if let Some(p) = attributes::get(&attrs, "preferred_username") {
                users::add_alias(
                    c,
                    &pool.id,
                    "preferred_username",
                    &pool.config.lookup_key(p),
                    pk,
                )
                .map_err(|e| {
                    if store::is_unique_violation(&e) {
                        err!(
                            AliasExistsException,
                            "An account with the given preferred_username already exists."
                        )
                    } else {
                        e.into()
                    }
                })?;
            }
        }
        if let Some(m) = &message {
            codes::store_and_queue(c, m, pk, Purpose::SignUp, None, now)?;
        }
        Ok(pk)
    })?;
    if message.is_some() {
        ctx.app.mail.wake();
    }
    // Clients allowed choice-based sign-in get a Session that ConfirmSignUp exchanges for a sign-in.
    let session = if client.config.allows(Flow::UserAuth) {
        let state = State {
            username: plan.username.clone(),
            typed: req.username.clone(),
            caller: Caller::Client,
            device_key: None,
            step: Step::SignedUp,
        };
        Some(
            session::create_for(
                ctx,
                &client,
                Some(pk),
                session::Kind::ConfirmSignUp,
                &state,
                codes::SIGN_UP_CODE_TTL,
            )?
            .session(),
        )
    } else {
        None
    };
    Ok(json!({
        "UserConfirmed": false,
        "CodeDeliveryDetails": message.map(|m| m.delivery.details()),
        "UserSub": sub,
        "Session": session,
    }))
}
