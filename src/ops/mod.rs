//! The operations: one file each (typed request, `handle`), one line each in the list below. An
//! operation of the model that is not in the list answers `UnsupportedOperationException` naming it.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::domain::ids;
use crate::error::{CognitoError, Result};
use crate::mail::Delivery;
use crate::protocol::model::model;
use crate::store::clients::ClientRow;
use crate::store::pools::PoolRow;
use crate::{Ctx, err, store};

/// A type-erased operation handler.
pub type Handler = fn(&Ctx, Value) -> Result<Value>;

/// Runs operation `name` on `input` as the API does: validation against the model, the handler, and
/// absent members removed from the answer. The seed file goes through here too.
pub fn invoke(ctx: &Ctx, name: &str, input: Value) -> Result<Value> {
    let model = model();
    let op = model
        .operations
        .get(name)
        .ok_or_else(|| err!(UnknownOperationException, "Unknown operation: {name}"))?;
    model.validate_input(op, &input)?;
    let handler = handler(name).ok_or_else(|| {
        err!(
            UnsupportedOperationException,
            "{name} is not implemented by cognito-emulator yet."
        )
    })?;
    let mut out = handler(ctx, input)?;
    strip_nulls(&mut out);
    Ok(out)
}

/// Removes `null` members recursively: AWS omits absent members rather than sending null.
pub fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

fn call<Req: DeserializeOwned, Resp: Serialize>(
    f: fn(&Ctx, Req) -> Result<Resp>,
    ctx: &Ctx,
    input: Value,
) -> Result<Value> {
    // The model has already checked types; what serde still refuses is a value the model allows but the
    // emulator cannot represent.
    let req: Req = serde_json::from_value(input)
        .map_err(|e| CognitoError::SerializationException(e.to_string()))?;
    Ok(serde_json::to_value(f(ctx, req)?)?)
}

