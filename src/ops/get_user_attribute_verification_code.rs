//! GetUserAttributeVerificationCode: a code to verify the user's email or phone number (or the new value
//! waiting for verification).

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::codes::{self, Action, Purpose};
use crate::domain::attributes;
use crate::err;
use crate::error::Result;
use crate::mail::{Delivery, Kind, Medium};
use crate::ops::load;
use crate::triggers::Caller;

/// GetUserAttributeVerificationCodeRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: String,
    attribute_name: String,
    client_metadata: Option<HashMap<String, String>>,
}

/// Sends the code.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (claims, pool, user) = load::token_user(ctx, &req.access_token)?;
    let medium = Medium::verifiable(&req.attribute_name)?;
    let attr = medium.attribute();
    let purpose = Purpose::Verify(medium);
    // A value waiting for verification (AttributesRequireVerificationBeforeUpdate) gets the code.
    let pending = ctx.app.store.read(|c| codes::pending(c, user.pk, purpose))?.and_then(|c| c.value);
    let value = pending
        .clone()
        .or_else(|| attributes::get(&user.attributes, attr).map(str::to_string))
        .ok_or_else(|| err!(InvalidParameterException, "User has no attribute {attr}."))?;
    let delivery = Delivery::to(medium, &value);
    let context = codes::Context::new(Caller::client(&claims.client_id), req.client_metadata.as_ref())
        .with_user(&pool, &user);
    let kind = Kind::VerifyAttribute;
    let message = codes::prepare_code(ctx, &pool, &user.username, kind, delivery, context)?;
    let now = ctx.now();
    ctx.app.store.write_committed(|c| {
        codes::limit(ctx, c, user.pk, Action::SendVerificationCode)?;
        codes::store_and_queue(c, &message, user.pk, purpose, pending.as_deref(), now)
    })?;
    codes::sent(ctx, std::slice::from_ref(&message));
    Ok(json!({"CodeDeliveryDetails": message.delivery().details()}))
}
