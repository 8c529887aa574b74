//! SignUp, ConfirmSignUp, ResendConfirmationCode, AdminConfirmSignUp and the outbox.

use crate::common::{
    self, confirm_sign_up, confirmed_user, password_pool, secret_hash, sign_up, start, wrong_code,
};
use serde_json::json;

#[tokio::test]
async fn sign_up_sends_a_code_and_confirmation_verifies_the_email() {
    let emu = start().await;
    let (pool, client, _) = password_pool(&emu, false).await;
    let out = sign_up(
        &emu,
        &client,
        "alice",
        "Passw0rd!",
        &[("email", "alice@example.com"), ("name", "Alice")],
    )
    .await
    .ok();
    assert_eq!(out["UserConfirmed"], false);
    assert_eq!(
        out["CodeDeliveryDetails"],
        json!({"Destination": "a***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"})
    );
    let sub = out["UserSub"].as_str().unwrap();
    assert_eq!(sub.len(), 36);

    let (_, msgs) = emu.get("/_emulator/messages?destination=alice%40example.com").await;
    let m = &msgs["messages"][0];
    assert_eq!(m["subject"], "Your verification code");
    let code = m["code"].as_str().unwrap();
    assert_eq!(code.len(), 6);
    assert_eq!(m["body"], format!("Your verification code is {code}. "));
    assert_eq!(m["username"], "alice");
    assert_eq!(m["poolId"], pool);

    let user = emu.admin_get_user(&pool, "alice").await;
    assert_eq!(user["UserStatus"], "UNCONFIRMED");
    assert_eq!(user["Enabled"], true);
    assert_eq!(user["UserAttributes"][0], json!({"Name": "sub", "Value": sub}));

    confirm_sign_up(&emu, &client, "alice", &code).await.ok();
    let user = emu.admin_get_user(&pool, "alice").await;
    assert_eq!(user["UserStatus"], "CONFIRMED");
    assert!(
        user["UserAttributes"]
            .as_array()
            .unwrap()
            .contains(&json!({"Name": "email_verified", "Value": "true"}))
    );
    assert_eq!(
        confirm_sign_up(&emu, &client, "alice", &code).await.err("NotAuthorizedException"),
        "User cannot be confirmed. Current status is CONFIRMED"
    );
    assert_eq!(
        emu.err(
            "ResendConfirmationCode",
            json!({"ClientId": client, "Username": "alice"}),
            "InvalidParameterException"
        )
        .await,
        "User is already confirmed."
    );
}

