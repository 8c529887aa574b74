//! Email MFA set-up when MFA is required and the user has no factor: MFA_SETUP answered with EMAIL
//! (Amplify's CONTINUE_SIGN_IN_WITH_EMAIL_SETUP) through the API, and the same step on the hosted pages
//! (the factor chosen, the address entered, the mailed code).

use serde_json::{Value, json};

use crate::common::browser::{Browser, csrf, form, pairs};
use crate::common::{Emulator, password_auth, start};
use crate::hosted_pages::{CALLBACK, PW, login_page, site, user};

/// A pool with MFA required, offering email (and TOTP when `totp`), and a password client.
async fn required_mfa(emu: &Emulator, totp: bool, pool_extra: Value) -> crate::hosted_pages::Site {
    let s = site(
        emu,
        pool_extra,
        json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    )
    .await;
    emu.ok(
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": s.pool, "MfaConfiguration": "ON",
               "EmailMfaConfiguration": {"Subject": "Your code", "Message": "Code {####}"},
               "SoftwareTokenMfaConfiguration": {"Enabled": totp}}),
    )
    .await;
    s
}

async fn respond(
    emu: &Emulator,
    client: &str,
    name: &str,
    session: &Value,
    answers: Value,
) -> crate::common::Answer {
    emu.call(
        "RespondToAuthChallenge",
        json!({"ClientId": client, "ChallengeName": name, "Session": session, "ChallengeResponses": answers}),
    )
    .await
}

