//! DeleteUserAttributes: the signed-in user removes attributes the client may write (never required
//! ones or `sub`).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::attributes::Writer;
use crate::error::Result;
use crate::ops::{load, user_attributes};
use crate::app::Ctx;
use crate::{err, store};

/// DeleteUserAttributesRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_attribute_names: Vec<String>,
    access_token: String,
}

/// Deletes the attributes.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (claims, pool, user) = load::token_user(ctx, &req.access_token)?;
    let client = ctx
        .app
        .store
        .read(|c| store::clients::get(c, &claims.client_id))?
        .ok_or_else(|| err!(NotAuthorizedException, "Invalid Access Token"))?;
    user_attributes::remove(ctx, &pool, user, &req.user_attribute_names, Writer::Client(&client.config))?;
    Ok(json!({}))
}
