//! The trigger events of federated sign-in: InboundFederation (`InboundFederation_ExternalProvider`,
//! before the federated user is created or updated; it may replace the mapped attributes) and
//! PreSignUp (`PreSignUp_ExternalProvider`, before a federated user is created).

use serde_json::{Map, Value, json};

use super::events::{PreSignUp, envelope, flag, string_pairs};
use super::{Caller, Trigger, run};
use crate::app::Ctx;
use crate::error::Result;
use crate::store::pools::PoolRow;

/// The facts of an InboundFederation event.
pub struct InboundEvent<'a> {
    /// The app client.
    pub client_id: &'a str,
    /// `<ProviderName>_<subject>`.
    pub user_name: &'a str,
    /// ProviderName.
    pub provider_name: &'a str,
    /// ProviderType.
    pub provider_type: &'a str,
    /// `tokenResponse`, `idToken`, `userInfo` (OIDC and social) or `samlResponse` (SAML).
    pub attributes: Value,
}

/// InboundFederation: the attributes to map instead of the AttributeMapping result (`None`: keep the
/// mapping's; an empty `userAttributesToMap` keeps it too).
pub fn inbound_federation(
    ctx: &Ctx,
    pool: &PoolRow,
    e: InboundEvent<'_>,
) -> Result<Option<Vec<(String, String)>>> {
    let env = envelope(
        pool,
        Trigger::InboundFederation,
        "InboundFederation_ExternalProvider",
        e.user_name,
        Caller::client(e.client_id),
    );
    let request = json!({
        "providerName": e.provider_name,
        "providerType": e.provider_type,
        "attributes": e.attributes,
    });
    let response = json!({"userAttributesToMap": {}});
    let read = |r: &Map<String, Value>| string_pairs(r, "userAttributesToMap");
    Ok(run(ctx, &env, request, response, read)?.filter(|pairs| !pairs.is_empty()))
}

/// PreSignUp_ExternalProvider: may refuse the federated user (nothing is written) or verify its
/// email / phone number (`autoConfirmUser` means nothing here: the user is EXTERNAL_PROVIDER).
pub fn pre_sign_up_external(
    ctx: &Ctx,
    pool: &PoolRow,
    client_id: &str,
    user_name: &str,
    attributes: &[(String, String)],
) -> Result<PreSignUp> {
    let env = envelope(
        pool,
        Trigger::PreSignUp,
        "PreSignUp_ExternalProvider",
        user_name,
        Caller::client(client_id),
    );
    let mut attrs: Map<String, Value> = attributes
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    attrs.insert("cognito:email_alias".into(), json!(""));
    attrs.insert("cognito:phone_number_alias".into(), json!(""));
    let request = json!({"userAttributes": attrs, "validationData": {}});
    let response =
        json!({"autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false});
    let read = |r: &Map<String, Value>| {
        Ok(PreSignUp {
            auto_confirm: flag(r, "autoConfirmUser")?,
            auto_verify_email: flag(r, "autoVerifyEmail")?,
            auto_verify_phone: flag(r, "autoVerifyPhone")?,
        })
    };
    Ok(run(ctx, &env, request, response, read)?.unwrap_or_default())
}
