//! AdminGetUser: a user's attributes, status, dates and MFA settings, by username or alias.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::app::Ctx;

use crate::error::Result;
use crate::ops::{load, shapes};

/// AdminGetUserRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
}

/// Returns the user.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    let mut out = Map::new();
    out.insert("Username".into(), json!(user.username));
    out.insert(
        "UserAttributes".into(),
        json!(shapes::attribute_list(&user.attributes, None)),
    );
    out.insert("UserCreateDate".into(), json!(user.created_at));
    out.insert("UserLastModifiedDate".into(), json!(user.updated_at));
    out.insert("Enabled".into(), json!(user.enabled));
    out.insert("UserStatus".into(), json!(user.status.as_str()));
    user.mfa.describe(&mut out);
    Ok(Value::Object(out))
}
