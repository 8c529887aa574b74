//! The events of each trigger source, as AWS shapes them, and their answers read back (AWS's
//! "Unrecognizable lambda output" for a member of the wrong type).

use serde_json::{Map, Value, json};

use super::{Caller, ClientMetadata, Envelope, Trigger, run, string_map, with_client_metadata};
use crate::app::Ctx;
use crate::domain::UserStatus;
use crate::err;
use crate::error::{CognitoError, Result};
use crate::mail::Medium;
use crate::store::pools::PoolRow;
use crate::store::users;

pub(super) fn unrecognizable() -> CognitoError {
    err!(
        InvalidLambdaResponseException,
        "Unrecognizable lambda output"
    )
}

/// A boolean member of a response (`null` or absent is false).
pub(super) fn flag(response: &Map<String, Value>, key: &str) -> Result<bool> {
    match response.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(unrecognizable()),
    }
}

/// A string member of a response (`null` or absent is `None`).
pub(super) fn text(response: &Map<String, Value>, key: &str) -> Result<Option<String>> {
    match response.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(unrecognizable()),
    }
}

/// A string-to-string map member (`null` or absent is empty).
pub(super) fn string_pairs(
    response: &Map<String, Value>,
    key: &str,
) -> Result<Vec<(String, String)>> {
    match response.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                _ => Err(unrecognizable()),
            })
            .collect(),
        Some(_) => Err(unrecognizable()),
    }
}

pub(super) fn envelope<'a>(
    pool: &'a PoolRow,
    trigger: Trigger,
    source: &'a str,
    user_name: &'a str,
    caller: Caller,
) -> Envelope<'a> {
    Envelope {
        pool,
        trigger,
        source,
        version: "1",
        user_name,
        caller,
    }
}

/// What PreSignUp decided.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PreSignUp {
    /// Create the user CONFIRMED (SignUp only).
    pub auto_confirm: bool,
    /// Mark the email verified.
    pub auto_verify_email: bool,
    /// Mark the phone number verified.
    pub auto_verify_phone: bool,
}

/// The facts of a PreSignUp event.
pub struct PreSignUpEvent<'a> {
    /// `PreSignUp_SignUp` or `PreSignUp_AdminCreateUser`.
    pub source: &'a str,
    /// The new user's internal username.
    pub user_name: &'a str,
    /// `callerContext.clientId`.
    pub caller: Caller,
    /// The attributes the request supplied.
    pub attributes: Value,
    /// ValidationData.
    pub validation_data: Option<&'a ClientMetadata>,
    /// ClientMetadata.
    pub client_metadata: Option<&'a ClientMetadata>,
}

