//! GetDerivedToken (OAuth 2.0 token exchange, RFC 8693): the requesting client is checked as AWS
//! checks it (exists, secret, ALLOW_TOKEN_EXCHANGE_* flow), then the request is refused: the claims of
//! a derived token (audience and resource binding, the `act` claim, scope narrowing against resource
//! servers, SAML subject tokens) are not documented precisely enough to emulate exactly.

use serde::Deserialize;
use serde_json::Value;

use crate::app::Ctx;
use crate::auth::checks;
use crate::err;
use crate::error::Result;
use crate::ops::load;

/// GetDerivedTokenRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    client_id: String,
    client_secret: Option<String>,
    actor_token: Option<String>,
}

/// Checks the client, then refuses with the reason.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, _) = load::client(ctx, &req.client_id)?;
    checks::check_client_secret(&client, req.client_secret.as_deref())?;
    let flow = if req.actor_token.is_some() {
        "ALLOW_TOKEN_EXCHANGE_DELEGATION"
    } else {
        "ALLOW_TOKEN_EXCHANGE_IMPERSONATION"
    };
    let enabled = client
        .config
        .explicit_auth_flows
        .as_ref()
        .is_some_and(|f| f.iter().any(|x| x == flow));
    if !enabled {
        return Err(err!(
            NotAuthorizedException,
            "Client {} is not configured for {flow}.",
            client.id
        ));
    }
    Err(err!(
        UnsupportedOperationException,
        "GetDerivedToken is not emulated: the claims of derived tokens (aud/resource binding, act, scope narrowing, SAML subject tokens) are not documented precisely enough for cognito-emulator to issue them as AWS does."
    ))
}