#[tokio::test]
async fn wrong_expired_and_superseded_codes() {
    let emu = start().await;
    let (_, client, _) = password_pool(&emu, false).await;
    sign_up(&emu, &client, "bob", "Passw0rd!", &[("email", "bob@example.com")]).await.ok();
    let first = emu.last_code("bob@example.com").await;
    let wrong = wrong_code(&first);
    assert_eq!(
        confirm_sign_up(&emu, &client, "bob", &wrong).await.err("CodeMismatchException"),
        "Invalid verification code provided, please try again."
    );

    let out =
        emu.ok("ResendConfirmationCode", json!({"ClientId": client, "Username": "bob"})).await;
    assert_eq!(out["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    let second = emu.last_code("bob@example.com").await;
    if second != first {
        confirm_sign_up(&emu, &client, "bob", &first).await.err("CodeMismatchException");
    }
    // Codes live 24 hours on the emulator's clock.
    emu.app.clock.advance_ms(24 * 3600 * 1000 + 1000);
    assert_eq!(
        confirm_sign_up(&emu, &client, "bob", &second).await.err("ExpiredCodeException"),
        "Invalid code provided, please request a code again."
    );
    emu.ok("ResendConfirmationCode", json!({"ClientId": client, "Username": "bob"})).await;
    let third = emu.last_code("bob@example.com").await;
    confirm_sign_up(&emu, &client, "bob", &third).await.ok();
}

#[tokio::test]
async fn confirmation_attempts_are_limited_per_hour() {
    let emu = start().await;
    let (_, client, _) = password_pool(&emu, false).await;
    sign_up(&emu, &client, "carol", "Passw0rd!", &[("email", "carol@example.com")]).await.ok();
    let code = emu.last_code("carol@example.com").await;
    let wrong = wrong_code(&code);
    for _ in 0..15 {
        confirm_sign_up(&emu, &client, "carol", &wrong).await.err("CodeMismatchException");
    }
    assert_eq!(
        confirm_sign_up(&emu, &client, "carol", &code).await.err("LimitExceededException"),
        "Attempt limit exceeded, please try after some time."
    );
    emu.app.clock.advance_ms(3600 * 1000 + 1000);
    confirm_sign_up(&emu, &client, "carol", &code).await.ok();
}

#[tokio::test]
async fn username_rules_and_duplicates() {
    let emu = start().await;
    let (pool, client, _) = password_pool(&emu, false).await;
    let body = |u: &str| json!({"ClientId": client, "Username": u, "Password": "Passw0rd!", "UserAttributes": [{"Name": "email", "Value": "d@example.com"}]});
    emu.ok("SignUp", body("dave")).await;
    assert_eq!(
        emu.err("SignUp", body("dave"), "UsernameExistsException").await,
        "User already exists"
    );
    // Case-sensitive by default when UsernameConfiguration is omitted.
    emu.ok("SignUp", body("Dave")).await;

    let ci = emu
        .pool(json!({"PoolName": "ci", "UsernameConfiguration": {"CaseSensitive": false}}))
        .await;
    let (ci_client, _) = emu.client(&ci, json!({})).await;
    let b = |u: &str| json!({"ClientId": ci_client, "Username": u, "Password": "Passw0rd!"});
    emu.ok("SignUp", b("erin")).await;
    emu.err("SignUp", b("ERIN"), "UsernameExistsException").await;
    let user = emu.admin_get_user(&ci, "Erin").await;
    assert_eq!(user["Username"], "erin");

    let alias = emu.pool(json!({"PoolName": "alias", "AliasAttributes": ["email"]})).await;
    let (alias_client, _) = emu.client(&alias, json!({})).await;
    assert_eq!(
        sign_up(&emu, &alias_client, "x@example.com", "Passw0rd!", &[])
            .await
            .err("InvalidParameterException"),
        "Username cannot be of email format, since user pool is configured for email alias."
    );
    assert_eq!(
        emu.err(
            "AdminGetUser",
            json!({"UserPoolId": pool, "Username": "nobody"}),
            "UserNotFoundException"
        )
        .await,
        "User does not exist."
    );
}

#[tokio::test]
async fn email_as_username_gets_a_uuid_username() {
    let emu = start().await;
    let pool = emu
        .pool(json!({"PoolName": "email", "UsernameAttributes": ["email"], "AutoVerifiedAttributes": ["email"]}))
        .await;
    let (client, _) =
        emu.client(&pool, json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]})).await;
    let out = sign_up(&emu, &client, "fay@example.com", "Passw0rd!", &[]).await.ok();
    let sub = out["UserSub"].as_str().unwrap().to_string();
    let user = emu.admin_get_user(&pool, "fay@example.com").await;
    assert_eq!(user["Username"], sub, "the stored username is the sub");
    assert!(
        user["UserAttributes"]
            .as_array()
            .unwrap()
            .contains(&json!({"Name": "email", "Value": "fay@example.com"}))
    );
    assert_eq!(
        sign_up(&emu, &client, "fay@example.com", "Passw0rd!", &[])
            .await
            .err("UsernameExistsException"),
        "An account with the given email already exists."
    );
    assert_eq!(
        sign_up(&emu, &client, "fay", "Passw0rd!", &[]).await.err("InvalidParameterException"),
        "Username should be an email."
    );
    let code = emu.last_code("fay@example.com").await;
    confirm_sign_up(&emu, &client, "fay@example.com", &code).await.ok();
    let a = common::password_auth(&emu, &client, None, "fay@example.com", "Passw0rd!").await.ok();
    let id = common::claims(a["AuthenticationResult"]["IdToken"].as_str().unwrap());
    assert_eq!(id["cognito:username"], sub);
    assert_eq!(id["email"], "fay@example.com");
    assert_eq!(id["email_verified"], true);
}

