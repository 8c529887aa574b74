//! Account lifecycle and administration: passwords, attributes and verification, sign-out and
//! revocation, admin user management, ListUsers, groups, aliases, limits.

use crate::common::{
    self, claims, confirmed_user, password_auth, password_pool, signed_in, start, token, wrong_code,
};
use serde_json::{Value, json};

const PW: &str = "Passw0rd!";

#[tokio::test]
async fn forgot_password_with_the_mailed_code() {
    let emu = start().await;
    let (pool, client, _) = password_pool(&emu, false).await;
    confirmed_user(&emu, &client, None, "fp", "fp@example.com", PW).await;
    let out = emu
        .call(
            "ForgotPassword",
            json!({"ClientId": client, "Username": "fp"}),
        )
        .await
        .ok();
    assert_eq!(
        out["CodeDeliveryDetails"],
        json!({"Destination": "f***@e***.com", "DeliveryMedium": "EMAIL", "AttributeName": "email"})
    );
    let code = emu.last_code("fp@example.com").await;
    let reset = |code: &str, pw: &str| json!({"ClientId": client, "Username": "fp", "ConfirmationCode": code, "Password": pw});
    let wrong = wrong_code(&code);
    assert_eq!(
        emu.call("ConfirmForgotPassword", reset(&wrong, "N3wPassword!"))
            .await
            .err("CodeMismatchException"),
        "Invalid verification code provided, please try again."
    );
    emu.call("ConfirmForgotPassword", reset(&code, "weak"))
        .await
        .err("InvalidPasswordException");
    emu.call("ConfirmForgotPassword", reset(&code, "N3wPassword!"))
        .await
        .ok();
    password_auth(&emu, &client, None, "fp", PW)
        .await
        .err("NotAuthorizedException");
    signed_in(&emu, &client, "fp", "N3wPassword!").await;
    assert_eq!(
        emu.call("ConfirmForgotPassword", reset(&code, "Other0ne!!"))
            .await
            .err("ExpiredCodeException"),
        "Invalid code provided, please request a code again."
    );

    // Codes live one hour.
    emu.call(
        "ForgotPassword",
        json!({"ClientId": client, "Username": "fp"}),
    )
    .await
    .ok();
    let code = emu.last_code("fp@example.com").await;
    emu.app.clock.advance_ms(3601 * 1000);
    emu.call("ConfirmForgotPassword", reset(&code, "Other0ne!!"))
        .await
        .err("ExpiredCodeException");

    // No verified channel.
    emu.call(
        "SignUp",
        json!({"ClientId": client, "Username": "nochan", "Password": PW}),
    )
    .await
    .ok();
    emu.call(
        "AdminConfirmSignUp",
        json!({"UserPoolId": pool, "Username": "nochan"}),
    )
    .await
    .ok();
    let a = emu
        .call(
            "ForgotPassword",
            json!({"ClientId": client, "Username": "nochan"}),
        )
        .await;
    assert_eq!(
        a.err("InvalidParameterException"),
        "Cannot reset password for the user as there is no registered/verified email or phone_number"
    );
    let a = emu
        .call(
            "ForgotPassword",
            json!({"ClientId": client, "Username": "ghost"}),
        )
        .await;
    assert_eq!(
        a.err("UserNotFoundException"),
        "Username/client id combination not found."
    );
}

#[tokio::test]
async fn code_requests_and_wrong_codes_are_limited() {
    let emu = start().await;
    let (_, client, _) = password_pool(&emu, false).await;
    confirmed_user(&emu, &client, None, "lim", "lim@example.com", PW).await;
    for _ in 0..5 {
        emu.call(
            "ForgotPassword",
            json!({"ClientId": client, "Username": "lim"}),
        )
        .await
        .ok();
    }
    let a = emu
        .call(
            "ForgotPassword",
            json!({"ClientId": client, "Username": "lim"}),
        )
        .await;
    assert_eq!(
        a.err("LimitExceededException"),
        "Attempt limit exceeded, please try after some time."
    );
    let code = emu.last_code("lim@example.com").await;
    let wrong = wrong_code(&code);
    for _ in 0..5 {
        emu.call("ConfirmForgotPassword", json!({"ClientId": client, "Username": "lim", "ConfirmationCode": wrong, "Password": "N3wPassword!"}))
            .await
            .err("CodeMismatchException");
    }
    let a = emu.call("ConfirmForgotPassword", json!({"ClientId": client, "Username": "lim", "ConfirmationCode": code, "Password": "N3wPassword!"})).await;
    a.err("LimitExceededException");
}

