//! SignUp, ConfirmSignUp, ResendConfirmationCode, AdminConfirmSignUp and the outbox.

use crate::common::{self, confirmed_user, password_pool, secret_hash, start, wrong_code};
use serde_json::json;

#[tokio::test]
async fn sign_up_sends_a_code_and_confirmation_verifies_the_email() {
    let emu = start().await;
    let (pool, client, _) = password_pool(&emu, false).await;
    let out = emu
        .call(
            "SignUp",
            json!({"ClientId": client, "Username": "alice", "Password": "Passw0rd!",
                   "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}, {"Name": "name", "Value": "Alice"}]}),
        )
        .await
        .ok();
    assert_eq!(out["UserConfirmed"], false);
    assert_eq!(
        out["CodeDeliveryDetails"],
        json!({"Destination": "a***@e***.com", "DeliveryMedium": "EMAIL", "AttributeName": "email"})
    );
    let sub = out["UserSub"].as_str().unwrap();
    assert_eq!(sub.len(), 36);

    let (_, msgs) = emu
        .get("/_emulator/messages?destination=alice%40example.com")
        .await;
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
    assert_eq!(
        user["UserAttributes"][0],
        json!({"Name": "sub", "Value": sub})
    );

    emu.call(
        "ConfirmSignUp",
        json!({"ClientId": client, "Username": "alice", "ConfirmationCode": code}),
    )
    .await
    .ok();
    let user = emu.admin_get_user(&pool, "alice").await;
    assert_eq!(user["UserStatus"], "CONFIRMED");
    assert!(
        user["UserAttributes"]
            .as_array()
            .unwrap()
            .contains(&json!({"Name": "email_verified", "Value": "true"}))
    );

    let a = emu
        .call(
            "ConfirmSignUp",
            json!({"ClientId": client, "Username": "alice", "ConfirmationCode": code}),
        )
        .await;
    assert_eq!(
        a.err("NotAuthorizedException"),
        "User cannot be confirmed. Current status is CONFIRMED"
    );
    let a = emu
        .call(
            "ResendConfirmationCode",
            json!({"ClientId": client, "Username": "alice"}),
        )
        .await;
    assert_eq!(
        a.err("InvalidParameterException"),
        "User is already confirmed."
    );
}

#[tokio::test]
async fn wrong_expired_and_superseded_codes() {
    let emu = start().await;
    let (_, client, _) = password_pool(&emu, false).await;
    emu.call(
        "SignUp",
        json!({"ClientId": client, "Username": "bob", "Password": "Passw0rd!", "UserAttributes": [{"Name": "email", "Value": "bob@example.com"}]}),
    )
    .await
    .ok();
    let first = emu.last_code("bob@example.com").await;
    let wrong = wrong_code(&first);
    let a = emu
        .call(
            "ConfirmSignUp",
            json!({"ClientId": client, "Username": "bob", "ConfirmationCode": wrong}),
        )
        .await;
    assert_eq!(
        a.err("CodeMismatchException"),
        "Invalid verification code provided, please try again."
    );

    let out = emu
        .call(
            "ResendConfirmationCode",
            json!({"ClientId": client, "Username": "bob"}),
        )
        .await
        .ok();
    assert_eq!(out["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    let second = emu.last_code("bob@example.com").await;
    if second != first {
        let a = emu
            .call(
                "ConfirmSignUp",
                json!({"ClientId": client, "Username": "bob", "ConfirmationCode": first}),
            )
            .await;
        a.err("CodeMismatchException");
    }
    // Codes live 24 hours on the emulator's clock.
    emu.app.clock.advance_ms(24 * 3600 * 1000 + 1000);
    let a = emu
        .call(
            "ConfirmSignUp",
            json!({"ClientId": client, "Username": "bob", "ConfirmationCode": second}),
        )
        .await;
    assert_eq!(
        a.err("ExpiredCodeException"),
        "Invalid code provided, please request a code again."
    );
    emu.call(
        "ResendConfirmationCode",
        json!({"ClientId": client, "Username": "bob"}),
    )
    .await
    .ok();
    let third = emu.last_code("bob@example.com").await;
    emu.call(
        "ConfirmSignUp",
        json!({"ClientId": client, "Username": "bob", "ConfirmationCode": third}),
    )
    .await
    .ok();
}

#[tokio::test]
async fn confirmation_attempts_are_limited_per_hour() {
    let emu = start().await;
    let (_, client, _) = password_pool(&emu, false).await;
    emu.call(
        "SignUp",
        json!({"ClientId": client, "Username": "carol", "Password": "Passw0rd!", "UserAttributes": [{"Name": "email", "Value": "carol@example.com"}]}),
    )
    .await
    .ok();
    let code = emu.last_code("carol@example.com").await;
    let wrong = wrong_code(&code);
    for _ in 0..15 {
        let a = emu
            .call(
                "ConfirmSignUp",
                json!({"ClientId": client, "Username": "carol", "ConfirmationCode": wrong}),
            )
            .await;
        a.err("CodeMismatchException");
    }
    let a = emu
        .call(
            "ConfirmSignUp",
            json!({"ClientId": client, "Username": "carol", "ConfirmationCode": code}),
        )
        .await;
    assert_eq!(
        a.err("LimitExceededException"),
        "Attempt limit exceeded, please try after some time."
    );
    emu.app.clock.advance_ms(3600 * 1000 + 1000);
    emu.call(
        "ConfirmSignUp",
        json!({"ClientId": client, "Username": "carol", "ConfirmationCode": code}),
    )
    .await
    .ok();
}

#[tokio::test]
async fn username_rules_and_duplicates() {
    let emu = start().await;
    let (pool, client, _) = password_pool(&emu, false).await;
    let body = |u: &str| json!({"ClientId": client, "Username": u, "Password": "Passw0rd!", "UserAttributes": [{"Name": "email", "Value": "d@example.com"}]});
    emu.call("SignUp", body("dave")).await.ok();
    assert_eq!(
        emu.call("SignUp", body("dave"))
            .await
            .err("UsernameExistsException"),
        "User already exists"
    );
    // Case-sensitive by default when UsernameConfiguration is omitted.
    emu.call("SignUp", body("Dave")).await.ok();

    let ci = emu
        .pool(json!({"PoolName": "ci", "UsernameConfiguration": {"CaseSensitive": false}}))
        .await;
    let (ci_client, _) = emu.client(&ci, json!({})).await;
    let b = |u: &str| json!({"ClientId": ci_client, "Username": u, "Password": "Passw0rd!"});
    emu.call("SignUp", b("erin")).await.ok();
    emu.call("SignUp", b("ERIN"))
        .await
        .err("UsernameExistsException");
    let user = emu.admin_get_user(&ci, "Erin").await;
    assert_eq!(user["Username"], "erin");

    let alias = emu
        .pool(json!({"PoolName": "alias", "AliasAttributes": ["email"]}))
        .await;
    let (alias_client, _) = emu.client(&alias, json!({})).await;
    let a = emu
        .call(
            "SignUp",
            json!({"ClientId": alias_client, "Username": "x@example.com", "Password": "Passw0rd!"}),
        )
        .await;
    assert_eq!(
        a.err("InvalidParameterException"),
        "Username cannot be of email format, since user pool is configured for email alias."
    );
    let a = emu
        .call(
            "AdminGetUser",
            json!({"UserPoolId": pool, "Username": "nobody"}),
        )
        .await;
    assert_eq!(a.err("UserNotFoundException"), "User does not exist.");
}

#[tokio::test]
async fn email_as_username_gets_a_uuid_username() {
    let emu = start().await;
    let pool = emu
        .pool(json!({"PoolName": "email", "UsernameAttributes": ["email"], "AutoVerifiedAttributes": ["email"]}))
        .await;
    let (client, _) = emu
        .client(
            &pool,
            json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]}),
        )
        .await;
    let out = emu
        .call(
            "SignUp",
            json!({"ClientId": client, "Username": "fay@example.com", "Password": "Passw0rd!"}),
        )
        .await
        .ok();
    let sub = out["UserSub"].as_str().unwrap().to_string();
    let user = emu.admin_get_user(&pool, "fay@example.com").await;
    assert_eq!(user["Username"], sub, "the stored username is the sub");
    assert!(
        user["UserAttributes"]
            .as_array()
            .unwrap()
            .contains(&json!({"Name": "email", "Value": "fay@example.com"}))
    );
    let a = emu
        .call(
            "SignUp",
            json!({"ClientId": client, "Username": "fay@example.com", "Password": "Passw0rd!"}),
        )
        .await;
    assert_eq!(
        a.err("UsernameExistsException"),
        "An account with the given email already exists."
    );
    let a = emu
        .call(
            "SignUp",
            json!({"ClientId": client, "Username": "fay", "Password": "Passw0rd!"}),
        )
        .await;
    assert_eq!(
        a.err("InvalidParameterException"),
        "Username should be an email."
    );
    let code = emu.last_code("fay@example.com").await;
    emu.call(
        "ConfirmSignUp",
        json!({"ClientId": client, "Username": "fay@example.com", "ConfirmationCode": code}),
    )
    .await
    .ok();
    let a = common::password_auth(&emu, &client, None, "fay@example.com", "Passw0rd!")
        .await
        .ok();
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
    let sign_up = |password: &str, attrs: serde_json::Value| json!({"ClientId": client, "Username": "gus", "Password": password, "UserAttributes": attrs});
    let email = json!([{"Name": "email", "Value": "gus@example.com"}]);
    for (pw, rule) in [
        ("Sh0rt!", "Password not long enough"),
        ("password1!", "Password must have uppercase characters"),
        ("PASSWORD1!", "Password must have lowercase characters"),
        ("Password!!", "Password must have numeric characters"),
        ("Password12", "Password must have symbol characters"),
    ] {
        let a = emu.call("SignUp", sign_up(pw, email.clone())).await;
        assert_eq!(
            a.err("InvalidPasswordException"),
            format!("Password did not conform with policy: {rule}")
        );
    }
    let a = emu.call("SignUp", sign_up("Passw0rd!", json!([]))).await;
    assert_eq!(
        a.err("InvalidParameterException"),
        "Attributes did not conform to the schema: emails: The attribute emails is required"
    );
    let a = emu
        .call("SignUp", sign_up("Passw0rd!", json!([{"Name": "email", "Value": "gus@example.com"}, {"Name": "custom:nope", "Value": "x"}])))
        .await;
    assert_eq!(
        a.err("InvalidParameterException"),
        "Attributes did not conform to the schema: custom:nope: Attribute does not exist in the schema.\n"
    );
    let a = emu
        .call("SignUp", sign_up("Passw0rd!", json!([{"Name": "email", "Value": "gus@example.com"}, {"Name": "custom:tenant", "Value": "far-too-long"}])))
        .await;
    assert!(
        a.err("InvalidParameterException")
            .contains("custom:tenant: String must be no longer than 8 characters")
    );
    let a = emu
        .call("SignUp", sign_up("Passw0rd!", json!([{"Name": "email", "Value": "gus@example.com"}, {"Name": "custom:level", "Value": "9"}])))
        .await;
    assert!(
        a.err("InvalidParameterException")
            .contains("custom:level: Number must be no greater than 5")
    );
    let a = emu
        .call(
            "SignUp",
            sign_up(
                "Passw0rd!",
                json!([{"Name": "email", "Value": "not-an-email"}]),
            ),
        )
        .await;
    assert!(
        a.err("InvalidParameterException")
            .contains("email: Invalid email address format.")
    );
    let a = emu
        .call("SignUp", sign_up("Passw0rd!", json!([{"Name": "email", "Value": "gus@example.com"}, {"Name": "email_verified", "Value": "true"}])))
        .await;
    assert_eq!(
        a.err("NotAuthorizedException"),
        "A client attempted to write unauthorized attribute"
    );
    let a = emu
        .call(
            "SignUp",
            json!({"ClientId": client, "Username": "gus", "UserAttributes": email}),
        )
        .await;
    a.err("InvalidParameterException");
    // None of the refused sign-ups created the user.
    emu.call(
        "AdminGetUser",
        json!({"UserPoolId": pool, "Username": "gus"}),
    )
    .await
    .err("UserNotFoundException");
    emu.call(
        "SignUp",
        sign_up("Passw0rd!", json!([{"Name": "email", "Value": "gus@example.com"}, {"Name": "custom:tenant", "Value": "acme"}, {"Name": "custom:level", "Value": "3"}])),
    )
    .await
    .ok();
}

#[tokio::test]
async fn client_permissions_and_admin_only_pools() {
    let emu = start().await;
    let pool = emu.pool(json!({"PoolName": "perm", "Schema": [{"Name": "role", "AttributeDataType": "String"}]})).await;
    let (client, _) = emu
        .client(&pool, json!({"WriteAttributes": ["email", "name"]}))
        .await;
    let a = emu
        .call("SignUp", json!({"ClientId": client, "Username": "hal", "Password": "Passw0rd!", "UserAttributes": [{"Name": "custom:role", "Value": "admin"}]}))
        .await;
    assert_eq!(
        a.err("NotAuthorizedException"),
        "A client attempted to write unauthorized attribute"
    );

    let closed = emu.pool(json!({"PoolName": "closed", "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": true}})).await;
    let (closed_client, _) = emu.client(&closed, json!({})).await;
    let a = emu
        .call(
            "SignUp",
            json!({"ClientId": closed_client, "Username": "ivy", "Password": "Passw0rd!"}),
        )
        .await;
    assert_eq!(
        a.err("NotAuthorizedException"),
        "SignUp is not permitted for this user pool"
    );
}

