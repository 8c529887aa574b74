//! Account lifecycle and administration: passwords, attributes and verification, sign-out and
//! revocation, admin user management, ListUsers, groups, aliases, limits.

use crate::common::{
    self, Emulator, claims, confirm_sign_up, confirmed_user, get_user, password_auth,
    password_pool, refresh_auth, sign_up, signed_in, start, token, wrong_code,
};
use serde_json::{Value, json};

const PW: &str = "Passw0rd!";

#[tokio::test]
async fn forgot_password_with_the_mailed_code() {
    let emu = start().await;
    let (pool, client, _) = password_pool(&emu, false).await;
    confirmed_user(&emu, &client, None, "fp", "fp@example.com", PW).await;
    let out = emu.ok("ForgotPassword", json!({"ClientId": client, "Username": "fp"})).await;
    assert_eq!(
        out["CodeDeliveryDetails"],
        json!({"Destination": "f***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"})
    );
    let code = emu.last_code("fp@example.com").await;
    let reset = |code: &str, pw: &str| json!({"ClientId": client, "Username": "fp", "ConfirmationCode": code, "Password": pw});
    let wrong = wrong_code(&code);
    assert_eq!(
        emu.err("ConfirmForgotPassword", reset(&wrong, "N3wPassword!"), "CodeMismatchException")
            .await,
        "Invalid verification code provided, please try again."
    );
    emu.err("ConfirmForgotPassword", reset(&code, "weak"), "InvalidPasswordException").await;
    emu.ok("ConfirmForgotPassword", reset(&code, "N3wPassword!")).await;
    password_auth(&emu, &client, None, "fp", PW).await.err("NotAuthorizedException");
    signed_in(&emu, &client, "fp", "N3wPassword!").await;
    assert_eq!(
        emu.err("ConfirmForgotPassword", reset(&code, "Other0ne!!"), "ExpiredCodeException").await,
        "Invalid code provided, please request a code again."
    );

    // Codes live one hour.
    emu.ok("ForgotPassword", json!({"ClientId": client, "Username": "fp"})).await;
    let code = emu.last_code("fp@example.com").await;
    emu.app.clock.advance_ms(3601 * 1000);
    emu.err("ConfirmForgotPassword", reset(&code, "Other0ne!!"), "ExpiredCodeException").await;

    // No verified channel.
    sign_up(&emu, &client, "nochan", PW, &[]).await.ok();
    emu.ok("AdminConfirmSignUp", json!({"UserPoolId": pool, "Username": "nochan"})).await;
    let forgot = |username: &str| json!({"ClientId": client, "Username": username});
    assert_eq!(
        emu.err("ForgotPassword", forgot("nochan"), "InvalidParameterException").await,
        "Cannot reset password for the user as there is no registered/verified email or phone_number"
    );
    assert_eq!(
        emu.err("ForgotPassword", forgot("ghost"), "UserNotFoundException").await,
        "Username/client id combination not found."
    );
}

#[tokio::test]
async fn code_requests_and_wrong_codes_are_limited() {
    let emu = start().await;
    let (_, client, _) = password_pool(&emu, false).await;
    confirmed_user(&emu, &client, None, "lim", "lim@example.com", PW).await;
    let forgot = json!({"ClientId": client, "Username": "lim"});
    for _ in 0..5 {
        emu.ok("ForgotPassword", forgot.clone()).await;
    }
    assert_eq!(
        emu.err("ForgotPassword", forgot, "LimitExceededException").await,
        "Attempt limit exceeded, please try after some time."
    );
    let code = emu.last_code("lim@example.com").await;
    let wrong = wrong_code(&code);
    let reset = |code: &str| json!({"ClientId": client, "Username": "lim", "ConfirmationCode": code, "Password": "N3wPassword!"});
    for _ in 0..5 {
        emu.err("ConfirmForgotPassword", reset(&wrong), "CodeMismatchException").await;
    }
    emu.err("ConfirmForgotPassword", reset(&code), "LimitExceededException").await;
}

