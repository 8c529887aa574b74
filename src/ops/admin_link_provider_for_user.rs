//! AdminLinkProviderForUser: links an external identity that has not signed in yet (SourceUser) to an
//! existing user (DestinationUser); its sign-ins then land on that user. Social identities link by
//! `Cognito_Subject`; OIDC and SAML ones also by a pool attribute their mapping fills (matched at
//! sign-in). At most five linked identities per user.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::domain::federated_users as federated;
use crate::error::Result;
use crate::ops::identity_providers::{self as idp, ProviderUser, SUBJECT, refresh_identities};
use crate::ops::load;
use crate::store::federation as fed;
use crate::store::users::UserRow;
use crate::{err, store};

/// Linked identities a user may have.
const LINKS_PER_USER: usize = 5;

/// AdminLinkProviderForUserRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    destination_user: ProviderUser,
    source_user: ProviderUser,
}

fn required<'a>(v: &'a Option<String>, what: &str) -> Result<&'a str> {
    v.as_deref().filter(|s| !s.is_empty()).ok_or_else(|| {
        err!(
            InvalidParameterException,
            "{what} is required."
        )
    })
}

/// Links the source identity to the destination user.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let src = &req.source_user;
    let src_name = required(&src.provider_name, "SourceUser.ProviderName")?;
    if src_name.eq_ignore_ascii_case("cognito") {
        return Err(err!(
            InvalidParameterException,
            "Invalid SourceUser: Cognito users with a username/password may not be passed in as a SourceUser, only as a DestinationUser"
        ));
    }
    let attr = required(&src.provider_attribute_name, "SourceUser.ProviderAttributeName")?;
    let value = required(
        &src.provider_attribute_value,
        "SourceUser.ProviderAttributeValue",
    )?;
    if src_name.len() + attr.len() + value.len() > 128 {
        return Err(err!(
            InvalidParameterException,
            "The combined length of the SourceUser's ProviderName, ProviderAttributeName and ProviderAttributeValue must not exceed 128 characters."
        ));
    }
    let provider = idp::load(ctx, &pool.id, src_name)?;
    let by_attribute = attr != SUBJECT;
    if by_attribute && provider.kind.is_social() {
        return Err(err!(
            InvalidParameterException,
            "ProviderAttributeName must be {SUBJECT} for {src_name}."
        ));
    }
    if by_attribute && (attr == "username" || !provider.mapping.contains_key(attr)) {
        return Err(err!(
            InvalidParameterException,
            "ProviderAttributeName {attr} is not an attribute that {src_name} maps."
        ));
    }
    let dest = destination(ctx, &pool, &req.destination_user)?;
    let now = ctx.now();
    ctx.app.store.write(|c| {
        if !by_attribute {
            let signed_up = federated::username(src_name, value);
            let key = pool.config.lookup_key(&signed_up);
            if store::users::by_username(c, &pool.id, &key)?.is_some() {
                return Err(err!(
                    InvalidParameterException,
                    "Merging is not currently supported, provide a SourceUser that has not been signed up in order to link"
                ));
            }
        }
        match fed::find_identity(c, &pool.id, src_name, attr, value)? {
            Some(existing) if existing.user_pk == dest.pk => return Ok(()),
            Some(_) => {
                return Err(err!(
                    InvalidParameterException,
                    "SourceUser is already linked to another user."
                ));
            }
            None => {}
        }
        let links = fed::identities_of(c, dest.pk)?
            .iter()
            .filter(|i| !i.primary)
            .count();
        if links >= LINKS_PER_USER {
            return Err(err!(
                LimitExceededException,
                "A user can be linked to at most {LINKS_PER_USER} identities."
            ));
        }
        fed::insert_identity(c, &pool.id, src_name, attr, value, dest.pk, false, now)?;
        refresh_identities(c, dest.pk, now)
    })?;
    Ok(json!({}))
}

/// The destination: a native user (`Cognito` + username) or a federated one (its IdP + subject).
fn destination(
    ctx: &Ctx,
    pool: &crate::store::pools::PoolRow,
    d: &ProviderUser,
) -> Result<UserRow> {
    let name = required(&d.provider_name, "DestinationUser.ProviderName")?;
    let value = required(
        &d.provider_attribute_value,
        "DestinationUser.ProviderAttributeValue",
    )?;
    let username = if name.eq_ignore_ascii_case("cognito") {
        value.to_string()
    } else {
        idp::load(ctx, &pool.id, name)?;
        federated::username(name, value)
    };
    let key = pool.config.lookup_key(&username);
    ctx.app
        .store
        .read(|c| store::users::by_username(c, &pool.id, &key))?
        .ok_or_else(|| err!(UserNotFoundException, "User does not exist."))
}