#[tokio::test]
async fn change_set_and_reset_passwords() {
    let emu = start().await;
    let pool = emu
        .pool(json!({"PoolName": "pw", "AutoVerifiedAttributes": ["email"], "Policies": {"PasswordPolicy": {"MinimumLength": 8, "PasswordHistorySize": 2}}}))
        .await;
    let (client, _) = emu
        .client(
            &pool,
            json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
        )
        .await;
    confirmed_user(&emu, &client, None, "cp", "cp@example.com", PW).await;
    let access = signed_in(&emu, &client, "cp", PW).await["AccessToken"].clone();
    let a = emu.call("ChangePassword", json!({"AccessToken": access, "PreviousPassword": "Wrong0ne!", "ProposedPassword": "N3wPassword!"})).await;
    assert_eq!(
        a.err("NotAuthorizedException"),
        "Incorrect username or password."
    );
    let a = emu
        .call(
            "ChangePassword",
            json!({"AccessToken": access, "PreviousPassword": PW, "ProposedPassword": PW}),
        )
        .await;
    a.err("PasswordHistoryPolicyViolationException");
    emu.call(
        "ChangePassword",
        json!({"AccessToken": access, "PreviousPassword": PW, "ProposedPassword": "N3wPassword!"}),
    )
    .await
    .ok();
    signed_in(&emu, &client, "cp", "N3wPassword!").await;
    // History size 2: the previous password is still remembered.
    let a = emu
        .call(
            "AdminSetUserPassword",
            json!({"UserPoolId": pool, "Username": "cp", "Password": PW, "Permanent": true}),
        )
        .await;
    a.err("PasswordHistoryPolicyViolationException");

    emu.call(
        "AdminSetUserPassword",
        json!({"UserPoolId": pool, "Username": "cp", "Password": "Temp0rary!", "Permanent": false}),
    )
    .await
    .ok();
    let user = emu.admin_get_user(&pool, "cp").await;
    assert_eq!(user["UserStatus"], "FORCE_CHANGE_PASSWORD");
    assert_eq!(
        password_auth(&emu, &client, None, "cp", "Temp0rary!")
            .await
            .ok()["ChallengeName"],
        "NEW_PASSWORD_REQUIRED"
    );
    emu.call(
        "AdminSetUserPassword",
        json!({"UserPoolId": pool, "Username": "cp", "Password": "Perm4nent!", "Permanent": true}),
    )
    .await
    .ok();
    signed_in(&emu, &client, "cp", "Perm4nent!").await;

    emu.call(
        "AdminResetUserPassword",
        json!({"UserPoolId": pool, "Username": "cp"}),
    )
    .await
    .ok();
    let a = password_auth(&emu, &client, None, "cp", "Perm4nent!").await;
    assert_eq!(
        a.err("PasswordResetRequiredException"),
        "Password reset required for the user"
    );
    let code = emu.last_code("cp@example.com").await;
    emu.call("ConfirmForgotPassword", json!({"ClientId": client, "Username": "cp", "ConfirmationCode": code, "Password": "Aft3rReset!"}))
        .await
        .ok();
    signed_in(&emu, &client, "cp", "Aft3rReset!").await;
    let user = emu.admin_get_user(&pool, "cp").await;
    assert_eq!(user["UserStatus"], "CONFIRMED");
}

