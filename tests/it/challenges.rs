//! Every challenge path of the sign-in state machine: SRP, sessions, NEW_PASSWORD_REQUIRED, admin flows,
//! MFA (TOTP, SMS, email, selection, set-up), remembered devices, USER_AUTH, refresh-token rotation.

use crate::common::srp::{Client as Srp, TIMESTAMP, device_verifier};
use crate::common::{
    Answer, Emulator, claims, confirmed_user, get_user, password_auth, pool_name, refresh_auth,
    sign_up, signed_in, srp_sign_in, start, token,
};
use cognito_emulator::crypto::totp;
use serde_json::{Value, json};

const PW: &str = "Passw0rd!";

async fn srp_pool(emu: &Emulator, extra_pool: Value, extra_client: Value) -> (String, String) {
    let mut pool = json!({"PoolName": "srp", "AutoVerifiedAttributes": ["email"]});
    pool.as_object_mut().unwrap().extend(extra_pool.as_object().unwrap().clone());
    let pool = emu.pool(pool).await;
    let mut client = json!({"ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"]});
    client.as_object_mut().unwrap().extend(extra_client.as_object().unwrap().clone());
    let (client, _) = emu.client(&pool, client).await;
    (pool, client)
}

/// InitiateAuth USER_SRP_AUTH with `srp_a` as SRP_A.
async fn srp_auth(emu: &Emulator, client: &str, username: &str, srp_a: &str) -> Answer {
    let params = json!({"USERNAME": username, "SRP_A": srp_a});
    emu.call(
        "InitiateAuth",
        json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client, "AuthParameters": params}),
    )
    .await
}

/// RespondToAuthChallenge: the `responses` to `challenge` within `session`.
async fn respond(
    emu: &Emulator,
    client: &str,
    challenge: &str,
    session: &Value,
    responses: Value,
) -> Answer {
    let body = json!({"ClientId": client, "ChallengeName": challenge, "Session": session,
                      "ChallengeResponses": responses});
    emu.call("RespondToAuthChallenge", body).await
}

#[tokio::test]
async fn srp_sign_in_with_and_without_session() {
    let emu = start().await;
    let (pool, client) = srp_pool(&emu, json!({}), json!({})).await;
    confirmed_user(&emu, &client, None, "sara", "sara@example.com", PW).await;
    let out = srp_sign_in(&emu, &pool, &client, "sara", PW, false).await.ok();
    let id = claims(out["AuthenticationResult"]["IdToken"].as_str().unwrap());
    assert_eq!(id["cognito:username"], "sara");
    let out = srp_sign_in(&emu, &pool, &client, "sara", PW, true).await.ok();
    assert!(out["AuthenticationResult"]["RefreshToken"].is_string());
    let a = srp_sign_in(&emu, &pool, &client, "sara", "Wrong0ne!", false).await;
    assert_eq!(a.err("NotAuthorizedException"), "Incorrect username or password.");
}

#[tokio::test]
async fn srp_with_email_alias_uses_the_internal_username() {
    let emu = start().await;
    let (pool, client) = srp_pool(&emu, json!({"UsernameAttributes": ["email"]}), json!({})).await;
    let out = sign_up(&emu, &client, "em@example.com", PW, &[]).await.ok();
    let sub = out["UserSub"].as_str().unwrap().to_string();
    emu.ok("AdminConfirmSignUp", json!({"UserPoolId": pool, "Username": "em@example.com"})).await;
    let srp = Srp::new();
    let start = srp_auth(&emu, &client, "em@example.com", &srp.srp_a()).await.ok();
    assert_eq!(start["ChallengeParameters"]["USER_ID_FOR_SRP"], sub);
    assert_eq!(start["ChallengeParameters"]["USERNAME"], sub);
    let salt = start["ChallengeParameters"]["SALT"].as_str().unwrap();
    assert!(salt.len() % 2 == 0 && !"89abcdef".contains(&salt[..1]), "SALT in padHex form: {salt}");
    let out = srp_sign_in(&emu, &pool, &client, "em@example.com", PW, true).await.ok();
    assert!(out["AuthenticationResult"]["AccessToken"].is_string());
}

#[tokio::test]
async fn srp_failures_count_toward_the_lockout() {
    let emu = start().await;
    let (pool, client) = srp_pool(&emu, json!({}), json!({})).await;
    confirmed_user(&emu, &client, None, "lock", "lock@example.com", PW).await;
    for _ in 0..5 {
        srp_sign_in(&emu, &pool, &client, "lock", "Wrong0ne!", false)
            .await
            .err("NotAuthorizedException");
    }
    // Locked now: even the right password is refused, by either flow.
    let a = password_auth(&emu, &client, None, "lock", PW).await;
    assert_eq!(a.err("NotAuthorizedException"), "Password attempts exceeded");
    emu.app.clock.advance_ms(2000);
    password_auth(&emu, &client, None, "lock", PW).await.ok();
    // A success clears the count.
    password_auth(&emu, &client, None, "lock", "Wrong0ne!").await.err("NotAuthorizedException");
    password_auth(&emu, &client, None, "lock", PW).await.ok();
}

