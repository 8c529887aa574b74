//! VerifyUserAttribute: the code verifies the email or phone number (applying a value that waited for
//! verification), which then also works as a sign-in alias where the pool has one.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::attributes;
use crate::error::Result;
use crate::ops::confirm_sign_up::verify_attribute;
use crate::ops::{check_code, rate_limit, token_user};
use crate::{Ctx, err, store};

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
    let (_, pool, mut user) = token_user(ctx, &req.access_token)?;
    let attr = match req.attribute_name.as_str() {
        "email" => "email",
        "phone_number" => "phone_number",
        other => return Err(err!(InvalidParameterException, "Invalid attribute name: {other} cannot be verified.")),
    };
    let purpose = format!("verify_{attr}");
    let now = ctx.now();
    ctx.app.store.write_committed(|c| {
        rate_limit(ctx, c, user.pk, "verify_attribute", ctx.app.config.code_checks_per_hour)?;
        let code = check_code(c, user.pk, &purpose, &req.code, now)?;
        if let Some(new_value) = &code.value {
            attributes::set(&mut user.attributes, attr, new_value.clone());
        }
        verify_attribute(c, &pool, &mut user, attr, false, now)?;
        store::codes::delete(c, user.pk, &purpose)
    })?;
    Ok(json!({}))
}
