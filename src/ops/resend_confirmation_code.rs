//! ResendConfirmationCode: a new sign-up code to the auto-verified channel.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::password::identify_member;
use crate::domain::UserStatus;
use crate::error::Result;
use crate::mail::Delivery;
use crate::ops::{load_client, rate_limit, send_sign_up_code, verification_delivery};
use crate::{Ctx, err};

/// ResendConfirmationCodeRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    client_id: String,
    secret_hash: Option<String>,
    username: String,
    #[allow(dead_code)]
    client_metadata: Option<HashMap<String, String>>,
}


/// Sends a new code.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, pool) = load_client(ctx, &req.client_id)?;
    let user = identify_member(ctx, &pool, &client, &req.username, req.secret_hash.as_deref())?;
    let Some(user) = user else {
        if client.config.prevents_user_existence_errors() {
            // A plausible answer that reveals nothing: the channel the pool would use, masked.
            let fake = if pool.config.auto_verifies("phone_number") {
                Delivery::sms("+10000000000")
            } else {
                Delivery::email(&format!("{}@example.com", req.username.chars().next().unwrap_or('u')))
            };
            return Ok(json!({"CodeDeliveryDetails": fake.details()}));
        }
        return Err(err!(UserNotFoundException, "Username/client id combination not found."));
    };
    if user.status != UserStatus::Unconfirmed {
        return Err(err!(InvalidParameterException, "User is already confirmed."));
    }
    let Some(delivery) = verification_delivery(&pool, &user.attributes) else {
        return Err(err!(InvalidParameterException, "Auto verification not turned on."));
    };
    ctx.app.store.write_committed(|c| {
        rate_limit(ctx, c, user.pk, "resend_confirmation_code", ctx.app.config.code_sends_per_hour)?;
        send_sign_up_code(ctx, c, &pool, user.pk, &user.username, &delivery, "resend")
    })?;
    ctx.app.mail.wake();
    Ok(json!({"CodeDeliveryDetails": delivery.details()}))
}
