//! AssociateSoftwareToken: a new TOTP secret for the user, by access token or by the Session of an
//! MFA_SETUP challenge (which then continues with a new Session).

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

/// AssociateSoftwareTokenRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: Option<String>,
    session: Option<String>,
}

/// Returns SecretCode (base32) and, in the session path, the next Session.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let secret = totp::new_secret();
    if let Some(token) = req.access_token.as_deref() {
        let (_, _, mut user) = load::token_user(ctx, token)?;
        user.mfa.totp_pending = Some(secret.clone());
        let now = ctx.now();
        ctx.app
            .store
            .write(|c| users::set_mfa(c, user.pk, &user.mfa, now))?;
        return Ok(json!({"SecretCode": secret}));
    }
    let Some(s) = req.session.as_deref() else {
        return Err(err!(
            InvalidParameterException,
            "Either AccessToken or Session is required."
        ));
    };
    let (client, _, user_pk, mut state) = session::take_mfa_setup(ctx, s)?;
    let Step::MfaSetup {
        secret: pending,
        verified,
        ..
    } = &mut state.step
    else {
        return Err(err!(
            NotAuthorizedException,
            "Invalid session for the user."
        ));
    };
    *pending = Some(secret.clone());
    *verified = false;
    let next = session::create(ctx, &client, user_pk, ChallengeName::MfaSetup, &state)?;
    Ok(json!({"SecretCode": secret, "Session": next.session()}))
}