macro_rules! operations {
    ($($name:literal => $module:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// The handler of an implemented operation.
        pub fn handler(name: &str) -> Option<Handler> {
            match name {
                $($name => Some((|ctx, v| call($module::handle, ctx, v)) as Handler),)*
                _ => None,
            }
        }

        /// Names of the implemented operations.
        pub const IMPLEMENTED: &[&str] = &[$($name),*];
    };
}

operations! {
    "AddCustomAttributes" => add_custom_attributes,
    "AdminAddUserToGroup" => admin_add_user_to_group,
    "AdminConfirmSignUp" => admin_confirm_sign_up,
    "AdminCreateUser" => admin_create_user,
    "AdminDeleteUser" => admin_delete_user,
    "AdminDeleteUserAttributes" => admin_delete_user_attributes,
    "AdminDisableUser" => admin_disable_user,
    "AdminEnableUser" => admin_enable_user,
    "AdminForgetDevice" => admin_forget_device,
    "AdminGetDevice" => admin_get_device,
    "AdminGetUser" => admin_get_user,
    "AdminInitiateAuth" => admin_initiate_auth,
    "AdminListDevices" => admin_list_devices,
    "AdminListGroupsForUser" => admin_list_groups_for_user,
    "AdminRemoveUserFromGroup" => admin_remove_user_from_group,
    "AdminResetUserPassword" => admin_reset_user_password,
    "AdminRespondToAuthChallenge" => admin_respond_to_auth_challenge,
    "AdminSetUserMFAPreference" => admin_set_user_mfa_preference,
    "AdminSetUserPassword" => admin_set_user_password,
    "AdminSetUserSettings" => admin_set_user_settings,
    "AdminUpdateDeviceStatus" => admin_update_device_status,
    "AdminUpdateUserAttributes" => admin_update_user_attributes,
    "AdminUserGlobalSignOut" => admin_user_global_sign_out,
    "AssociateSoftwareToken" => associate_software_token,
    "ChangePassword" => change_password,
    "ConfirmDevice" => confirm_device,
    "ConfirmForgotPassword" => confirm_forgot_password,
    "ConfirmSignUp" => confirm_sign_up,
    "CreateGroup" => create_group,
    "CreateUserPool" => create_user_pool,
    "CreateUserPoolClient" => create_user_pool_client,
    "DeleteGroup" => delete_group,
    "DeleteUser" => delete_user,
    "DeleteUserAttributes" => delete_user_attributes,
    "DeleteUserPool" => delete_user_pool,
    "DeleteUserPoolClient" => delete_user_pool_client,
    "DescribeUserPool" => describe_user_pool,
    "DescribeUserPoolClient" => describe_user_pool_client,
    "ForgetDevice" => forget_device,
    "ForgotPassword" => forgot_password,
    "GetDevice" => get_device,
    "GetGroup" => get_group,
    "GetTokensFromRefreshToken" => get_tokens_from_refresh_token,
    "GetUser" => get_user,
    "GetUserAttributeVerificationCode" => get_user_attribute_verification_code,
    "GetUserPoolMfaConfig" => get_user_pool_mfa_config,
    "GlobalSignOut" => global_sign_out,
    "InitiateAuth" => initiate_auth,
    "ListDevices" => list_devices,
    "ListGroups" => list_groups,
    "ListUserPoolClients" => list_user_pool_clients,
    "ListUserPools" => list_user_pools,
    "ListUsers" => list_users,
    "ListUsersInGroup" => list_users_in_group,
    "ResendConfirmationCode" => resend_confirmation_code,
    "RespondToAuthChallenge" => respond_to_auth_challenge,
    "RevokeToken" => revoke_token,
    "SetUserMFAPreference" => set_user_mfa_preference,
    "SetUserPoolMfaConfig" => set_user_pool_mfa_config,
    "SetUserSettings" => set_user_settings,
    "SignUp" => sign_up,
    "UpdateDeviceStatus" => update_device_status,
    "UpdateGroup" => update_group,
    "UpdateUserAttributes" => update_user_attributes,
    "UpdateUserPool" => update_user_pool,
    "UpdateUserPoolClient" => update_user_pool_client,
    "VerifySoftwareToken" => verify_software_token,
    "VerifyUserAttribute" => verify_user_attribute,
}

// ---- helpers shared by the operations ----

/// The pool `id`, or ResourceNotFoundException.
pub fn load_pool(ctx: &Ctx, id: &str) -> Result<PoolRow> {
    ctx.app
        .store
        .read(|c| store::pools::get(c, id))?
        .ok_or_else(|| pool_not_found(id))
}

fn pool_not_found(id: &str) -> CognitoError {
    err!(ResourceNotFoundException, "User pool {id} does not exist.")
}

/// The client `id` and its pool, or ResourceNotFoundException.
pub fn load_client(ctx: &Ctx, id: &str) -> Result<(ClientRow, PoolRow)> {
    let found = ctx.app.store.read(|c| {
        let Some(client) = store::clients::get(c, id)? else {
            return Ok(None);
        };
        let pool = store::pools::get(c, &client.pool_id)?;
        Ok(pool.map(|p| (client, p)))
    })?;
    found.ok_or_else(|| {
        err!(
            ResourceNotFoundException,
            "User pool client {id} does not exist."
        )
    })
}

/// The client `client_id` of pool `pool_id` and the pool (one read), or ResourceNotFoundException for
/// either.
pub fn load_pool_client(ctx: &Ctx, pool_id: &str, client_id: &str) -> Result<(ClientRow, PoolRow)> {
    let (pool, client) = ctx.app.store.read(|c| {
        let Some(pool) = store::pools::get(c, pool_id)? else {
            return Ok((None, None));
        };
        Ok((Some(pool), store::clients::get(c, client_id)?))
    })?;
    let pool = pool.ok_or_else(|| pool_not_found(pool_id))?;
    let client = client.filter(|c| c.pool_id == pool_id).ok_or_else(|| {
        err!(
            ResourceNotFoundException,
            "User pool client {client_id} does not exist."
        )
    })?;
    Ok((client, pool))
}

/// The pool ARN.
pub fn pool_arn(ctx: &Ctx, pool_id: &str) -> String {
    format!(
        "arn:aws:cognito-idp:{}:{}:userpool/{pool_id}",
        ids::pool_region(pool_id),
        ctx.app.config.account_id
    )
}

/// `UserPoolType` of a stored pool, in the model's member order.
pub fn describe_pool(ctx: &Ctx, pool: &PoolRow) -> Result<Value> {
    let users = ctx
        .app
        .store
        .read(|c| store::pools::count_users(c, &pool.id))?;
    let Value::Object(mut config) = serde_json::to_value(&pool.config)? else {
        return Err(CognitoError::internal("pool config is not an object"));
    };
    let mut out = Map::new();
    for member in model().member_names("UserPoolType") {
        let value = match member {
            "Id" => json!(pool.id),
            "Name" => json!(pool.name),
            "LastModifiedDate" => json!(pool.updated_at),
            "CreationDate" => json!(pool.created_at),
            "EstimatedNumberOfUsers" => json!(users),
            "Arn" => json!(pool_arn(ctx, &pool.id)),
            other => config.remove(other).unwrap_or(Value::Null),
        };
        if !value.is_null() {
            out.insert(member.to_string(), value);
        }
    }
    Ok(Value::Object(out))
}

/// `UserPoolClientType` of a stored client, in the model's member order.
pub fn describe_client(client: &ClientRow) -> Result<Value> {
    let Value::Object(mut config) = serde_json::to_value(&client.config)? else {
        return Err(CognitoError::internal("client config is not an object"));
    };
    let mut out = Map::new();
    for member in model().member_names("UserPoolClientType") {
        let value = match member {
            "UserPoolId" => json!(client.pool_id),
            "ClientName" => json!(client.name),
            "ClientId" => json!(client.id),
            "ClientSecret" => json!(client.secret),
            "LastModifiedDate" => json!(client.updated_at),
            "CreationDate" => json!(client.created_at),
            other => config.remove(other).unwrap_or(Value::Null),
        };
        if !value.is_null() {
            out.insert(member.to_string(), value);
        }
    }
    Ok(Value::Object(out))
}

/// Parses an incoming pagination token.
pub fn page_start(ctx: &Ctx, token: Option<&str>) -> Result<i64> {
    match token {
        None => Ok(0),
        Some(t) => ids::parse_page_token(t).ok_or_else(|| {
            err!(
                InvalidParameterException,
                "Paging marker {t} is invalid for request {}",
                ctx.request_id
            )
        }),
    }
}

/// Splits one extra row off a page query: returns the page and the token of the next one.
pub fn paginate<T>(
    mut rows: Vec<T>,
    limit: usize,
    pk: impl Fn(&T) -> i64,
) -> (Vec<T>, Option<String>) {
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(|r| ids::page_token(pk(r)));
        (rows, next)
    } else {
        (rows, None)
    }
}

