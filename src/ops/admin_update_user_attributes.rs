//! AdminUpdateUserAttributes: an administrator changes any mutable attribute; `email_verified=true` /
//! `phone_number_verified=true` in the same request verify the new value without a code.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::attributes::{self, AttributeType, Writer};
use crate::error::Result;
use crate::codes;
use crate::ops::{load, user_attributes};
use crate::triggers::Caller;
use crate::app::Ctx;

/// AdminUpdateUserAttributesRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
    user_attributes: Vec<AttributeType>,
    client_metadata: Option<HashMap<String, String>>,
}

/// Updates the attributes.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (pool, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    let requested = attributes::pairs(Some(&req.user_attributes));
    let context = codes::Context::new(Caller::None, req.client_metadata.as_ref());
    user_attributes::apply(ctx, &pool, user, requested, Writer::Admin, context)?;
    Ok(json!({}))
}
