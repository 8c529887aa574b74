//! The first step of InitiateAuth and AdminInitiateAuth: which flows each accepts, whether the client
//! allows it, then the flow itself.

use crate::auth::request::InitiateRequest;
use crate::auth::{Caller, Outcome, custom, password, refresh, srp_auth, user_auth};
use crate::domain::challenge::AuthFlow;
use crate::err;
use crate::error::Result;

/// Starts the flow named `flow` (an `AuthFlowType` value).
pub fn start(req: &InitiateRequest<'_>, flow: &str) -> Result<Outcome> {
    let Some(parsed) = AuthFlow::parse(flow) else {
        return Err(err!(
            InvalidParameterException,
            "Initiate Auth method not supported: {flow}"
        ));
    };
    // The admin flows belong to AdminInitiateAuth, USER_PASSWORD_AUTH to InitiateAuth.
    let admin_only = matches!(parsed, AuthFlow::AdminUserPassword | AuthFlow::AdminNoSrp);
    let client_only = matches!(parsed, AuthFlow::UserPassword);
    if (admin_only && !req.caller.is_admin()) || (client_only && req.caller.is_admin()) {
        return Err(err!(
            InvalidParameterException,
            "Initiate Auth method not supported."
        ));
    }
    if !req.client.config.allows(parsed.client_flow()) {
        return Err(match req.caller {
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
        AuthFlow::UserPassword | AuthFlow::AdminUserPassword | AuthFlow::AdminNoSrp => {
            password::sign_in(req)
        }
        AuthFlow::RefreshTokenAuth | AuthFlow::RefreshToken => {
            refresh::refresh(req.ctx, req.pool, req.client, req.params)
        }
        AuthFlow::UserSrp => srp_auth::start(req),
        AuthFlow::UserAuth => user_auth::start(req),
        AuthFlow::Custom => custom::start(req),
    }
}