/// PreSignUp: may refuse the sign-up (nothing is written then) or auto-confirm / auto-verify.
pub fn pre_sign_up(ctx: &Ctx, pool: &PoolRow, e: PreSignUpEvent<'_>) -> Result<PreSignUp> {
    let env = envelope(
        pool,
        Trigger::PreSignUp,
        e.source,
        e.user_name,
        e.caller.clone(),
    );
    let request = json!({
        "userAttributes": e.attributes,
        "validationData": string_map(e.validation_data),
    });
    let response =
        json!({"autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false});
    let request = with_client_metadata(request, e.client_metadata);
    let read = |r: &Map<String, Value>| {
        Ok(PreSignUp {
            auto_confirm: flag(r, "autoConfirmUser")?,
            auto_verify_email: flag(r, "autoVerifyEmail")?,
            auto_verify_phone: flag(r, "autoVerifyPhone")?,
        })
    };
    Ok(run(ctx, &env, request, response, read)?.unwrap_or_default())
}

/// PostConfirmation (`PostConfirmation_ConfirmSignUp` / `_ConfirmForgotPassword`), after the
/// confirmation is committed: a failure reaches the caller, the confirmation stays.
pub fn post_confirmation(
    ctx: &Ctx,
    pool: &PoolRow,
    source: &str,
    user_name: &str,
    user_attributes: Value,
    caller: Caller,
    client_metadata: Option<&ClientMetadata>,
) -> Result<()> {
    let env = envelope(pool, Trigger::PostConfirmation, source, user_name, caller);
    let request = json!({"userAttributes": user_attributes});
    let request = with_client_metadata(request, client_metadata);
    run(ctx, &env, request, json!({}), |_| Ok(()))?;
    Ok(())
}

/// PostConfirmation for the user `user_pk` as stored now (after the caller committed the
/// confirmation), when the pool has the trigger.
pub fn post_confirmation_of(
    ctx: &Ctx,
    pool: &PoolRow,
    source: &str,
    user_pk: i64,
    caller: Caller,
    client_metadata: Option<&ClientMetadata>,
) -> Result<()> {
    if !super::configured(pool, Trigger::PostConfirmation) {
        return Ok(());
    }
    let Some(user) = ctx.app.store.read(|c| users::by_pk(c, user_pk))? else {
        return Ok(());
    };
    post_confirmation(
        ctx,
        pool,
        source,
        &user.username,
        super::user_attributes(pool, &user),
        caller,
        client_metadata,
    )
}

/// PreAuthentication, before the password (or SRP proof) is checked; `user_attributes` is `None` for an
/// unknown user of a client that prevents user-existence errors (`userNotFound: true`).
pub fn pre_authentication(
    ctx: &Ctx,
    pool: &PoolRow,
    client_id: &str,
    user_name: &str,
    user_attributes: Option<Value>,
    validation_data: Option<&ClientMetadata>,
) -> Result<()> {
    let env = envelope(
        pool,
        Trigger::PreAuthentication,
        "PreAuthentication_Authentication",
        user_name,
        Caller::client(client_id),
    );
    let not_found = user_attributes.is_none();
    let request = json!({
        "userAttributes": user_attributes.unwrap_or_else(|| json!({})),
        "validationData": string_map(validation_data),
        "userNotFound": not_found,
    });
    run(ctx, &env, request, json!({}), |_| Ok(()))?;
    Ok(())
}

/// PostAuthentication, after the sign-in succeeded and before tokens are returned: a failure withholds
/// them.
pub fn post_authentication(
    ctx: &Ctx,
    pool: &PoolRow,
    client_id: &str,
    user_name: &str,
    user_attributes: Value,
    new_device_used: bool,
    client_metadata: Option<&ClientMetadata>,
) -> Result<()> {
    let env = envelope(
        pool,
        Trigger::PostAuthentication,
        "PostAuthentication_Authentication",
        user_name,
        Caller::client(client_id),
    );
    let request = json!({"userAttributes": user_attributes, "newDeviceUsed": new_device_used});
    let request = with_client_metadata(request, client_metadata);
    run(ctx, &env, request, json!({}), |_| Ok(()))?;
    Ok(())
}

/// A user UserMigration brought over.
#[derive(Debug, Clone)]
pub struct Migrated {
    /// `userAttributes` (may include `username` for the internal name in alias pools).
    pub attributes: Vec<(String, String)>,
    /// CONFIRMED or RESET_REQUIRED.
    pub status: UserStatus,
    /// `messageAction` SUPPRESS: no welcome message.
    pub suppress: bool,
    /// `desiredDeliveryMediums` (default SMS).
    pub mediums: Vec<Medium>,
    /// `forceAliasCreation`.
    pub force_alias_creation: bool,
    /// `enableSMSMFA`.
    pub enable_sms_mfa: bool,
}

/// UserMigration (`UserMigration_Authentication` with the password, `UserMigration_ForgotPassword`
/// without): `None` when the function knows no such user (it returned no attributes).
#[allow(clippy::too_many_arguments)]
pub fn user_migration(
    ctx: &Ctx,
    pool: &PoolRow,
    source: &str,
    client_id: &str,
    typed: &str,
    password: Option<&str>,
    validation_data: Option<&ClientMetadata>,
    client_metadata: Option<&ClientMetadata>,
) -> Result<Option<Migrated>> {
    let env = envelope(
        pool,
        Trigger::UserMigration,
        source,
        typed,
        Caller::client(client_id),
    );
    let mut request =
        json!({"validationData": string_map(validation_data), "userAttributes": null});
    if let Some(p) = password {
        request["password"] = json!(p);
    }
    let response = json!({
        "userAttributes": null, "finalUserStatus": null, "messageAction": null,
        "desiredDeliveryMediums": null, "forceAliasCreation": null, "enableSMSMFA": null,
    });
    let request = with_client_metadata(request, client_metadata);
    Ok(run(ctx, &env, request, response, read_migrated)?.flatten())
}

/// UserMigration's answer: `None` when it returned no user attributes (no such user).
fn read_migrated(r: &Map<String, Value>) -> Result<Option<Migrated>> {
    let attributes = string_pairs(r, "userAttributes")?;
    if attributes.is_empty() {
        return Ok(None);
    }
    let status = match text(r, "finalUserStatus")?.as_deref() {
        Some("CONFIRMED") => UserStatus::Confirmed,
        None | Some("RESET_REQUIRED") => UserStatus::ResetRequired,
        Some(_) => return Err(unrecognizable()),
    };
    let suppress = match text(r, "messageAction")?.as_deref() {
        Some("SUPPRESS") => true,
        None | Some("RESEND") => false,
        Some(_) => return Err(unrecognizable()),
    };
    let mediums = match r.get("desiredDeliveryMediums") {
        None | Some(Value::Null) => vec![Medium::Sms],
        Some(Value::Array(list)) => list
            .iter()
            .map(|m| {
                m.as_str()
                    .and_then(Medium::parse)
                    .ok_or_else(unrecognizable)
            })
            .collect::<Result<_>>()?,
        Some(_) => return Err(unrecognizable()),
    };
    Ok(Some(Migrated {
        attributes,
        status,
        suppress,
        mediums,
        force_alias_creation: flag(r, "forceAliasCreation")?,
        enable_sms_mfa: flag(r, "enableSMSMFA")?,
    }))
}

/// The messages CustomMessage returned (each `None` keeps the pool's own).
#[derive(Debug, Clone, Default)]
pub struct CustomMessage {
    /// smsMessage.
    pub sms: Option<String>,
    /// emailMessage.
    pub email: Option<String>,
    /// emailSubject.
    pub subject: Option<String>,
}

/// The facts of a CustomMessage or custom-sender event.
pub struct MessageEvent<'a> {
    /// `CustomMessage_<suffix>` / `Custom...Sender_<suffix>`: SignUp, AdminCreateUser, ...
    pub suffix: &'a str,
    /// The recipient's internal username.
    pub user_name: &'a str,
    /// `callerContext.clientId`.
    pub caller: Caller,
    /// The recipient's attributes as events carry them.
    pub user_attributes: Value,
    /// ClientMetadata of the API call.
    pub client_metadata: Option<&'a ClientMetadata>,
}

/// CustomMessage: the function's subject and bodies for a message (with `{####}` and, for
/// invitations, `{username}` still in them), or `None` when the pool has no such trigger.
pub fn custom_message(
    ctx: &Ctx,
    pool: &PoolRow,
    e: &MessageEvent<'_>,
) -> Result<Option<CustomMessage>> {
    let source = format!("CustomMessage_{}", e.suffix);
    let env = envelope(
        pool,
        Trigger::CustomMessage,
        &source,
        e.user_name,
        e.caller.clone(),
    );
    let username_parameter = (e.suffix == "AdminCreateUser").then_some("{username}");
    let request = json!({
        "userAttributes": e.user_attributes,
        "codeParameter": "{####}",
        "linkParameter": "{##Click Here##}",
        "usernameParameter": username_parameter,
    });
    let response = json!({"smsMessage": null, "emailMessage": null, "emailSubject": null});
    let request = with_client_metadata(request, e.client_metadata);
    let read = |r: &Map<String, Value>| {
        Ok(CustomMessage {
            sms: text(r, "smsMessage")?,
            email: text(r, "emailMessage")?,
            subject: text(r, "emailSubject")?,
        })
    };
    run(ctx, &env, request, response, read)
}

/// CustomEmailSender / CustomSMSSender, invoked asynchronously with the code. AWS encrypts the code
/// with the pool's KMS key; the emulator has no KMS, so `request.code` carries the code base64-encoded
/// (decode it instead of decrypting; see the README). Returns false when the pool has no sender for
/// this medium.
pub fn custom_sender(
    ctx: &Ctx,
    pool: &PoolRow,
    medium: Medium,
    e: &MessageEvent<'_>,
    code: &str,
) -> bool {
    use base64::Engine;
    let (trigger, prefix, kind) = match medium {
        Medium::Email => (
            Trigger::CustomEmailSender,
            "CustomEmailSender",
            "customEmailSenderRequestV1",
        ),
        Medium::Sms => (
            Trigger::CustomSmsSender,
            "CustomSMSSender",
            "customSMSSenderRequestV1",
        ),
    };
    let source = format!("{prefix}_{}", e.suffix);
    let env = envelope(pool, trigger, &source, e.user_name, e.caller.clone());
    let request = json!({
        "type": kind,
        "code": base64::engine::general_purpose::STANDARD.encode(code),
        "clientMetadata": string_map(e.client_metadata),
        "userAttributes": e.user_attributes,
    });
    super::run_async(ctx, &env, request)
}

/// Whether the pool delivers `medium` through a custom sender.
pub fn has_sender(pool: &PoolRow, medium: Medium) -> bool {
    let trigger = match medium {
        Medium::Email => Trigger::CustomEmailSender,
        Medium::Sms => Trigger::CustomSmsSender,
    };
    super::configured(pool, trigger)
}