#[tokio::test]
async fn sessions_are_single_use_and_expire() {
    let emu = start().await;
    let (pool, client) = srp_pool(&emu, json!({}), json!({})).await;
    confirmed_user(&emu, &client, None, "ses", "ses@example.com", PW).await;
    let srp = Srp::new();
    let start = srp_auth(&emu, &client, "ses", &srp.srp_a()).await.ok();
    let responses =
        srp.password_verifier(pool_name(&pool), "ses", "ses", PW, &start["ChallengeParameters"]);
    let body = json!({"ClientId": client, "ChallengeName": "PASSWORD_VERIFIER", "Session": start["Session"],
        "ChallengeResponses": responses});
    let mut wrong_user = body.clone();
    wrong_user["ChallengeResponses"]["USERNAME"] = json!("someone");
    assert_eq!(
        emu.err("RespondToAuthChallenge", wrong_user, "NotAuthorizedException").await,
        "Invalid session for the user."
    );
    emu.ok("RespondToAuthChallenge", body.clone()).await;
    assert_eq!(
        emu.err("RespondToAuthChallenge", body, "NotAuthorizedException").await,
        "Invalid session for the user, session can only be used once."
    );

    let start = srp_auth(&emu, &client, "ses", &srp.srp_a()).await.ok();
    emu.app.clock.advance_ms(3 * 60 * 1000 + 1000);
    let p = &start["ChallengeParameters"];
    assert_eq!(
        respond(&emu, &client, "PASSWORD_VERIFIER", &start["Session"], json!({"USERNAME": "ses", "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": "x", "TIMESTAMP": TIMESTAMP})).await.err("NotAuthorizedException"),
        "Invalid session for the user, session is expired."
    );
    assert_eq!(
        respond(
            &emu,
            &client,
            "PASSWORD_VERIFIER",
            &json!("AYABegarbagegarbagegarbage"),
            json!({"USERNAME": "ses"})
        )
        .await
        .err("NotAuthorizedException"),
        "Invalid session for the user."
    );
    srp_auth(&emu, &client, "ses", "0").await.err("InvalidParameterException");
    assert_eq!(
        srp_auth(&emu, &client, "nobody", &srp.srp_a()).await.err("UserNotFoundException"),
        "User does not exist."
    );
}

/// A PASSWORD_VERIFIER session keeps the session key computed at the challenge, bound to the verifier
/// it was computed with: an answer made with the old password after the password changed is wrong (as
/// it is when the key is computed from the new verifier), and the session's row stays small.
#[tokio::test]
async fn srp_answers_are_checked_against_the_verifier_of_their_challenge() {
    let emu = start().await;
    let (pool, client) = srp_pool(&emu, json!({}), json!({})).await;
    confirmed_user(&emu, &client, None, "chg", "chg@example.com", PW).await;
    let srp = Srp::new();
    let challenge = |srp_a: String| {
        let (emu, client) = (&emu, &client);
        async move { srp_auth(emu, client, "chg", &srp_a).await.ok() }
    };
    let answer = |start: Value, password: &'static str| {
        let (emu, client, pool) = (&emu, &client, &pool);
        let srp = &srp;
        async move {
            let responses = srp.password_verifier(
                pool_name(pool),
                "chg",
                "chg",
                password,
                &start["ChallengeParameters"],
            );
            respond(emu, client, "PASSWORD_VERIFIER", &start["Session"], responses).await
        }
    };

    let first = challenge(srp.srp_a()).await;
    let longest: i64 = emu
        .app
        .store
        .read(
            |c| Ok(c.query_row("SELECT max(length(state)) FROM auth_sessions", [], |r| r.get(0))?),
        )
        .unwrap();
    assert!(longest < 400, "a PASSWORD_VERIFIER session's state is {longest} bytes");
    emu.ok(
        "AdminSetUserPassword",
        json!({"UserPoolId": pool, "Username": "chg", "Password": "N3w-Passw0rd!", "Permanent": true}),
    )
    .await;
    assert_eq!(
        answer(first, PW).await.err("NotAuthorizedException"),
        "Incorrect username or password."
    );
    let second = challenge(srp.srp_a()).await;
    answer(second, "N3w-Passw0rd!").await.ok();

    // A session stored before the proof was kept this way (it held b, B and A) cannot be answered.
    let third = challenge(srp.srp_a()).await;
    emu.app
        .store
        .write(|c| {
            c.execute("UPDATE auth_sessions SET state = json_remove(state, '$.step.proof')", [])?;
            Ok(())
        })
        .unwrap();
    assert_eq!(
        answer(third, "N3w-Passw0rd!").await.err("NotAuthorizedException"),
        "Invalid session for the user."
    );
}

#[tokio::test]
async fn unknown_users_get_a_simulated_srp_challenge_with_prevent_user_existence_errors() {
    let emu = start().await;
    let (pool, client) =
        srp_pool(&emu, json!({}), json!({"PreventUserExistenceErrors": "ENABLED"})).await;
    let srp = Srp::new();
    let first = srp_auth(&emu, &client, "ghost", &srp.srp_a()).await.ok();
    let second = srp_auth(&emu, &client, "ghost", &srp.srp_a()).await.ok();
    assert_eq!(
        first["ChallengeParameters"]["SALT"], second["ChallengeParameters"]["SALT"],
        "stable salt"
    );
    assert_eq!(
        first["ChallengeParameters"]["USER_ID_FOR_SRP"],
        second["ChallengeParameters"]["USER_ID_FOR_SRP"]
    );
    let a = srp_sign_in(&emu, &pool, &client, "ghost", PW, true).await;
    assert_eq!(a.err("NotAuthorizedException"), "Incorrect username or password.");
}

