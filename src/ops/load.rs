//! Loaders shared by the operations: a pool, a client, a group, the user an Admin* call names, and the
//! user behind an access token — each with AWS's not-found answer.

use crate::app::Ctx;
use crate::auth::tokens::{self, AccessClaims};
use crate::error::{CognitoError, Result};
use crate::store::clients::ClientRow;
use crate::store::groups::GroupRow;
use crate::store::pools::PoolRow;
use crate::store::resource_servers::ResourceServerRow;
use crate::store::users::UserRow;
use crate::{err, store};

pub use crate::auth::user_device;

/// The pool `id`, or ResourceNotFoundException.
pub fn pool(ctx: &Ctx, id: &str) -> Result<PoolRow> {
    ctx.app
        .store
        .read(|c| store::pools::get(c, id))?
        .ok_or_else(|| pool_not_found(id))
}

/// "User pool <id> does not exist."
pub fn pool_not_found(id: &str) -> CognitoError {
    err!(ResourceNotFoundException, "User pool {id} does not exist.")
}

fn client_not_found(id: &str) -> CognitoError {
    err!(
        ResourceNotFoundException,
        "User pool client {id} does not exist."
    )
}

/// The client `id` and its pool, or ResourceNotFoundException.
pub fn client(ctx: &Ctx, id: &str) -> Result<(ClientRow, PoolRow)> {
    let found = ctx.app.store.read(|c| {
        let Some(client) = store::clients::get(c, id)? else {
            return Ok(None);
        };
        let pool = store::pools::get(c, &client.pool_id)?;
        Ok(pool.map(|p| (client, p)))
    })?;
    found.ok_or_else(|| client_not_found(id))
}

/// The client `client_id` of pool `pool_id` and the pool (one read), or ResourceNotFoundException for
/// either.
pub fn pool_client(ctx: &Ctx, pool_id: &str, client_id: &str) -> Result<(ClientRow, PoolRow)> {
    let (pool, client) = ctx.app.store.read(|c| {
        let Some(pool) = store::pools::get(c, pool_id)? else {
            return Ok((None, None));
        };
        Ok((Some(pool), store::clients::get(c, client_id)?))
    })?;
    let pool = pool.ok_or_else(|| pool_not_found(pool_id))?;
    let client = client
        .filter(|c| c.pool_id == pool_id)
        .ok_or_else(|| client_not_found(client_id))?;
    Ok((client, pool))
}

/// The user `username` (or an alias) of pool `pool_id`, for the Admin* operations.
pub fn admin_user(ctx: &Ctx, pool_id: &str, username: &str) -> Result<(PoolRow, UserRow)> {
    let (pool, user) = ctx.app.store.read(|c| {
        let Some(pool) = store::pools::get(c, pool_id)? else {
            return Ok((None, None));
        };
        let user = store::users::resolve(c, &pool.id, &pool.config, username)?;
        Ok((Some(pool), user))
    })?;
    let pool = pool.ok_or_else(|| pool_not_found(pool_id))?;
    let user = user.ok_or_else(|| err!(UserNotFoundException, "User does not exist."))?;
    Ok((pool, user))
}

/// The user an access token belongs to, with its pool, after verifying the token (signature, expiry,
/// client, scope, revocation of the whole authentication, disabled user).
pub fn token_user(ctx: &Ctx, access_token: &str) -> Result<(AccessClaims, PoolRow, UserRow)> {
    let (claims, pool, user, _) = token_user_client(ctx, access_token)?;
    Ok((claims, pool, user))
}

/// [`token_user`] with the token's client. The rows are read together (one reader, one statement
/// each), the client first: a token whose client is gone is refused as before.
pub fn token_user_client(
    ctx: &Ctx,
    access_token: &str,
) -> Result<(AccessClaims, PoolRow, UserRow, ClientRow)> {
    let (claims, scopes) = tokens::access_token_claims(ctx, access_token)?;
    let found = ctx.app.store.read(|c| {
        let Some(client) =
            store::clients::get(c, &claims.client_id)?.filter(|cl| cl.pool_id == claims.pool_id)
        else {
            return Ok(None);
        };
        let pool = store::pools::get(c, &claims.pool_id)?;
        let user = store::users::by_sub(c, &claims.pool_id, &claims.sub)?;
        let revoked = store::tokens::origin_revoked(c, &claims.origin_jti)?;
        Ok(Some((client, pool, user, revoked)))
    })?;
    let (client, pool, user, revoked) = found.ok_or_else(tokens::invalid_access)?;
    let claims = tokens::with_admin_scope(claims, &scopes)?;
    let pool = pool.ok_or_else(|| pool_not_found(&claims.pool_id))?;
    let user = user.ok_or_else(|| err!(UserNotFoundException, "User does not exist."))?;
    // RevokeToken and GlobalSignOut revoke whole authentications (origin_jti).
    if revoked {
        return Err(err!(
            NotAuthorizedException,
            "Access Token has been revoked"
        ));
    }
    if !user.enabled {
        return Err(err!(NotAuthorizedException, "User is disabled."));
    }
    Ok((claims, pool, user, client))
}

/// The group `name` of pool `pool_id`, or ResourceNotFoundException.
pub fn group(ctx: &Ctx, pool_id: &str, name: &str) -> Result<GroupRow> {
    pool(ctx, pool_id)?;
    ctx.app
        .store
        .read(|c| store::groups::get(c, pool_id, name))?
        .ok_or_else(|| err!(ResourceNotFoundException, "Group not found."))
}

/// The resource server `identifier` of pool `pool_id`, or ResourceNotFoundException.
pub fn resource_server(ctx: &Ctx, pool_id: &str, identifier: &str) -> Result<ResourceServerRow> {
    pool(ctx, pool_id)?;
    ctx.app
        .store
        .read(|c| store::resource_servers::get(c, pool_id, identifier))?
        .ok_or_else(|| {
            err!(
                ResourceNotFoundException,
                "Resource server {identifier} does not exist."
            )
        })
}
