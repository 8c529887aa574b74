//! GetUser: the signed-in user's attributes (those the token's client may read), by access token.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::tokens::verify_access;
use crate::domain::attributes;
use crate::error::Result;
use crate::store::{self, users};
use crate::{Ctx, err};

/// GetUserRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: String,
}

/// Returns the user.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let claims = verify_access(ctx, &req.access_token)?;
    let (user, client) = ctx.app.store.read(|c| {
        Ok((users::by_sub(c, &claims.pool_id, &claims.sub)?, store::clients::get(c, &claims.client_id)?))
    })?;
    let user = user.ok_or_else(|| err!(UserNotFoundException, "User does not exist."))?;
    let visible = attributes::readable(&user.attributes, client.as_ref().map(|c| &c.config));
    Ok(json!({"Username": user.username, "UserAttributes": visible}))
}
