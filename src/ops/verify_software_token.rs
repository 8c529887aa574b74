//! VerifySoftwareToken: checks a code of the TOTP secret from AssociateSoftwareToken (RFC 6238, 30 s steps,
//! one step of tolerance). By access token the secret becomes the user's verified token; in the
//! MFA_SETUP path it also becomes the enabled, preferred factor and the next Session completes the setup.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::session::{self, Step};
use crate::crypto::totp;
use crate::domain::challenge::ChallengeName;
use crate::error::Result;
use crate::ops::load;
use crate::store::users;
use crate::app::Ctx;
use crate::err;

/// VerifySoftwareTokenRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: Option<String>,
    session: Option<String>,
    user_code: String,
    friendly_device_name: Option<String>,
}

fn mismatch() -> crate::error::CognitoError {
    err!(EnableSoftwareTokenMFAException, "Code mismatch")
}

/// Verifies the code.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let now_secs = ctx.app.clock.now_secs();
    if let Some(token) = req.access_token.as_deref() {
        let (_, _, mut user) = load::token_user(ctx, token)?;
        let secret = user.mfa.totp_pending.clone().ok_or_else(|| {
            err!(
                SoftwareTokenMFANotFoundException,
                "Software Token MFA has not been associated."
            )
        })?;
        let step = totp::verify(&secret, &req.user_code, now_secs).ok_or_else(mismatch)?;
        user.mfa.totp_secret = Some(secret);
        user.mfa.totp_pending = None;
        user.mfa.totp_name = req.friendly_device_name;
        user.mfa.totp_last_step = Some(step);
        let now = ctx.now();
        ctx.app
            .store
            .write(|c| users::set_mfa(c, user.pk, &user.mfa, now))?;
        return Ok(json!({"Status": "SUCCESS"}));
    }
    let Some(s) = req.session.as_deref() else {
        return Err(err!(
            InvalidParameterException,
            "Either AccessToken or Session is required."
        ));
    };
    let (client, handle, user_pk, mut state) = session::take_mfa_setup(ctx, s)?;
    let Step::MfaSetup {
        secret: Some(secret),
        verified,
        name,
        ..
    } = &mut state.step
    else {
        return Err(err!(
            SoftwareTokenMFANotFoundException,
            "Software Token MFA has not been associated."
        ));
    };
    let Some(step) = totp::verify(secret, &req.user_code, now_secs) else {
        session::reopen(ctx, &handle, &state)?;
        return Err(mismatch());
    };
    let user_pk =
        user_pk.ok_or_else(|| err!(NotAuthorizedException, "Invalid session for the user."))?;
    let mut user = ctx
        .app
        .store
        .read(|c| users::by_pk(c, user_pk))?
        .ok_or_else(|| err!(NotAuthorizedException, "Invalid session for the user."))?;
    user.mfa.totp_secret = Some(secret.clone());
    user.mfa.totp_pending = None;
    user.mfa.totp_name = req.friendly_device_name.clone();
    user.mfa.totp_last_step = Some(step);
    user.mfa.totp_enabled = true;
    user.mfa.totp_preferred = true;
    user.mfa.sms_preferred = false;
    user.mfa.email_preferred = false;
    let now = ctx.now();
    ctx.app
        .store
        .write(|c| users::set_mfa(c, user.pk, &user.mfa, now))?;
    *verified = true;
    *name = req.friendly_device_name;
    let next = session::create(ctx, &client, Some(user_pk), ChallengeName::MfaSetup, &state)?;
    Ok(json!({"Status": "SUCCESS", "Session": next.session()}))
}
