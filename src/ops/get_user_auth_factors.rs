//! GetUserAuthFactors: the signed-in user's MFA settings and the factors configured for them —
//! the first factors they can use with USER_AUTH (PASSWORD for PASSWORD and PASSWORD_SRP, EMAIL_OTP,
//! SMS_OTP, WEB_AUTHN with a registered passkey) and the MFA factors they turned on.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::app::Ctx;
use crate::auth::{passkeys, user_auth};
use crate::domain::challenge::FirstFactor;
use crate::domain::mfa::Factor;
use crate::error::Result;
use crate::ops::load;

/// GetUserAuthFactorsRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: String,
}

/// Returns the factors.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, pool, user) = load::token_user(ctx, &req.access_token)?;
    let has_passkey = passkeys::usable(ctx, &pool, &user)?;
    let mut factors: Vec<&str> = Vec::new();
    let mut add = |f: &'static str| {
        if !factors.contains(&f) {
            factors.push(f);
        }
    };
    for f in user_auth::available(&pool, &user, has_passkey) {
        match f {
            FirstFactor::Password | FirstFactor::PasswordSrp => add("PASSWORD"),
            FirstFactor::EmailOtp => add("EMAIL_OTP"),
            FirstFactor::SmsOtp => add("SMS_OTP"),
            FirstFactor::WebAuthn => add("WEB_AUTHN"),
        }
    }
    for (factor, name) in [
        (Factor::Email, "EMAIL_OTP"),
        (Factor::Sms, "SMS_OTP"),
        (Factor::Totp, "SOFTWARE_TOKEN"),
    ] {
        if user.mfa.flags(factor).0 {
            add(name);
        }
    }
    let mut out = Map::new();
    out.insert("Username".into(), json!(user.username));
    user.mfa.describe(&mut out);
    out.remove("MFAOptions");
    out.insert("ConfiguredUserAuthFactors".into(), json!(factors));
    Ok(Value::Object(out))
}
