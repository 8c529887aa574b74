//! DeleteUser: the signed-in user deletes their account (tokens, devices and memberships go with it).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::load;
use crate::store::users;
use crate::app::Ctx;

/// DeleteUserRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: String,
}

/// Deletes the user.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, _, user) = load::token_user(ctx, &req.access_token)?;
    ctx.app.store.write(|c| users::delete(c, user.pk))?;
    ctx.app.passwords.forget(user.pk);
    Ok(json!({}))
}
