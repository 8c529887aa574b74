//! UpdateUserAttributes: the signed-in user changes attributes the client may write. A new email or phone
//! number is unverified until its code is confirmed (a code is sent when the pool auto-verifies it);
//! with AttributesRequireVerificationBeforeUpdate the old value stays until then.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::domain::attributes::{self, AttributeType, Writer};
use crate::error::Result;
use crate::mail::Delivery;
use crate::codes;
use crate::ops::{load, user_attributes};
use crate::triggers::Caller;
use crate::{err, store};

/// UpdateUserAttributesRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_attributes: Vec<AttributeType>,
    access_token: String,
    client_metadata: Option<HashMap<String, String>>,
}

/// Updates the attributes.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (claims, pool, user) = load::token_user(ctx, &req.access_token)?;
    let client = ctx.app.store.read(|c| store::clients::get(c, &claims.client_id))?;
    let client = client.ok_or_else(|| err!(NotAuthorizedException, "Invalid Access Token"))?;
    let requested = attributes::pairs(Some(&req.user_attributes));
    let context = codes::Context::new(Caller::client(&client.id), req.client_metadata.as_ref());
    let writer = Writer::Client(&client.config);
    let sent = user_attributes::apply(ctx, &pool, user, requested, writer, context)?;
    let list: Vec<_> = sent.iter().map(Delivery::details).collect();
    Ok(json!({"CodeDeliveryDetailsList": if list.is_empty() { None } else { Some(list) }}))
}
