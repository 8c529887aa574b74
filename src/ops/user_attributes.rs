//! Attribute changes shared by several operations: applying an update (UpdateUserAttributes and
//! AdminUpdateUserAttributes) and marking an email or phone number verified (ConfirmSignUp,
//! VerifyUserAttribute, updates with `*_verified=true`), with the sign-in alias that follows.

use crate::app::Ctx;
use crate::codes::{self, Purpose};
use crate::domain::attributes::{self, Writer};
use crate::error::Result;
use crate::mail::{Delivery, Kind, Medium};
use crate::store::pools::PoolRow;
use crate::store::users::{self, UserRow};
use crate::{err, store};

/// Sets `<attr>_verified` and, when the attribute is a sign-in alias of the pool, makes it one — taking it
/// from another user only with `force`. Runs inside the caller's transaction.
pub fn verify(
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

/// Applies attribute changes for a user or an administrator; returns where codes were sent.
pub fn apply(
    ctx: &Ctx,
    pool: &PoolRow,
    mut user: UserRow,
    requested: Vec<(String, Option<String>)>,
    writer: Writer<'_>,
    context: codes::Context<'_>,
) -> Result<Vec<Delivery>> {
    attributes::check_update(&pool.config, writer, &requested, &user.attributes)?;
    let cfg = &pool.config;
    let admin = matches!(writer, Writer::Admin);
    let given = |name: &str| {
        requested
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.clone())
    };
    let mut to_verify: Vec<&'static str> = Vec::new();
    let mut sends: Vec<(Delivery, Option<String>)> = Vec::new();
    for (name, value) in &requested {
        let value = value.clone().unwrap_or_default();
        let Some(medium) = Medium::of_attribute(name) else {
            if name.ends_with("_verified") {
                continue; // handled with the channel below
            }
            attributes::set(&mut user.attributes, name, value);
            continue;
        };
        let attr = medium.attribute();
        if attributes::get(&user.attributes, attr) == Some(value.as_str()) {
            continue;
        }
        let verified_now = admin && given(&format!("{attr}_verified")).as_deref() == Some("true");
        let before_update = cfg
            .user_attribute_update_settings
            .attributes_require_verification_before_update
            .iter()
            .any(|a| a == attr);
        if verified_now {
            attributes::set(&mut user.attributes, attr, value.clone());
            to_verify.push(attr);
        } else if before_update && attributes::get(&user.attributes, attr).is_some() {
            // The old value stays active; the new one waits in the code row until verified.
            sends.push((Delivery::to(medium, &value), Some(value.clone())));
        } else {
            attributes::set(&mut user.attributes, attr, value.clone());
            attributes::set(&mut user.attributes, &format!("{attr}_verified"), "false");
            if cfg.auto_verifies(attr) {
                sends.push((Delivery::to(medium, &value), None));
            }
        }
    }
    // Explicit *_verified values (administrators only: clients cannot write them).
    for attr in ["email", "phone_number"] {
        let flag = format!("{attr}_verified");
        match given(&flag).as_deref() {
            Some("true") if !to_verify.contains(&attr) => to_verify.push(attr),
            Some("true") | None => {}
            Some(other) => attributes::set(&mut user.attributes, &flag, other),
        }
    }
    let mut messages = Vec::with_capacity(sends.len());
    for (delivery, value) in &sends {
        let message = codes::Message {
            pool,
            username: &user.username,
            shown_username: &user.username,
            kind: Kind::UpdateAttribute,
            delivery: delivery.clone(),
            code: codes::new_code(ctx),
            context: context.clone().with_user(pool, &user),
        };
        messages.push((codes::prepare(ctx, message)?, value.as_deref()));
    }
    let now = ctx.now();
    ctx.app.store.write(|c| {
        // Sign-in identifiers follow the new values.
        for attr in ["email", "phone_number", "preferred_username"] {
            let Some(value) = attributes::get(&user.attributes, attr).map(str::to_string) else {
                users::remove_alias(c, user.pk, attr)?;
                continue;
            };
            let is_identifier = cfg.username_attribute(attr)
                || (cfg.alias_attribute(attr)
                    && (attr == "preferred_username"
                        || attributes::is_verified(&user.attributes, attr)));
            users::remove_alias(c, user.pk, attr)?;
            if is_identifier {
                users::add_alias(c, &pool.id, attr, &cfg.lookup_key(&value), user.pk).map_err(
                    |e| {
                        if store::is_unique_violation(&e) {
                            err!(
                                AliasExistsException,
                                "An account with the given {attr} already exists."
                            )
                        } else {
                            e.into()
                        }
                    },
                )?;
            }
        }
        users::set_attributes(c, user.pk, &user.attributes, now)?;
        for attr in &to_verify {
            verify(c, pool, &mut user, attr, true, now)?;
        }
        for (m, value) in &messages {
            let purpose = Purpose::Verify(m.delivery().medium);
            codes::store_and_queue(c, m, user.pk, purpose, *value, now)?;
        }
        Ok(())
    })?;
    let prepared: Vec<codes::Prepared> = messages.into_iter().map(|(m, _)| m).collect();
    codes::sent(ctx, &prepared);
    Ok(sends.into_iter().map(|(d, _)| d).collect())
}

/// Removes attributes for a user or an administrator.
pub fn remove(
    ctx: &Ctx,
    pool: &PoolRow,
    mut user: UserRow,
    names: &[String],
    writer: Writer<'_>,
) -> Result<()> {
    // Every unknown attribute is listed, one line each (AWS's answer as moto's tests record it).
    let unknown: String = names
        .iter()
        .filter(|n| pool.config.schema_attribute(n).is_none())
        .map(|n| format!("user.{n}: Attribute does not exist in the schema.\n"))
        .collect();
    if !unknown.is_empty() {
        return Err(err!(
            InvalidParameterException,
            "Invalid user attributes: {unknown}"
        ));
    }
    for name in names {
        let Some(schema) = pool.config.schema_attribute(name) else {
            continue;
        };
        if name == "sub" || schema.required || !schema.mutable {
            return Err(err!(
                InvalidParameterException,
                "user.{name}: Attribute cannot be deleted.\n"
            ));
        }
        if let Writer::Client(client) = writer {
            if !client.can_write(name) {
                return Err(err!(
                    NotAuthorizedException,
                    "A client attempted to write unauthorized attribute"
                ));
            }
        }
    }
    let now = ctx.now();
    ctx.app.store.write(|c| {
        for name in names {
            user.attributes.shift_remove(name.as_str());
            if matches!(
                name.as_str(),
                "email" | "phone_number" | "preferred_username"
            ) {
                user.attributes.shift_remove(&format!("{name}_verified"));
                users::remove_alias(c, user.pk, name)?;
            }
        }
        users::set_attributes(c, user.pk, &user.attributes, now)
    })
}