#[tokio::test]
async fn admin_create_user_then_new_password_required() {
    let emu = start().await;
    let (pool, client) = srp_pool(
        &emu,
        json!({"Schema": [{"Name": "name", "AttributeDataType": "String", "Required": true}]}),
        json!({}),
    )
    .await;
    let out = emu.ok("AdminCreateUser", json!({"UserPoolId": pool, "Username": "newbie", "TemporaryPassword": "Temp0rary!", "UserAttributes": [{"Name": "email", "Value": "newbie@example.com"}, {"Name": "email_verified", "Value": "true"}], "DesiredDeliveryMediums": ["EMAIL"]})).await;
    assert_eq!(out["User"]["UserStatus"], "FORCE_CHANGE_PASSWORD");
    assert_eq!(out["User"]["Enabled"], true);
    let (_, msgs) = emu.get("/_emulator/messages?destination=newbie%40example.com").await;
    let m = &msgs["messages"][0];
    assert_eq!(m["subject"], "Your temporary password");
    assert_eq!(m["body"], "Your username is newbie and temporary password is Temp0rary!. ");
    assert_eq!(
        emu.err(
            "AdminCreateUser",
            json!({"UserPoolId": pool, "Username": "newbie"}),
            "UsernameExistsException"
        )
        .await,
        "User account already exists"
    );

    let out = password_auth(&emu, &client, None, "newbie", "Temp0rary!").await.ok();
    assert_eq!(out["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    let p = &out["ChallengeParameters"];
    assert_eq!(p["USER_ID_FOR_SRP"], "newbie");
    assert_eq!(p["requiredAttributes"], "[\"userAttributes.name\"]");
    let current: Value = serde_json::from_str(p["userAttributes"].as_str().unwrap()).unwrap();
    assert_eq!(current["email"], "newbie@example.com");
    assert!(current.get("sub").is_none());
    let new_password = |responses: Value| json!({"ClientId": client, "ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": out["Session"], "ChallengeResponses": responses});
    emu.err(
        "RespondToAuthChallenge",
        new_password(json!({"USERNAME": "newbie", "NEW_PASSWORD": "weak"})),
        "InvalidParameterException",
    )
    .await;
    let done = emu.ok("RespondToAuthChallenge", new_password(json!({"USERNAME": "newbie", "NEW_PASSWORD": "Brand9New!", "userAttributes.name": "New Bie"}))).await;
    let id = claims(done["AuthenticationResult"]["IdToken"].as_str().unwrap());
    assert_eq!(id["name"], "New Bie");
    let user = emu.admin_get_user(&pool, "newbie").await;
    assert_eq!(user["UserStatus"], "CONFIRMED");
    // The new password works for both flows; the temporary one no longer does.
    password_auth(&emu, &client, None, "newbie", "Temp0rary!").await.err("NotAuthorizedException");
    srp_sign_in(&emu, &pool, &client, "newbie", "Brand9New!", true).await.ok();
}

#[tokio::test]
async fn temporary_passwords_expire_and_can_be_resent() {
    let emu = start().await;
    let (pool, client) = srp_pool(&emu, json!({}), json!({})).await;
    let out = emu.ok("AdminCreateUser", json!({"UserPoolId": pool, "Username": "late", "MessageAction": "SUPPRESS", "UserAttributes": [{"Name": "phone_number", "Value": "+15550001111"}]})).await;
    assert_eq!(out["User"]["Username"], "late");
    let (_, msgs) = emu.get("/_emulator/messages?username=late").await;
    assert_eq!(msgs["messages"].as_array().unwrap().len(), 0, "SUPPRESS sends nothing");
    emu.ok(
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "late", "MessageAction": "RESEND"}),
    )
    .await;
    let (_, msgs) = emu.get("/_emulator/messages?username=late").await;
    let m = &msgs["messages"][0];
    assert_eq!(
        (m["medium"].as_str(), m["destination"].as_str()),
        (Some("SMS"), Some("+15550001111")),
        "SMS is the default medium"
    );
    let temp = m["code"].as_str().unwrap().to_string();
    emu.app.clock.advance_ms(8 * 86400 * 1000);
    let a = password_auth(&emu, &client, None, "late", &temp).await;
    assert_eq!(
        a.err("NotAuthorizedException"),
        "Temporary password has expired and must be reset by an administrator."
    );
    emu.err(
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "nobody", "MessageAction": "RESEND"}),
        "UserNotFoundException",
    )
    .await;
}

