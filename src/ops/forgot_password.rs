//! ForgotPassword: a reset code to the user's verified channel, chosen by the pool's
//! AccountRecoverySetting (reference §2.2).

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::password::identify_member;
use crate::domain::attributes;
use crate::error::Result;
use crate::mail::Delivery;
use crate::ops::{CodeMessage, load_client, rate_limit, send_code};
use crate::store::pools::PoolRow;
use crate::store::users::UserRow;
use crate::{Ctx, err};

/// ForgotPasswordRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    client_id: String,
    secret_hash: Option<String>,
    username: String,
    #[allow(dead_code)]
    client_metadata: Option<HashMap<String, String>>,
}

/// A reset code lives one hour.
pub const RESET_CODE_TTL: f64 = 3600.0;

/// The verified channel a reset code goes to, by the pool's recovery priorities.
pub fn recovery_delivery(pool: &PoolRow, user: &UserRow) -> Result<Delivery> {
    let mut mechanisms = pool.config.account_recovery_setting.recovery_mechanisms.clone();
    mechanisms.sort_by_key(|m| m.priority);
    for m in &mechanisms {
        let (attr, make): (&str, fn(&str) -> Delivery) = match m.name.as_str() {
            "verified_email" => ("email", Delivery::email),
            "verified_phone_number" => ("phone_number", Delivery::sms),
            "admin_only" => {
                return Err(err!(NotAuthorizedException, "Contact administrator to reset password."));
            }
            _ => continue,
        };
        if attributes::is_verified(&user.attributes, attr) {
            if let Some(v) = attributes::get(&user.attributes, attr) {
                return Ok(make(v));
            }
        }
    }
    Err(err!(
        InvalidParameterException,
        "Cannot reset password for the user as there is no registered/verified email or phone_number"
    ))
}

/// Stores a fresh reset code (one hour) and queues it, in the caller's transaction.
pub fn send_reset_code(ctx: &Ctx, c: &rusqlite::Connection, pool: &PoolRow, user: &UserRow, delivery: &Delivery) -> Result<()> {
    let m = CodeMessage {
        user_pk: user.pk,
        username: &user.username,
        delivery,
        purpose: "forgot_password",
        kind: "forgot_password",
        value: None,
        ttl: RESET_CODE_TTL,
    };
    send_code(ctx, c, pool, &m)
}

/// Sends the code.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, pool) = load_client(ctx, &req.client_id)?;
    let user = identify_member(ctx, &pool, &client, &req.username, req.secret_hash.as_deref())?;
    let Some(user) = user else {
        if client.config.prevents_user_existence_errors() {
            let fake = Delivery::email(&format!("{}@example.com", req.username.chars().next().unwrap_or('u')));
            return Ok(json!({"CodeDeliveryDetails": fake.details()}));
        }
        return Err(err!(UserNotFoundException, "Username/client id combination not found."));
    };
    if !user.enabled {
        return Err(err!(NotAuthorizedException, "User is disabled."));
    }
    let delivery = recovery_delivery(&pool, &user)?;
    ctx.app.store.write_committed(|c| {
        rate_limit(ctx, c, user.pk, "forgot_password", ctx.app.config.code_sends_per_hour)?;
        send_reset_code(ctx, c, &pool, &user, &delivery)
    })?;
    ctx.app.mail.wake();
    Ok(json!({"CodeDeliveryDetails": delivery.details()}))
}