#[tokio::test]
async fn mfa_setup_with_email_sends_a_code_and_makes_it_the_users_factor() {
    let emu = start().await;
    let s = required_mfa(&emu, false, json!({})).await;
    user(&emu, &s.pool, "mia", json!([])).await;
    let ch = password_auth(&emu, &s.client, None, "mia", PW).await.ok();
    assert_eq!(ch["ChallengeName"], "MFA_SETUP");
    assert_eq!(ch["ChallengeParameters"]["MFAS_CAN_SETUP"], "[\"EMAIL_OTP\"]");
    let bad = respond(
        &emu,
        &s.client,
        "MFA_SETUP",
        &ch["Session"],
        json!({"USERNAME": "mia", "EMAIL": "not-an-address"}),
    )
    .await;
    assert_eq!(bad.err("InvalidParameterException"), "Invalid email address format.");
    // The session stays usable after a malformed answer.
    let otp = respond(
        &emu,
        &s.client,
        "MFA_SETUP",
        &ch["Session"],
        json!({"USERNAME": "mia", "EMAIL": "mia@example.com"}),
    )
    .await
    .ok();
    assert_eq!(otp["ChallengeName"], "EMAIL_OTP", "{otp}");
    assert_eq!(otp["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"], "EMAIL");
    assert_eq!(otp["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"], "m***@e***");
    let code = emu.last_code("mia@example.com").await;
    let (_, msgs) = emu.get("/_emulator/messages?destination=mia%40example.com").await;
    assert_eq!(
        msgs["messages"].as_array().unwrap().last().unwrap()["body"],
        format!("Code {code}")
    );
    let wrong = crate::common::wrong_code(&code);
    respond(
        &emu,
        &s.client,
        "EMAIL_OTP",
        &otp["Session"],
        json!({"USERNAME": "mia", "EMAIL_OTP_CODE": wrong}),
    )
    .await
    .err("CodeMismatchException");
    let before = emu.admin_get_user(&s.pool, "mia").await;
    assert!(
        before["UserAttributes"].as_array().unwrap().iter().all(|a| a["Name"] != "email"),
        "nothing set before the code"
    );
    let done = respond(
        &emu,
        &s.client,
        "EMAIL_OTP",
        &otp["Session"],
        json!({"USERNAME": "mia", "EMAIL_OTP_CODE": code}),
    )
    .await
    .ok();
    assert!(done["AuthenticationResult"]["AccessToken"].is_string(), "{done}");
    let after = emu.admin_get_user(&s.pool, "mia").await;
    let attr = |n: &str| {
        after["UserAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["Name"] == n)
            .map(|a| a["Value"].clone())
    };
    assert_eq!(attr("email"), Some(json!("mia@example.com")));
    assert_eq!(attr("email_verified"), Some(json!("true")));
    assert_eq!(after["UserMFASettingList"], json!(["EMAIL_OTP"]));
    assert_eq!(after["PreferredMfaSetting"], "EMAIL_OTP");
    let next = password_auth(&emu, &s.client, None, "mia", PW).await.ok();
    assert_eq!(next["ChallengeName"], "EMAIL_OTP", "the factor set up is asked for next time");
}

#[tokio::test]
async fn email_setup_refusals() {
    let emu = start().await;
    // Only TOTP offered: EMAIL is refused.
    let totp_only = site(
        &emu,
        json!({}),
        json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    )
    .await;
    emu.ok(
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": totp_only.pool, "MfaConfiguration": "ON", "SoftwareTokenMfaConfiguration": {"Enabled": true}}),
    )
    .await;
    user(&emu, &totp_only.pool, "tom", json!([])).await;
    let ch = password_auth(&emu, &totp_only.client, None, "tom", PW).await.ok();
    respond(
        &emu,
        &totp_only.client,
        "MFA_SETUP",
        &ch["Session"],
        json!({"USERNAME": "tom", "EMAIL": "tom@example.com"}),
    )
    .await
    .err("InvalidParameterException");

    // An address another user holds as a sign-in alias: refused when the code is answered.
    let aliased =
        required_mfa(&emu, false, json!({"PoolName": "aliased", "AliasAttributes": ["email"]}))
            .await;
    user(&emu, &aliased.pool, "holder", json!([{"Name": "email", "Value": "taken@example.com"}, {"Name": "email_verified", "Value": "true"}])).await;
    user(&emu, &aliased.pool, "newbie", json!([])).await;
    let ch = password_auth(&emu, &aliased.client, None, "newbie", PW).await.ok();
    let otp = respond(
        &emu,
        &aliased.client,
        "MFA_SETUP",
        &ch["Session"],
        json!({"USERNAME": "newbie", "EMAIL": "taken@example.com"}),
    )
    .await
    .ok();
    let code = emu.last_code("taken@example.com").await;
    respond(
        &emu,
        &aliased.client,
        "EMAIL_OTP",
        &otp["Session"],
        json!({"USERNAME": "newbie", "EMAIL_OTP_CODE": code}),
    )
    .await
    .err("AliasExistsException");
}

#[tokio::test]
async fn the_hosted_pages_set_up_email_mfa() {
    let emu = start().await;
    let s = required_mfa(&emu, true, json!({})).await;
    user(&emu, &s.pool, "ida", json!([])).await;
    let mut b = Browser::new(&emu);
    let (path, page) = login_page(&mut b, &s.client, "").await;
    let choice =
        b.post(&path, &[("_csrf", &csrf(&page.body)), ("username", "ida"), ("password", PW)]).await;
    assert!(choice.body.contains("Set up multi-factor authentication"), "{}", choice.body);
    assert!(choice.body.contains(r#"name="setup" value="SOFTWARE_TOKEN_MFA""#), "{}", choice.body);
    assert!(choice.body.contains(r#"name="setup" value="EMAIL_OTP""#));
    let email_form = b.post(&path, &pairs(&form(&choice.body, &[("setup", "EMAIL_OTP")]))).await;
    assert!(
        email_form.body.contains(r#"id="email" name="email" type="email""#),
        "{}",
        email_form.body
    );
    let bad = b.post(&path, &pairs(&form(&email_form.body, &[("email", "nope")]))).await;
    assert!(bad.body.contains("Invalid email address format."), "{}", bad.body);
    assert!(bad.body.contains(r#"name="email""#), "the email form again");
    let otp = b.post(&path, &pairs(&form(&bad.body, &[("email", "ida@example.com")]))).await;
    assert!(otp.body.contains("We sent a code to i***@e***."), "{}", otp.body);
    let code = emu.last_code("ida@example.com").await;
    let done = b.post(&path, &pairs(&form(&otp.body, &[("code", &code)]))).await;
    assert_eq!(done.status, 302, "{}", done.body);
    assert!(done.location.starts_with(&format!("{CALLBACK}?code=")), "{}", done.location);
    let after = emu.admin_get_user(&s.pool, "ida").await;
    assert_eq!(after["PreferredMfaSetting"], "EMAIL_OTP");

    // Only email offered: the address is asked for at once.
    let only = required_mfa(&emu, false, json!({"PoolName": "email-only"})).await;
    user(&emu, &only.pool, "uma", json!([])).await;
    let mut b = Browser::new(&emu);
    let (path, page) = login_page(&mut b, &only.client, "").await;
    let email_form =
        b.post(&path, &[("_csrf", &csrf(&page.body)), ("username", "uma"), ("password", PW)]).await;
    assert!(
        email_form.body.contains(r#"name="email""#) && !email_form.body.contains(r#"name="setup""#),
        "{}",
        email_form.body
    );
}