#[tokio::test]
async fn password_policy_and_attribute_schema() {
    let emu = start().await;
    let pool = emu
        .pool(json!({"PoolName": "rules", "Schema": [
            {"Name": "email", "AttributeDataType": "String", "Required": true},
            {"Name": "tenant", "AttributeDataType": "String", "StringAttributeConstraints": {"MaxLength": "8"}},
            {"Name": "level", "AttributeDataType": "Number", "NumberAttributeConstraints": {"MinValue": "1", "MaxValue": "5"}}
        ]}))
        .await;
    let (client, _) = emu.client(&pool, json!({})).await;
    let email = ("email", "gus@example.com");
    for (pw, rule) in [
        ("Sh0rt!", "Password not long enough"),
        ("password1!", "Password must have uppercase characters"),
        ("PASSWORD1!", "Password must have lowercase characters"),
        ("Password!!", "Password must have numeric characters"),
        ("Password12", "Password must have symbol characters"),
    ] {
        assert_eq!(
            sign_up(&emu, &client, "gus", pw, &[email]).await.err("InvalidPasswordException"),
            format!("Password did not conform with policy: {rule}")
        );
    }
    let no_attributes = json!({"ClientId": client, "Username": "gus", "Password": "Passw0rd!", "UserAttributes": []});
    assert_eq!(
        emu.err("SignUp", no_attributes, "InvalidParameterException").await,
        "Attributes did not conform to the schema: emails: The attribute emails is required"
    );
    let refused = async |attributes: &[(&str, &str)], kind: &str| {
        sign_up(&emu, &client, "gus", "Passw0rd!", attributes).await.err(kind)
    };
    assert_eq!(
        refused(&[email, ("custom:nope", "x")], "InvalidParameterException").await,
        "Attributes did not conform to the schema: custom:nope: Attribute does not exist in the schema.\n"
    );
    assert!(
        refused(&[email, ("custom:tenant", "far-too-long")], "InvalidParameterException")
            .await
            .contains("custom:tenant: String must be no longer than 8 characters")
    );
    assert!(
        refused(&[email, ("custom:level", "9")], "InvalidParameterException")
            .await
            .contains("custom:level: Number must be no greater than 5")
    );
    assert!(
        refused(&[("email", "not-an-email")], "InvalidParameterException")
            .await
            .contains("email: Invalid email address format.")
    );
    assert_eq!(
        refused(&[email, ("email_verified", "true")], "NotAuthorizedException").await,
        "A client attempted to write unauthorized attribute"
    );
    let no_password = json!({"ClientId": client, "Username": "gus", "UserAttributes": [{"Name": "email", "Value": "gus@example.com"}]});
    emu.err("SignUp", no_password, "InvalidParameterException").await;
    // None of the refused sign-ups created the user.
    let gus = json!({"UserPoolId": pool, "Username": "gus"});
    emu.err("AdminGetUser", gus, "UserNotFoundException").await;
    let valid = [email, ("custom:tenant", "acme"), ("custom:level", "3")];
    sign_up(&emu, &client, "gus", "Passw0rd!", &valid).await.ok();
}

#[tokio::test]
async fn client_permissions_and_admin_only_pools() {
    let emu = start().await;
    let pool = emu.pool(json!({"PoolName": "perm", "Schema": [{"Name": "role", "AttributeDataType": "String"}]})).await;
    let (client, _) = emu.client(&pool, json!({"WriteAttributes": ["email", "name"]})).await;
    assert_eq!(
        sign_up(&emu, &client, "hal", "Passw0rd!", &[("custom:role", "admin")])
            .await
            .err("NotAuthorizedException"),
        "A client attempted to write unauthorized attribute"
    );

    let closed = emu.pool(json!({"PoolName": "closed", "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": true}})).await;
    let (closed_client, _) = emu.client(&closed, json!({})).await;
    assert_eq!(
        sign_up(&emu, &closed_client, "ivy", "Passw0rd!", &[]).await.err("NotAuthorizedException"),
        "SignUp is not permitted for this user pool"
    );
}