#[tokio::test]
async fn secret_hash_is_required_and_checked() {
    let emu = start().await;
    let (_, client, secret) = password_pool(&emu, true).await;
    let secret = secret.unwrap();
    let body = json!({"ClientId": client, "Username": "jo", "Password": "Passw0rd!", "UserAttributes": [{"Name": "email", "Value": "jo@example.com"}]});
    let a = emu.call("SignUp", body.clone()).await;
    assert_eq!(
        a.err("NotAuthorizedException"),
        format!("Client {client} is configured for secret but secret was not received")
    );
    let mut wrong = body.clone();
    wrong["SecretHash"] = json!(secret_hash(&secret, "someone-else", &client));
    let a = emu.call("SignUp", wrong).await;
    assert_eq!(
        a.err("NotAuthorizedException"),
        format!("Unable to verify secret hash for client {client}")
    );
    let mut right = body;
    right["SecretHash"] = json!(secret_hash(&secret, "jo", &client));
    emu.call("SignUp", right).await.ok();
    let code = emu.last_code("jo@example.com").await;
    let a = emu
        .call(
            "ConfirmSignUp",
            json!({"ClientId": client, "Username": "jo", "ConfirmationCode": code}),
        )
        .await;
    a.err("NotAuthorizedException");
    emu.call(
        "ConfirmSignUp",
        json!({"ClientId": client, "Username": "jo", "ConfirmationCode": code, "SecretHash": secret_hash(&secret, "jo", &client)}),
    )
    .await
    .ok();
}

