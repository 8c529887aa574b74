//! SetUserPoolMfaConfig: the pool's MFA mode (OFF, ON, OPTIONAL) and its SMS, TOTP and email factors.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::mfa::{Factor, PoolMfa};
use crate::error::Result;
use crate::ops::load_pool;
use crate::{Ctx, err, store};

/// SetUserPoolMfaConfigRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    sms_mfa_configuration: Option<Value>,
    software_token_mfa_configuration: Option<Value>,
    email_mfa_configuration: Option<Value>,
    mfa_configuration: Option<String>,
    web_authn_configuration: Option<Value>,
}

/// Sets the configuration; omitted factor configurations stay as they were.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load_pool(ctx, &req.user_pool_id)?;
    let mut mfa = pool.mfa.clone();
    if req.sms_mfa_configuration.is_some() {
        mfa.sms_mfa_configuration = req.sms_mfa_configuration;
    }
    if req.software_token_mfa_configuration.is_some() {
        mfa.software_token_mfa_configuration = req.software_token_mfa_configuration;
    }
    if req.email_mfa_configuration.is_some() {
        mfa.email_mfa_configuration = req.email_mfa_configuration;
    }
    if req.web_authn_configuration.is_some() {
        mfa.web_authn_configuration = req.web_authn_configuration;
    }
    let mut config = pool.config.clone();
    if let Some(mode) = req.mfa_configuration {
        config.mfa_configuration = mode;
    }
    if config.mfa_configuration != "OFF"
        && ![Factor::Sms, Factor::Totp, Factor::Email]
            .iter()
            .any(|f| mfa.offers(&config, *f))
    {
        return Err(err!(
            InvalidParameterException,
            "Invalid MFA configuration given, can't turn off all MFAs and set MFA to be ON or OPTIONAL"
        ));
    }
    let now = ctx.now();
    ctx.app.store.write(|c| {
        store::pools::set_mfa(c, &pool.id, &mfa, now)?;
        store::pools::update(c, &pool.id, &pool.name, &config, now)
    })?;
    Ok(describe(&mfa, &config.mfa_configuration))
}

/// The SetUserPoolMfaConfig / GetUserPoolMfaConfig response.
pub fn describe(mfa: &PoolMfa, mode: &str) -> Value {
    json!({
        "SmsMfaConfiguration": mfa.sms_mfa_configuration,
        "SoftwareTokenMfaConfiguration": mfa.software_token_mfa_configuration,
        "EmailMfaConfiguration": mfa.email_mfa_configuration,
        "MfaConfiguration": mode,
        "WebAuthnConfiguration": mfa.web_authn_configuration,
    })
}
