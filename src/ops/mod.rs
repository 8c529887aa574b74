//! The operations: one file each (typed request, `handle`), one line each in the list below. An
//! operation of the model that is not in the list answers `UnsupportedOperationException` naming it.
//! Helpers several operations share live in their own modules (`load`, `shapes`, `paging`,
//! `user_attributes`, `mfa_settings`, `oauth_settings`, `wire`), never in another operation's file.

pub mod branding;
pub mod identity_providers;
pub mod import_jobs;
pub mod load;
pub mod mfa_settings;
pub mod oauth_settings;
pub mod paging;
pub mod provisioned_limits;
pub mod replicas;
pub mod session_config;
pub mod shapes;
pub mod tagging;
pub mod terms;
pub mod ui_customization;
pub mod user_attributes;
pub mod user_sessions;
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
    "AddUserPoolClientSecret" => add_user_pool_client_secret,
    "AdminAddUserToGroup" => admin_add_user_to_group,
    "AdminConfirmSignUp" => admin_confirm_sign_up,
    "AdminCreateUser" => admin_create_user,
    "AdminDeleteSoftwareToken" => admin_delete_software_token,
    "AdminDeleteUser" => admin_delete_user,
    "AdminDeleteUserAttributes" => admin_delete_user_attributes,
    "AdminDisableProviderForUser" => admin_disable_provider_for_user,
    "AdminDisableUser" => admin_disable_user,
    "AdminEnableUser" => admin_enable_user,
    "AdminForgetDevice" => admin_forget_device,
    "AdminGetDevice" => admin_get_device,
    "AdminGetUser" => admin_get_user,
    "AdminGetUserAuthFactors" => admin_get_user_auth_factors,
    "AdminInitiateAuth" => admin_initiate_auth,
    "AdminLinkProviderForUser" => admin_link_provider_for_user,
    "AdminListDevices" => admin_list_devices,
    "AdminListGroupsForUser" => admin_list_groups_for_user,
    "AdminListUserAuthEvents" => admin_list_user_auth_events,
    "AdminListUserSessions" => admin_list_user_sessions,
    "AdminRemoveUserFromGroup" => admin_remove_user_from_group,
    "AdminResetUserPassword" => admin_reset_user_password,
    "AdminRespondToAuthChallenge" => admin_respond_to_auth_challenge,
    "AdminRevokeUserSession" => admin_revoke_user_session,
    "AdminSetUserMFAPreference" => admin_set_user_mfa_preference,
    "AdminSetUserPassword" => admin_set_user_password,
    "AdminSetUserSettings" => admin_set_user_settings,
    "AdminUpdateAuthEventFeedback" => admin_update_auth_event_feedback,
    "AdminUpdateDeviceStatus" => admin_update_device_status,
    "AdminUpdateUserAttributes" => admin_update_user_attributes,
    "AdminUserGlobalSignOut" => admin_user_global_sign_out,
    "AssociateSoftwareToken" => associate_software_token,
    "ChangePassword" => change_password,
    "CompleteWebAuthnRegistration" => complete_web_authn_registration,
    "ConfirmDevice" => confirm_device,
    "ConfirmForgotPassword" => confirm_forgot_password,
    "ConfirmSignUp" => confirm_sign_up,
    "CreateGroup" => create_group,
    "CreateIdentityProvider" => create_identity_provider,
    "CreateManagedLoginBranding" => create_managed_login_branding,
    "CreateResourceServer" => create_resource_server,
    "CreateTerms" => create_terms,
    "CreateUserImportJob" => create_user_import_job,
    "CreateUserPool" => create_user_pool,
    "CreateUserPoolClient" => create_user_pool_client,
    "CreateUserPoolDomain" => create_user_pool_domain,
    "CreateUserPoolReplica" => create_user_pool_replica,
    "DeleteGroup" => delete_group,
    "DeleteIdentityProvider" => delete_identity_provider,
    "DeleteManagedLoginBranding" => delete_managed_login_branding,
    "DeleteResourceServer" => delete_resource_server,
    "DeleteTerms" => delete_terms,
    "DeleteUser" => delete_user,
    "DeleteUserAttributes" => delete_user_attributes,
    "DeleteUserPool" => delete_user_pool,
    "DeleteUserPoolClient" => delete_user_pool_client,
    "DeleteUserPoolClientSecret" => delete_user_pool_client_secret,
    "DeleteUserPoolDomain" => delete_user_pool_domain,
    "DeleteUserPoolReplica" => delete_user_pool_replica,
    "DeleteWebAuthnCredential" => delete_web_authn_credential,
    "DescribeIdentityProvider" => describe_identity_provider,
    "DescribeManagedLoginBranding" => describe_managed_login_branding,
    "DescribeManagedLoginBrandingByClient" => describe_managed_login_branding_by_client,
    "DescribeResourceServer" => describe_resource_server,
    "DescribeRiskConfiguration" => describe_risk_configuration,
    "DescribeTerms" => describe_terms,
    "DescribeTermsByClient" => describe_terms_by_client,
    "DescribeUserImportJob" => describe_user_import_job,
    "DescribeUserPool" => describe_user_pool,
    "DescribeUserPoolClient" => describe_user_pool_client,
    "DescribeUserPoolDomain" => describe_user_pool_domain,
    "ForgetDevice" => forget_device,
    "ForgotPassword" => forgot_password,
    "GetCSVHeader" => get_csv_header,
    "GetClientToken" => get_client_token,
    "GetDerivedToken" => get_derived_token,
    "GetDevice" => get_device,
    "GetGroup" => get_group,
    "GetIdentityProviderByIdentifier" => get_identity_provider_by_identifier,
    "GetLogDeliveryConfiguration" => get_log_delivery_configuration,
    "GetProvisionedLimit" => get_provisioned_limit,
    "GetSigningCertificate" => get_signing_certificate,
    "GetTokensFromRefreshToken" => get_tokens_from_refresh_token,
    "GetUICustomization" => get_ui_customization,
    "GetUser" => get_user,
    "GetUserAttributeVerificationCode" => get_user_attribute_verification_code,
    "GetUserAuthFactors" => get_user_auth_factors,
    "GetUserPoolClientSessionConfiguration" => get_user_pool_client_session_configuration,
    "GetUserPoolMfaConfig" => get_user_pool_mfa_config,
    "GetUserPoolSessionConfiguration" => get_user_pool_session_configuration,
    "GlobalSignOut" => global_sign_out,
    "InitiateAuth" => initiate_auth,
    "ListDevices" => list_devices,
    "ListGroups" => list_groups,
    "ListIdentityProviders" => list_identity_providers,
    "ListResourceServers" => list_resource_servers,
    "ListTagsForResource" => list_tags_for_resource,
    "ListTerms" => list_terms,
    "ListUserImportJobs" => list_user_import_jobs,
    "ListUserPoolClientSecrets" => list_user_pool_client_secrets,
    "ListUserPoolClients" => list_user_pool_clients,
    "ListUserPoolReplicas" => list_user_pool_replicas,
    "ListUserPools" => list_user_pools,
    "ListUserSessions" => list_user_sessions,
    "ListUsers" => list_users,
    "ListUsersInGroup" => list_users_in_group,
    "ListWebAuthnCredentials" => list_web_authn_credentials,
    "ResendConfirmationCode" => resend_confirmation_code,
    "RespondToAuthChallenge" => respond_to_auth_challenge,
    "RevokeToken" => revoke_token,
    "RevokeUserSession" => revoke_user_session,
    "SetLogDeliveryConfiguration" => set_log_delivery_configuration,
    "SetRiskConfiguration" => set_risk_configuration,
    "SetUICustomization" => set_ui_customization,
    "SetUserMFAPreference" => set_user_mfa_preference,
    "SetUserPoolClientSessionConfiguration" => set_user_pool_client_session_configuration,
    "SetUserPoolMfaConfig" => set_user_pool_mfa_config,
    "SetUserPoolSessionConfiguration" => set_user_pool_session_configuration,
    "SetUserSettings" => set_user_settings,
    "SignUp" => sign_up,
    "StartUserImportJob" => start_user_import_job,
    "StartWebAuthnRegistration" => start_web_authn_registration,
    "StopUserImportJob" => stop_user_import_job,
    "TagResource" => tag_resource,
    "UntagResource" => untag_resource,
    "UpdateAuthEventFeedback" => update_auth_event_feedback,
    "UpdateDeviceStatus" => update_device_status,
    "UpdateGroup" => update_group,
    "UpdateIdentityProvider" => update_identity_provider,
    "UpdateManagedLoginBranding" => update_managed_login_branding,
    "UpdateProvisionedLimit" => update_provisioned_limit,
    "UpdateResourceServer" => update_resource_server,
    "UpdateTerms" => update_terms,
    "UpdateUserAttributes" => update_user_attributes,
    "UpdateUserPool" => update_user_pool,
    "UpdateUserPoolClient" => update_user_pool_client,
    "UpdateUserPoolDomain" => update_user_pool_domain,
    "UpdateUserPoolReplica" => update_user_pool_replica,
    "VerifySoftwareToken" => verify_software_token,
    "VerifyUserAttribute" => verify_user_attribute,
}
