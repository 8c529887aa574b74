//! AWS's validations the emulator used to skip (issue 15), each with AWS's answer as an AWS-verified
//! test, the documentation or a published answer records it: schema constraints, mirrored verification
//! messages, no AccountRecoverySetting unless set, masked destinations, MFA configuration rules,
//! unknown attributes on delete, `*_verified` in any case, client-side flows on AdminInitiateAuth, no
//! reset of temporary passwords, required members in the model's words.

use crate::common::{Emulator, password_auth, start};
use serde_json::{Value, json};

const PW: &str = "Passw0rd!";

async fn schema_error(emu: &Emulator, attribute: Value) -> String {
    let body = json!({"PoolName": "schema", "Schema": [attribute]});
    emu.err("CreateUserPool", body, "InvalidParameterException").await
}

fn attribute<'a>(pool: &'a Value, name: &str) -> &'a Value {
    pool["SchemaAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Name"] == name)
        .unwrap_or_else(|| panic!("{name} in {pool}"))
}

#[tokio::test]
async fn schema_constraints_are_checked_as_aws_checks_them() {
    let emu = start().await;
    let string = |c: Value| json!({"Name": "email", "AttributeDataType": "String", "StringAttributeConstraints": c});
    assert_eq!(
        schema_error(&emu, string(json!({"MinLength": "invalid_value"}))).await,
        "Invalid StringAttributeConstraints for schema attribute email"
    );
    assert_eq!(
        schema_error(&emu, string(json!({"MaxLength": "2049"}))).await,
        "user.email: String attributes cannot have a length of more than 2048"
    );
    assert_eq!(
        schema_error(&emu, string(json!({"MinLength": "2", "MaxLength": "1"}))).await,
        "user.email: Max length cannot be less than min length."
    );
    let number = json!({"Name": "updated_at", "AttributeDataType": "Number",
                        "NumberAttributeConstraints": {"MinValue": "2", "MaxValue": "1"}});
    assert_eq!(
        schema_error(&emu, number).await,
        "user.updated_at: Max value cannot be less than min value."
    );
    let bad_number = json!({"Name": "updated_at", "AttributeDataType": "Number",
                            "NumberAttributeConstraints": {"MaxValue": "x"}});
    assert_eq!(
        schema_error(&emu, bad_number).await,
        "Invalid NumberAttributeConstraints for schema attribute updated_at"
    );
    for changed in [
        json!({"Name": "email", "AttributeDataType": "Number"}),
        json!({"Name": "email", "DeveloperOnlyAttribute": true}),
    ] {
        assert_eq!(
            schema_error(&emu, changed).await,
            "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email"
        );
    }
    assert_eq!(
        schema_error(&emu, json!({"Name": "tenant"})).await,
        "Invalid AttributeDataType input, consider using the provided AttributeDataType enum."
    );
    assert_eq!(
        schema_error(&emu, json!({"Name": "t", "AttributeDataType": "String", "Required": true}))
            .await,
        "Required custom attributes are not supported currently."
    );
    // Nothing was created by the refused requests.
    let pools = emu.ok("ListUserPools", json!({"MaxResults": 10})).await;
    assert_eq!(pools["UserPools"], json!([]));
}

#[tokio::test]
async fn custom_attributes_get_their_names_and_only_their_type_s_constraints() {
    let emu = start().await;
    let both = json!({"MinValue": "10", "MaxValue": "20"});
    let lengths = json!({"MinLength": "10", "MaxLength": "20"});
    let out = emu
        .ok(
            "CreateUserPool",
            json!({"PoolName": "custom", "Schema": [
                {"Name": "string", "AttributeDataType": "String", "NumberAttributeConstraints": both, "StringAttributeConstraints": lengths},
                {"Name": "number", "AttributeDataType": "Number", "NumberAttributeConstraints": both, "StringAttributeConstraints": lengths},
                {"Name": "boolean", "AttributeDataType": "Boolean", "NumberAttributeConstraints": both, "StringAttributeConstraints": lengths},
                {"Name": "plain", "AttributeDataType": "Number"},
                {"Name": "banana", "AttributeDataType": "String", "DeveloperOnlyAttribute": true},
            ]}),
        )
        .await;
    let pool = &out["UserPool"];
    let string = attribute(pool, "custom:string");
    assert_eq!(string["StringAttributeConstraints"], lengths);
    assert!(string.get("NumberAttributeConstraints").is_none());
    let number = attribute(pool, "custom:number");
    assert_eq!(number["NumberAttributeConstraints"], both);
    assert!(number.get("StringAttributeConstraints").is_none());
    let boolean = attribute(pool, "custom:boolean");
    assert!(
        boolean.get("NumberAttributeConstraints").is_none()
            && boolean.get("StringAttributeConstraints").is_none()
    );
    assert!(attribute(pool, "custom:plain").get("NumberAttributeConstraints").is_none());
    let dev = attribute(pool, "dev:custom:banana");
    assert_eq!(dev["DeveloperOnlyAttribute"], true);
    // Adding it again names the existing developer-only attribute.
    let id = pool["Id"].as_str().unwrap();
    let again = json!({"UserPoolId": id, "CustomAttributes": [{"Name": "banana", "AttributeDataType": "String"}]});
    assert_eq!(
        emu.err("AddCustomAttributes", again, "InvalidParameterException").await,
        "custom:banana: Existing attribute already has name dev:custom:banana."
    );
}