#[tokio::test]
async fn unknown_users_and_prevent_user_existence_errors() {
    let emu = start().await;
    let (pool, client, _) = password_pool(&emu, false).await;
    let a = emu
        .call(
            "ConfirmSignUp",
            json!({"ClientId": client, "Username": "ghost", "ConfirmationCode": "123456"}),
        )
        .await;
    assert_eq!(
        a.err("UserNotFoundException"),
        "Username/client id combination not found."
    );
    let a = emu
        .call(
            "ResendConfirmationCode",
            json!({"ClientId": client, "Username": "ghost"}),
        )
        .await;
    assert_eq!(
        a.err("UserNotFoundException"),
        "Username/client id combination not found."
    );
    let (quiet, _) = emu
        .client(&pool, json!({"PreventUserExistenceErrors": "ENABLED"}))
        .await;
    let a = emu
        .call(
            "ConfirmSignUp",
            json!({"ClientId": quiet, "Username": "ghost", "ConfirmationCode": "123456"}),
        )
        .await;
    a.err("CodeMismatchException");
    let out = emu
        .call(
            "ResendConfirmationCode",
            json!({"ClientId": quiet, "Username": "ghost"}),
        )
        .await
        .ok();
    assert_eq!(out["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
}

#[tokio::test]
async fn admin_confirm_and_phone_channel() {
    let emu = start().await;
    let pool = emu
        .pool(json!({"PoolName": "sms", "AutoVerifiedAttributes": ["email", "phone_number"]}))
        .await;
    let (client, _) = emu.client(&pool, json!({})).await;
    let out = emu
        .call(
            "SignUp",
            json!({"ClientId": client, "Username": "kim", "Password": "Passw0rd!", "UserAttributes": [
                {"Name": "email", "Value": "kim@example.com"}, {"Name": "phone_number", "Value": "+14325551212"}]}),
        )
        .await
        .ok();
    // With both channels auto-verified, AWS texts the phone only.
    assert_eq!(
        out["CodeDeliveryDetails"],
        json!({"Destination": "+*******1212", "DeliveryMedium": "SMS", "AttributeName": "phone_number"})
    );
    let (_, msgs) = emu
        .get("/_emulator/messages?destination=%2B14325551212")
        .await;
    assert_eq!(msgs["messages"][0]["medium"], "SMS");
    emu.call(
        "AdminConfirmSignUp",
        json!({"UserPoolId": pool, "Username": "kim"}),
    )
    .await
    .ok();
    let user = emu.admin_get_user(&pool, "kim").await;
    assert_eq!(user["UserStatus"], "CONFIRMED");
    let verified = user["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["Name"] == "phone_number_verified");
    assert!(!verified, "admin confirmation verifies no channel");
    let a = emu
        .call(
            "AdminConfirmSignUp",
            json!({"UserPoolId": pool, "Username": "kim"}),
        )
        .await;
    assert_eq!(
        a.err("NotAuthorizedException"),
        "User cannot be confirmed. Current status is CONFIRMED"
    );
    confirmed_user(&emu, &client, None, "lee", "lee@example.com", "Passw0rd!").await;
}

#[tokio::test]
async fn fixed_code_mode() {
    let emu = common::start_with(|c| c.fixed_code = Some("424242".into())).await;
    let (_, client, _) = password_pool(&emu, false).await;
    emu.call("SignUp", json!({"ClientId": client, "Username": "max", "Password": "Passw0rd!", "UserAttributes": [{"Name": "email", "Value": "max@example.com"}]}))
        .await
        .ok();
    assert_eq!(emu.last_code("max@example.com").await, "424242");
    emu.call(
        "ConfirmSignUp",
        json!({"ClientId": client, "Username": "max", "ConfirmationCode": "424242"}),
    )
    .await
    .ok();
}
