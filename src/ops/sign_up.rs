//! SignUp: a new UNCONFIRMED user, checked against the pool's schema, username rules and password
//! policy; a confirmation code goes to the auto-verified channel through the outbox.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::check_secret_hash;
use crate::auth::session::{self, State, Step};
use crate::auth::password::NewPassword;
use crate::domain::attributes::{self, AttributeType, Attributes, Writer};
use crate::domain::client::Flow;
use crate::domain::{UserStatus, ids, password_policy};
use crate::error::{CognitoError, Result};
use crate::ops::{SIGN_UP_CODE_TTL, load_client, send_sign_up_code, verification_delivery};
use crate::store::users::{self, NewUser, exists_error};
use crate::{Ctx, err, store};

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

/// The internal username, the attribute the username fills in (email / phone as username), and the
/// message for a taken username.
struct UsernamePlan {
    username: String,
    fills: Option<(&'static str, String)>,
    taken_message: String,
}

fn plan_username(
    pool: &crate::store::pools::PoolRow,
    username: &str,
    sub: &str,
) -> Result<UsernamePlan> {
    let cfg = &pool.config;
    if cfg.uses_username_attributes() {
        let email_ok = cfg.username_attribute("email");
        let phone_ok = cfg.username_attribute("phone_number");
        let fills = if email_ok && attributes::looks_like_email(username) {
            ("email", username.to_string())
        } else if phone_ok && attributes::looks_like_phone(username) {
            ("phone_number", username.to_string())
        } else {
            let msg = match (email_ok, phone_ok) {
                (true, true) => "Username should be either an email or a phone number.",
                (true, false) => "Username should be an email.",
                _ => "Username should be a phone number.",
            };
            return Err(CognitoError::InvalidParameterException(msg.into()));
        };
        let taken_message = format!("An account with the given {} already exists.", fills.0);
        return Ok(UsernamePlan {
            username: sub.to_string(),
            fills: Some(fills),
            taken_message,
        });
    }
    if cfg.alias_attribute("email") && attributes::looks_like_email(username) {
        return Err(err!(
            InvalidParameterException,
            "Username cannot be of email format, since user pool is configured for email alias."
        ));
    }
    if cfg.alias_attribute("phone_number") && attributes::looks_like_phone(username) {
        return Err(err!(
            InvalidParameterException,
            "Username cannot be of phone number format, since user pool is configured for phone number alias."
        ));
    }
    Ok(UsernamePlan {
        username: username.to_string(),
        fills: None,
        taken_message: "User already exists".into(),
    })
}

/// Signs the user up.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, pool) = load_client(ctx, &req.client_id)?;
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
    check_secret_hash(&client, req.secret_hash.as_deref(), &[&req.username])?;
    let Some(password) = req.password.as_deref() else {
        return Err(err!(
            InvalidParameterException,
            "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null"
        ));
    };

    let sub = ids::uuid();
    let plan = plan_username(&pool, &req.username, &sub)?;
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
    let delivery = verification_delivery(&pool, &attrs);

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
        if let Some(d) = &delivery {
            send_sign_up_code(ctx, c, &pool, pk, &plan.username, d, "sign_up")?;
        }
        Ok(pk)
    })?;
    if delivery.is_some() {
        ctx.app.mail.wake();
    }
    // Clients allowed choice-based sign-in get a Session that ConfirmSignUp exchanges for a sign-in.
    let session = if client.config.allows(Flow::UserAuth) {
        let state = State {
            username: plan.username.clone(),
            typed: req.username.clone(),
            admin: false,
            device_key: None,
            step: Step::SignedUp,
        };
        Some(
            session::create_for(
                ctx,
                &client,
                Some(pk),
                "CONFIRM_SIGN_UP",
                &state,
                SIGN_UP_CODE_TTL,
            )?
            .session(),
        )
    } else {
        None
    };
    Ok(json!({
        "UserConfirmed": false,
        "CodeDeliveryDetails": delivery.map(|d| d.details()),
        "UserSub": sub,
        "Session": session,
    }))
}