#[tokio::test]
async fn admin_flows() {
    let emu = start().await;
    let (pool, client) = srp_pool(&emu, json!({}), json!({})).await;
    confirmed_user(&emu, &client, None, "adm", "adm@example.com", PW).await;
    for flow in ["ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"] {
        let out = emu.ok("AdminInitiateAuth", json!({"UserPoolId": pool, "ClientId": client, "AuthFlow": flow, "AuthParameters": {"USERNAME": "adm", "PASSWORD": PW}})).await;
        let refresh = token(&out["AuthenticationResult"], "RefreshToken");
        let r = emu.ok("AdminInitiateAuth", json!({"UserPoolId": pool, "ClientId": client, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": {"REFRESH_TOKEN": refresh}})).await;
        assert!(r["AuthenticationResult"]["AccessToken"].is_string());
    }
    let srp = Srp::new();
    let start = emu.ok("AdminInitiateAuth", json!({"UserPoolId": pool, "ClientId": client, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": "adm", "SRP_A": srp.srp_a()}})).await;
    let responses =
        srp.password_verifier(pool_name(&pool), "adm", "adm", PW, &start["ChallengeParameters"]);
    // A session of an admin flow is answered through the admin operation only.
    respond(&emu, &client, "PASSWORD_VERIFIER", &start["Session"], responses)
        .await
        .err("NotAuthorizedException");
    let start = emu.ok("AdminInitiateAuth", json!({"UserPoolId": pool, "ClientId": client, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": "adm", "SRP_A": srp.srp_a()}})).await;
    let responses =
        srp.password_verifier(pool_name(&pool), "adm", "adm", PW, &start["ChallengeParameters"]);
    let out = emu.ok("AdminRespondToAuthChallenge", json!({"UserPoolId": pool, "ClientId": client, "ChallengeName": "PASSWORD_VERIFIER", "Session": start["Session"], "ChallengeResponses": responses})).await;
    assert!(out["AuthenticationResult"]["IdToken"].is_string());

    let (srp_only, _) = emu.client(&pool, json!({})).await;
    assert_eq!(
        emu.err("AdminInitiateAuth", json!({"UserPoolId": pool, "ClientId": srp_only, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "adm", "PASSWORD": PW}}), "InvalidParameterException").await,
        "Auth flow not enabled for this client"
    );
    let other_pool = emu.pool(json!({"PoolName": "other"})).await;
    emu.err("AdminInitiateAuth", json!({"UserPoolId": other_pool, "ClientId": client, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "adm", "PASSWORD": PW}}), "ResourceNotFoundException").await;
}

fn totp_now(emu: &Emulator, secret: &str, offset_steps: i64) -> String {
    let key = totp::base32_decode(secret).unwrap();
    totp::code_at(&key, emu.app.clock.now_secs() / 30 + offset_steps)
}

#[tokio::test]
async fn totp_mfa_from_association_to_challenge() {
    let emu = start().await;
    let (pool, client) = srp_pool(&emu, json!({}), json!({})).await;
    emu.ok("SetUserPoolMfaConfig", json!({"UserPoolId": pool, "MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": {"Enabled": true}})).await;
    let cfg = emu.ok("GetUserPoolMfaConfig", json!({"UserPoolId": pool})).await;
    assert_eq!(cfg["MfaConfiguration"], "OPTIONAL");
    assert_eq!(cfg["SoftwareTokenMfaConfiguration"], json!({"Enabled": true}));
    confirmed_user(&emu, &client, None, "otp", "otp@example.com", PW).await;
    let access = token(&signed_in(&emu, &client, "otp", PW).await, "AccessToken");
    assert_eq!(
        emu.err("SetUserMFAPreference", json!({"AccessToken": access, "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}}), "InvalidParameterException").await,
        "User has not verified software token mfa"
    );
    let secret =
        emu.ok("AssociateSoftwareToken", json!({"AccessToken": access})).await["SecretCode"]
            .as_str()
            .unwrap()
            .to_string();
    assert_eq!(secret.len(), 32);
    assert_eq!(
        emu.err(
            "VerifySoftwareToken",
            json!({"AccessToken": access, "UserCode": "000000"}),
            "EnableSoftwareTokenMFAException"
        )
        .await,
        "Code mismatch"
    );
    let code = totp_now(&emu, &secret, 0);
    let v = emu
        .ok(
            "VerifySoftwareToken",
            json!({"AccessToken": access, "UserCode": code, "FriendlyDeviceName": "phone"}),
        )
        .await;
    assert_eq!(v["Status"], "SUCCESS");
    emu.ok("SetUserMFAPreference", json!({"AccessToken": access, "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}})).await;
    let me = get_user(&emu, &access).await.ok();
    assert_eq!(me["UserMFASettingList"], json!(["SOFTWARE_TOKEN_MFA"]));
    assert_eq!(me["PreferredMfaSetting"], "SOFTWARE_TOKEN_MFA");

    emu.app.clock.advance_ms(61_000);
    let ch = password_auth(&emu, &client, None, "otp", PW).await.ok();
    assert_eq!(ch["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    assert_eq!(ch["ChallengeParameters"]["FRIENDLY_DEVICE_NAME"], "phone");
    let answer = |code: &str, session: &Value| {
        json!({"ClientId": client, "ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": session,
               "ChallengeResponses": {"USERNAME": "otp", "SOFTWARE_TOKEN_MFA_CODE": code}})
    };
    let wrong = if totp_now(&emu, &secret, 0) == "123456" { "654321" } else { "123456" };
    assert_eq!(
        emu.err("RespondToAuthChallenge", answer(wrong, &ch["Session"]), "CodeMismatchException")
            .await,
        "Invalid code or auth state for the user."
    );
    // A wrong code may be retried on the same session.
    let ok =
        emu.ok("RespondToAuthChallenge", answer(&totp_now(&emu, &secret, 0), &ch["Session"])).await;
    assert!(ok["AuthenticationResult"]["AccessToken"].is_string());
    // The same code is not accepted twice (AWS: "Your software token has already been used once."),
    // and the session stays usable for the next code.
    let ch = password_auth(&emu, &client, None, "otp", PW).await.ok();
    assert_eq!(
        emu.err(
            "RespondToAuthChallenge",
            answer(&totp_now(&emu, &secret, 0), &ch["Session"]),
            "ExpiredCodeException",
        )
        .await,
        "Your software token has already been used once."
    );
    emu.app.clock.advance_ms(30_000);
    let ok =
        emu.ok("RespondToAuthChallenge", answer(&totp_now(&emu, &secret, 0), &ch["Session"])).await;
    assert!(ok["AuthenticationResult"]["AccessToken"].is_string());
    let user = emu.admin_get_user(&pool, "otp").await;
    assert_eq!(user["PreferredMfaSetting"], "SOFTWARE_TOKEN_MFA");
}

#[tokio::test]
async fn mfa_setup_when_mfa_is_required() {
    let emu = start().await;
    let (pool, client) = srp_pool(&emu, json!({}), json!({})).await;
    emu.ok("SetUserPoolMfaConfig", json!({"UserPoolId": pool, "MfaConfiguration": "ON", "SoftwareTokenMfaConfiguration": {"Enabled": true}})).await;
    let described = emu.ok("DescribeUserPool", json!({"UserPoolId": pool})).await;
    assert_eq!(described["UserPool"]["MfaConfiguration"], "ON");
    confirmed_user(&emu, &client, None, "setup", "setup@example.com", PW).await;
    let ch = srp_sign_in(&emu, &pool, &client, "setup", PW, true).await.ok();
    assert_eq!(ch["ChallengeName"], "MFA_SETUP");
    assert_eq!(ch["ChallengeParameters"]["MFAS_CAN_SETUP"], "[\"SOFTWARE_TOKEN_MFA\"]");
    respond(&emu, &client, "MFA_SETUP", &ch["Session"], json!({"USERNAME": "setup"}))
        .await
        .err("InvalidParameterException");
    let ch = srp_sign_in(&emu, &pool, &client, "setup", PW, true).await.ok();
    let assoc = emu.ok("AssociateSoftwareToken", json!({"Session": ch["Session"]})).await;
    let secret = assoc["SecretCode"].as_str().unwrap().to_string();
    let v = emu
        .ok(
            "VerifySoftwareToken",
            json!({"Session": assoc["Session"], "UserCode": totp_now(&emu, &secret, 0)}),
        )
        .await;
    assert_eq!(v["Status"], "SUCCESS");
    let done =
        respond(&emu, &client, "MFA_SETUP", &v["Session"], json!({"USERNAME": "setup"})).await.ok();
    assert!(done["AuthenticationResult"]["AccessToken"].is_string());
    emu.app.clock.advance_ms(31_000);
    let next = password_auth(&emu, &client, None, "setup", PW).await.ok();
    assert_eq!(
        next["ChallengeName"], "SOFTWARE_TOKEN_MFA",
        "the factor set up during MFA_SETUP is used next time"
    );
}

/// The SNS role an SMS factor names (never called: SMS lands in the outbox).
const SNS_ROLE: &str = "arn:aws:iam::123456789012:role/cognito-sms";

/// A pool with optional SMS and email MFA (their own message templates), and the confirmed user "two"
/// with an email and a phone number and both factors enabled. Returns (pool, client).
async fn two_factor_user(emu: &Emulator) -> (String, String) {
    let (pool, client) = srp_pool(emu, json!({}), json!({})).await;
    emu.ok(
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool, "MfaConfiguration": "OPTIONAL",
        "SmsMfaConfiguration": {"SmsAuthenticationMessage": "Code: {####}", "SmsConfiguration": {"SnsCallerArn": SNS_ROLE}},
        "EmailMfaConfiguration": {"Message": "Your code is {####}", "Subject": "Sign-in code"}}),
    )
    .await;
    let attributes = [("email", "two@example.com"), ("phone_number", "+15551234567")];
    sign_up(emu, &client, "two", PW, &attributes).await.ok();
    emu.ok("AdminConfirmSignUp", json!({"UserPoolId": pool, "Username": "two"})).await;
    emu.ok(
        "AdminSetUserMFAPreference",
        json!({"UserPoolId": pool, "Username": "two",
        "SMSMfaSettings": {"Enabled": true}, "EmailMfaSettings": {"Enabled": true}}),
    )
    .await;
    (pool, client)
}

#[tokio::test]
async fn a_user_with_two_factors_selects_one_and_gets_the_pools_sms_message() {
    let emu = start().await;
    let (_, client) = two_factor_user(&emu).await;
    let ch = password_auth(&emu, &client, None, "two", PW).await.ok();
    assert_eq!(ch["ChallengeName"], "SELECT_MFA_TYPE");
    assert_eq!(ch["ChallengeParameters"]["MFAS_CAN_CHOOSE"], "[\"SMS_MFA\",\"EMAIL_OTP\"]");
    let select = json!({"USERNAME": "two", "ANSWER": "SMS_MFA"});
    let sms = respond(&emu, &client, "SELECT_MFA_TYPE", &ch["Session"], select).await.ok();
    assert_eq!(sms["ChallengeName"], "SMS_MFA");
    assert_eq!(sms["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"], "SMS");
    assert_eq!(sms["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"], "+*******4567");
    let (_, msgs) = emu.get("/_emulator/messages?destination=%2B15551234567").await;
    let m = msgs["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(m["body"], format!("Code: {}", m["code"].as_str().unwrap()));
    let code = json!({"USERNAME": "two", "SMS_MFA_CODE": m["code"]});
    let done = respond(&emu, &client, "SMS_MFA", &sms["Session"], code).await.ok();
    assert!(done["AuthenticationResult"]["IdToken"].is_string());
}

#[tokio::test]
async fn preferred_email_otp_codes_expire_with_the_session() {
    let emu = start().await;
    let (pool, client) = two_factor_user(&emu).await;
    emu.ok("AdminSetUserMFAPreference", json!({"UserPoolId": pool, "Username": "two", "EmailMfaSettings": {"Enabled": true, "PreferredMfa": true}})).await;
    let ch = password_auth(&emu, &client, None, "two", PW).await.ok();
    assert_eq!(ch["ChallengeName"], "EMAIL_OTP");
    let code = emu.last_code("two@example.com").await;
    let (_, msgs) = emu.get("/_emulator/messages?destination=two%40example.com").await;
    assert_eq!(msgs["messages"].as_array().unwrap().last().unwrap()["subject"], "Sign-in code");
    // Codes expire with the session (AuthSessionValidity, 3 minutes).
    emu.app.clock.advance_ms(4 * 60 * 1000);
    let answer = |code: &str| json!({"USERNAME": "two", "EMAIL_OTP_CODE": code});
    respond(&emu, &client, "EMAIL_OTP", &ch["Session"], answer(&code))
        .await
        .err("NotAuthorizedException");
    let ch = password_auth(&emu, &client, None, "two", PW).await.ok();
    let code = emu.last_code("two@example.com").await;
    respond(&emu, &client, "EMAIL_OTP", &ch["Session"], answer(&code)).await.ok();
    let user = emu.admin_get_user(&pool, "two").await;
    assert_eq!(user["UserMFASettingList"], json!(["SMS_MFA", "EMAIL_OTP"]));
    assert_eq!(user["PreferredMfaSetting"], "EMAIL_OTP");
    assert_eq!(
        user["MFAOptions"],
        json!([{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}])
    );
}

/// The user "dev" with SMS MFA on a device it confirmed (as "laptop") after its first sign-in.
struct Device {
    pool: String,
    client: String,
    device_key: String,
    group_key: String,
    /// The random password of the device's verifier.
    password: String,
    /// The tokens of the first sign-in, bound to the device.
    access: String,
    refresh: String,
}

/// A pool that remembers every device (and challenges new ones) with optional SMS MFA; "dev" signs
/// in with the SMS code, gets NewDeviceMetadata and confirms the device with a verifier.
async fn remembered_device(emu: &Emulator) -> Device {
    let (pool, client) = srp_pool(
        emu,
        json!({"DeviceConfiguration": {"ChallengeRequiredOnNewDevice": true, "DeviceOnlyRememberedOnUserPrompt": false}}),
        json!({}),
    )
    .await;
    let mfa = json!({"UserPoolId": pool, "MfaConfiguration": "OPTIONAL", "SmsMfaConfiguration": {"SmsConfiguration": {"SnsCallerArn": SNS_ROLE}}});
    emu.ok("SetUserPoolMfaConfig", mfa).await;
    sign_up(emu, &client, "dev", PW, &[("phone_number", "+15557654321")]).await.ok();
    emu.ok("AdminConfirmSignUp", json!({"UserPoolId": pool, "Username": "dev"})).await;
    let sms = json!({"UserPoolId": pool, "Username": "dev", "SMSMfaSettings": {"Enabled": true}});
    emu.ok("AdminSetUserMFAPreference", sms).await;

    let ch = password_auth(emu, &client, None, "dev", PW).await.ok();
    assert_eq!(ch["ChallengeName"], "SMS_MFA");
    let code = emu.last_code("+15557654321").await;
    let answer = json!({"USERNAME": "dev", "SMS_MFA_CODE": code});
    let out = respond(emu, &client, "SMS_MFA", &ch["Session"], answer).await.ok();
    let r = &out["AuthenticationResult"];
    let device_key = r["NewDeviceMetadata"]["DeviceKey"].as_str().unwrap().to_string();
    let group_key = r["NewDeviceMetadata"]["DeviceGroupKey"].as_str().unwrap().to_string();
    assert!(device_key.starts_with("us-east-1_"));
    assert_eq!(claims(r["AccessToken"].as_str().unwrap())["device_key"], device_key);
    let access = r["AccessToken"].as_str().unwrap().to_string();
    let (password, salt, verifier) = device_verifier(&group_key, &device_key);
    let confirmed = emu
        .ok(
            "ConfirmDevice",
            json!({"AccessToken": access, "DeviceKey": device_key, "DeviceName": "laptop",
        "DeviceSecretVerifierConfig": {"PasswordVerifier": verifier, "Salt": salt}}),
        )
        .await;
    assert_eq!(confirmed["UserConfirmationNecessary"], false);
    let refresh = r["RefreshToken"].as_str().unwrap().to_string();
    Device { pool, client, device_key, group_key, password, access, refresh }
}

impl Device {
    /// A password sign-in naming the device, answered with DEVICE_SRP_AUTH: the answer (the
    /// DEVICE_PASSWORD_VERIFIER challenge, when all goes well).
    async fn device_srp(&self, emu: &Emulator, srp: &Srp) -> Value {
        let params = json!({"USERNAME": "dev", "PASSWORD": PW, "DEVICE_KEY": self.device_key});
        let ch = emu
            .ok(
                "InitiateAuth",
                json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": self.client, "AuthParameters": params}),
            )
            .await;
        assert_eq!(ch["ChallengeName"], "DEVICE_SRP_AUTH");
        let answer =
            json!({"USERNAME": "dev", "DEVICE_KEY": self.device_key, "SRP_A": srp.srp_a()});
        respond(emu, &self.client, "DEVICE_SRP_AUTH", &ch["Session"], answer).await.ok()
    }

    /// The DEVICE_PASSWORD_VERIFIER answer to the challenge `dv`, signed with `password`.
    async fn prove(&self, emu: &Emulator, srp: &Srp, dv: &Value, password: &str) -> Answer {
        let p = &dv["ChallengeParameters"];
        let signature = srp.signature(
            &self.group_key,
            &self.device_key,
            password,
            p["SALT"].as_str().unwrap(),
            p["SRP_B"].as_str().unwrap(),
            p["SECRET_BLOCK"].as_str().unwrap(),
            TIMESTAMP,
        );
        let answer = json!({"USERNAME": "dev", "DEVICE_KEY": self.device_key, "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"],
                            "PASSWORD_CLAIM_SIGNATURE": signature, "TIMESTAMP": TIMESTAMP});
        respond(emu, &self.client, "DEVICE_PASSWORD_VERIFIER", &dv["Session"], answer).await
    }
}

#[tokio::test]
async fn refresh_tokens_of_a_confirmed_device_need_its_key() {
    let emu = start().await;
    let d = remembered_device(&emu).await;
    assert_eq!(
        refresh_auth(&emu, &d.client, &d.refresh).await.err("NotAuthorizedException"),
        "Invalid Refresh Token.",
        "a device-bound token needs DEVICE_KEY"
    );
    let params = json!({"REFRESH_TOKEN": d.refresh, "DEVICE_KEY": d.device_key});
    emu.ok(
        "InitiateAuth",
        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": d.client, "AuthParameters": params}),
    )
    .await;
}

#[tokio::test]
async fn a_remembered_device_signs_in_with_device_srp_instead_of_mfa() {
    let emu = start().await;
    let d = remembered_device(&emu).await;
    let srp = Srp::new();
    let dv = d.device_srp(&emu, &srp).await;
    assert_eq!(dv["ChallengeName"], "DEVICE_PASSWORD_VERIFIER");
    let done = d.prove(&emu, &srp, &dv, &d.password).await.ok();
    assert!(
        done["AuthenticationResult"]["NewDeviceMetadata"].is_null(),
        "a known device is not announced again"
    );
}

#[tokio::test]
async fn devices_are_listed_and_can_be_marked_not_remembered() {
    let emu = start().await;
    let d = remembered_device(&emu).await;
    let list = emu.ok("ListDevices", json!({"AccessToken": d.access})).await;
    let device = &list["Devices"][0];
    assert_eq!(device["DeviceKey"], d.device_key);
    let attrs = device["DeviceAttributes"].as_array().unwrap();
    assert!(attrs.contains(&json!({"Name": "device_name", "Value": "laptop"})));
    assert!(
        attrs.contains(&json!({"Name": "dev:device_remembered_status", "Value": "remembered"}))
    );
    emu.ok("UpdateDeviceStatus", json!({"AccessToken": d.access, "DeviceKey": d.device_key, "DeviceRememberedStatus": "not_remembered"})).await;
    let device = json!({"UserPoolId": d.pool, "Username": "dev", "DeviceKey": d.device_key});
    let got = emu.ok("AdminGetDevice", device).await;
    let attrs = got["Device"]["DeviceAttributes"].as_array().unwrap();
    assert!(
        attrs.contains(&json!({"Name": "dev:device_remembered_status", "Value": "not_remembered"}))
    );
}

#[tokio::test]
async fn a_device_that_is_not_remembered_still_proves_its_password() {
    let emu = start().await;
    let d = remembered_device(&emu).await;
    // A device that is not remembered proves itself but MFA comes back.
    emu.ok("UpdateDeviceStatus", json!({"AccessToken": d.access, "DeviceKey": d.device_key, "DeviceRememberedStatus": "not_remembered"})).await;
    let srp = Srp::new();
    let dv = d.device_srp(&emu, &srp).await;
    assert_eq!(
        d.prove(&emu, &srp, &dv, "wrong-device-password").await.err("NotAuthorizedException"),
        "Incorrect username or password."
    );
}

#[tokio::test]
async fn a_forgotten_device_is_gone() {
    let emu = start().await;
    let d = remembered_device(&emu).await;
    let admin_list =
        emu.ok("AdminListDevices", json!({"UserPoolId": d.pool, "Username": "dev"})).await;
    assert_eq!(admin_list["Devices"].as_array().unwrap().len(), 1);
    let device = json!({"UserPoolId": d.pool, "Username": "dev", "DeviceKey": d.device_key});
    emu.ok("AdminForgetDevice", device).await;
    let device = json!({"AccessToken": d.access, "DeviceKey": d.device_key});
    emu.err("GetDevice", device, "ResourceNotFoundException").await;
}

#[tokio::test]
async fn choice_based_sign_in() {
    let emu = start().await;
    let (pool, client) = srp_pool(
        &emu,
        json!({"Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}}),
        json!({"ExplicitAuthFlows": ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    )
    .await;
    let up = sign_up(&emu, &client, "choice", PW, &[("email", "choice@example.com")]).await.ok();
    let code = emu.last_code("choice@example.com").await;
    let confirmed = emu.ok("ConfirmSignUp", json!({"ClientId": client, "Username": "choice", "ConfirmationCode": code, "Session": up["Session"]})).await;
    let signed = emu.ok("InitiateAuth", json!({"AuthFlow": "USER_AUTH", "ClientId": client, "Session": confirmed["Session"], "AuthParameters": {"USERNAME": "choice"}})).await;
    assert!(
        signed["AuthenticationResult"]["AccessToken"].is_string(),
        "signed in right after confirmation"
    );

    let sel = emu.ok("InitiateAuth", json!({"AuthFlow": "USER_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "choice"}})).await;
    assert_eq!(sel["ChallengeName"], "SELECT_CHALLENGE");
    assert_eq!(sel["AvailableChallenges"], json!(["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]));
    let otp = respond(
        &emu,
        &client,
        "SELECT_CHALLENGE",
        &sel["Session"],
        json!({"USERNAME": "choice", "ANSWER": "EMAIL_OTP"}),
    )
    .await
    .ok();
    assert_eq!(otp["ChallengeName"], "EMAIL_OTP");
    let code = emu.last_code("choice@example.com").await;
    let done = respond(
        &emu,
        &client,
        "EMAIL_OTP",
        &otp["Session"],
        json!({"USERNAME": "choice", "EMAIL_OTP_CODE": code}),
    )
    .await
    .ok();
    assert!(done["AuthenticationResult"]["IdToken"].is_string());

    let pw = emu.ok("InitiateAuth", json!({"AuthFlow": "USER_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "choice", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": PW}})).await;
    assert!(pw["AuthenticationResult"]["AccessToken"].is_string());
    assert_eq!(
        emu.err("InitiateAuth", json!({"AuthFlow": "USER_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "choice", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Wrong0ne!"}}), "NotAuthorizedException").await,
        "Incorrect username or password."
    );
    let srp = Srp::new();
    let v = emu.ok("InitiateAuth", json!({"AuthFlow": "USER_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "choice", "PREFERRED_CHALLENGE": "PASSWORD_SRP", "SRP_A": srp.srp_a()}})).await;
    assert_eq!(v["ChallengeName"], "PASSWORD_VERIFIER");
    let (no_user_auth, _) = emu.client(&pool, json!({})).await;
    assert_eq!(
        emu.err("InitiateAuth", json!({"AuthFlow": "USER_AUTH", "ClientId": no_user_auth, "AuthParameters": {"USERNAME": "choice"}}), "InvalidParameterException").await,
        "USER_AUTH flow not enabled for this client"
    );
}

#[tokio::test]
async fn refresh_token_rotation() {
    let emu = start().await;
    let (pool, client) = srp_pool(&emu, json!({}), json!({})).await;
    let (rotating, secret) = emu
        .client(&pool, json!({"GenerateSecret": true, "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            "RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": 10}}))
        .await;
    let secret = secret.unwrap();
    confirmed_user(&emu, &client, None, "rot", "rot@example.com", PW).await;
    let out = password_auth(&emu, &rotating, Some(&secret), "rot", PW).await.ok();
    let first = token(&out["AuthenticationResult"], "RefreshToken");
    assert_eq!(
        emu.err(
            "GetTokensFromRefreshToken",
            json!({"ClientId": rotating, "RefreshToken": first}),
            "NotAuthorizedException"
        )
        .await,
        format!("Client {rotating} is configured for secret but secret was not received")
    );
    let r = emu
        .ok(
            "GetTokensFromRefreshToken",
            json!({"ClientId": rotating, "RefreshToken": first, "ClientSecret": secret}),
        )
        .await;
    let second = token(&r["AuthenticationResult"], "RefreshToken");
    assert_ne!(first, second);
    // Within the grace period the old token still works; after it, reuse is refused.
    emu.ok(
        "GetTokensFromRefreshToken",
        json!({"ClientId": rotating, "RefreshToken": first, "ClientSecret": secret}),
    )
    .await;
    emu.app.clock.advance_ms(11_000);
    emu.err(
        "GetTokensFromRefreshToken",
        json!({"ClientId": rotating, "RefreshToken": first, "ClientSecret": secret}),
        "RefreshTokenReuseException",
    )
    .await;
    emu.ok(
        "GetTokensFromRefreshToken",
        json!({"ClientId": rotating, "RefreshToken": second, "ClientSecret": secret}),
    )
    .await;
}
