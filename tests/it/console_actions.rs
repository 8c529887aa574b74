//! The web console's actions on users, each through the API's own operation: create, confirm,
//! enable/disable, reset password, set password, add to and remove from a group, set an attribute,
//! sign out everywhere, delete; an operation's refusal shown on the page; the token decoder; the clock,
//! resets and the seed export.

use serde_json::{Value, json};

use crate::common::{self, Emulator, start};
use crate::console::{Browser, Page, setup};

#[tokio::test]
async fn each_action_runs_its_operation() {
    let emu = start().await;
    let (pool, client) = setup(&emu).await;
    let mut b = Browser::new(&emu);
    let alice = format!("/pools/{pool}/users/alice");
    let act = |a: &str| format!("{alice}/{a}");

    // Disable: sign-in refused; enable: allowed again.
    let sign_in = json!({"ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Passw0rd!"}});
    let done = b.submit(&alice, &act("disable"), &[]).await;
    assert_eq!(done.status, 303);
    let refused = emu.err("InitiateAuth", sign_in.clone(), "NotAuthorizedException").await;
    assert_eq!(refused, "User is disabled.");
    let page = b.get(&format!("{alice}?done=disabled")).await;
    assert!(page.body.contains("User disabled") && page.body.contains(">Disabled<"));
    assert_eq!(b.submit(&alice, &act("enable"), &[]).await.status, 303);
    let tokens = emu.ok("InitiateAuth", sign_in.clone()).await;
    let refresh = tokens["AuthenticationResult"]["RefreshToken"].as_str().unwrap().to_string();

    // The session shows; sign out everywhere revokes its refresh token.
    let page = b.get(&alice).await;
    assert!(!page.body.contains("No live refresh tokens."), "a session is listed");
    assert_eq!(b.submit(&alice, &act("sign-out"), &[]).await.status, 303);
    emu.err(
        "InitiateAuth",
        json!({"ClientId": client, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": {"REFRESH_TOKEN": refresh}}),
        "NotAuthorizedException",
    )
    .await;
    assert!(b.get(&alice).await.body.contains("No live refresh tokens."));

    // Groups.
    assert_eq!(b.submit(&alice, &act("add-to-group"), &[("group", "admins")]).await.status, 303);
    let groups =
        emu.ok("AdminListGroupsForUser", json!({"UserPoolId": pool, "Username": "alice"})).await;
    assert_eq!(groups["Groups"][0]["GroupName"], "admins");
    assert!(b.get(&format!("/pools/{pool}/groups/admins")).await.body.contains("/users/alice"));
    assert_eq!(
        b.submit(&alice, &act("remove-from-group"), &[("group", "admins")]).await.status,
        303
    );
    let groups =
        emu.ok("AdminListGroupsForUser", json!({"UserPoolId": pool, "Username": "alice"})).await;
    assert!(groups["Groups"].as_array().unwrap().is_empty());

    // An attribute.
    assert_eq!(
        b.submit(&alice, &act("set-attribute"), &[("name", "name"), ("value", "Alice A.")])
            .await
            .status,
        303
    );
    let user = emu.admin_get_user(&pool, "alice").await;
    assert!(user["UserAttributes"].as_array().unwrap().iter().any(|a| a["Value"] == "Alice A."));

    // Set password (permanent), then sign in with it.
    let set = b
        .submit(
            &alice,
            &act("set-password"),
            &[("password", "N3w-Passw0rd!"), ("permanent", "true")],
        )
        .await;
    assert_eq!(set.status, 303);
    let mut with_new = sign_in.clone();
    with_new["AuthParameters"]["PASSWORD"] = json!("N3w-Passw0rd!");
    emu.ok("InitiateAuth", with_new).await;
    // A password the policy refuses: the page shows AWS's error, nothing changes.
    let weak = b.submit(&alice, &act("set-password"), &[("password", "short")]).await;
    assert_eq!(weak.status, 400);
    assert!(
        weak.body.contains("InvalidPasswordException")
            || weak.body.contains("InvalidParameterException"),
        "{}",
        weak.body
    );

    // Reset password: RESET_REQUIRED and a code in the outbox.
    assert_eq!(b.submit(&alice, &act("reset-password"), &[]).await.status, 303);
    assert_eq!(emu.admin_get_user(&pool, "alice").await["UserStatus"], "RESET_REQUIRED");
    emu.last_code("alice@example.com").await;

    // Delete.
    let deleted = b.submit(&alice, &act("delete"), &[]).await;
    assert_eq!(deleted.status, 303);
    assert!(deleted.location.ends_with("/users?done=deleted"));
    emu.err(
        "AdminGetUser",
        json!({"UserPoolId": pool, "Username": "alice"}),
        "UserNotFoundException",
    )
    .await;
    // An action on a user that is gone shows the operation's error.
    let gone = b.submit(&format!("/pools/{pool}"), &act("disable"), &[]).await;
    assert_eq!(gone.status, 400);
    assert!(gone.body.contains("UserNotFoundException"));
    assert_eq!(b.submit(&format!("/pools/{pool}"), &act("explode"), &[]).await.status, 404);
}

#[tokio::test]
async fn create_and_confirm_users() {
    let emu = start().await;
    let (pool, client) = setup(&emu).await;
    let mut b = Browser::new(&emu);
    let form = format!("/pools/{pool}/new-user");
    // Create without an invitation, with a temporary password.
    let created = b
        .submit(
            &form,
            &form,
            &[
                ("username", "erin"),
                ("email", "erin@example.com"),
                ("email_verified", "true"),
                ("password", "Temp-Passw0rd!"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    assert!(created.location.ends_with(&format!("/pools/{pool}/users/erin?done=created")));
    let erin = emu.admin_get_user(&pool, "erin").await;
    assert_eq!(erin["UserStatus"], "FORCE_CHANGE_PASSWORD");
    let (_, messages) = emu.get("/_emulator/messages?destination=erin%40example.com").await;
    assert!(messages["messages"].as_array().unwrap().is_empty(), "SUPPRESS");
    // With the invitation.
    let invited = b
        .submit(
            &form,
            &form,
            &[("username", "frank"), ("email", "frank@example.com"), ("invite", "true")],
        )
        .await;
    assert_eq!(invited.status, 303);
    emu.last_code("frank@example.com").await;
    // A taken name: AWS's error on the form, the values kept.
    let taken =
        b.submit(&form, &form, &[("username", "erin"), ("email", "other@example.com")]).await;
    assert_eq!(taken.status, 400);
    assert!(taken.body.contains("UsernameExistsException"));
    assert!(taken.body.contains("value=\"other@example.com\""));

    // Confirm a sign-up.
    emu.ok(
        "SignUp",
        json!({"ClientId": client, "Username": "gina", "Password": "Passw0rd!",
            "UserAttributes": [{"Name": "email", "Value": "gina@example.com"}]}),
    )
    .await;
    let gina = format!("/pools/{pool}/users/gina");
    let page = b.get(&gina).await;
    assert!(page.body.contains("Confirm sign-up") && page.body.contains("UNCONFIRMED"));
    assert!(page.body.contains("sign_up") && page.body.contains(">valid<"), "the pending code");
    assert_eq!(b.submit(&gina, &format!("{gina}/confirm"), &[]).await.status, 303);
    assert_eq!(emu.admin_get_user(&pool, "gina").await["UserStatus"], "CONFIRMED");
    assert!(!b.get(&gina).await.body.contains("Confirm sign-up"));
}

async fn decode(b: &mut Browser, token: String) -> Page {
    b.submit("/tokens", "/tokens", &[("token", &token)]).await
}

async fn tokens(emu: &Emulator, client: &str) -> Value {
    emu.ok(
        "InitiateAuth",
        json!({"ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Passw0rd!"}}),
    )
    .await["AuthenticationResult"]
        .clone()
}

#[tokio::test]
async fn the_token_decoder_checks_signature_issuer_expiry_and_revocation() {
    let emu = start().await;
    let (pool, client) = setup(&emu).await;
    let result = tokens(&emu, &client).await;
    let id = result["IdToken"].as_str().unwrap();
    let access = result["AccessToken"].as_str().unwrap();
    let mut b = Browser::new(&emu);
    let page = decode(&mut b, id.to_string()).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("Valid: signature, issuer, expiry and client check out."),
        "{}",
        page.body
    );
    assert!(page.body.contains("alice@example.com") && page.body.contains(&pool));
    assert!(page.body.contains("the ID-token key"));
    let page = decode(&mut b, access.to_string()).await;
    assert!(page.body.contains("Valid:") && page.body.contains("the access-token key"));
    // One changed claim: the signature fails.
    let parts: Vec<&str> = id.split('.').collect();
    let mut claims = common::claims(id);
    claims["email"] = json!("mallory@example.com");
    use base64::Engine;
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims.to_string()),
        parts[2]
    );
    let page = decode(&mut b, forged).await;
    assert!(page.body.contains("Not valid: Signature"), "{}", page.body);
    // Not a JWT at all.
    let page = decode(&mut b, "<script>x</script>".into()).await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("three dot-separated parts") && !page.body.contains("<script>x"));
    // Revoked by a global sign-out, then expired by the clock.
    emu.ok("AdminUserGlobalSignOut", json!({"UserPoolId": pool, "Username": "alice"})).await;
    let page = decode(&mut b, access.to_string()).await;
    assert!(page.body.contains("Not valid: Revocation"), "{}", page.body);
    emu.app.clock.advance_ms(2 * 3600 * 1000);
    let page = decode(&mut b, id.to_string()).await;
    assert!(page.body.contains("Not valid: Expiry: expired 1 h"), "{}", page.body);
}

