//! SetUserPoolMfaConfig: the pool's MFA mode (OFF, ON, OPTIONAL) and its SMS, TOTP and email factors.

use serde::Deserialize;
use serde_json::Value;

use crate::domain::mfa::Factor;
use crate::domain::webauthn::WebAuthnConfig;
use crate::error::Result;
use crate::ops::{load, shapes};
use crate::app::Ctx;
use crate::{err, store};

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
    let pool = load::pool(ctx, &req.user_pool_id)?;
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
    if let Some(c) = &req.web_authn_configuration {
        WebAuthnConfig::check(c)?;
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
    Ok(serde_json::to_value(shapes::MfaConfig::of(
        &mfa,
        &config.mfa_configuration,
    ))?)
}
