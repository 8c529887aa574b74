//! ForgotPassword: a reset code to the user's verified channel, chosen by the pool's
//! AccountRecoverySetting.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::auth::history::{self, EventType};
use crate::auth::checks::{Wording, identify};
use crate::auth::migration;
use crate::triggers::Caller;
use crate::codes::{self, Action, Purpose};
use crate::err;
use crate::error::Result;
use crate::mail::{Delivery, Kind};
use crate::ops::load;

/// ForgotPasswordRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    client_id: String,
    secret_hash: Option<String>,
    username: String,
    client_metadata: Option<HashMap<String, String>>,
}

/// Sends the code.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, pool) = load::client(ctx, &req.client_id)?;
    let user = identify(ctx, &pool, &client, &req.username, req.secret_hash.as_deref(), Wording::Member)?;
    let user = match user {
        Some(u) => Some(u),
        None => migration::on_forgot_password(
            ctx,
            &pool,
            &client,
            &req.username,
            req.client_metadata.as_ref(),
        )?,
    };
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
    codes::check_resettable(&user)?;
    let delivery = codes::recovery_delivery(&pool, &user)?;
    let context = codes::Context::new(Caller::client(&client.id), req.client_metadata.as_ref())
        .with_user(&pool, &user);
    let kind = Kind::ForgotPassword;
    let message = codes::prepare_code(ctx, &pool, &user.username, kind, delivery, context)?;
    let now = ctx.now();
    ctx.app.store.write_committed(|c| {
        codes::limit(ctx, c, user.pk, Action::ForgotPassword)?;
        codes::store_and_queue(c, &message, user.pk, Purpose::ForgotPassword, None, now)
    })?;
    codes::sent(ctx, std::slice::from_ref(&message));
    history::record(ctx, &pool, user.pk, EventType::ForgotPassword, true, &[]);
    Ok(json!({"CodeDeliveryDetails": message.delivery().details()}))
}