#[tokio::test]
async fn verification_messages_mirror_the_template_and_recovery_is_not_reported_unless_set() {
    let emu = start().await;
    let template = json!({"DefaultEmailOption": "CONFIRM_WITH_LINK", "EmailMessage": "foo {####} bar",
        "EmailMessageByLink": "{##foobar##}", "EmailSubject": "foobar {####}", "EmailSubjectByLink": "foobar",
        "SmsMessage": "{####} baz"});
    let out = emu
        .ok("CreateUserPool", json!({"PoolName": "t", "VerificationMessageTemplate": template}))
        .await;
    let pool = &out["UserPool"];
    assert_eq!(pool["SmsVerificationMessage"], "{####} baz");
    assert_eq!(pool["EmailVerificationSubject"], "foobar {####}");
    assert_eq!(pool["EmailVerificationMessage"], "foo {####} bar");
    assert!(pool.get("AccountRecoverySetting").is_none(), "{pool}");
    let described = emu.ok("DescribeUserPool", json!({"UserPoolId": pool["Id"]})).await;
    assert_eq!(described["UserPool"]["SmsVerificationMessage"], "{####} baz");
    assert!(described["UserPool"].get("AccountRecoverySetting").is_none());
}

#[tokio::test]
async fn without_account_recovery_setting_a_reset_prefers_the_phone() {
    let emu = start().await;
    let pool = emu.pool(json!({"PoolName": "legacy"})).await;
    let (client, _) = emu.client(&pool, json!({})).await;
    let attrs = json!([
        {"Name": "email", "Value": "test@mail.example"}, {"Name": "email_verified", "Value": "True"},
        {"Name": "phone_number", "Value": "+15555550123"}, {"Name": "phone_number_verified", "Value": "true"}]);
    emu.ok("AdminCreateUser", json!({"UserPoolId": pool, "Username": "both", "UserAttributes": attrs, "MessageAction": "SUPPRESS"}))
        .await;
    emu.ok(
        "AdminSetUserPassword",
        json!({"UserPoolId": pool, "Username": "both", "Password": PW, "Permanent": true}),
    )
    .await;
    let out = emu.ok("ForgotPassword", json!({"ClientId": client, "Username": "both"})).await;
    assert_eq!(out["CodeDeliveryDetails"]["DeliveryMedium"], "SMS");
    // With the setting, its order applies, and an email is masked as t***@m***.
    emu.ok(
        "UpdateUserPool",
        json!({"UserPoolId": pool, "AccountRecoverySetting": {"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]}}),
    )
    .await;
    let out = emu.ok("ForgotPassword", json!({"ClientId": client, "Username": "both"})).await;
    assert_eq!(
        out["CodeDeliveryDetails"],
        json!({"Destination": "t***@m***", "DeliveryMedium": "EMAIL", "AttributeName": "email"})
    );
    // "True" was accepted as verified, and stored as "true".
    let user = emu.admin_get_user(&pool, "both").await;
    let verified = user["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Name"] == "email_verified")
        .unwrap();
    assert_eq!(verified["Value"], "true");
}

#[tokio::test]
async fn mfa_configuration_needs_a_usable_factor() {
    let emu = start().await;
    let pool = emu.pool(json!({"PoolName": "mfa"})).await;
    let set = |extra: Value| {
        let mut body = json!({"UserPoolId": pool});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    assert_eq!(
        emu.err(
            "SetUserPoolMfaConfig",
            set(json!({"MfaConfiguration": "ON"})),
            "InvalidParameterException"
        )
        .await,
        "At least one of [SmsMfaConfiguration] or [SoftwareTokenMfaConfiguration] must be provided."
    );
    assert_eq!(
        emu.err(
            "SetUserPoolMfaConfig",
            set(json!({"MfaConfiguration": "ON", "SmsMfaConfiguration": {}})),
            "InvalidParameterException"
        )
        .await,
        "[SmsConfiguration] is a required member of [SoftwareTokenMfaConfiguration]."
    );
    assert_eq!(
        emu.err(
            "SetUserPoolMfaConfig",
            set(json!({"MfaConfiguration": "ON", "SoftwareTokenMfaConfiguration": {"Enabled": false}})),
            "InvalidParameterException"
        )
        .await,
        "Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration."
    );
    assert_eq!(
        emu.err(
            "SetUserPoolMfaConfig",
            set(json!({"MfaConfiguration": "OFF", "SoftwareTokenMfaConfiguration": {"Enabled": true}})),
            "InvalidParameterException"
        )
        .await,
        "Invalid MFA configuration given, can't turn off MFA and configure an MFA together."
    );
    let on = emu
        .ok("SetUserPoolMfaConfig", set(json!({"MfaConfiguration": "ON", "SoftwareTokenMfaConfiguration": {"Enabled": true}})))
        .await;
    assert_eq!(
        on,
        json!({"SoftwareTokenMfaConfiguration": {"Enabled": true}, "MfaConfiguration": "ON"})
    );
    let off = emu.ok("SetUserPoolMfaConfig", set(json!({"MfaConfiguration": "OFF"}))).await;
    assert_eq!(off, json!({"MfaConfiguration": "OFF"}));
    assert_eq!(
        emu.ok("GetUserPoolMfaConfig", set(json!({}))).await,
        json!({"MfaConfiguration": "OFF"})
    );
    let sns = json!({"SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/sms"}});
    let sms = emu
        .ok(
            "SetUserPoolMfaConfig",
            set(json!({"MfaConfiguration": "OPTIONAL", "SmsMfaConfiguration": sns})),
        )
        .await;
    assert_eq!(sms["SmsMfaConfiguration"], sns);
    assert_eq!(
        emu.ok("DescribeUserPool", set(json!({}))).await["UserPool"]["MfaConfiguration"],
        "OPTIONAL"
    );
}

#[tokio::test]
async fn admin_delete_user_attributes_lists_every_unknown_attribute() {
    let emu = start().await;
    let pool = emu.pool(json!({"PoolName": "attrs"})).await;
    let attrs = json!([{"Name": "nickname", "Value": "Joe"}]);
    emu.ok(
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "joe", "UserAttributes": attrs}),
    )
    .await;
    let delete =
        |names: Value| json!({"UserPoolId": pool, "Username": "joe", "UserAttributeNames": names});
    assert_eq!(
        emu.err(
            "AdminDeleteUserAttributes",
            delete(json!(["nickname", "custom:foo"])),
            "InvalidParameterException"
        )
        .await,
        "Invalid user attributes: user.custom:foo: Attribute does not exist in the schema.\n"
    );
    assert_eq!(
        emu.err(
            "AdminDeleteUserAttributes",
            delete(json!(["nickname", "custom:foo", "custom:bar"])),
            "InvalidParameterException"
        )
        .await,
        "Invalid user attributes: user.custom:foo: Attribute does not exist in the schema.\nuser.custom:bar: Attribute does not exist in the schema.\n"
    );
    // Nothing was deleted.
    let user = emu.admin_get_user(&pool, "joe").await;
    assert!(user["UserAttributes"].as_array().unwrap().iter().any(|a| a["Name"] == "nickname"));
}

