//! AdminGetUserAuthFactors: a user's MFA preferences and the factors configured for them: PASSWORD
//! when they have a password, EMAIL_OTP / SMS_OTP with a verified email / phone number, SOFTWARE_TOKEN
//! with a verified authenticator app (passkeys, WEB_AUTHN, are not counted by this branch).

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::app::Ctx;
use crate::domain::attributes;
use crate::error::Result;
use crate::ops::load;

/// AdminGetUserAuthFactorsRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
}

/// Returns the factors.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    let mut out = Map::new();
    out.insert("Username".into(), json!(user.username));
    user.mfa.describe(&mut out);
    out.remove("MFAOptions");
    let mut factors = Vec::new();
    if user.password_hash.is_some() {
        factors.push("PASSWORD");
    }
    if attributes::is_verified(&user.attributes, "email") {
        factors.push("EMAIL_OTP");
    }
    if attributes::is_verified(&user.attributes, "phone_number") {
        factors.push("SMS_OTP");
    }
    if user.mfa.totp_secret.is_some() {
        factors.push("SOFTWARE_TOKEN");
    }
    out.insert("ConfiguredUserAuthFactors".into(), json!(factors));
    Ok(Value::Object(out))
}
