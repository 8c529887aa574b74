//! AdminDisableProviderForUser: removes a linked external identity from its user (its next sign-in
//! makes a new federated user), or, with ProviderName `Cognito`, stops a native user from signing in
//! with a password (the password is removed).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::identity_providers::{self as idp, ProviderUser, SUBJECT, refresh_identities};
use crate::ops::load;
use crate::store::federation as fed;
use crate::{err, store};

/// AdminDisableProviderForUserRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    user: ProviderUser,
}

/// Unlinks the identity, or disables the password of a native user.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let missing = |what: &str| err!(InvalidParameterException, "User.{what} is required.");
    let name = req
        .user
        .provider_name
        .as_deref()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing("ProviderName"))?;
    let attr = req
        .user
        .provider_attribute_name
        .as_deref()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing("ProviderAttributeName"))?;
    let value = req
        .user
        .provider_attribute_value
        .as_deref()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing("ProviderAttributeValue"))?;
    let now = ctx.now();
    if name.eq_ignore_ascii_case("cognito") {
        if attr != SUBJECT {
            return Err(err!(
                InvalidParameterException,
                "ProviderAttributeName must be {SUBJECT} for Cognito users."
            ));
        }
        let key = pool.config.lookup_key(value);
        let user = ctx
            .app
            .store
            .read(|c| store::users::by_username(c, &pool.id, &key))?
            .ok_or_else(|| err!(UserNotFoundException, "User does not exist."))?;
        ctx.app
            .store
            .write(|c| store::users::clear_password(c, user.pk, now))?;
        ctx.app.passwords.forget(user.pk);
        return Ok(json!({}));
    }
    let provider = idp::load(ctx, &pool.id, name)?;
    if provider.kind.is_social() && attr != SUBJECT {
        return Err(err!(
            InvalidParameterException,
            "ProviderAttributeName must be {SUBJECT} for {name}."
        ));
    }
    ctx.app.store.write(|c| {
        let link = fed::find_identity(c, &pool.id, name, attr, value)?
            .filter(|i| !i.primary)
            .ok_or_else(|| {
                err!(
                    InvalidParameterException,
                    "Account isn't linked to anyone else, verify that the account has been linked"
                )
            })?;
        fed::delete_identity(c, link.pk)?;
        refresh_identities(c, link.user_pk, now)
    })?;
    Ok(json!({}))
}