/// Where sign-up codes go: the phone when phone_number is auto-verified (AWS sends only the SMS when both
/// are), else the email when email is.
pub fn verification_delivery(
    pool: &PoolRow,
    attrs: &crate::domain::attributes::Attributes,
) -> Option<Delivery> {
    use crate::domain::attributes::get;
    if pool.config.auto_verifies("phone_number") {
        if let Some(phone) = get(attrs, "phone_number").filter(|p| !p.is_empty()) {
            return Some(Delivery::sms(phone));
        }
    }
    if pool.config.auto_verifies("email") {
        if let Some(email) = get(attrs, "email").filter(|e| !e.is_empty()) {
            return Some(Delivery::email(email));
        }
    }
    None
}

/// How long a sign-up confirmation code is valid (24 hours).
pub const SIGN_UP_CODE_TTL: f64 = 24.0 * 3600.0;

/// A code the pool sends (sign-up confirmation, attribute verification, password reset).
pub struct CodeMessage<'a> {
    /// The user.
    pub user_pk: i64,
    /// Internal username.
    pub username: &'a str,
    /// Channel and address.
    pub delivery: &'a Delivery,
    /// Stored under this purpose (sign_up, verify_email, forgot_password...).
    pub purpose: &'a str,
    /// Outbox kind (sign_up, resend, verify_attribute, forgot_password).
    pub kind: &'a str,
    /// A new attribute value that takes effect once verified.
    pub value: Option<&'a str>,
    /// Validity in seconds.
    pub ttl: f64,
}