#[tokio::test]
async fn secret_hash_is_required_and_checked() {
    let emu = start().await;
    let (_, client, secret) = password_pool(&emu, true).await;
    let secret = secret.unwrap();
    let body = json!({"ClientId": client, "Username": "jo", "Password": "Passw0rd!", "UserAttributes": [{"Name": "email", "Value": "jo@example.com"}]});
    assert_eq!(
        emu.err("SignUp", body.clone(), "NotAuthorizedException").await,
        format!("Client {client} is configured for secret but secret was not received")
    );
    let mut wrong = body.clone();
    wrong["SecretHash"] = json!(secret_hash(&secret, "someone-else", &client));
    assert_eq!(
        emu.err("SignUp", wrong, "NotAuthorizedException").await,
        format!("Unable to verify secret hash for client {client}")
    );
    let mut right = body;
    right["SecretHash"] = json!(secret_hash(&secret, "jo", &client));
    emu.ok("SignUp", right).await;
    let code = emu.last_code("jo@example.com").await;
    confirm_sign_up(&emu, &client, "jo", &code).await.err("NotAuthorizedException");
    emu.ok("ConfirmSignUp", json!({"ClientId": client, "Username": "jo", "ConfirmationCode": code, "SecretHash": secret_hash(&secret, "jo", &client)})).await;
}

#[tokio::test]
async fn unknown_users_and_prevent_user_existence_errors() {
    let emu = start().await;
    let (pool, client, _) = password_pool(&emu, false).await;
    assert_eq!(
        confirm_sign_up(&emu, &client, "ghost", "123456").await.err("UserNotFoundException"),
        "Username/client id combination not found."
    );
    assert_eq!(
        emu.err(
            "ResendConfirmationCode",
            json!({"ClientId": client, "Username": "ghost"}),
            "UserNotFoundException"
        )
        .await,
        "Username/client id combination not found."
    );
    let (quiet, _) = emu.client(&pool, json!({"PreventUserExistenceErrors": "ENABLED"})).await;
    confirm_sign_up(&emu, &quiet, "ghost", "123456").await.err("CodeMismatchException");
    let out =
        emu.ok("ResendConfirmationCode", json!({"ClientId": quiet, "Username": "ghost"})).await;
    assert_eq!(out["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
}

#[tokio::test]
async fn admin_confirm_and_phone_channel() {
    let emu = start().await;
    let pool = emu
        .pool(json!({"PoolName": "sms", "AutoVerifiedAttributes": ["email", "phone_number"]}))
        .await;
    let (client, _) = emu.client(&pool, json!({})).await;
    let out = sign_up(
        &emu,
        &client,
        "kim",
        "Passw0rd!",
        &[("email", "kim@example.com"), ("phone_number", "+14325551212")],
    )
    .await
    .ok();
    // With both channels auto-verified, AWS texts the phone only.
    assert_eq!(
        out["CodeDeliveryDetails"],
        json!({"Destination": "+*******1212", "DeliveryMedium": "SMS", "AttributeName": "phone_number"})
    );
    let (_, msgs) = emu.get("/_emulator/messages?destination=%2B14325551212").await;
    assert_eq!(msgs["messages"][0]["medium"], "SMS");
    emu.ok("AdminConfirmSignUp", json!({"UserPoolId": pool, "Username": "kim"})).await;
    let user = emu.admin_get_user(&pool, "kim").await;
    assert_eq!(user["UserStatus"], "CONFIRMED");
    let verified = user["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["Name"] == "phone_number_verified");
    assert!(!verified, "admin confirmation verifies no channel");
    assert_eq!(
        emu.err(
            "AdminConfirmSignUp",
            json!({"UserPoolId": pool, "Username": "kim"}),
            "NotAuthorizedException"
        )
        .await,
        "User cannot be confirmed. Current status is CONFIRMED"
    );
    confirmed_user(&emu, &client, None, "lee", "lee@example.com", "Passw0rd!").await;
}

#[tokio::test]
async fn fixed_code_mode() {
    let emu = common::start_with(|c| c.fixed_code = Some("424242".into())).await;
    let (_, client, _) = password_pool(&emu, false).await;
    sign_up(&emu, &client, "max", "Passw0rd!", &[("email", "max@example.com")]).await.ok();
    assert_eq!(emu.last_code("max@example.com").await, "424242");
    confirm_sign_up(&emu, &client, "max", "424242").await.ok();
}