#[tokio::test]
async fn attribute_changes_and_verification() {
    let emu = start().await;
    let pool = emu
        .pool(json!({"PoolName": "attrs", "AutoVerifiedAttributes": ["email"],
            "Schema": [{"Name": "tenant", "AttributeDataType": "String", "Mutable": false}, {"Name": "nick", "AttributeDataType": "String"}]}))
        .await;
    let (client, _) = emu
        .client(
            &pool,
            json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]}),
        )
        .await;
    emu.call(
        "SignUp",
        json!({"ClientId": client, "Username": "att", "Password": PW, "UserAttributes": [
            {"Name": "email", "Value": "old@example.com"}, {"Name": "custom:tenant", "Value": "acme"}]}),
    )
    .await
    .ok();
    let code = emu.last_code("old@example.com").await;
    emu.call(
        "ConfirmSignUp",
        json!({"ClientId": client, "Username": "att", "ConfirmationCode": code}),
    )
    .await
    .ok();
    let access = token(&signed_in(&emu, &client, "att", PW).await, "AccessToken");

    let out = emu
        .call("UpdateUserAttributes", json!({"AccessToken": access, "UserAttributes": [{"Name": "email", "Value": "new@example.com"}, {"Name": "custom:nick", "Value": "A"}]}))
        .await
        .ok();
    assert_eq!(
        out["CodeDeliveryDetailsList"],
        json!([{"Destination": "n***@e***.com", "DeliveryMedium": "EMAIL", "AttributeName": "email"}])
    );
    let me = emu
        .call("GetUser", json!({"AccessToken": access}))
        .await
        .ok();
    let attrs = me["UserAttributes"].as_array().unwrap();
    assert!(attrs.contains(&json!({"Name": "email", "Value": "new@example.com"})));
    assert!(attrs.contains(&json!({"Name": "email_verified", "Value": "false"})));
    assert!(attrs.contains(&json!({"Name": "custom:nick", "Value": "A"})));
    let code = emu.last_code("new@example.com").await;
    let wrong = wrong_code(&code);
    emu.call(
        "VerifyUserAttribute",
        json!({"AccessToken": access, "AttributeName": "email", "Code": wrong}),
    )
    .await
    .err("CodeMismatchException");
    emu.call(
        "VerifyUserAttribute",
        json!({"AccessToken": access, "AttributeName": "email", "Code": code}),
    )
    .await
    .ok();
    let me = emu
        .call("GetUser", json!({"AccessToken": access}))
        .await
        .ok();
    assert!(
        me["UserAttributes"]
            .as_array()
            .unwrap()
            .contains(&json!({"Name": "email_verified", "Value": "true"}))
    );

    let a = emu.call("UpdateUserAttributes", json!({"AccessToken": access, "UserAttributes": [{"Name": "custom:tenant", "Value": "other"}]})).await;
    assert_eq!(
        a.err("InvalidParameterException"),
        "user.custom:tenant: Attribute cannot be updated.\n"
    );
    let a = emu.call("UpdateUserAttributes", json!({"AccessToken": access, "UserAttributes": [{"Name": "custom:nope", "Value": "x"}]})).await;
    assert_eq!(
        a.err("InvalidParameterException"),
        "user.custom:nope: Attribute does not exist in the schema.\n"
    );
    let a = emu.call("UpdateUserAttributes", json!({"AccessToken": access, "UserAttributes": [{"Name": "email_verified", "Value": "true"}]})).await;
    assert_eq!(
        a.err("NotAuthorizedException"),
        "A client attempted to write unauthorized attribute"
    );

    emu.call(
        "GetUserAttributeVerificationCode",
        json!({"AccessToken": access, "AttributeName": "email"}),
    )
    .await
    .ok();
    emu.call(
        "DeleteUserAttributes",
        json!({"AccessToken": access, "UserAttributeNames": ["custom:nick"]}),
    )
    .await
    .ok();
    let me = emu
        .call("GetUser", json!({"AccessToken": access}))
        .await
        .ok();
    assert!(
        !me["UserAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["Name"] == "custom:nick")
    );

    // An administrator can verify in the same request.
    emu.call(
        "AdminUpdateUserAttributes",
        json!({"UserPoolId": pool, "Username": "att", "UserAttributes": [{"Name": "email", "Value": "admin@example.com"}, {"Name": "email_verified", "Value": "true"}]}),
    )
    .await
    .ok();
    let user = emu.admin_get_user(&pool, "att").await;
    let attrs = user["UserAttributes"].as_array().unwrap();
    assert!(attrs.contains(&json!({"Name": "email", "Value": "admin@example.com"})));
    assert!(attrs.contains(&json!({"Name": "email_verified", "Value": "true"})));
    let (_, msgs) = emu
        .get("/_emulator/messages?destination=admin%40example.com")
        .await;
    assert_eq!(
        msgs["messages"].as_array().unwrap().len(),
        0,
        "no code when verified by the administrator"
    );
    emu.call(
        "AdminDeleteUserAttributes",
        json!({"UserPoolId": pool, "Username": "att", "UserAttributeNames": ["email"]}),
    )
    .await
    .ok();
    let user = emu.admin_get_user(&pool, "att").await;
    assert!(
        !user["UserAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["Name"] == "email" || a["Name"] == "email_verified")
    );

    emu.call("AddCustomAttributes", json!({"UserPoolId": pool, "CustomAttributes": [{"Name": "plan", "AttributeDataType": "String"}]})).await.ok();
    let a = emu.call("AddCustomAttributes", json!({"UserPoolId": pool, "CustomAttributes": [{"Name": "plan", "AttributeDataType": "String"}]})).await;
    a.err("InvalidParameterException");
    emu.call("AdminUpdateUserAttributes", json!({"UserPoolId": pool, "Username": "att", "UserAttributes": [{"Name": "custom:plan", "Value": "gold"}]}))
        .await
        .ok();
}

#[tokio::test]
async fn verification_before_update_keeps_the_old_value() {
    let emu = start().await;
    let pool = emu
        .pool(json!({"PoolName": "vbu", "AutoVerifiedAttributes": ["email"],
            "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]}}))
        .await;
    let (client, _) = emu
        .client(
            &pool,
            json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]}),
        )
        .await;
    confirmed_user(&emu, &client, None, "vbu", "keep@example.com", PW).await;
    let access = token(&signed_in(&emu, &client, "vbu", PW).await, "AccessToken");
    emu.call("UpdateUserAttributes", json!({"AccessToken": access, "UserAttributes": [{"Name": "email", "Value": "next@example.com"}]})).await.ok();
    let me = emu
        .call("GetUser", json!({"AccessToken": access}))
        .await
        .ok();
    assert!(
        me["UserAttributes"]
            .as_array()
            .unwrap()
            .contains(&json!({"Name": "email", "Value": "keep@example.com"}))
    );
    let code = emu.last_code("next@example.com").await;
    emu.call(
        "VerifyUserAttribute",
        json!({"AccessToken": access, "AttributeName": "email", "Code": code}),
    )
    .await
    .ok();
    let me = emu
        .call("GetUser", json!({"AccessToken": access}))
        .await
        .ok();
    assert!(
        me["UserAttributes"]
            .as_array()
            .unwrap()
            .contains(&json!({"Name": "email", "Value": "next@example.com"}))
    );
    let a = emu
        .call("CreateUserPool", json!({"PoolName": "bad", "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]}}))
        .await;
    assert_eq!(
        a.err("InvalidParameterException"),
        "All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes"
    );
}

#[tokio::test]
async fn sign_out_revocation_and_deletion() {
    let emu = start().await;
    let (pool, client, _) = password_pool(&emu, false).await;
    confirmed_user(&emu, &client, None, "so", "so@example.com", PW).await;
    let first = signed_in(&emu, &client, "so", PW).await;
    let second = signed_in(&emu, &client, "so", PW).await;
    emu.call(
        "GlobalSignOut",
        json!({"AccessToken": first["AccessToken"]}),
    )
    .await
    .ok();
    for tokens in [&first, &second] {
        let a = emu
            .call("GetUser", json!({"AccessToken": tokens["AccessToken"]}))
            .await;
        assert_eq!(
            a.err("NotAuthorizedException"),
            "Access Token has been revoked"
        );
        let a = emu
            .call("InitiateAuth", json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client, "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"]}}))
            .await;
        assert_eq!(
            a.err("NotAuthorizedException"),
            "Refresh Token has been revoked"
        );
    }
    // A new sign-in right after is fine.
    let third = signed_in(&emu, &client, "so", PW).await;
    emu.call("GetUser", json!({"AccessToken": third["AccessToken"]}))
        .await
        .ok();

    // RevokeToken kills that refresh token and the access tokens from it, nothing else.
    let fourth = signed_in(&emu, &client, "so", PW).await;
    emu.call(
        "RevokeToken",
        json!({"ClientId": client, "Token": third["RefreshToken"]}),
    )
    .await
    .ok();
    let a = emu
        .call("GetUser", json!({"AccessToken": third["AccessToken"]}))
        .await;
    assert_eq!(
        a.err("NotAuthorizedException"),
        "Access Token has been revoked"
    );
    let a = emu
        .call("InitiateAuth", json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client, "AuthParameters": {"REFRESH_TOKEN": third["RefreshToken"]}}))
        .await;
    assert_eq!(
        a.err("NotAuthorizedException"),
        "Refresh Token has been revoked"
    );
    emu.call("GetUser", json!({"AccessToken": fourth["AccessToken"]}))
        .await
        .ok();
    let a = emu
        .call(
            "RevokeToken",
            json!({"ClientId": client, "Token": fourth["AccessToken"]}),
        )
        .await;
    a.err("UnsupportedTokenTypeException");
    let (no_revoke, _) = emu
        .client(&pool, json!({"EnableTokenRevocation": false}))
        .await;
    emu.call(
        "RevokeToken",
        json!({"ClientId": no_revoke, "Token": fourth["RefreshToken"]}),
    )
    .await
    .err("UnsupportedOperationException");

    emu.call(
        "AdminUserGlobalSignOut",
        json!({"UserPoolId": pool, "Username": "so"}),
    )
    .await
    .ok();
    emu.call("GetUser", json!({"AccessToken": fourth["AccessToken"]}))
        .await
        .err("NotAuthorizedException");

    let fifth = signed_in(&emu, &client, "so", PW).await;
    emu.call("DeleteUser", json!({"AccessToken": fifth["AccessToken"]}))
        .await
        .ok();
    emu.call(
        "AdminGetUser",
        json!({"UserPoolId": pool, "Username": "so"}),
    )
    .await
    .err("UserNotFoundException");
    let a = emu
        .call("GetUser", json!({"AccessToken": fifth["AccessToken"]}))
        .await;
    assert_eq!(a.err("UserNotFoundException"), "User does not exist.");
    let a = emu
        .call("InitiateAuth", json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client, "AuthParameters": {"REFRESH_TOKEN": fifth["RefreshToken"]}}))
        .await;
    assert_eq!(a.err("NotAuthorizedException"), "Invalid Refresh Token.");
}

