//! AdminConfirmSignUp: confirms a user without a code (channels stay unverified).

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::UserStatus;
use crate::error::Result;
use crate::ops::load;
use crate::app::Ctx;
use crate::triggers::{Caller, events};
use crate::codes::{self, Purpose};
use crate::err;
use crate::store::users;

/// AdminConfirmSignUpRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
    client_metadata: Option<HashMap<String, String>>,
}

/// Confirms the user.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (pool, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    if user.status != UserStatus::Unconfirmed {
        return Err(err!(
            NotAuthorizedException,
            "User cannot be confirmed. Current status is {}",
            user.status.as_str()
        ));
    }
    let now = ctx.now();
    ctx.app.store.write(|c| {
        users::set_status(c, user.pk, UserStatus::Confirmed, now)?;
        codes::discard(c, user.pk, Purpose::SignUp)
    })?;
    events::post_confirmation_of(
        ctx,
        &pool,
        "PostConfirmation_ConfirmSignUp",
        user.pk,
        Caller::None,
        req.client_metadata.as_ref(),
    )?;
    Ok(json!({}))
}
