//! GetUser: the signed-in user's attributes (those the token's client may read) and MFA settings, by
//! access token.

use serde::Deserialize;
use serde_json::{Map, Value, json};


use crate::error::Result;
use crate::ops::{load, shapes};
use crate::app::Ctx;

/// GetUserRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: String,
}

/// Returns the user.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, _, user, client) = load::token_user_client(ctx, &req.access_token)?;
    let visible = shapes::attribute_list(&user.attributes, Some(&*client.config));
    let mut out = Map::new();
    out.insert("Username".into(), json!(user.username));
    out.insert("UserAttributes".into(), json!(visible));
    user.mfa.describe(&mut out);
    Ok(Value::Object(out))
}
