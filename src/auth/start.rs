//! The first step of InitiateAuth and AdminInitiateAuth: which flows each accepts, whether the client
//! allows it, then the flow itself.

use crate::app::Ctx;
use crate::auth::{Caller, Outcome, Params, password, refresh, srp_auth, user_auth};
use crate::domain::challenge::AuthFlow;
use crate::err;
use crate::error::Result;
use crate::store::clients::ClientRow;
use crate::store::pools::PoolRow;

/// Starts the flow named `flow` (an `AuthFlowType` value).
pub fn start(
    ctx: &Ctx,
    pool: &PoolRow,
    client: &ClientRow,
    flow: &str,
    params: &Params,
    session: Option<&str>,
    caller: Caller,
) -> Result<Outcome> {
    let Some(parsed) = AuthFlow::parse(flow) else {
        return Err(err!(
            InvalidParameterException,
            "Initiate Auth method not supported: {flow}"
        ));
    };
    if matches!(parsed, AuthFlow::AdminUserPassword | AuthFlow::AdminNoSrp) && !caller.is_admin() {
        return Err(err!(
            InvalidParameterException,
            "Initiate Auth method not supported."
        ));
    }
    if !client.config.allows(parsed.client_flow()) {
        return Err(match caller {
            Caller::Admin => err!(
                InvalidParameterException,
                "Auth flow not enabled for this client"
            ),
            Caller::Client => err!(
                InvalidParameterException,
                "{flow} flow not enabled for this client"
            ),
        });
    }
    match parsed {
        AuthFlow::UserPassword => password::sign_in(ctx, pool, client, params, caller),
        AuthFlow::AdminUserPassword | AuthFlow::AdminNoSrp => {
            password::sign_in(ctx, pool, client, params, Caller::Admin)
        }
        AuthFlow::RefreshTokenAuth | AuthFlow::RefreshToken => {
            refresh::refresh(ctx, client, params)
        }
        AuthFlow::UserSrp => srp_auth::start(ctx, pool, client, params, caller),
        AuthFlow::UserAuth => user_auth::start(ctx, pool, client, params, session, caller),
        AuthFlow::Custom => Err(err!(
            InvalidParameterException,
            "Custom auth lambda trigger is not configured for the user pool."
        )),
    }
}