#[tokio::test]
async fn change_set_and_reset_passwords() {
    let emu = start().await;
    let pool = emu
        .pool(json!({"PoolName": "pw", "AutoVerifiedAttributes": ["email"], "Policies": {"PasswordPolicy": {"MinimumLength": 8, "PasswordHistorySize": 2}}}))
        .await;
    let flows =
        json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]});
    let (client, _) = emu.client(&pool, flows).await;
    confirmed_user(&emu, &client, None, "cp", "cp@example.com", PW).await;
    let access = signed_in(&emu, &client, "cp", PW).await["AccessToken"].clone();
    let change = |previous: &str, proposed: &str| json!({"AccessToken": access, "PreviousPassword": previous, "ProposedPassword": proposed});
    assert_eq!(
        emu.err("ChangePassword", change("Wrong0ne!", "N3wPassword!"), "NotAuthorizedException")
            .await,
        "Incorrect username or password."
    );
    emu.err("ChangePassword", change(PW, PW), "PasswordHistoryPolicyViolationException").await;
    emu.ok("ChangePassword", change(PW, "N3wPassword!")).await;
    signed_in(&emu, &client, "cp", "N3wPassword!").await;
    // History size 2: the previous password is still remembered.
    let set = |password: &str, permanent: bool| json!({"UserPoolId": pool, "Username": "cp", "Password": password, "Permanent": permanent});
    emu.err("AdminSetUserPassword", set(PW, true), "PasswordHistoryPolicyViolationException").await;

    emu.ok("AdminSetUserPassword", set("Temp0rary!", false)).await;
    let user = emu.admin_get_user(&pool, "cp").await;
    assert_eq!(user["UserStatus"], "FORCE_CHANGE_PASSWORD");
    assert_eq!(
        password_auth(&emu, &client, None, "cp", "Temp0rary!").await.ok()["ChallengeName"],
        "NEW_PASSWORD_REQUIRED"
    );
    emu.ok("AdminSetUserPassword", set("Perm4nent!", true)).await;
    signed_in(&emu, &client, "cp", "Perm4nent!").await;

    emu.ok("AdminResetUserPassword", json!({"UserPoolId": pool, "Username": "cp"})).await;
    let a = password_auth(&emu, &client, None, "cp", "Perm4nent!").await;
    assert_eq!(a.err("PasswordResetRequiredException"), "Password reset required for the user");
    let code = emu.last_code("cp@example.com").await;
    emu.ok("ConfirmForgotPassword", json!({"ClientId": client, "Username": "cp", "ConfirmationCode": code, "Password": "Aft3rReset!"})).await;
    signed_in(&emu, &client, "cp", "Aft3rReset!").await;
    let user = emu.admin_get_user(&pool, "cp").await;
    assert_eq!(user["UserStatus"], "CONFIRMED");
}

/// A pool with an immutable `custom:tenant` and a mutable `custom:nick`, and the user "att" signed up
/// with old@example.com and tenant "acme", confirmed by the mailed code and signed in: (pool, access
/// token).
async fn attribute_user(emu: &Emulator) -> (String, String) {
    let pool = emu
        .pool(json!({"PoolName": "attrs", "AutoVerifiedAttributes": ["email"],
            "Schema": [{"Name": "tenant", "AttributeDataType": "String", "Mutable": false}, {"Name": "nick", "AttributeDataType": "String"}]}))
        .await;
    let (client, _) =
        emu.client(&pool, json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]})).await;
    let attributes = [("email", "old@example.com"), ("custom:tenant", "acme")];
    sign_up(emu, &client, "att", PW, &attributes).await.ok();
    let code = emu.last_code("old@example.com").await;
    confirm_sign_up(emu, &client, "att", &code).await.ok();
    let access = token(&signed_in(emu, &client, "att", PW).await, "AccessToken");
    (pool, access)
}

