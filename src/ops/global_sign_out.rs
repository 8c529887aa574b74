//! GlobalSignOut: revokes every refresh token of the signed-in user and the access tokens issued from
//! them ("Access Token has been revoked" afterwards). ID tokens stay valid until they expire, as on AWS.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::load;
use crate::store::users;
use crate::app::Ctx;

/// GlobalSignOutRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: String,
}

/// Signs the user out everywhere.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, _, user) = load::token_user(ctx, &req.access_token)?;
    let now = ctx.now();
    ctx.app.store.write(|c| users::sign_out_everywhere(c, user.pk, now))?;
    Ok(json!({}))
}
