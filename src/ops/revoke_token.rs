//! RevokeToken: revokes a refresh token and every access token issued from the same authentication.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::tokens;
use crate::crypto::jwt;
use crate::error::Result;
use crate::ops::load;
use crate::app::Ctx;
use crate::{err, store};

/// RevokeTokenRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    token: String,
    client_id: String,
    client_secret: Option<String>,
}

/// Revokes the token.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, _) = load::client(ctx, &req.client_id)?;
    if !client.config.enable_token_revocation {
        return Err(err!(UnsupportedOperationException, "Token revocation is not enabled for this app client."));
    }
    crate::auth::checks::check_client_secret(&client, req.client_secret.as_deref())?;
    // Access and ID tokens are JWTs of ours: only refresh tokens can be revoked here.
    if jwt::verify(&ctx.app.keys, &req.token).is_some() {
        return Err(err!(UnsupportedTokenTypeException, "Only refresh tokens can be revoked."));
    }
    let digest = tokens::refresh_digest(&req.token);
    let row = ctx.app.store.read(|c| store::tokens::get(c, &digest))?;
    match row {
        // RFC 7009: revoking a token the server does not know is not an error.
        None => Ok(json!({})),
        Some(row) if row.client_id != client.id => Err(err!(NotAuthorizedException, "Invalid Refresh Token.")),
        Some(row) => {
            let now = ctx.now();
            ctx.app.store.write(|c| store::tokens::revoke_origin(c, &row.origin_jti, now))?;
            Ok(json!({}))
        }
    }
}
