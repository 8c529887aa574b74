//! VerifyUserAttribute: the code verifies the email or phone number (applying a value that waited for
//! verification), which then also works as a sign-in alias where the pool has one.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::codes::{self, Action, Purpose};
use crate::domain::attributes;
use crate::error::Result;
use crate::mail::Medium;
use crate::ops::{load, user_attributes};

/// VerifyUserAttributeRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: String,
    attribute_name: String,
    code: String,
}

/// Verifies the attribute.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, pool, mut user) = load::token_user(ctx, &req.access_token)?;
    let medium = Medium::verifiable(&req.attribute_name)?;
    let attr = medium.attribute();
    let purpose = Purpose::Verify(medium);
    let now = ctx.now();
    ctx.app.store.write_committed(|c| {
        codes::limit(ctx, c, user.pk, Action::VerifyAttribute)?;
        let code = codes::check(c, user.pk, purpose, &req.code, now)?;
        if let Some(new_value) = &code.value {
            attributes::set(&mut user.attributes, attr, new_value.clone());
        }
        user_attributes::verify(c, &pool, &mut user, attr, false, now)?;
        codes::discard(c, user.pk, purpose)
    })?;
    Ok(json!({}))
}
