//! AdminGetUser: a user's attributes, status and dates, by username or alias.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::attributes;
use crate::error::Result;
use crate::ops::load_pool;
use crate::store::users;
use crate::{Ctx, err};

/// AdminGetUserRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
}

/// Returns the user.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load_pool(ctx, &req.user_pool_id)?;
    let user = ctx
        .app
        .store
        .read(|c| users::resolve(c, &pool.id, &pool.config, &req.username))?
        .ok_or_else(|| err!(UserNotFoundException, "User does not exist."))?;
    Ok(json!({
        "Username": user.username,
        "UserAttributes": attributes::readable(&user.attributes, None),
        "UserCreateDate": user.created_at,
        "UserLastModifiedDate": user.updated_at,
        "Enabled": user.enabled,
        "UserStatus": user.status.as_str(),
    }))
}
