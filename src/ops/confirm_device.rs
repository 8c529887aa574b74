//! ConfirmDevice: stores the SRP verifier of a device the sign-in announced in NewDeviceMetadata.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::load;
use crate::app::Ctx;
use crate::{err, store};

/// `DeviceSecretVerifierConfigType`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifierConfig {
    password_verifier: Option<String>,
    salt: Option<String>,
}

/// ConfirmDeviceRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: String,
    device_key: String,
    device_secret_verifier_config: Option<VerifierConfig>,
    device_name: Option<String>,
}

/// Confirms the device; `UserConfirmationNecessary` is true when the pool remembers devices only on the
/// user's request (then UpdateDeviceStatus remembers it).
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, pool, user) = load::token_user(ctx, &req.access_token)?;
    let Some(config) = pool.config.device_configuration.as_ref() else {
        return Err(err!(
            InvalidUserPoolConfigurationException,
            "Device tracking is not enabled for the user pool."
        ));
    };
    let device = load::user_device(ctx, user.pk, &req.device_key)?;
    let decode = |v: Option<&String>, what: &str| {
        v.and_then(|s| STANDARD.decode(s).ok())
            .filter(|b| !b.is_empty())
            .ok_or_else(|| {
                err!(
                    InvalidParameterException,
                    "DeviceSecretVerifierConfig.{what} must be base64"
                )
            })
    };
    let cfg = req.device_secret_verifier_config.as_ref();
    let verifier = decode(
        cfg.and_then(|c| c.password_verifier.as_ref()),
        "PasswordVerifier",
    )?;
    let salt = decode(cfg.and_then(|c| c.salt.as_ref()), "Salt")?;
    let prompt = config.device_only_remembered_on_user_prompt;
    let now = ctx.now();
    ctx.app.store.write(|c| {
        store::devices::confirm(
            c,
            &device.device_key,
            &salt,
            &verifier,
            req.device_name.as_deref(),
            !prompt,
            now,
        )
    })?;
    Ok(json!({"UserConfirmationNecessary": prompt}))
}