/// Stores a fresh code and queues the pool's verification message carrying it, in the caller's
/// transaction (AWS uses the verification template for sign-up, attribute and reset codes alike).
pub fn send_code(
    ctx: &Ctx,
    c: &rusqlite::Connection,
    pool: &PoolRow,
    m: &CodeMessage<'_>,
) -> Result<()> {
    let now = ctx.now();
    let code = ids::code(ctx.app.config.fixed_code.as_deref());
    store::codes::put(
        c,
        m.user_pk,
        m.purpose,
        &code,
        Some(m.delivery.attribute),
        m.value,
        now,
        m.ttl,
    )?;
    let (subject, template) = match m.delivery.medium {
        "SMS" => (String::new(), pool.config.verification_sms()),
        _ => pool.config.verification_email(),
    };
    crate::mail::queue(
        c,
        &crate::mail::Outgoing {
            pool_id: &pool.id,
            username: m.username,
            kind: m.kind,
            delivery: m.delivery,
            subject: &subject,
            template: &template,
            code: &code,
        },
        now,
    )?;
    Ok(())
}

/// Stores a fresh sign-up code and queues the verification message.
pub fn send_sign_up_code(
    ctx: &Ctx,
    c: &rusqlite::Connection,
    pool: &PoolRow,
    user_pk: i64,
    username: &str,
    delivery: &Delivery,
    kind: &str,
) -> Result<()> {
    let m = CodeMessage {
        user_pk,
        username,
        delivery,
        purpose: "sign_up",
        kind,
        value: None,
        ttl: SIGN_UP_CODE_TTL,
    };
    send_code(ctx, c, pool, &m)
}

/// "Attempt limit exceeded, please try after some time."
pub fn attempt_limit() -> CognitoError {
    err!(
        LimitExceededException,
        "Attempt limit exceeded, please try after some time."
    )
}

/// Counts one `action` of the user against a limit per hour; `Err` once the limit is passed.
pub fn rate_limit(
    ctx: &Ctx,
    c: &rusqlite::Connection,
    user_pk: i64,
    action: &str,
    per_hour: u32,
) -> Result<()> {
    if store::codes::hit(c, user_pk, action, ctx.now(), 3600.0)? > per_hour as i64 {
        return Err(attempt_limit());
    }
    Ok(())
}

/// "Invalid code provided, please request a code again."
pub fn expired_code() -> CognitoError {
    err!(
        ExpiredCodeException,
        "Invalid code provided, please request a code again."
    )
}

/// The user's live code for `purpose`, if `given` is it (compared in constant time). No live code is
/// [`expired_code`]; a wrong one is counted and CodeMismatchException.
pub fn check_code(
    c: &rusqlite::Connection,
    user_pk: i64,
    purpose: &str,
    given: &str,
    now: f64,
) -> Result<store::codes::CodeRow> {
    let code = store::codes::get(c, user_pk, purpose)?
        .filter(|code| code.expires_at > now)
        .ok_or_else(expired_code)?;
    if !code_is(&code, given) {
        store::codes::record_failure(c, user_pk, purpose)?;
        return Err(err!(
            CodeMismatchException,
            "Invalid verification code provided, please try again."
        ));
    }
    Ok(code)
}

