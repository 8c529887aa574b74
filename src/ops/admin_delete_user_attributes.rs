//! AdminDeleteUserAttributes: an administrator removes attributes of a user.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::attributes::Writer;
use crate::error::Result;
use crate::ops::{load, user_attributes};
use crate::app::Ctx;

/// AdminDeleteUserAttributesRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
    user_attribute_names: Vec<String>,
}

/// Deletes the attributes.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (pool, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    user_attributes::remove(ctx, &pool, user, &req.user_attribute_names, Writer::Admin)?;
    Ok(json!({}))
}
