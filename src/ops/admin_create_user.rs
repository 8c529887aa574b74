//! AdminCreateUser: a FORCE_CHANGE_PASSWORD user with a temporary password (given or generated) and an
//! invitation through the outbox; MessageAction RESEND re-invites, SUPPRESS sends nothing.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::password::NewPassword;
use crate::domain::attributes::{self, AttributeType, Attributes, Writer};
use crate::domain::{UserStatus, ids, password_policy};
use crate::error::{CognitoError, Result};
use crate::mail::{self, Delivery};
use crate::ops::{load_pool, user_type};
use crate::store::pools::PoolRow;
use crate::store::users::{self, NewUser, UserRow, exists_error};
use crate::{Ctx, err, store};

/// AdminCreateUserRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
    user_attributes: Option<Vec<AttributeType>>,
    #[allow(dead_code)]
    validation_data: Option<Vec<AttributeType>>,
    temporary_password: Option<String>,
    #[serde(default)]
    force_alias_creation: bool,
    message_action: Option<String>,
    desired_delivery_mediums: Option<Vec<String>>,
    #[allow(dead_code)]
    client_metadata: Option<HashMap<String, String>>,
}

/// A temporary password that satisfies the pool's policy.
fn generate_password(min: u32) -> String {
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const DIGITS: &[u8] = b"23456789";
    const SYMBOLS: &[u8] = b"!#$%&*+-=?@^_";
    let pick = |set: &[u8]| set[rand::random_range(0..set.len())] as char;
    let len = (min as usize).max(12);
    let mut chars: Vec<char> = vec![pick(UPPER), pick(LOWER), pick(DIGITS), pick(SYMBOLS)];
    let all: Vec<u8> = [UPPER, LOWER, DIGITS, SYMBOLS].concat();
    while chars.len() < len {
        chars.push(pick(&all));
    }
    // Shuffle so the classes are not always in the same places.
    for i in (1..chars.len()).rev() {
        chars.swap(i, rand::random_range(0..=i));
    }
    chars.into_iter().collect()
}

/// Queues the invitation on each desired medium the user can receive.
fn invite(
    ctx: &Ctx,
    c: &rusqlite::Connection,
    pool: &PoolRow,
    user: &UserRow,
    typed: &str,
    password: &str,
    mediums: &[String],
) -> Result<bool> {
    let template = pool
        .config
        .admin_create_user_config
        .invite_message_template
        .clone()
        .unwrap_or_default();
    let mut sent = false;
    for medium in mediums {
        let (delivery, subject, body) = match medium.as_str() {
            "EMAIL" => match attributes::get(&user.attributes, "email") {
                Some(e) => (
                    Delivery::email(e),
                    template
                        .email_subject
                        .clone()
                        .unwrap_or_else(|| "Your temporary password".into()),
                    template.email_message.clone().unwrap_or_else(|| {
                        "Your username is {username} and temporary password is {####}. ".into()
                    }),
                ),
                None => continue,
            },
            _ => match attributes::get(&user.attributes, "phone_number") {
                Some(p) => (
                    Delivery::sms(p),
                    String::new(),
                    template.sms_message.clone().unwrap_or_else(|| {
                        "Your username is {username} and temporary password is {####}. ".into()
                    }),
                ),
                None => continue,
            },
        };
        mail::queue(
            c,
            &mail::Outgoing {
                pool_id: &pool.id,
                username: typed,
                kind: "invitation",
                delivery: &delivery,
                subject: &subject,
                template: &body,
                code: password,
            },
            ctx.now(),
        )?;
        sent = true;
    }
    Ok(sent)
}