/// Whether `given` is the code (constant time).
pub fn code_is(code: &store::codes::CodeRow, given: &str) -> bool {
    use subtle::ConstantTimeEq;
    bool::from(code.code.as_bytes().ct_eq(given.as_bytes()))
}

/// The user an access token belongs to, with its pool, after verifying the token.
pub fn token_user(
    ctx: &Ctx,
    access_token: &str,
) -> Result<(
    crate::auth::tokens::AccessClaims,
    PoolRow,
    crate::store::users::UserRow,
)> {
    let claims = crate::auth::tokens::verify_access(ctx, access_token)?;
    let pool = load_pool(ctx, &claims.pool_id)?;
    let (user, revoked) = ctx.app.store.read(|c| {
        let user = store::users::by_sub(c, &claims.pool_id, &claims.sub)?;
        Ok((user, store::tokens::origin_revoked(c, &claims.origin_jti)?))
    })?;
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
    Ok((claims, pool, user))
}

/// The user `username` (or an alias) of pool `pool_id`, for the Admin* operations.
pub fn admin_user(
    ctx: &Ctx,
    pool_id: &str,
    username: &str,
) -> Result<(PoolRow, crate::store::users::UserRow)> {
    let pool = load_pool(ctx, pool_id)?;
    let user = ctx
        .app
        .store
        .read(|c| store::users::resolve(c, &pool.id, &pool.config, username))?
        .ok_or_else(|| err!(UserNotFoundException, "User does not exist."))?;
    Ok((pool, user))
}

/// `DeviceType`.
pub fn describe_device(d: &crate::store::devices::DeviceRow) -> Value {
    let mut attrs = vec![json!({"Name": "device_status", "Value": "valid"})];
    if let Some(name) = &d.name {
        attrs.push(json!({"Name": "device_name", "Value": name}));
    }
    let remembered = if d.remembered {
        "remembered"
    } else {
        "not_remembered"
    };
    attrs.push(json!({"Name": "dev:device_remembered_status", "Value": remembered}));
    json!({
        "DeviceKey": d.device_key,
        "DeviceAttributes": attrs,
        "DeviceCreateDate": d.created_at,
        "DeviceLastModifiedDate": d.updated_at,
        "DeviceLastAuthenticatedDate": d.last_auth_at,
    })
}

pub use crate::auth::user_device;

/// `UserType` of a stored user (AdminCreateUser, ListUsers).
pub fn user_type(user: &crate::store::users::UserRow) -> Value {
    let mut out = Map::new();
    out.insert("Username".into(), json!(user.username));
    out.insert(
        "Attributes".into(),
        json!(crate::domain::attributes::readable(&user.attributes, None)),
    );
    out.insert("UserCreateDate".into(), json!(user.created_at));
    out.insert("UserLastModifiedDate".into(), json!(user.updated_at));
    out.insert("Enabled".into(), json!(user.enabled));
    out.insert("UserStatus".into(), json!(user.status.as_str()));
    if user.mfa.sms_enabled {
        out.insert(
            "MFAOptions".into(),
            json!([{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]),
        );
    }
    Value::Object(out)
}

/// The group `name` of pool `pool_id`, or ResourceNotFoundException.
pub fn load_group(ctx: &Ctx, pool_id: &str, name: &str) -> Result<crate::store::groups::GroupRow> {
    load_pool(ctx, pool_id)?;
    ctx.app
        .store
        .read(|c| store::groups::get(c, pool_id, name))?
        .ok_or_else(|| err!(ResourceNotFoundException, "Group not found."))
}

/// `GroupType`.
pub fn describe_group(g: &crate::store::groups::GroupRow) -> Value {
    json!({
        "GroupName": g.name,
        "UserPoolId": g.pool_id,
        "Description": g.description,
        "RoleArn": g.role_arn,
        "Precedence": g.precedence,
        "LastModifiedDate": g.updated_at,
        "CreationDate": g.created_at,
    })
}