#[tokio::test]
async fn disable_and_enable() {
    let emu = start().await;
    let (pool, client, _) = password_pool(&emu, false).await;
    confirmed_user(&emu, &client, None, "dis", "dis@example.com", PW).await;
    let tokens = signed_in(&emu, &client, "dis", PW).await;
    emu.call(
        "AdminDisableUser",
        json!({"UserPoolId": pool, "Username": "dis"}),
    )
    .await
    .ok();
    let user = emu.admin_get_user(&pool, "dis").await;
    assert_eq!(
        (user["Enabled"].as_bool(), user["UserStatus"].as_str()),
        (Some(false), Some("CONFIRMED"))
    );
    assert_eq!(
        password_auth(&emu, &client, None, "dis", PW)
            .await
            .err("NotAuthorizedException"),
        "User is disabled."
    );
    emu.call("GetUser", json!({"AccessToken": tokens["AccessToken"]}))
        .await
        .err("NotAuthorizedException");
    let a = emu
        .call("InitiateAuth", json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client, "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"]}}))
        .await;
    a.err("NotAuthorizedException");
    emu.call(
        "AdminEnableUser",
        json!({"UserPoolId": pool, "Username": "dis"}),
    )
    .await
    .ok();
    signed_in(&emu, &client, "dis", PW).await;
    emu.call(
        "AdminDeleteUser",
        json!({"UserPoolId": pool, "Username": "dis"}),
    )
    .await
    .ok();
    emu.call(
        "AdminDeleteUser",
        json!({"UserPoolId": pool, "Username": "dis"}),
    )
    .await
    .err("UserNotFoundException");
}