#[tokio::test]
async fn client_side_flows_and_temporary_passwords() {
    let emu = start().await;
    let pool = emu.pool(json!({"PoolName": "flows", "AutoVerifiedAttributes": ["email"]})).await;
    let flows = json!([
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH"
    ]);
    let (client, _) = emu.client(&pool, json!({"ExplicitAuthFlows": flows})).await;
    let attrs = json!([{"Name": "email", "Value": "tmp@example.com"}, {"Name": "email_verified", "Value": "TRUE"}]);
    emu.ok(
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "tmp", "TemporaryPassword": PW, "UserAttributes": attrs, "MessageAction": "SUPPRESS"}),
    )
    .await;
    let admin_auth = json!({"UserPoolId": pool, "ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH",
                            "AuthParameters": {"USERNAME": "tmp", "PASSWORD": PW}});
    assert_eq!(
        emu.err("AdminInitiateAuth", admin_auth, "InvalidParameterException").await,
        "Initiate Auth method not supported."
    );
    // The same flow through InitiateAuth works (the user gets NEW_PASSWORD_REQUIRED).
    let out = password_auth(&emu, &client, None, "tmp", PW).await.ok();
    assert_eq!(out["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    // A user with a temporary password cannot reset it.
    assert_eq!(
        emu.err(
            "ForgotPassword",
            json!({"ClientId": client, "Username": "tmp"}),
            "NotAuthorizedException"
        )
        .await,
        "User password cannot be reset in the current state."
    );
    assert_eq!(
        emu.err(
            "AdminResetUserPassword",
            json!({"UserPoolId": pool, "Username": "tmp"}),
            "NotAuthorizedException"
        )
        .await,
        "User password cannot be reset in the current state."
    );
    assert_eq!(emu.admin_get_user(&pool, "tmp").await["UserStatus"], "FORCE_CHANGE_PASSWORD");
}

#[tokio::test]
async fn a_member_the_operation_needs_is_reported_in_the_models_words() {
    let emu = start().await;
    // GetDevice's AccessToken is optional in the model but needed.
    let a = emu
        .call("GetDevice", json!({"DeviceKey": "us-east-1_0e2b4b6c-1111-4222-8333-444455556666"}))
        .await;
    assert_eq!(
        a.err("InvalidParameterException"),
        "1 validation error detected: Value null at 'accessToken' failed to satisfy constraint: Member must not be null"
    );
    assert!(!a.message().contains("missing field"));
}
