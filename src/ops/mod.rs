//! The operations: one file each (typed request, `handle`), one line each in the list below. An
//! operation of the model that is not in the list answers `UnsupportedOperationException` naming it.
//! Helpers several operations share live in their own modules (`load`, `shapes`, `paging`,
//! `user_attributes`, `mfa_settings`, `oauth_settings`, `wire`), never in another operation's file.

pub mod load;
pub mod mfa_settings;
pub mod oauth_settings;
pub mod paging;
pub mod shapes;
pub mod user_attributes;
pub mod wire;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::app::Ctx;
use crate::err;
use crate::error::Result;
use crate::model::model;
pub use wire::{strip_nulls, validated};

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

fn call<Req: DeserializeOwned, Resp: Serialize>(
    f: fn(&Ctx, Req) -> Result<Resp>,
    ctx: &Ctx,
    input: Value,
) -> Result<Value> {
    Ok(serde_json::to_value(f(ctx, wire::decode(input)?)?)?)
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
    "CreateResourceServer" => create_resource_server,
    "CreateUserPool" => create_user_pool,
    "CreateUserPoolClient" => create_user_pool_client,
    "CreateUserPoolDomain" => create_user_pool_domain,
    "DeleteGroup" => delete_group,
    "DeleteResourceServer" => delete_resource_server,
    "DeleteUser" => delete_user,
    "DeleteUserAttributes" => delete_user_attributes,
    "DeleteUserPool" => delete_user_pool,
    "DeleteUserPoolClient" => delete_user_pool_client,
    "DeleteUserPoolDomain" => delete_user_pool_domain,
    "DescribeResourceServer" => describe_resource_server,
    "DescribeUserPool" => describe_user_pool,
    "DescribeUserPoolClient" => describe_user_pool_client,
    "DescribeUserPoolDomain" => describe_user_pool_domain,
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
    "ListResourceServers" => list_resource_servers,
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
    "UpdateResourceServer" => update_resource_server,
    "UpdateUserAttributes" => update_user_attributes,
    "UpdateUserPool" => update_user_pool,
    "UpdateUserPoolClient" => update_user_pool_client,
    "UpdateUserPoolDomain" => update_user_pool_domain,
    "VerifySoftwareToken" => verify_software_token,
    "VerifyUserAttribute" => verify_user_attribute,
}