#[tokio::test]
async fn list_users_filters_and_pagination() {
    let emu = start().await;
    let (pool, client, _) = password_pool(&emu, false).await;
    for i in 0..7 {
        emu.call(
            "SignUp",
            json!({"ClientId": client, "Username": format!("user{i}"), "Password": PW, "UserAttributes": [
                {"Name": "email", "Value": format!("{}{i}@example.com", if i < 3 { "ann" } else { "bob" })},
                {"Name": "given_name", "Value": if i % 2 == 0 { "Even" } else { "Odd" }}]}),
        )
        .await
        .ok();
    }
    emu.call(
        "AdminConfirmSignUp",
        json!({"UserPoolId": pool, "Username": "user1"}),
    )
    .await
    .ok();
    emu.call(
        "AdminDisableUser",
        json!({"UserPoolId": pool, "Username": "user2"}),
    )
    .await
    .ok();
    let names = |out: &Value| -> Vec<String> {
        out["Users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["Username"].as_str().unwrap().to_string())
            .collect()
    };
    let list = |filter: &str| json!({"UserPoolId": pool, "Filter": filter});
    assert_eq!(
        names(
            &emu.call("ListUsers", list(r#"email = "bob4@example.com""#))
                .await
                .ok()
        ),
        ["user4"]
    );
    assert_eq!(
        names(&emu.call("ListUsers", list(r#"email ^= "ann""#)).await.ok()),
        ["user0", "user1", "user2"]
    );
    assert_eq!(
        names(
            &emu.call("ListUsers", list(r#"given_name = "Odd""#))
                .await
                .ok()
        ),
        ["user1", "user3", "user5"]
    );
    assert_eq!(
        names(
            &emu.call("ListUsers", list(r#"cognito:user_status = "confirmed""#))
                .await
                .ok()
        ),
        ["user1"]
    );
    assert_eq!(
        names(
            &emu.call("ListUsers", list(r#"status = "Disabled""#))
                .await
                .ok()
        ),
        ["user2"]
    );
    assert_eq!(
        names(
            &emu.call("ListUsers", list(r#"username ^= "user6""#))
                .await
                .ok()
        ),
        ["user6"]
    );
    let one = emu.admin_get_user(&pool, "user3").await;
    let sub = one["UserAttributes"][0]["Value"].as_str().unwrap();
    assert_eq!(
        names(
            &emu.call("ListUsers", list(&format!(r#"sub = "{sub}""#)))
                .await
                .ok()
        ),
        ["user3"]
    );
    assert_eq!(
        emu.call("ListUsers", list(r#"custom:x = "1""#))
            .await
            .err("InvalidParameterException"),
        "Invalid search attribute: custom:x"
    );
    assert_eq!(
        emu.call("ListUsers", list("email = bob"))
            .await
            .err("InvalidParameterException"),
        "Error while parsing filter."
    );

    let mut all = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut body = json!({"UserPoolId": pool, "Limit": 3, "AttributesToGet": ["email"]});
        if let Some(t) = &token {
            body["PaginationToken"] = json!(t);
        }
        let page = emu.call("ListUsers", body).await.ok();
        for u in page["Users"].as_array().unwrap() {
            assert_eq!(
                u["Attributes"].as_array().unwrap().len(),
                1,
                "only the email"
            );
            assert!(u["UserCreateDate"].is_number() && u["UserStatus"].is_string());
        }
        all.extend(names(&page));
        match page["PaginationToken"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(all, (0..7).map(|i| format!("user{i}")).collect::<Vec<_>>());
    let a = emu
        .call("ListUsers", json!({"UserPoolId": pool, "Limit": 61}))
        .await;
    assert!(
        a.err("InvalidParameterException")
            .contains("Member must have value less than or equal to 60")
    );
}

#[tokio::test]
async fn groups_and_their_claims() {
    let emu = start().await;
    let (pool, client, _) = password_pool(&emu, false).await;
    confirmed_user(&emu, &client, None, "grp", "grp@example.com", PW).await;
    let g = emu
        .call("CreateGroup", json!({"UserPoolId": pool, "GroupName": "admins", "Precedence": 1, "RoleArn": "arn:aws:iam::123456789012:role/Admin", "Description": "Admins"}))
        .await
        .ok();
    assert_eq!(g["Group"]["GroupName"], "admins");
    assert_eq!(g["Group"]["Precedence"], 1);
    emu.call("CreateGroup", json!({"UserPoolId": pool, "GroupName": "readers", "Precedence": 5, "RoleArn": "arn:aws:iam::123456789012:role/Reader"}))
        .await
        .ok();
    emu.call(
        "CreateGroup",
        json!({"UserPoolId": pool, "GroupName": "beta"}),
    )
    .await
    .ok();
    emu.call(
        "CreateGroup",
        json!({"UserPoolId": pool, "GroupName": "beta"}),
    )
    .await
    .err("GroupExistsException");
    for group in ["readers", "admins", "beta"] {
        emu.call(
            "AdminAddUserToGroup",
            json!({"UserPoolId": pool, "Username": "grp", "GroupName": group}),
        )
        .await
        .ok();
    }
    let tokens = signed_in(&emu, &client, "grp", PW).await;
    let id = claims(tokens["IdToken"].as_str().unwrap());
    let access = claims(tokens["AccessToken"].as_str().unwrap());
    assert_eq!(id["cognito:groups"], json!(["admins", "readers", "beta"]));
    assert_eq!(
        access["cognito:groups"],
        json!(["admins", "readers", "beta"])
    );
    assert_eq!(
        id["cognito:preferred_role"],
        "arn:aws:iam::123456789012:role/Admin"
    );
    assert_eq!(
        id["cognito:roles"],
        json!([
            "arn:aws:iam::123456789012:role/Admin",
            "arn:aws:iam::123456789012:role/Reader"
        ])
    );
    assert!(access.get("cognito:roles").is_none());

    let mine = emu
        .call(
            "AdminListGroupsForUser",
            json!({"UserPoolId": pool, "Username": "grp", "Limit": 2}),
        )
        .await
        .ok();
    assert_eq!(mine["Groups"].as_array().unwrap().len(), 2);
    assert!(mine["NextToken"].is_string());
    let members = emu
        .call(
            "ListUsersInGroup",
            json!({"UserPoolId": pool, "GroupName": "admins"}),
        )
        .await
        .ok();
    assert_eq!(members["Users"][0]["Username"], "grp");
    let all = emu
        .call("ListGroups", json!({"UserPoolId": pool}))
        .await
        .ok();
    assert_eq!(all["Groups"].as_array().unwrap().len(), 3);
    emu.call(
        "UpdateGroup",
        json!({"UserPoolId": pool, "GroupName": "admins", "Precedence": 9}),
    )
    .await
    .ok();
    let got = emu
        .call(
            "GetGroup",
            json!({"UserPoolId": pool, "GroupName": "admins"}),
        )
        .await
        .ok();
    assert_eq!(got["Group"]["Precedence"], 9);
    assert!(
        got["Group"].get("RoleArn").is_none(),
        "UpdateGroup replaces: the role is gone"
    );
    emu.call(
        "AdminRemoveUserFromGroup",
        json!({"UserPoolId": pool, "Username": "grp", "GroupName": "beta"}),
    )
    .await
    .ok();
    emu.call(
        "DeleteGroup",
        json!({"UserPoolId": pool, "GroupName": "readers"}),
    )
    .await
    .ok();
    assert_eq!(
        emu.call(
            "GetGroup",
            json!({"UserPoolId": pool, "GroupName": "readers"})
        )
        .await
        .err("ResourceNotFoundException"),
        "Group not found."
    );
    let refreshed = emu
        .call("InitiateAuth", json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client, "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"]}}))
        .await
        .ok();
    let id = claims(
        refreshed["AuthenticationResult"]["IdToken"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(id["cognito:groups"], json!(["admins"]));
    emu.call(
        "AdminAddUserToGroup",
        json!({"UserPoolId": pool, "Username": "nobody", "GroupName": "admins"}),
    )
    .await
    .err("UserNotFoundException");
}

#[tokio::test]
async fn sign_in_by_verified_alias() {
    let emu = start().await;
    let pool = emu
        .pool(json!({"PoolName": "alias", "AliasAttributes": ["email", "preferred_username"], "AutoVerifiedAttributes": ["email"],
                     "UsernameConfiguration": {"CaseSensitive": false}}))
        .await;
    let (client, _) = emu
        .client(
            &pool,
            json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]}),
        )
        .await;
    emu.call(
        "SignUp",
        json!({"ClientId": client, "Username": "first", "Password": PW, "UserAttributes": [
            {"Name": "email", "Value": "shared@example.com"}, {"Name": "preferred_username", "Value": "Firsty"}]}),
    )
    .await
    .ok();
    // Before verification the email is not an alias.
    password_auth(&emu, &client, None, "shared@example.com", PW)
        .await
        .err("UserNotFoundException");
    // preferred_username needs no verification (and the pool is case-insensitive): the user is found.
    password_auth(&emu, &client, None, "FIRSTY", PW)
        .await
        .err("UserNotConfirmedException");
    let code = emu.last_code("shared@example.com").await;
    emu.call(
        "ConfirmSignUp",
        json!({"ClientId": client, "Username": "first", "ConfirmationCode": code}),
    )
    .await
    .ok();
    signed_in(&emu, &client, "FIRSTY", PW).await;
    let t = signed_in(&emu, &client, "Shared@Example.com", PW).await;
    assert_eq!(
        claims(t["IdToken"].as_str().unwrap())["cognito:username"],
        "first"
    );
    emu.admin_get_user(&pool, "shared@example.com").await;

    // A second account confirming the same email: AliasExistsException unless ForceAliasCreation.
    emu.call("SignUp", json!({"ClientId": client, "Username": "second", "Password": PW, "UserAttributes": [{"Name": "email", "Value": "shared@example.com"}]}))
        .await
        .ok();
    let code = emu.last_code("shared@example.com").await;
    let a = emu
        .call(
            "ConfirmSignUp",
            json!({"ClientId": client, "Username": "second", "ConfirmationCode": code}),
        )
        .await;
    assert_eq!(
        a.err("AliasExistsException"),
        "An account with the given email already exists."
    );
    emu.call("ConfirmSignUp", json!({"ClientId": client, "Username": "second", "ConfirmationCode": code, "ForceAliasCreation": true}))
        .await
        .ok();
    let t = signed_in(&emu, &client, "shared@example.com", PW).await;
    assert_eq!(
        claims(t["IdToken"].as_str().unwrap())["cognito:username"],
        "second"
    );
    let first = emu.admin_get_user(&pool, "first").await;
    assert!(
        first["UserAttributes"]
            .as_array()
            .unwrap()
            .contains(&json!({"Name": "email_verified", "Value": "false"}))
    );
    let a = emu
        .call("SignUp", json!({"ClientId": client, "Username": "third", "Password": PW, "UserAttributes": [{"Name": "preferred_username", "Value": "firsty"}]}))
        .await;
    a.err("AliasExistsException");
}

#[tokio::test]
async fn lockout_limits_are_configurable() {
    let emu = common::start_with(|c| {
        c.lockout_after = 2;
        c.lockout_max_seconds = 4;
    })
    .await;
    let (_, client, _) = password_pool(&emu, false).await;
    confirmed_user(&emu, &client, None, "cfg", "cfg@example.com", PW).await;
    for _ in 0..2 {
        password_auth(&emu, &client, None, "cfg", "Wrong0ne!")
            .await
            .err("NotAuthorizedException");
    }
    assert_eq!(
        password_auth(&emu, &client, None, "cfg", PW)
            .await
            .err("NotAuthorizedException"),
        "Password attempts exceeded"
    );
    emu.app.clock.advance_ms(1500);
    // Failures after the lockout double it, capped by --lockout-max-seconds.
    for _ in 0..5 {
        password_auth(&emu, &client, None, "cfg", "Wrong0ne!").await;
        emu.app.clock.advance_ms(10);
    }
    emu.app.clock.advance_ms(4100);
    signed_in(&emu, &client, "cfg", PW).await;
}
