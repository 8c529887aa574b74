//! UpdateUserAttributes: the signed-in user changes attributes the client may write. A new email or phone
//! number is unverified until its code is confirmed (a code is sent when the pool auto-verifies it);
//! with AttributesRequireVerificationBeforeUpdate the old value stays until then.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::attributes::{self, AttributeType, Writer};
use crate::error::Result;
use crate::mail::Delivery;
use crate::ops::confirm_sign_up::verify_attribute;
use crate::ops::{CodeMessage, SIGN_UP_CODE_TTL, send_code, token_user};
use crate::store::pools::PoolRow;
use crate::store::users::{self, UserRow};
use crate::{Ctx, err, store};

/// UpdateUserAttributesRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_attributes: Vec<AttributeType>,
    access_token: String,
    #[allow(dead_code)]
    client_metadata: Option<HashMap<String, String>>,
}

fn delivery_for(attr: &str, value: &str) -> Delivery {
    if attr == "email" { Delivery::email(value) } else { Delivery::sms(value) }
}

/// Applies attribute changes for a user or an administrator; returns where codes were sent.
pub fn apply(
    ctx: &Ctx,
    pool: &PoolRow,
    mut user: UserRow,
    requested: Vec<(String, Option<String>)>,
    writer: Writer<'_>,
) -> Result<Vec<Delivery>> {
    attributes::check_update(&pool.config, writer, &requested, &user.attributes)?;
    let cfg = &pool.config;
    let admin = matches!(writer, Writer::Admin);
    let given = |name: &str| requested.iter().find(|(n, _)| n == name).and_then(|(_, v)| v.clone());
    let mut to_verify: Vec<&'static str> = Vec::new();
    let mut sends: Vec<(Delivery, Option<String>)> = Vec::new();
    for (name, value) in &requested {
        let value = value.clone().unwrap_or_default();
        let channel: Option<&'static str> = match name.as_str() {
            "email" => Some("email"),
            "phone_number" => Some("phone_number"),
            _ => None,
        };
        let Some(attr) = channel else {
            if name.ends_with("_verified") {
                continue; // handled with the channel below
            }
            attributes::set(&mut user.attributes, name, value);
            continue;
        };
        if attributes::get(&user.attributes, attr) == Some(value.as_str()) {
            continue;
        }
        let verified_now = admin && given(&format!("{attr}_verified")).as_deref() == Some("true");
        let before_update =
            cfg.user_attribute_update_settings.attributes_require_verification_before_update.iter().any(|a| a == attr);
        if verified_now {
            attributes::set(&mut user.attributes, attr, value.clone());
            to_verify.push(attr);
        } else if before_update && attributes::get(&user.attributes, attr).is_some() {
            // The old value stays active; the new one waits in the code row until verified.
            sends.push((delivery_for(attr, &value), Some(value.clone())));
        } else {
            attributes::set(&mut user.attributes, attr, value.clone());
            attributes::set(&mut user.attributes, &format!("{attr}_verified"), "false");
            if cfg.auto_verifies(attr) {
                sends.push((delivery_for(attr, &value), None));
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
                    && (attr == "preferred_username" || attributes::is_verified(&user.attributes, attr)));
            users::remove_alias(c, user.pk, attr)?;
            if is_identifier {
                users::add_alias(c, &pool.id, attr, &cfg.lookup_key(&value), user.pk).map_err(|e| {
                    if store::is_unique_violation(&e) {
                        err!(AliasExistsException, "An account with the given {attr} already exists.")
                    } else {
                        e.into()
                    }
                })?;
            }
        }
        users::set_attributes(c, user.pk, &user.attributes, now)?;
        for attr in &to_verify {
            verify_attribute(c, pool, &mut user, attr, true, now)?;
        }
        for (delivery, value) in &sends {
            let m = CodeMessage {
                user_pk: user.pk,
                username: &user.username,
                delivery,
                purpose: if delivery.attribute == "email" { "verify_email" } else { "verify_phone_number" },
                kind: "verify_attribute",
                value: value.as_deref(),
                ttl: SIGN_UP_CODE_TTL,
            };
            send_code(ctx, c, pool, &m)?;
        }
        Ok(())
    })?;
    if !sends.is_empty() {
        ctx.app.mail.wake();
    }
    Ok(sends.into_iter().map(|(d, _)| d).collect())
}

/// Updates the attributes.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (claims, pool, user) = token_user(ctx, &req.access_token)?;
    let client = ctx.app.store.read(|c| store::clients::get(c, &claims.client_id))?;
    let client = client.ok_or_else(|| err!(NotAuthorizedException, "Invalid Access Token"))?;
    let requested = attributes::pairs(Some(&req.user_attributes));
    let sent = apply(ctx, &pool, user, requested, Writer::Client(&client.config))?;
    let list: Vec<Value> = sent.iter().map(Delivery::details).collect();
    Ok(json!({"CodeDeliveryDetailsList": if list.is_empty() { None } else { Some(list) }}))
}
