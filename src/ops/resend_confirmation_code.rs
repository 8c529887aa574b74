//! ResendConfirmationCode: a new sign-up code to the auto-verified channel.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::auth::history::{self, EventType};
use crate::auth::checks::{Wording, identify};
use crate::codes::{self, Action, Purpose};
use crate::domain::UserStatus;
use crate::err;
use crate::error::Result;
use crate::mail::{Delivery, Kind};
use crate::ops::load;
use crate::triggers::Caller;

/// ResendConfirmationCodeRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    client_id: String,
    secret_hash: Option<String>,
    username: String,
    client_metadata: Option<HashMap<String, String>>,
}


/// Sends a new code.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, pool) = load::client(ctx, &req.client_id)?;
    let user = identify(ctx, &pool, &client, &req.username, req.secret_hash.as_deref(), Wording::Member)?;
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
    let Some(delivery) = codes::sign_up_delivery(&pool, &user.attributes) else {
        return Err(err!(InvalidParameterException, "Auto verification not turned on."));
    };
    let context = codes::Context::new(Caller::client(&client.id), req.client_metadata.as_ref())
        .with_user(&pool, &user);
    let kind = Kind::ResendCode;
    let message = codes::prepare_code(ctx, &pool, &user.username, kind, delivery, context)?;
    let now = ctx.now();
    ctx.app.store.write_committed(|c| {
        codes::limit(ctx, c, user.pk, Action::ResendCode)?;
        codes::store_and_queue(c, &message, user.pk, Purpose::SignUp, None, now)
    })?;
    codes::sent(ctx, std::slice::from_ref(&message));
    history::record(ctx, &pool, user.pk, EventType::ResendCode, true, &[]);
    Ok(json!({"CodeDeliveryDetails": message.delivery().details()}))
}
