//! The first step of InitiateAuth and AdminInitiateAuth: which flows each accepts, whether the client
//! allows it (reference §3.1), then the flow itself.

use crate::auth::{Outcome, Params, password, refresh, srp_auth, user_auth};
use crate::domain::client::Flow;
use crate::error::Result;
use crate::store::clients::ClientRow;
use crate::store::pools::PoolRow;
use crate::{Ctx, err};

/// Who started the sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// InitiateAuth (a public client).
    Client,
    /// AdminInitiateAuth (IAM-authorised back end).
    Admin,
}

/// Starts `flow`.
pub fn start(
    ctx: &Ctx,
    pool: &PoolRow,
    client: &ClientRow,
    flow: &str,
    params: &Params,
    session: Option<&str>,
    caller: Caller,
) -> Result<Outcome> {
    let admin = caller == Caller::Admin;
    let require = |f: Flow| {
        if client.config.allows(f) {
            Ok(())
        } else if admin {
            Err(err!(
                InvalidParameterException,
                "Auth flow not enabled for this client"
            ))
        } else {
            Err(err!(
                InvalidParameterException,
                "{flow} flow not enabled for this client"
            ))
        }
    };
    match flow {
        "USER_PASSWORD_AUTH" => {
            require(Flow::UserPassword)?;
            password::sign_in(ctx, pool, client, params, admin)
        }
        "ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH" => {
            if !admin {
                return Err(err!(
                    InvalidParameterException,
                    "Initiate Auth method not supported."
                ));
            }
            require(Flow::AdminUserPassword)?;
            password::sign_in(ctx, pool, client, params, true)
        }
        "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => {
            require(Flow::RefreshToken)?;
            refresh::refresh(ctx, client, params)
        }
        "USER_SRP_AUTH" => {
            require(Flow::UserSrp)?;
            srp_auth::start(ctx, pool, client, params, admin)
        }
        "USER_AUTH" => {
            require(Flow::UserAuth)?;
            user_auth::start(ctx, pool, client, params, session, admin)
        }
        "CUSTOM_AUTH" => {
            require(Flow::Custom)?;
            Err(err!(
                InvalidParameterException,
                "Custom auth lambda trigger is not configured for the user pool."
            ))
        }
        other => Err(err!(
            InvalidParameterException,
            "Initiate Auth method not supported: {other}"
        )),
    }
}
