//! GetUserAttributeVerificationCode: a code to verify the user's email or phone number (or the new value
//! waiting for verification).

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::attributes;
use crate::error::Result;
use crate::mail::Delivery;
use crate::ops::{CodeMessage, SIGN_UP_CODE_TTL, rate_limit, send_code, token_user};
use crate::{Ctx, err, store};

/// GetUserAttributeVerificationCodeRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: String,
    attribute_name: String,
    #[allow(dead_code)]
    client_metadata: Option<HashMap<String, String>>,
}

/// Sends the code.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, pool, user) = token_user(ctx, &req.access_token)?;
    let attr = match req.attribute_name.as_str() {
        "email" => "email",
        "phone_number" => "phone_number",
        other => return Err(err!(InvalidParameterException, "Invalid attribute name: {other} cannot be verified.")),
    };
    let purpose = format!("verify_{attr}");
    // A value waiting for verification (AttributesRequireVerificationBeforeUpdate) gets the code.
    let pending = ctx.app.store.read(|c| store::codes::get(c, user.pk, &purpose))?.and_then(|c| c.value);
    let value = pending
        .clone()
        .or_else(|| attributes::get(&user.attributes, attr).map(str::to_string))
        .ok_or_else(|| err!(InvalidParameterException, "User has no attribute {attr}."))?;
    let delivery = if attr == "email" { Delivery::email(&value) } else { Delivery::sms(&value) };
    ctx.app.store.write_committed(|c| {
        rate_limit(ctx, c, user.pk, "verification_code", ctx.app.config.code_sends_per_hour)?;
        let m = CodeMessage {
            user_pk: user.pk,
            username: &user.username,
            delivery: &delivery,
            purpose: &purpose,
            kind: "verify_attribute",
            value: pending.as_deref(),
            ttl: SIGN_UP_CODE_TTL,
        };
        send_code(ctx, c, &pool, &m)
    })?;
    ctx.app.mail.wake();
    Ok(json!({"CodeDeliveryDetails": delivery.details()}))
}
