//! GetClientToken: machine-to-machine access tokens for an app client with ALLOW_CLIENT_TOKEN_AUTH.
//! The client and its secret are checked as AWS checks them; then the request is refused, because the
//! service model (botocore 1.44.5) has no ALLOW_CLIENT_TOKEN_AUTH among ExplicitAuthFlows values, so no
//! app client can be configured for this flow (machine-to-machine tokens come from `/oauth2/token`'s
//! client_credentials grant).

use serde::Deserialize;
use serde_json::Value;

use crate::app::Ctx;
use crate::auth::checks;
use crate::err;
use crate::error::Result;
use crate::ops::load;

/// GetClientTokenRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    client_id: String,
    secret: String,
}

/// Checks the client, then refuses: the flow cannot be enabled on any client.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, _) = load::client(ctx, &req.client_id)?;
    if !client.has_secret() || !checks::secret_matches(&client, &req.secret) {
        return Err(err!(
            NotAuthorizedException,
            "Unable to verify client secret for client {}",
            client.id
        ));
    }
    Err(err!(
        NotAuthorizedException,
        "Client {} is not configured for ALLOW_CLIENT_TOKEN_AUTH: cognito-emulator cannot enable that flow, which the service model's ExplicitAuthFlows values do not include; use the client_credentials grant of /oauth2/token.",
        client.id
    ))
}
