//! REFRESH_TOKEN_AUTH / REFRESH_TOKEN (reference §3.5): new ID and access tokens from a stored refresh
//! token of the same client; `auth_time` and `origin_jti` stay those of the original sign-in.

use crate::auth::tokens::{self, Session, TokenSet};
use crate::auth::{Outcome, Params, check_refresh_secret_hash, require_secret_hash, required};
use crate::error::{CognitoError, Result};
use crate::store::clients::ClientRow;
use crate::store::{tokens as token_store, users};
use crate::{Ctx, domain::attributes, err};

fn invalid() -> CognitoError {
    err!(NotAuthorizedException, "Invalid Refresh Token.")
}

/// Refreshes with `REFRESH_TOKEN` from `params`.
pub fn refresh(ctx: &Ctx, client: &ClientRow, params: &Params) -> Result<Outcome> {
    let token = required(params, "REFRESH_TOKEN")?;
    let secret_hash = params.get("SECRET_HASH").map(String::as_str);
    require_secret_hash(client, secret_hash)?;
    let digest = tokens::refresh_digest(token);
    let now = ctx.now();
    let (row, user) = ctx
        .app
        .store
        .read(|c| {
            let Some(row) = token_store::get(c, &digest)? else {
                return Ok(None);
            };
            let user = users::by_pk(c, row.user_pk)?;
            Ok(user.map(|u| (row, u)))
        })?
        .ok_or_else(invalid)?;
    if row.client_id != client.id {
        return Err(invalid());
    }
    // The hash is over the internal username; SDKs that hash the alias the user typed are accepted too.
    let mut names = vec![user.username.as_str(), user.sub.as_str()];
    if let Some(u) = params.get("USERNAME") {
        names.push(u);
    }
    for alias in ["email", "phone_number", "preferred_username"] {
        if let Some(v) = attributes::get(&user.attributes, alias) {
            names.push(v);
        }
    }
    check_refresh_secret_hash(client, secret_hash, &names)?;
    if row.revoked_at.is_some() {
        return Err(err!(
            NotAuthorizedException,
            "Refresh Token has been revoked"
        ));
    }
    if row.expires_at <= now {
        return Err(err!(NotAuthorizedException, "Refresh Token has expired"));
    }
    if !user.enabled {
        return Err(err!(NotAuthorizedException, "User is disabled."));
    }
    let session = Session {
        origin_jti: row.origin_jti,
        auth_time: row.auth_time,
        device_key: row.device_key,
    };
    let (id_token, access_token, expires_in) = tokens::mint(ctx, client, &user, &[], &session);
    Ok(Outcome::Tokens(TokenSet {
        id_token,
        access_token,
        refresh_token: None,
        expires_in,
        new_device: None,
    }))
}