#[tokio::test]
async fn clock_resets_and_export() {
    let emu = start().await;
    let (pool, _) = setup(&emu).await;
    let mut b = Browser::new(&emu);
    let moved = b.submit("/clock", "/clock", &[("amount", "2"), ("unit", "hours")]).await;
    assert_eq!(moved.status, 303);
    assert_eq!(emu.app.clock.offset_ms(), 2 * 3600 * 1000);
    let page = b.get(&moved.location["/_emulator/ui".len()..]).await;
    assert!(page.body.contains("Clock moved forward.") && page.body.contains("2 h 0 min"));
    for bad in ["-1", "x", "1e40"] {
        let refused = b.submit("/clock", "/clock", &[("amount", bad), ("unit", "days")]).await;
        assert_eq!(refused.status, 200);
        assert!(refused.body.contains("must be a number"), "{bad}");
    }
    assert_eq!(emu.app.clock.offset_ms(), 2 * 3600 * 1000);

    let export = b.get("/export").await;
    assert_eq!(export.status, 200);
    assert!(export.headers["content-disposition"].to_str().unwrap().contains("seed.json"));
    let doc: Value = serde_json::from_str(&export.body).unwrap();
    assert_eq!(doc["UserPools"][0]["Id"], pool.as_str(), "{doc}");

    let reset = b.submit(&format!("/pools/{pool}"), &format!("/pools/{pool}/reset"), &[]).await;
    assert_eq!(reset.status, 303);
    emu.err(
        "AdminGetUser",
        json!({"UserPoolId": pool, "Username": "alice"}),
        "UserNotFoundException",
    )
    .await;
    emu.ok("DescribeUserPool", json!({"UserPoolId": pool})).await;
    let all = b.submit("/clock", "/reset", &[]).await;
    assert_eq!(all.status, 303);
    emu.err("DescribeUserPool", json!({"UserPoolId": pool}), "ResourceNotFoundException").await;
    assert!(b.get("").await.body.contains("No user pools yet"));
}
