//! Refresh: REFRESH_TOKEN_AUTH / REFRESH_TOKEN through InitiateAuth, and
//! GetTokensFromRefreshToken with optional rotation. New ID and access tokens come from a stored refresh
//! token of the same client; `auth_time` and `origin_jti` stay those of the original sign-in.

use crate::app::Ctx;
use crate::auth::checks::{Wording, check_client_secret, check_secret_hash, require_secret_hash};
use crate::auth::tokens::{self, Grant, Issue, Session, TokenSet};
use crate::auth::{Outcome, Params, required};
use crate::error::{CognitoError, Result};
use crate::store::clients::ClientRow;
use crate::store::pools::PoolRow;
use crate::store::tokens::{NewRefresh, RefreshRow};
use crate::store::users::UserRow;
use crate::store::{tokens as token_store, users};
use crate::triggers::ClientMetadata;
use crate::triggers::pre_token::TokenSource;
use crate::{domain::attributes, err};

fn invalid() -> CognitoError {
    err!(NotAuthorizedException, "Invalid Refresh Token.")
}

/// The stored token and its user, if the token belongs to `client`.
fn load(ctx: &Ctx, client: &ClientRow, token: &str) -> Result<(RefreshRow, UserRow)> {
    let digest = tokens::refresh_digest(token);
    let (row, user) = ctx
        .app
        .store
        .read(|c| {
            let Some(row) = token_store::get(c, &digest)? else {
                return Ok(None);
            };
            Ok(users::by_pk(c, row.user_pk)?.map(|u| (row, u)))
        })?
        .ok_or_else(invalid)?;
    if row.client_id != client.id {
        return Err(invalid());
    }
    Ok((row, user))
}

/// The checks after the secret: revocation, expiry, the device the token is bound to, the user.
fn check(ctx: &Ctx, row: &RefreshRow, user: &UserRow, device_key: Option<&str>) -> Result<()> {
    if row.revoked_at.is_some() {
        return Err(err!(
            NotAuthorizedException,
            "Refresh Token has been revoked"
        ));
    }
    if row.expires_at <= ctx.now() {
        return Err(err!(NotAuthorizedException, "Refresh Token has expired"));
    }
    // A token issued to a remembered device refreshes only with that device's key.
    if let Some(bound) = &row.device_key {
        if device_key != Some(bound.as_str()) {
            return Err(invalid());
        }
    }
    if !user.enabled {
        return Err(err!(NotAuthorizedException, "User is disabled."));
    }
    Ok(())
}

/// New ID and access tokens from a stored refresh token (PreTokenGeneration runs again, as
/// `TokenGeneration_RefreshTokens`).
fn mint(
    ctx: &Ctx,
    pool: &PoolRow,
    client: &ClientRow,
    row: &RefreshRow,
    user: &UserRow,
    client_metadata: Option<&ClientMetadata>,
) -> Result<TokenSet> {
    let session = Session {
        origin_jti: row.origin_jti.clone(),
        auth_time: row.auth_time,
        device_key: row.device_key.clone(),
    };
    // A token from the OAuth endpoints keeps its scopes (no nonce on refresh).
    let grant = row.scopes.as_deref().map(|s| Grant {
        scopes: s
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        nonce: None,
    });
    let issue = Issue {
        pool,
        client,
        user,
        session: &session,
        source: TokenSource::RefreshTokens,
        client_metadata,
        grant: grant.as_ref(),
    };
    let (id_token, access_token, expires_in) = tokens::mint(ctx, &issue)?;
    Ok(TokenSet {
        id_token,
        access_token,
        refresh_token: None,
        expires_in,
        new_device: None,
    })
}

/// InitiateAuth / AdminInitiateAuth with `REFRESH_TOKEN` (and SECRET_HASH, DEVICE_KEY) in `params`.
pub fn refresh(ctx: &Ctx, pool: &PoolRow, client: &ClientRow, params: &Params) -> Result<Outcome> {
    let token = required(params, "REFRESH_TOKEN")?;
    let secret_hash = params.get("SECRET_HASH").map(String::as_str);
    require_secret_hash(client, secret_hash, Wording::Refresh)?;
    let (row, user) = load(ctx, client, token)?;
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
    check_secret_hash(client, secret_hash, &names, Wording::Refresh)?;
    check(
        ctx,
        &row,
        &user,
        params.get("DEVICE_KEY").map(String::as_str),
    )?;
    Ok(Outcome::Tokens(mint(ctx, pool, client, &row, &user, None)?))
}

/// A GetTokensFromRefreshToken request.
pub struct Exchange<'a> {
    /// The refresh token.
    pub token: &'a str,
    /// ClientSecret, sent as is.
    pub client_secret: Option<&'a str>,
    /// DeviceKey.
    pub device_key: Option<&'a str>,
    /// ClientMetadata, for PreTokenGeneration.
    pub client_metadata: Option<&'a ClientMetadata>,
}

/// GetTokensFromRefreshToken: the client secret is sent as is; with RefreshTokenRotation enabled a new
/// refresh token replaces the old one, which keeps working for RetryGracePeriodSeconds.
pub fn exchange(
    ctx: &Ctx,
    pool: &PoolRow,
    client: &ClientRow,
    e: &Exchange<'_>,
) -> Result<TokenSet> {
    let (token, client_secret, device_key) = (e.token, e.client_secret, e.device_key);
    check_client_secret(client, client_secret)?;
    let (row, user) = load(ctx, client, token)?;
    let now = ctx.now();
    let rotation = client
        .config
        .refresh_token_rotation
        .as_ref()
        .filter(|r| r.feature == "ENABLED");
    if let (Some(r), Some(rotated)) = (rotation, row.rotated_at) {
        let grace = r.retry_grace_period_seconds.unwrap_or(0) as f64;
        if now > rotated + grace {
            return Err(err!(
                RefreshTokenReuseException,
                "Refresh token has been used already."
            ));
        }
    }
    check(ctx, &row, &user, device_key)?;
    let mut set = mint(ctx, pool, client, &row, &user, e.client_metadata)?;
    if rotation.is_some() {
        let (new_token, digest) = tokens::new_refresh_token();
        let old = tokens::refresh_digest(token);
        let expires_at = now + client.config.refresh_token_seconds() as f64;
        ctx.app.store.write(|c| {
            token_store::mark_rotated(c, &old, now)?;
            token_store::insert(
                c,
                &NewRefresh {
                    hash: &digest,
                    client_id: &client.id,
                    user_pk: user.pk,
                    origin_jti: &row.origin_jti,
                    auth_time: row.auth_time,
                    device_key: row.device_key.as_deref(),
                    now,
                    expires_at,
                    scopes: row.scopes.as_deref(),
                },
            )
        })?;
        set.refresh_token = Some(new_token);
    }
    Ok(set)
}
