//! DeleteUserAttributes: the signed-in user removes attributes the client may write (never required
//! ones or `sub`).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::attributes::Writer;
use crate::error::Result;
use crate::ops::token_user;
use crate::store::pools::PoolRow;
use crate::store::users::{self, UserRow};
use crate::{Ctx, err, store};

/// DeleteUserAttributesRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_attribute_names: Vec<String>,
    access_token: String,
}

/// Removes attributes for a user or an administrator.
pub fn remove(ctx: &Ctx, pool: &PoolRow, mut user: UserRow, names: &[String], writer: Writer<'_>) -> Result<()> {
    for name in names {
        let Some(schema) = pool.config.schema_attribute(name) else {
            return Err(err!(InvalidParameterException, "user.{name}: Attribute does not exist in the schema.\n"));
        };
        if name == "sub" || schema.required || !schema.mutable {
            return Err(err!(InvalidParameterException, "user.{name}: Attribute cannot be deleted.\n"));
        }
        if let Writer::Client(client) = writer {
            if !client.can_write(name) {
                return Err(err!(NotAuthorizedException, "A client attempted to write unauthorized attribute"));
            }
        }
    }
    let now = ctx.now();
    ctx.app.store.write(|c| {
        for name in names {
            user.attributes.shift_remove(name.as_str());
            if matches!(name.as_str(), "email" | "phone_number" | "preferred_username") {
                user.attributes.shift_remove(&format!("{name}_verified"));
                users::remove_alias(c, user.pk, name)?;
            }
        }
        users::set_attributes(c, user.pk, &user.attributes, now)
    })
}

/// Deletes the attributes.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (claims, pool, user) = token_user(ctx, &req.access_token)?;
    let client = ctx
        .app
        .store
        .read(|c| store::clients::get(c, &claims.client_id))?
        .ok_or_else(|| err!(NotAuthorizedException, "Invalid Access Token"))?;
    remove(ctx, &pool, user, &req.user_attribute_names, Writer::Client(&client.config))?;
    Ok(json!({}))
}