/// Creates (or re-invites) the user.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load_pool(ctx, &req.user_pool_id)?;
    let policy = &pool.config.policies.password_policy;
    let password = match &req.temporary_password {
        Some(p) => {
            password_policy::check(policy, p)?;
            p.clone()
        }
        None => generate_password(policy.minimum_length),
    };
    let mediums = req
        .desired_delivery_mediums
        .clone()
        .unwrap_or_else(|| vec!["SMS".to_string()]);
    let suppress = req.message_action.as_deref() == Some("SUPPRESS");
    let now = ctx.now();

    if req.message_action.as_deref() == Some("RESEND") {
        let user = ctx
            .app
            .store
            .read(|c| users::resolve(c, &pool.id, &pool.config, &req.username))?
            .ok_or_else(|| err!(UserNotFoundException, "User does not exist."))?;
        if user.status != UserStatus::ForceChangePassword {
            return Err(err!(
                UnsupportedUserStateException,
                "Resend not possible. {} status is not FORCE_CHANGE_PASSWORD",
                req.username
            ));
        }
        // Hashed only once the request is known to be good (argon2 is the costly step).
        let new = NewPassword::compute(ctx, &pool.id, &user.username, &password)?;
        ctx.app.store.write(|c| {
            new.store(c, user.pk, now)?;
            invite(ctx, c, &pool, &user, &req.username, &password, &mediums)
        })?;
        ctx.app.passwords.forget(user.pk);
        ctx.app.mail.wake();
        let user = ctx
            .app
            .store
            .read(|c| users::by_pk(c, user.pk))?
            .ok_or_else(|| CognitoError::internal("user vanished"))?;
        return Ok(json!({"User": user_type(&user)}));
    }

    // Seed files may fix the sub.
    let sub = ctx.fixed_id.clone().unwrap_or_else(ids::uuid);
    let cfg = &pool.config;
    let (username, fills, taken) = if cfg.uses_username_attributes() {
        let fills =
            if cfg.username_attribute("email") && attributes::looks_like_email(&req.username) {
                "email"
            } else if cfg.username_attribute("phone_number")
                && attributes::looks_like_phone(&req.username)
            {
                "phone_number"
            } else {
                let msg = match (
                    cfg.username_attribute("email"),
                    cfg.username_attribute("phone_number"),
                ) {
                    (true, true) => "Username should be either an email or a phone number.",
                    (true, false) => "Username should be an email.",
                    _ => "Username should be a phone number.",
                };
                return Err(CognitoError::InvalidParameterException(msg.into()));
            };
        (
            sub.clone(),
            Some(fills),
            format!("An account with the given {fills} already exists."),
        )
    } else {
        // AWS's wording for AdminCreateUser differs from SignUp's "User already exists" (seen in the
        // AWS CLI's output quoted in localstack/localstack#4465).
        (
            req.username.clone(),
            None,
            "User account already exists".to_string(),
        )
    };
    let requested = attributes::pairs(req.user_attributes.as_ref());
    attributes::check_new(cfg, Writer::Admin, &requested)?;
    let mut attrs = Attributes::new();
    attributes::set(&mut attrs, "sub", sub.clone());
    for (name, value) in requested {
        attributes::set(&mut attrs, &name, value.unwrap_or_default());
    }
    if let Some(attr) = fills {
        attributes::set(&mut attrs, attr, req.username.clone());
    }
    let new = NewPassword::compute(ctx, &pool.id, &username, &password)?;
    let key = cfg.lookup_key(&username);
    let pk = ctx.app.store.write(|c| {
        let pk = users::insert(
            c,
            &NewUser {
                pool_id: &pool.id,
                username: &username,
                username_key: &key,
                sub: &sub,
                status: UserStatus::ForceChangePassword,
                attributes: &attrs,
                password_hash: Some(&new.hash),
                srp: Some((&new.srp.salt, &new.srp.verifier)),
                now,
            },
        )
        .map_err(|e| exists_error(e, &taken))?;
        if let Some(attr) = fills {
            users::add_alias(c, &pool.id, attr, &cfg.lookup_key(&req.username), pk)
                .map_err(|e| exists_error(e, &taken))?;
        }
        for alias in ["email", "phone_number", "preferred_username"] {
            let verified = alias == "preferred_username" || attributes::is_verified(&attrs, alias);
            let Some(value) = attributes::get(&attrs, alias) else {
                continue;
            };
            if !cfg.alias_attribute(alias) || !verified {
                continue;
            }
            let alias_key = cfg.lookup_key(value);
            match users::alias_owner(c, &pool.id, alias, &alias_key)? {
                Some(owner) if req.force_alias_creation => {
                    users::remove_alias(c, owner, alias)?;
                    if let Some(mut other) = users::by_pk(c, owner)? {
                        attributes::set(
                            &mut other.attributes,
                            &format!("{alias}_verified"),
                            "false",
                        );
                        users::set_attributes(c, owner, &other.attributes, now)?;
                    }
                }
                Some(_) => {
                    return Err(err!(
                        AliasExistsException,
                        "An account with the given {alias} already exists."
                    ));
                }
                None => {}
            }
            users::add_alias(c, &pool.id, alias, &alias_key, pk)?;
        }
        if !suppress {
            let user =
                users::by_pk(c, pk)?.ok_or_else(|| CognitoError::internal("user vanished"))?;
            invite(ctx, c, &pool, &user, &req.username, &password, &mediums)?;
        }
        Ok(pk)
    })?;
    if !suppress {
        ctx.app.mail.wake();
    }
    let user = ctx
        .app
        .store
        .read(|c| store::users::by_pk(c, pk))?
        .ok_or_else(|| CognitoError::internal("user vanished"))?;
    Ok(json!({"User": user_type(&user)}))
}