/// The UserAttributes of GetUser with `access`.
async fn own_attributes(emu: &Emulator, access: &str) -> Vec<Value> {
    get_user(emu, access).await.ok()["UserAttributes"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_changed_email_is_unverified_until_its_code_is_entered() {
    let emu = start().await;
    let (_, access) = attribute_user(&emu).await;
    let update = json!({"AccessToken": access, "UserAttributes": [
        {"Name": "email", "Value": "new@example.com"}, {"Name": "custom:nick", "Value": "A"}]});
    let out = emu.ok("UpdateUserAttributes", update).await;
    assert_eq!(
        out["CodeDeliveryDetailsList"],
        json!([{"Destination": "n***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}])
    );
    let attrs = own_attributes(&emu, &access).await;
    assert!(attrs.contains(&json!({"Name": "email", "Value": "new@example.com"})));
    assert!(attrs.contains(&json!({"Name": "email_verified", "Value": "false"})));
    assert!(attrs.contains(&json!({"Name": "custom:nick", "Value": "A"})));
    let code = emu.last_code("new@example.com").await;
    let verify =
        |code: &str| json!({"AccessToken": access, "AttributeName": "email", "Code": code});
    emu.err("VerifyUserAttribute", verify(&wrong_code(&code)), "CodeMismatchException").await;
    emu.ok("VerifyUserAttribute", verify(&code)).await;
    let attrs = own_attributes(&emu, &access).await;
    assert!(attrs.contains(&json!({"Name": "email_verified", "Value": "true"})));
}

#[tokio::test]
async fn immutable_unknown_and_verified_flag_attributes_cannot_be_updated() {
    let emu = start().await;
    let (_, access) = attribute_user(&emu).await;
    let update = |name: &str, value: &str| json!({"AccessToken": access, "UserAttributes": [{"Name": name, "Value": value}]});
    assert_eq!(
        emu.err(
            "UpdateUserAttributes",
            update("custom:tenant", "other"),
            "InvalidParameterException"
        )
        .await,
        "user.custom:tenant: Attribute cannot be updated.\n"
    );
    assert_eq!(
        emu.err("UpdateUserAttributes", update("custom:nope", "x"), "InvalidParameterException")
            .await,
        "user.custom:nope: Attribute does not exist in the schema.\n"
    );
    assert_eq!(
        emu.err("UpdateUserAttributes", update("email_verified", "true"), "NotAuthorizedException")
            .await,
        "A client attempted to write unauthorized attribute"
    );
}

#[tokio::test]
async fn codes_are_resent_and_attributes_deleted_by_the_user() {
    let emu = start().await;
    let (_, access) = attribute_user(&emu).await;
    let nick =
        json!({"AccessToken": access, "UserAttributes": [{"Name": "custom:nick", "Value": "A"}]});
    emu.ok("UpdateUserAttributes", nick).await;
    let attrs = own_attributes(&emu, &access).await;
    assert!(attrs.contains(&json!({"Name": "custom:nick", "Value": "A"})));
    let resend = json!({"AccessToken": access, "AttributeName": "email"});
    emu.ok("GetUserAttributeVerificationCode", resend).await;
    let delete = json!({"AccessToken": access, "UserAttributeNames": ["custom:nick"]});
    emu.ok("DeleteUserAttributes", delete).await;
    let attrs = own_attributes(&emu, &access).await;
    assert!(!attrs.iter().any(|a| a["Name"] == "custom:nick"));
}

#[tokio::test]
async fn an_administrator_can_verify_in_the_same_request() {
    let emu = start().await;
    let (pool, _) = attribute_user(&emu).await;
    emu.ok("AdminUpdateUserAttributes", json!({"UserPoolId": pool, "Username": "att", "UserAttributes": [
        {"Name": "email", "Value": "admin@example.com"}, {"Name": "email_verified", "Value": "true"}]})).await;
    let user = emu.admin_get_user(&pool, "att").await;
    let attrs = user["UserAttributes"].as_array().unwrap();
    assert!(attrs.contains(&json!({"Name": "email", "Value": "admin@example.com"})));
    assert!(attrs.contains(&json!({"Name": "email_verified", "Value": "true"})));
    let (_, msgs) = emu.get("/_emulator/messages?destination=admin%40example.com").await;
    let sent = msgs["messages"].as_array().unwrap().len();
    assert_eq!(sent, 0, "no code when verified by the administrator");
    let delete = json!({"UserPoolId": pool, "Username": "att", "UserAttributeNames": ["email"]});
    emu.ok("AdminDeleteUserAttributes", delete).await;
    let user = emu.admin_get_user(&pool, "att").await;
    let attrs = user["UserAttributes"].as_array().unwrap();
    assert!(!attrs.iter().any(|a| a["Name"] == "email" || a["Name"] == "email_verified"));
}

#[tokio::test]
async fn custom_attributes_are_added_once_and_then_writable() {
    let emu = start().await;
    let (pool, _) = attribute_user(&emu).await;
    let add = json!({"UserPoolId": pool, "CustomAttributes": [{"Name": "plan", "AttributeDataType": "String"}]});
    emu.ok("AddCustomAttributes", add.clone()).await;
    emu.err("AddCustomAttributes", add, "InvalidParameterException").await;
    emu.ok("AdminUpdateUserAttributes", json!({"UserPoolId": pool, "Username": "att", "UserAttributes": [{"Name": "custom:plan", "Value": "gold"}]})).await;
}

#[tokio::test]
async fn verification_before_update_keeps_the_old_value() {
    let emu = start().await;
    let pool = emu
        .pool(json!({"PoolName": "vbu", "AutoVerifiedAttributes": ["email"],
            "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]}}))
        .await;
    let (client, _) =
        emu.client(&pool, json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]})).await;
    confirmed_user(&emu, &client, None, "vbu", "keep@example.com", PW).await;
    let access = token(&signed_in(&emu, &client, "vbu", PW).await, "AccessToken");
    emu.ok("UpdateUserAttributes", json!({"AccessToken": access, "UserAttributes": [{"Name": "email", "Value": "next@example.com"}]})).await;
    let attrs = own_attributes(&emu, &access).await;
    assert!(attrs.contains(&json!({"Name": "email", "Value": "keep@example.com"})));
    let code = emu.last_code("next@example.com").await;
    let verify = json!({"AccessToken": access, "AttributeName": "email", "Code": code});
    emu.ok("VerifyUserAttribute", verify).await;
    let attrs = own_attributes(&emu, &access).await;
    assert!(attrs.contains(&json!({"Name": "email", "Value": "next@example.com"})));
    assert_eq!(
        emu.err("CreateUserPool", json!({"PoolName": "bad", "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]}}), "InvalidParameterException").await,
        "All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes"
    );
}

#[tokio::test]
async fn global_sign_out_revokes_every_token_of_the_user() {
    let emu = start().await;
    let (pool, client, _) = password_pool(&emu, false).await;
    confirmed_user(&emu, &client, None, "so", "so@example.com", PW).await;
    let first = signed_in(&emu, &client, "so", PW).await;
    let second = signed_in(&emu, &client, "so", PW).await;
    emu.ok("GlobalSignOut", json!({"AccessToken": first["AccessToken"]})).await;
    for tokens in [&first, &second] {
        assert_eq!(
            get_user(&emu, &tokens["AccessToken"]).await.err("NotAuthorizedException"),
            "Access Token has been revoked"
        );
        assert_eq!(
            refresh_auth(&emu, &client, &tokens["RefreshToken"])
                .await
                .err("NotAuthorizedException"),
            "Refresh Token has been revoked"
        );
    }
    // A new sign-in right after is fine.
    let third = signed_in(&emu, &client, "so", PW).await;
    get_user(&emu, &third["AccessToken"]).await.ok();

    // An administrator signs the user out too.
    emu.ok("AdminUserGlobalSignOut", json!({"UserPoolId": pool, "Username": "so"})).await;
    get_user(&emu, &third["AccessToken"]).await.err("NotAuthorizedException");
}

#[tokio::test]
async fn revoke_token_kills_one_refresh_token_and_its_access_tokens() {
    let emu = start().await;
    let (pool, client, _) = password_pool(&emu, false).await;
    confirmed_user(&emu, &client, None, "so", "so@example.com", PW).await;
    let revoked = signed_in(&emu, &client, "so", PW).await;
    let other = signed_in(&emu, &client, "so", PW).await;
    emu.ok("RevokeToken", json!({"ClientId": client, "Token": revoked["RefreshToken"]})).await;
    assert_eq!(
        get_user(&emu, &revoked["AccessToken"]).await.err("NotAuthorizedException"),
        "Access Token has been revoked"
    );
    assert_eq!(
        refresh_auth(&emu, &client, &revoked["RefreshToken"]).await.err("NotAuthorizedException"),
        "Refresh Token has been revoked"
    );
    // Nothing else.
    get_user(&emu, &other["AccessToken"]).await.ok();
    let revoke = |client: &str, token: &Value| json!({"ClientId": client, "Token": token});
    let access = revoke(&client, &other["AccessToken"]);
    emu.err("RevokeToken", access, "UnsupportedTokenTypeException").await;
    let (no_revoke, _) = emu.client(&pool, json!({"EnableTokenRevocation": false})).await;
    let refresh = revoke(&no_revoke, &other["RefreshToken"]);
    emu.err("RevokeToken", refresh, "UnsupportedOperationException").await;
}

#[tokio::test]
async fn a_deleted_user_and_their_tokens_are_gone() {
    let emu = start().await;
    let (pool, client, _) = password_pool(&emu, false).await;
    confirmed_user(&emu, &client, None, "so", "so@example.com", PW).await;
    let tokens = signed_in(&emu, &client, "so", PW).await;
    emu.ok("DeleteUser", json!({"AccessToken": tokens["AccessToken"]})).await;
    let user = json!({"UserPoolId": pool, "Username": "so"});
    emu.err("AdminGetUser", user, "UserNotFoundException").await;
    assert_eq!(
        get_user(&emu, &tokens["AccessToken"]).await.err("UserNotFoundException"),
        "User does not exist."
    );
    assert_eq!(
        refresh_auth(&emu, &client, &tokens["RefreshToken"]).await.err("NotAuthorizedException"),
        "Invalid Refresh Token."
    );
}

#[tokio::test]
async fn disable_and_enable() {
    let emu = start().await;
    let (pool, client, _) = password_pool(&emu, false).await;
    confirmed_user(&emu, &client, None, "dis", "dis@example.com", PW).await;
    let tokens = signed_in(&emu, &client, "dis", PW).await;
    let user = json!({"UserPoolId": pool, "Username": "dis"});
    emu.ok("AdminDisableUser", user.clone()).await;
    let got = emu.admin_get_user(&pool, "dis").await;
    assert_eq!(
        (got["Enabled"].as_bool(), got["UserStatus"].as_str()),
        (Some(false), Some("CONFIRMED"))
    );
    assert_eq!(
        password_auth(&emu, &client, None, "dis", PW).await.err("NotAuthorizedException"),
        "User is disabled."
    );
    get_user(&emu, &tokens["AccessToken"]).await.err("NotAuthorizedException");
    refresh_auth(&emu, &client, &tokens["RefreshToken"]).await.err("NotAuthorizedException");
    emu.ok("AdminEnableUser", user.clone()).await;
    signed_in(&emu, &client, "dis", PW).await;
    emu.ok("AdminDeleteUser", user.clone()).await;
    emu.err("AdminDeleteUser", user, "UserNotFoundException").await;
}

/// A pool of seven users, user0 to user6: emails ann0-2@ and bob3-6@example.com, given names Even and
/// Odd by the parity of the number; user1 is confirmed and user2 disabled. Returns the pool id.
async fn seven_users(emu: &Emulator) -> String {
    let (pool, client, _) = password_pool(emu, false).await;
    for i in 0..7 {
        let email = format!("{}{i}@example.com", if i < 3 { "ann" } else { "bob" });
        let given_name = if i % 2 == 0 { "Even" } else { "Odd" };
        let attributes = [("email", email.as_str()), ("given_name", given_name)];
        sign_up(emu, &client, &format!("user{i}"), PW, &attributes).await.ok();
    }
    emu.ok("AdminConfirmSignUp", json!({"UserPoolId": pool, "Username": "user1"})).await;
    emu.ok("AdminDisableUser", json!({"UserPoolId": pool, "Username": "user2"})).await;
    pool
}

/// The usernames of a ListUsers answer.
fn names(out: &Value) -> Vec<String> {
    out["Users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["Username"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn list_users_filters() {
    let emu = start().await;
    let pool = seven_users(&emu).await;
    let list = |filter: &str| json!({"UserPoolId": pool, "Filter": filter});
    assert_eq!(names(&emu.ok("ListUsers", list(r#"email = "bob4@example.com""#)).await), ["user4"]);
    assert_eq!(
        names(&emu.ok("ListUsers", list(r#"email ^= "ann""#)).await),
        ["user0", "user1", "user2"]
    );
    assert_eq!(
        names(&emu.ok("ListUsers", list(r#"given_name = "Odd""#)).await),
        ["user1", "user3", "user5"]
    );
    assert_eq!(
        names(&emu.ok("ListUsers", list(r#"cognito:user_status = "confirmed""#)).await),
        ["user1"]
    );
    assert_eq!(names(&emu.ok("ListUsers", list(r#"status = "Disabled""#)).await), ["user2"]);
    assert_eq!(names(&emu.ok("ListUsers", list(r#"username ^= "user6""#)).await), ["user6"]);
    let one = emu.admin_get_user(&pool, "user3").await;
    let sub = one["UserAttributes"][0]["Value"].as_str().unwrap();
    assert_eq!(names(&emu.ok("ListUsers", list(&format!(r#"sub = "{sub}""#))).await), ["user3"]);
    assert_eq!(
        emu.err("ListUsers", list(r#"custom:x = "1""#), "InvalidParameterException").await,
        "Invalid search attribute: custom:x"
    );
    assert_eq!(
        emu.err("ListUsers", list("email = bob"), "InvalidParameterException").await,
        "Error while parsing filter."
    );
}

#[tokio::test]
async fn list_users_pages_with_the_attributes_asked_for() {
    let emu = start().await;
    let pool = seven_users(&emu).await;
    let mut all = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut body = json!({"UserPoolId": pool, "Limit": 3, "AttributesToGet": ["email"]});
        if let Some(t) = &token {
            body["PaginationToken"] = json!(t);
        }
        let page = emu.ok("ListUsers", body).await;
        for u in page["Users"].as_array().unwrap() {
            assert_eq!(u["Attributes"].as_array().unwrap().len(), 1, "only the email");
            assert!(u["UserCreateDate"].is_number() && u["UserStatus"].is_string());
        }
        all.extend(names(&page));
        match page["PaginationToken"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(all, (0..7).map(|i| format!("user{i}")).collect::<Vec<_>>());
    assert!(
        emu.err("ListUsers", json!({"UserPoolId": pool, "Limit": 61}), "InvalidParameterException")
            .await
            .contains("Member must have value less than or equal to 60")
    );
}

/// A pool with the groups admins (precedence 1, role Admin), readers (precedence 5, role Reader) and
/// beta, and the confirmed user "grp" added to readers, admins and beta, in that order; then a second
/// CreateGroup of beta, refused. Returns (pool, client).
async fn group_member(emu: &Emulator) -> (String, String) {
    let (pool, client, _) = password_pool(emu, false).await;
    confirmed_user(emu, &client, None, "grp", "grp@example.com", PW).await;
    let g = emu.ok("CreateGroup", json!({"UserPoolId": pool, "GroupName": "admins", "Precedence": 1, "RoleArn": "arn:aws:iam::123456789012:role/Admin", "Description": "Admins"})).await;
    assert_eq!(g["Group"]["GroupName"], "admins");
    assert_eq!(g["Group"]["Precedence"], 1);
    emu.ok("CreateGroup", json!({"UserPoolId": pool, "GroupName": "readers", "Precedence": 5, "RoleArn": "arn:aws:iam::123456789012:role/Reader"})).await;
    let beta = json!({"UserPoolId": pool, "GroupName": "beta"});
    emu.ok("CreateGroup", beta.clone()).await;
    emu.err("CreateGroup", beta, "GroupExistsException").await;
    for group in ["readers", "admins", "beta"] {
        let add = json!({"UserPoolId": pool, "Username": "grp", "GroupName": group});
        emu.ok("AdminAddUserToGroup", add).await;
    }
    (pool, client)
}

#[tokio::test]
async fn groups_and_their_roles_are_claims_in_precedence_order() {
    let emu = start().await;
    let (_, client) = group_member(&emu).await;
    let tokens = signed_in(&emu, &client, "grp", PW).await;
    let id = claims(tokens["IdToken"].as_str().unwrap());
    let access = claims(tokens["AccessToken"].as_str().unwrap());
    assert_eq!(id["cognito:groups"], json!(["admins", "readers", "beta"]));
    assert_eq!(access["cognito:groups"], json!(["admins", "readers", "beta"]));
    assert_eq!(id["cognito:preferred_role"], "arn:aws:iam::123456789012:role/Admin");
    assert_eq!(
        id["cognito:roles"],
        json!(["arn:aws:iam::123456789012:role/Admin", "arn:aws:iam::123456789012:role/Reader"])
    );
    assert!(access.get("cognito:roles").is_none());
}

#[tokio::test]
async fn groups_and_members_are_listed() {
    let emu = start().await;
    let (pool, _) = group_member(&emu).await;
    let mine = emu
        .ok("AdminListGroupsForUser", json!({"UserPoolId": pool, "Username": "grp", "Limit": 2}))
        .await;
    assert_eq!(mine["Groups"].as_array().unwrap().len(), 2);
    assert!(mine["NextToken"].is_string());
    let members =
        emu.ok("ListUsersInGroup", json!({"UserPoolId": pool, "GroupName": "admins"})).await;
    assert_eq!(members["Users"][0]["Username"], "grp");
    let all = emu.ok("ListGroups", json!({"UserPoolId": pool})).await;
    assert_eq!(all["Groups"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn group_changes_show_in_refreshed_tokens() {
    let emu = start().await;
    let (pool, client) = group_member(&emu).await;
    let tokens = signed_in(&emu, &client, "grp", PW).await;
    let group = |name: &str| json!({"UserPoolId": pool, "GroupName": name});
    emu.ok("UpdateGroup", json!({"UserPoolId": pool, "GroupName": "admins", "Precedence": 9}))
        .await;
    let got = emu.ok("GetGroup", group("admins")).await;
    assert_eq!(got["Group"]["Precedence"], 9);
    assert!(got["Group"].get("RoleArn").is_none(), "UpdateGroup replaces: the role is gone");
    let remove = json!({"UserPoolId": pool, "Username": "grp", "GroupName": "beta"});
    emu.ok("AdminRemoveUserFromGroup", remove).await;
    emu.ok("DeleteGroup", group("readers")).await;
    assert_eq!(
        emu.err("GetGroup", group("readers"), "ResourceNotFoundException").await,
        "Group not found."
    );
    let refreshed = refresh_auth(&emu, &client, &tokens["RefreshToken"]).await.ok();
    let id = claims(refreshed["AuthenticationResult"]["IdToken"].as_str().unwrap());
    assert_eq!(id["cognito:groups"], json!(["admins"]));
    let stranger = json!({"UserPoolId": pool, "Username": "nobody", "GroupName": "admins"});
    emu.err("AdminAddUserToGroup", stranger, "UserNotFoundException").await;
}

#[tokio::test]
async fn sign_in_by_verified_alias() {
    let emu = start().await;
    let pool = emu
        .pool(json!({"PoolName": "alias", "AliasAttributes": ["email", "preferred_username"], "AutoVerifiedAttributes": ["email"],
                     "UsernameConfiguration": {"CaseSensitive": false}}))
        .await;
    let (client, _) =
        emu.client(&pool, json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]})).await;
    let attributes = [("email", "shared@example.com"), ("preferred_username", "Firsty")];
    sign_up(&emu, &client, "first", PW, &attributes).await.ok();
    // Before verification the email is not an alias.
    password_auth(&emu, &client, None, "shared@example.com", PW).await.err("UserNotFoundException");
    // preferred_username needs no verification (and the pool is case-insensitive): the user is found.
    password_auth(&emu, &client, None, "FIRSTY", PW).await.err("UserNotConfirmedException");
    let code = emu.last_code("shared@example.com").await;
    confirm_sign_up(&emu, &client, "first", &code).await.ok();
    signed_in(&emu, &client, "FIRSTY", PW).await;
    let t = signed_in(&emu, &client, "Shared@Example.com", PW).await;
    assert_eq!(claims(t["IdToken"].as_str().unwrap())["cognito:username"], "first");
    emu.admin_get_user(&pool, "shared@example.com").await;

    // A second account confirming the same email: AliasExistsException unless ForceAliasCreation.
    sign_up(&emu, &client, "second", PW, &[("email", "shared@example.com")]).await.ok();
    let code = emu.last_code("shared@example.com").await;
    let mut confirm = json!({"ClientId": client, "Username": "second", "ConfirmationCode": code});
    assert_eq!(
        emu.err("ConfirmSignUp", confirm.clone(), "AliasExistsException").await,
        "An account with the given email already exists."
    );
    confirm["ForceAliasCreation"] = json!(true);
    emu.ok("ConfirmSignUp", confirm).await;
    let t = signed_in(&emu, &client, "shared@example.com", PW).await;
    assert_eq!(claims(t["IdToken"].as_str().unwrap())["cognito:username"], "second");
    let first = emu.admin_get_user(&pool, "first").await;
    let attrs = first["UserAttributes"].as_array().unwrap();
    assert!(attrs.contains(&json!({"Name": "email_verified", "Value": "false"})));
    let taken = [("preferred_username", "firsty")];
    sign_up(&emu, &client, "third", PW, &taken).await.err("AliasExistsException");
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
        password_auth(&emu, &client, None, "cfg", "Wrong0ne!").await.err("NotAuthorizedException");
    }
    assert_eq!(
        password_auth(&emu, &client, None, "cfg", PW).await.err("NotAuthorizedException"),
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
