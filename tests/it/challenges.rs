//! Every challenge path of the sign-in state machine: SRP, sessions, NEW_PASSWORD_REQUIRED, admin flows,
//! MFA (TOTP, SMS, email, selection, set-up), remembered devices, USER_AUTH, refresh-token rotation.

use crate::common::srp::{Client as Srp, TIMESTAMP, device_verifier};
use crate::common::{
    self, Emulator, claims, confirmed_user, password_auth, signed_in, start, token,
};
use cognito_emulator::crypto::totp;
use serde_json::{Value, json};

const PW: &str = "Passw0rd!";

async fn srp_pool(emu: &Emulator, extra_pool: Value, extra_client: Value) -> (String, String) {
    let mut pool = json!({"PoolName": "srp", "AutoVerifiedAttributes": ["email"]});
    pool.as_object_mut()
        .unwrap()
        .extend(extra_pool.as_object().unwrap().clone());
    let pool = emu.pool(pool).await;
    let mut client = json!({"ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"]});
    client
        .as_object_mut()
        .unwrap()
        .extend(extra_client.as_object().unwrap().clone());
    let (client, _) = emu.client(&pool, client).await;
    (pool, client)
}

fn pool_name(pool: &str) -> &str {
    pool.split_once('_').unwrap().1
}

/// InitiateAuth USER_SRP_AUTH, then the PASSWORD_VERIFIER answer (without Session, as pycognito does,
/// when `send_session` is false).
async fn srp_sign_in(
    emu: &Emulator,
    pool: &str,
    client: &str,
    username: &str,
    password: &str,
    send_session: bool,
) -> common::Answer {
    let srp = Srp::new();
    let start = emu
        .call("InitiateAuth", json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": username, "SRP_A": srp.srp_a()}}))
        .await
        .ok();
    assert_eq!(start["ChallengeName"], "PASSWORD_VERIFIER");
    let p = &start["ChallengeParameters"];
    let responses = srp.password_verifier(
        pool_name(pool),
        p["USER_ID_FOR_SRP"].as_str().unwrap(),
        p["USERNAME"].as_str().unwrap(),
        password,
        p,
    );
    let mut body = json!({
        "ClientId": client, "ChallengeName": "PASSWORD_VERIFIER", "ChallengeResponses": responses
    });
    if send_session {
        body["Session"] = start["Session"].clone();
    }
    emu.call("RespondToAuthChallenge", body).await
}

#[tokio::test]
async fn srp_sign_in_with_and_without_session() {
    let emu = start().await;
    let (pool, client) = srp_pool(&emu, json!({}), json!({})).await;
    confirmed_user(&emu, &client, None, "sara", "sara@example.com", PW).await;
    let out = srp_sign_in(&emu, &pool, &client, "sara", PW, false)
        .await
        .ok();
    let id = claims(out["AuthenticationResult"]["IdToken"].as_str().unwrap());
    assert_eq!(id["cognito:username"], "sara");
    let out = srp_sign_in(&emu, &pool, &client, "sara", PW, true)
        .await
        .ok();
    assert!(out["AuthenticationResult"]["RefreshToken"].is_string());
    let a = srp_sign_in(&emu, &pool, &client, "sara", "Wrong0ne!", false).await;
    assert_eq!(
        a.err("NotAuthorizedException"),
        "Incorrect username or password."
    );
}

#[tokio::test]
async fn srp_with_email_alias_uses_the_internal_username() {
    let emu = start().await;
    let (pool, client) = srp_pool(&emu, json!({"UsernameAttributes": ["email"]}), json!({})).await;
    let out = emu
        .call(
            "SignUp",
            json!({"ClientId": client, "Username": "em@example.com", "Password": PW}),
        )
        .await
        .ok();
    let sub = out["UserSub"].as_str().unwrap().to_string();
    emu.call(
        "AdminConfirmSignUp",
        json!({"UserPoolId": pool, "Username": "em@example.com"}),
    )
    .await
    .ok();
    let srp = Srp::new();
    let start = emu
        .call("InitiateAuth", json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "em@example.com", "SRP_A": srp.srp_a()}}))
        .await
        .ok();
    assert_eq!(start["ChallengeParameters"]["USER_ID_FOR_SRP"], sub);
    assert_eq!(start["ChallengeParameters"]["USERNAME"], sub);
    let salt = start["ChallengeParameters"]["SALT"].as_str().unwrap();
    assert!(
        salt.len() % 2 == 0 && !"89abcdef".contains(&salt[..1]),
        "SALT in padHex form: {salt}"
    );
    let out = srp_sign_in(&emu, &pool, &client, "em@example.com", PW, true)
        .await
        .ok();
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
    assert_eq!(
        a.err("NotAuthorizedException"),
        "Password attempts exceeded"
    );
    emu.app.clock.advance_ms(2000);
    password_auth(&emu, &client, None, "lock", PW).await.ok();
    // A success clears the count.
    password_auth(&emu, &client, None, "lock", "Wrong0ne!")
        .await
        .err("NotAuthorizedException");
    password_auth(&emu, &client, None, "lock", PW).await.ok();
}

#[tokio::test]
async fn sessions_are_single_use_and_expire() {
    let emu = start().await;
    let (pool, client) = srp_pool(&emu, json!({}), json!({})).await;
    confirmed_user(&emu, &client, None, "ses", "ses@example.com", PW).await;
    let srp = Srp::new();
    let start = emu
        .call("InitiateAuth", json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "ses", "SRP_A": srp.srp_a()}}))
        .await
        .ok();
    let responses = srp.password_verifier(
        pool_name(&pool),
        "ses",
        "ses",
        PW,
        &start["ChallengeParameters"],
    );
    let body = json!({"ClientId": client, "ChallengeName": "PASSWORD_VERIFIER", "Session": start["Session"],
        "ChallengeResponses": responses});
    let mut wrong_user = body.clone();
    wrong_user["ChallengeResponses"]["USERNAME"] = json!("someone");
    assert_eq!(
        emu.call("RespondToAuthChallenge", wrong_user)
            .await
            .err("NotAuthorizedException"),
        "Invalid session for the user."
    );
    emu.call("RespondToAuthChallenge", body.clone()).await.ok();
    let a = emu.call("RespondToAuthChallenge", body).await;
    assert_eq!(
        a.err("NotAuthorizedException"),
        "Invalid session for the user, session can only be used once."
    );

    let start = emu
        .call("InitiateAuth", json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "ses", "SRP_A": srp.srp_a()}}))
        .await
        .ok();
    emu.app.clock.advance_ms(3 * 60 * 1000 + 1000);
    let p = &start["ChallengeParameters"];
    let a = emu
        .call("RespondToAuthChallenge", json!({"ClientId": client, "ChallengeName": "PASSWORD_VERIFIER", "Session": start["Session"],
            "ChallengeResponses": {"USERNAME": "ses", "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": "x", "TIMESTAMP": TIMESTAMP}}))
        .await;
    assert_eq!(
        a.err("NotAuthorizedException"),
        "Invalid session for the user, session is expired."
    );
    let a = emu
        .call("RespondToAuthChallenge", json!({"ClientId": client, "ChallengeName": "PASSWORD_VERIFIER", "Session": "AYABegarbagegarbagegarbage",
            "ChallengeResponses": {"USERNAME": "ses"}}))
        .await;
    assert_eq!(
        a.err("NotAuthorizedException"),
        "Invalid session for the user."
    );
    let a = emu
        .call("InitiateAuth", json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "ses", "SRP_A": "0"}}))
        .await;
    a.err("InvalidParameterException");
    let a = emu.call("InitiateAuth", json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "nobody", "SRP_A": srp.srp_a()}})).await;
    assert_eq!(a.err("UserNotFoundException"), "User does not exist.");
}

#[tokio::test]
async fn unknown_users_get_a_simulated_srp_challenge_with_prevent_user_existence_errors() {
    let emu = start().await;
    let (pool, client) = srp_pool(
        &emu,
        json!({}),
        json!({"PreventUserExistenceErrors": "ENABLED"}),
    )
    .await;
    let srp = Srp::new();
    let first = emu
        .call("InitiateAuth", json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "ghost", "SRP_A": srp.srp_a()}}))
        .await
        .ok();
    let second = emu
        .call("InitiateAuth", json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "ghost", "SRP_A": srp.srp_a()}}))
        .await
        .ok();
    assert_eq!(
        first["ChallengeParameters"]["SALT"], second["ChallengeParameters"]["SALT"],
        "stable salt"
    );
    assert_eq!(
        first["ChallengeParameters"]["USER_ID_FOR_SRP"],
        second["ChallengeParameters"]["USER_ID_FOR_SRP"]
    );
    let a = srp_sign_in(&emu, &pool, &client, "ghost", PW, true).await;
    assert_eq!(
        a.err("NotAuthorizedException"),
        "Incorrect username or password."
    );
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
    let out = emu
        .call(
            "AdminCreateUser",
            json!({"UserPoolId": pool, "Username": "newbie", "TemporaryPassword": "Temp0rary!",
                   "UserAttributes": [{"Name": "email", "Value": "newbie@example.com"}, {"Name": "email_verified", "Value": "true"}],
                   "DesiredDeliveryMediums": ["EMAIL"]}),
        )
        .await
        .ok();
    assert_eq!(out["User"]["UserStatus"], "FORCE_CHANGE_PASSWORD");
    assert_eq!(out["User"]["Enabled"], true);
    let (_, msgs) = emu
        .get("/_emulator/messages?destination=newbie%40example.com")
        .await;
    let m = &msgs["messages"][0];
    assert_eq!(m["subject"], "Your temporary password");
    assert_eq!(
        m["body"],
        "Your username is newbie and temporary password is Temp0rary!. "
    );
    let a = emu
        .call(
            "AdminCreateUser",
            json!({"UserPoolId": pool, "Username": "newbie"}),
        )
        .await;
    assert_eq!(
        a.err("UsernameExistsException"),
        "User account already exists"
    );

    let out = password_auth(&emu, &client, None, "newbie", "Temp0rary!")
        .await
        .ok();
    assert_eq!(out["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    let p = &out["ChallengeParameters"];
    assert_eq!(p["USER_ID_FOR_SRP"], "newbie");
    assert_eq!(p["requiredAttributes"], "[\"userAttributes.name\"]");
    let current: Value = serde_json::from_str(p["userAttributes"].as_str().unwrap()).unwrap();
    assert_eq!(current["email"], "newbie@example.com");
    assert!(current.get("sub").is_none());
    let respond = |responses: Value| json!({"ClientId": client, "ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": out["Session"], "ChallengeResponses": responses});
    let a = emu
        .call(
            "RespondToAuthChallenge",
            respond(json!({"USERNAME": "newbie", "NEW_PASSWORD": "weak"})),
        )
        .await;
    a.err("InvalidParameterException");
    let done = emu
        .call("RespondToAuthChallenge", respond(json!({"USERNAME": "newbie", "NEW_PASSWORD": "Brand9New!", "userAttributes.name": "New Bie"})))
        .await
        .ok();
    let id = claims(done["AuthenticationResult"]["IdToken"].as_str().unwrap());
    assert_eq!(id["name"], "New Bie");
    let user = emu.admin_get_user(&pool, "newbie").await;
    assert_eq!(user["UserStatus"], "CONFIRMED");
    // The new password works for both flows; the temporary one no longer does.
    password_auth(&emu, &client, None, "newbie", "Temp0rary!")
        .await
        .err("NotAuthorizedException");
    srp_sign_in(&emu, &pool, &client, "newbie", "Brand9New!", true)
        .await
        .ok();
}

#[tokio::test]
async fn temporary_passwords_expire_and_can_be_resent() {
    let emu = start().await;
    let (pool, client) = srp_pool(&emu, json!({}), json!({})).await;
    let out = emu
        .call(
            "AdminCreateUser",
            json!({"UserPoolId": pool, "Username": "late", "MessageAction": "SUPPRESS",
            "UserAttributes": [{"Name": "phone_number", "Value": "+15550001111"}]}),
        )
        .await
        .ok();
    assert_eq!(out["User"]["Username"], "late");
    let (_, msgs) = emu.get("/_emulator/messages?username=late").await;
    assert_eq!(
        msgs["messages"].as_array().unwrap().len(),
        0,
        "SUPPRESS sends nothing"
    );
    emu.call(
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "late", "MessageAction": "RESEND"}),
    )
    .await
    .ok();
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
    let a = emu
        .call(
            "AdminCreateUser",
            json!({"UserPoolId": pool, "Username": "nobody", "MessageAction": "RESEND"}),
        )
        .await;
    a.err("UserNotFoundException");
}

#[tokio::test]
async fn admin_flows() {
    let emu = start().await;
    let (pool, client) = srp_pool(&emu, json!({}), json!({})).await;
    confirmed_user(&emu, &client, None, "adm", "adm@example.com", PW).await;
    for flow in ["ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"] {
        let out = emu
            .call("AdminInitiateAuth", json!({"UserPoolId": pool, "ClientId": client, "AuthFlow": flow, "AuthParameters": {"USERNAME": "adm", "PASSWORD": PW}}))
            .await
            .ok();
        let refresh = token(&out["AuthenticationResult"], "RefreshToken");
        let r = emu
            .call("AdminInitiateAuth", json!({"UserPoolId": pool, "ClientId": client, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": {"REFRESH_TOKEN": refresh}}))
            .await
            .ok();
        assert!(r["AuthenticationResult"]["AccessToken"].is_string());
    }
    let srp = Srp::new();
    let start = emu
        .call("AdminInitiateAuth", json!({"UserPoolId": pool, "ClientId": client, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": "adm", "SRP_A": srp.srp_a()}}))
        .await
        .ok();
    let responses = srp.password_verifier(
        pool_name(&pool),
        "adm",
        "adm",
        PW,
        &start["ChallengeParameters"],
    );
    // A session of an admin flow is answered through the admin operation only.
    let a = emu
        .call("RespondToAuthChallenge", json!({"ClientId": client, "ChallengeName": "PASSWORD_VERIFIER", "Session": start["Session"], "ChallengeResponses": responses}))
        .await;
    a.err("NotAuthorizedException");
    let start = emu
        .call("AdminInitiateAuth", json!({"UserPoolId": pool, "ClientId": client, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": "adm", "SRP_A": srp.srp_a()}}))
        .await
        .ok();
    let responses = srp.password_verifier(
        pool_name(&pool),
        "adm",
        "adm",
        PW,
        &start["ChallengeParameters"],
    );
    let out = emu
        .call("AdminRespondToAuthChallenge", json!({"UserPoolId": pool, "ClientId": client, "ChallengeName": "PASSWORD_VERIFIER", "Session": start["Session"],
            "ChallengeResponses": responses}))
        .await
        .ok();
    assert!(out["AuthenticationResult"]["IdToken"].is_string());

    let (srp_only, _) = emu.client(&pool, json!({})).await;
    let a = emu
        .call("AdminInitiateAuth", json!({"UserPoolId": pool, "ClientId": srp_only, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "adm", "PASSWORD": PW}}))
        .await;
    assert_eq!(
        a.err("InvalidParameterException"),
        "Auth flow not enabled for this client"
    );
    let other_pool = emu.pool(json!({"PoolName": "other"})).await;
    let a = emu
        .call("AdminInitiateAuth", json!({"UserPoolId": other_pool, "ClientId": client, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "adm", "PASSWORD": PW}}))
        .await;
    a.err("ResourceNotFoundException");
}

fn totp_now(emu: &Emulator, secret: &str, offset_steps: i64) -> String {
    let key = totp::base32_decode(secret).unwrap();
    totp::code_at(&key, emu.app.clock.now_secs() / 30 + offset_steps)
}

#[tokio::test]
async fn totp_mfa_from_association_to_challenge() {
    let emu = start().await;
    let (pool, client) = srp_pool(&emu, json!({}), json!({})).await;
    emu.call("SetUserPoolMfaConfig", json!({"UserPoolId": pool, "MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": {"Enabled": true}}))
        .await
        .ok();
    let cfg = emu
        .call("GetUserPoolMfaConfig", json!({"UserPoolId": pool}))
        .await
        .ok();
    assert_eq!(cfg["MfaConfiguration"], "OPTIONAL");
    assert_eq!(
        cfg["SoftwareTokenMfaConfiguration"],
        json!({"Enabled": true})
    );
    confirmed_user(&emu, &client, None, "otp", "otp@example.com", PW).await;
    let access = token(&signed_in(&emu, &client, "otp", PW).await, "AccessToken");

    let a = emu
        .call("SetUserMFAPreference", json!({"AccessToken": access, "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}}))
        .await;
    assert_eq!(
        a.err("InvalidParameterException"),
        "User has not verified software token mfa"
    );
    let secret = emu
        .call("AssociateSoftwareToken", json!({"AccessToken": access}))
        .await
        .ok()["SecretCode"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(secret.len(), 32);
    let a = emu
        .call(
            "VerifySoftwareToken",
            json!({"AccessToken": access, "UserCode": "000000"}),
        )
        .await;
    assert_eq!(a.err("EnableSoftwareTokenMFAException"), "Code mismatch");
    let code = totp_now(&emu, &secret, 0);
    let v = emu
        .call(
            "VerifySoftwareToken",
            json!({"AccessToken": access, "UserCode": code, "FriendlyDeviceName": "phone"}),
        )
        .await
        .ok();
    assert_eq!(v["Status"], "SUCCESS");
    emu.call("SetUserMFAPreference", json!({"AccessToken": access, "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}}))
        .await
        .ok();
    let me = emu
        .call("GetUser", json!({"AccessToken": access}))
        .await
        .ok();
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
    let wrong = if totp_now(&emu, &secret, 0) == "123456" {
        "654321"
    } else {
        "123456"
    };
    let a = emu
        .call("RespondToAuthChallenge", answer(wrong, &ch["Session"]))
        .await;
    assert_eq!(
        a.err("CodeMismatchException"),
        "Invalid code or auth state for the user."
    );
    // A wrong code may be retried on the same session.
    let ok = emu
        .call(
            "RespondToAuthChallenge",
            answer(&totp_now(&emu, &secret, 0), &ch["Session"]),
        )
        .await
        .ok();
    assert!(ok["AuthenticationResult"]["AccessToken"].is_string());
    // The same code is not accepted twice.
    let ch = password_auth(&emu, &client, None, "otp", PW).await.ok();
    let a = emu
        .call(
            "RespondToAuthChallenge",
            answer(&totp_now(&emu, &secret, 0), &ch["Session"]),
        )
        .await;
    a.err("CodeMismatchException");
    let user = emu.admin_get_user(&pool, "otp").await;
    assert_eq!(user["PreferredMfaSetting"], "SOFTWARE_TOKEN_MFA");
}

#[tokio::test]
async fn mfa_setup_when_mfa_is_required() {
    let emu = start().await;
    let (pool, client) = srp_pool(&emu, json!({}), json!({})).await;
    emu.call("SetUserPoolMfaConfig", json!({"UserPoolId": pool, "MfaConfiguration": "ON", "SoftwareTokenMfaConfiguration": {"Enabled": true}}))
        .await
        .ok();
    let described = emu
        .call("DescribeUserPool", json!({"UserPoolId": pool}))
        .await
        .ok();
    assert_eq!(described["UserPool"]["MfaConfiguration"], "ON");
    confirmed_user(&emu, &client, None, "setup", "setup@example.com", PW).await;
    let ch = srp_sign_in(&emu, &pool, &client, "setup", PW, true)
        .await
        .ok();
    assert_eq!(ch["ChallengeName"], "MFA_SETUP");
    assert_eq!(
        ch["ChallengeParameters"]["MFAS_CAN_SETUP"],
        "[\"SOFTWARE_TOKEN_MFA\"]"
    );
    let early = emu
        .call("RespondToAuthChallenge", json!({"ClientId": client, "ChallengeName": "MFA_SETUP", "Session": ch["Session"], "ChallengeResponses": {"USERNAME": "setup"}}))
        .await;
    early.err("InvalidParameterException");
    let ch = srp_sign_in(&emu, &pool, &client, "setup", PW, true)
        .await
        .ok();
    let assoc = emu
        .call("AssociateSoftwareToken", json!({"Session": ch["Session"]}))
        .await
        .ok();
    let secret = assoc["SecretCode"].as_str().unwrap().to_string();
    let v = emu
        .call(
            "VerifySoftwareToken",
            json!({"Session": assoc["Session"], "UserCode": totp_now(&emu, &secret, 0)}),
        )
        .await
        .ok();
    assert_eq!(v["Status"], "SUCCESS");
    let done = emu
        .call("RespondToAuthChallenge", json!({"ClientId": client, "ChallengeName": "MFA_SETUP", "Session": v["Session"], "ChallengeResponses": {"USERNAME": "setup"}}))
        .await
        .ok();
    assert!(done["AuthenticationResult"]["AccessToken"].is_string());
    emu.app.clock.advance_ms(31_000);
    let next = password_auth(&emu, &client, None, "setup", PW).await.ok();
    assert_eq!(
        next["ChallengeName"], "SOFTWARE_TOKEN_MFA",
        "the factor set up during MFA_SETUP is used next time"
    );
}

#[tokio::test]
async fn sms_and_email_codes_and_factor_selection() {
    let emu = start().await;
    let (pool, client) = srp_pool(&emu, json!({}), json!({})).await;
    emu.call(
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool, "MfaConfiguration": "OPTIONAL",
               "SmsMfaConfiguration": {"SmsAuthenticationMessage": "Code: {####}"},
               "EmailMfaConfiguration": {"Message": "Your code is {####}", "Subject": "Sign-in code"}}),
    )
    .await
    .ok();
    emu.call(
        "SignUp",
        json!({"ClientId": client, "Username": "two", "Password": PW, "UserAttributes": [
            {"Name": "email", "Value": "two@example.com"}, {"Name": "phone_number", "Value": "+15551234567"}]}),
    )
    .await
    .ok();
    emu.call(
        "AdminConfirmSignUp",
        json!({"UserPoolId": pool, "Username": "two"}),
    )
    .await
    .ok();
    emu.call(
        "AdminSetUserMFAPreference",
        json!({"UserPoolId": pool, "Username": "two",
        "SMSMfaSettings": {"Enabled": true}, "EmailMfaSettings": {"Enabled": true}}),
    )
    .await
    .ok();
    let ch = password_auth(&emu, &client, None, "two", PW).await.ok();
    assert_eq!(ch["ChallengeName"], "SELECT_MFA_TYPE");
    assert_eq!(
        ch["ChallengeParameters"]["MFAS_CAN_CHOOSE"],
        "[\"SMS_MFA\",\"EMAIL_OTP\"]"
    );
    let sms = emu
        .call(
            "RespondToAuthChallenge",
            json!({"ClientId": client, "ChallengeName": "SELECT_MFA_TYPE", "Session": ch["Session"],
            "ChallengeResponses": {"USERNAME": "two", "ANSWER": "SMS_MFA"}}),
        )
        .await
        .ok();
    assert_eq!(sms["ChallengeName"], "SMS_MFA");
    assert_eq!(
        sms["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"],
        "SMS"
    );
    assert_eq!(
        sms["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"],
        "+*******4567"
    );
    let (_, msgs) = emu
        .get("/_emulator/messages?destination=%2B15551234567")
        .await;
    let m = msgs["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(m["body"], format!("Code: {}", m["code"].as_str().unwrap()));
    let done = emu
        .call(
            "RespondToAuthChallenge",
            json!({"ClientId": client, "ChallengeName": "SMS_MFA", "Session": sms["Session"],
            "ChallengeResponses": {"USERNAME": "two", "SMS_MFA_CODE": m["code"]}}),
        )
        .await
        .ok();
    assert!(done["AuthenticationResult"]["IdToken"].is_string());

    emu.call("AdminSetUserMFAPreference", json!({"UserPoolId": pool, "Username": "two", "EmailMfaSettings": {"Enabled": true, "PreferredMfa": true}}))
        .await
        .ok();
    let ch = password_auth(&emu, &client, None, "two", PW).await.ok();
    assert_eq!(ch["ChallengeName"], "EMAIL_OTP");
    let code = emu.last_code("two@example.com").await;
    let (_, msgs) = emu
        .get("/_emulator/messages?destination=two%40example.com")
        .await;
    assert_eq!(
        msgs["messages"].as_array().unwrap().last().unwrap()["subject"],
        "Sign-in code"
    );
    // Codes expire with the session (AuthSessionValidity, 3 minutes).
    emu.app.clock.advance_ms(4 * 60 * 1000);
    let a = emu
        .call(
            "RespondToAuthChallenge",
            json!({"ClientId": client, "ChallengeName": "EMAIL_OTP", "Session": ch["Session"],
            "ChallengeResponses": {"USERNAME": "two", "EMAIL_OTP_CODE": code}}),
        )
        .await;
    a.err("NotAuthorizedException");
    let ch = password_auth(&emu, &client, None, "two", PW).await.ok();
    let code = emu.last_code("two@example.com").await;
    emu.call(
        "RespondToAuthChallenge",
        json!({"ClientId": client, "ChallengeName": "EMAIL_OTP", "Session": ch["Session"],
        "ChallengeResponses": {"USERNAME": "two", "EMAIL_OTP_CODE": code}}),
    )
    .await
    .ok();
    let user = emu.admin_get_user(&pool, "two").await;
    assert_eq!(user["UserMFASettingList"], json!(["SMS_MFA", "EMAIL_OTP"]));
    assert_eq!(user["PreferredMfaSetting"], "EMAIL_OTP");
    assert_eq!(
        user["MFAOptions"],
        json!([{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}])
    );
}

#[tokio::test]
async fn remembered_devices_replace_mfa() {
    let emu = start().await;
    let (pool, client) = srp_pool(
        &emu,
        json!({"DeviceConfiguration": {"ChallengeRequiredOnNewDevice": true, "DeviceOnlyRememberedOnUserPrompt": false}}),
        json!({}),
    )
    .await;
    emu.call(
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool, "MfaConfiguration": "OPTIONAL", "SmsMfaConfiguration": {}}),
    )
    .await
    .ok();
    emu.call("SignUp", json!({"ClientId": client, "Username": "dev", "Password": PW, "UserAttributes": [{"Name": "phone_number", "Value": "+15557654321"}]}))
        .await
        .ok();
    emu.call(
        "AdminConfirmSignUp",
        json!({"UserPoolId": pool, "Username": "dev"}),
    )
    .await
    .ok();
    emu.call(
        "AdminSetUserMFAPreference",
        json!({"UserPoolId": pool, "Username": "dev", "SMSMfaSettings": {"Enabled": true}}),
    )
    .await
    .ok();

    let ch = password_auth(&emu, &client, None, "dev", PW).await.ok();
    assert_eq!(ch["ChallengeName"], "SMS_MFA");
    let code = emu.last_code("+15557654321").await;
    let out = emu
        .call(
            "RespondToAuthChallenge",
            json!({"ClientId": client, "ChallengeName": "SMS_MFA", "Session": ch["Session"],
            "ChallengeResponses": {"USERNAME": "dev", "SMS_MFA_CODE": code}}),
        )
        .await
        .ok();
    let r = &out["AuthenticationResult"];
    let device_key = r["NewDeviceMetadata"]["DeviceKey"]
        .as_str()
        .unwrap()
        .to_string();
    let group_key = r["NewDeviceMetadata"]["DeviceGroupKey"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(device_key.starts_with("us-east-1_"));
    assert_eq!(
        claims(r["AccessToken"].as_str().unwrap())["device_key"],
        device_key
    );
    let access = r["AccessToken"].as_str().unwrap().to_string();
    let (device_password, salt, verifier) = device_verifier(&group_key, &device_key);
    let confirmed = emu
        .call(
            "ConfirmDevice",
            json!({"AccessToken": access, "DeviceKey": device_key, "DeviceName": "laptop",
            "DeviceSecretVerifierConfig": {"PasswordVerifier": verifier, "Salt": salt}}),
        )
        .await
        .ok();
    assert_eq!(confirmed["UserConfirmationNecessary"], false);
    let refresh = r["RefreshToken"].as_str().unwrap().to_string();
    let a = emu.call("InitiateAuth", json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client, "AuthParameters": {"REFRESH_TOKEN": refresh}})).await;
    assert_eq!(
        a.err("NotAuthorizedException"),
        "Invalid Refresh Token.",
        "a device-bound token needs DEVICE_KEY"
    );
    emu.call("InitiateAuth", json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client, "AuthParameters": {"REFRESH_TOKEN": refresh, "DEVICE_KEY": device_key}}))
        .await
        .ok();

    // Next sign-in from the remembered device: DEVICE_SRP_AUTH instead of SMS.
    let ch = emu
        .call("InitiateAuth", json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "dev", "PASSWORD": PW, "DEVICE_KEY": device_key}}))
        .await
        .ok();
    assert_eq!(ch["ChallengeName"], "DEVICE_SRP_AUTH");
    let srp = Srp::new();
    let dv = emu
        .call("RespondToAuthChallenge", json!({"ClientId": client, "ChallengeName": "DEVICE_SRP_AUTH", "Session": ch["Session"],
            "ChallengeResponses": {"USERNAME": "dev", "DEVICE_KEY": device_key, "SRP_A": srp.srp_a()}}))
        .await
        .ok();
    assert_eq!(dv["ChallengeName"], "DEVICE_PASSWORD_VERIFIER");
    let p = &dv["ChallengeParameters"];
    let good = srp.signature(
        &group_key,
        &device_key,
        &device_password,
        p["SALT"].as_str().unwrap(),
        p["SRP_B"].as_str().unwrap(),
        p["SECRET_BLOCK"].as_str().unwrap(),
        TIMESTAMP,
    );
    let done = emu
        .call("RespondToAuthChallenge", json!({"ClientId": client, "ChallengeName": "DEVICE_PASSWORD_VERIFIER", "Session": dv["Session"],
            "ChallengeResponses": {"USERNAME": "dev", "DEVICE_KEY": device_key, "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"],
                                   "PASSWORD_CLAIM_SIGNATURE": good, "TIMESTAMP": TIMESTAMP}}))
        .await
        .ok();
    assert!(
        done["AuthenticationResult"]["NewDeviceMetadata"].is_null(),
        "a known device is not announced again"
    );

    let list = emu
        .call("ListDevices", json!({"AccessToken": access}))
        .await
        .ok();
    let d = &list["Devices"][0];
    assert_eq!(d["DeviceKey"], device_key);
    assert!(
        d["DeviceAttributes"]
            .as_array()
            .unwrap()
            .contains(&json!({"Name": "device_name", "Value": "laptop"}))
    );
    assert!(
        d["DeviceAttributes"]
            .as_array()
            .unwrap()
            .contains(&json!({"Name": "dev:device_remembered_status", "Value": "remembered"}))
    );
    emu.call("UpdateDeviceStatus", json!({"AccessToken": access, "DeviceKey": device_key, "DeviceRememberedStatus": "not_remembered"})).await.ok();
    let got = emu
        .call(
            "AdminGetDevice",
            json!({"UserPoolId": pool, "Username": "dev", "DeviceKey": device_key}),
        )
        .await
        .ok();
    assert!(
        got["Device"]["DeviceAttributes"]
            .as_array()
            .unwrap()
            .contains(&json!({"Name": "dev:device_remembered_status", "Value": "not_remembered"}))
    );

    // A device that is not remembered proves itself but MFA comes back.
    let ch = emu
        .call("InitiateAuth", json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "dev", "PASSWORD": PW, "DEVICE_KEY": device_key}}))
        .await
        .ok();
    let dv = emu
        .call("RespondToAuthChallenge", json!({"ClientId": client, "ChallengeName": "DEVICE_SRP_AUTH", "Session": ch["Session"],
            "ChallengeResponses": {"USERNAME": "dev", "DEVICE_KEY": device_key, "SRP_A": srp.srp_a()}}))
        .await
        .ok();
    let p = &dv["ChallengeParameters"];
    let sig = srp.signature(
        &group_key,
        &device_key,
        "wrong-device-password",
        p["SALT"].as_str().unwrap(),
        p["SRP_B"].as_str().unwrap(),
        p["SECRET_BLOCK"].as_str().unwrap(),
        TIMESTAMP,
    );
    let a = emu
        .call("RespondToAuthChallenge", json!({"ClientId": client, "ChallengeName": "DEVICE_PASSWORD_VERIFIER", "Session": dv["Session"],
            "ChallengeResponses": {"USERNAME": "dev", "DEVICE_KEY": device_key, "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": TIMESTAMP}}))
        .await;
    assert_eq!(
        a.err("NotAuthorizedException"),
        "Incorrect username or password."
    );

    let admin_list = emu
        .call(
            "AdminListDevices",
            json!({"UserPoolId": pool, "Username": "dev"}),
        )
        .await
        .ok();
    assert_eq!(admin_list["Devices"].as_array().unwrap().len(), 1);
    emu.call(
        "AdminForgetDevice",
        json!({"UserPoolId": pool, "Username": "dev", "DeviceKey": device_key}),
    )
    .await
    .ok();
    let a = emu
        .call(
            "GetDevice",
            json!({"AccessToken": access, "DeviceKey": device_key}),
        )
        .await;
    a.err("ResourceNotFoundException");
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
    let up = emu
        .call("SignUp", json!({"ClientId": client, "Username": "choice", "Password": PW, "UserAttributes": [{"Name": "email", "Value": "choice@example.com"}]}))
        .await
        .ok();
    let code = emu.last_code("choice@example.com").await;
    let confirmed = emu
        .call("ConfirmSignUp", json!({"ClientId": client, "Username": "choice", "ConfirmationCode": code, "Session": up["Session"]}))
        .await
        .ok();
    let signed = emu
        .call("InitiateAuth", json!({"AuthFlow": "USER_AUTH", "ClientId": client, "Session": confirmed["Session"], "AuthParameters": {"USERNAME": "choice"}}))
        .await
        .ok();
    assert!(
        signed["AuthenticationResult"]["AccessToken"].is_string(),
        "signed in right after confirmation"
    );

    let sel = emu.call("InitiateAuth", json!({"AuthFlow": "USER_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "choice"}})).await.ok();
    assert_eq!(sel["ChallengeName"], "SELECT_CHALLENGE");
    assert_eq!(
        sel["AvailableChallenges"],
        json!(["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"])
    );
    let otp = emu
        .call("RespondToAuthChallenge", json!({"ClientId": client, "ChallengeName": "SELECT_CHALLENGE", "Session": sel["Session"],
            "ChallengeResponses": {"USERNAME": "choice", "ANSWER": "EMAIL_OTP"}}))
        .await
        .ok();
    assert_eq!(otp["ChallengeName"], "EMAIL_OTP");
    let code = emu.last_code("choice@example.com").await;
    let done = emu
        .call(
            "RespondToAuthChallenge",
            json!({"ClientId": client, "ChallengeName": "EMAIL_OTP", "Session": otp["Session"],
            "ChallengeResponses": {"USERNAME": "choice", "EMAIL_OTP_CODE": code}}),
        )
        .await
        .ok();
    assert!(done["AuthenticationResult"]["IdToken"].is_string());

    let pw = emu
        .call("InitiateAuth", json!({"AuthFlow": "USER_AUTH", "ClientId": client,
            "AuthParameters": {"USERNAME": "choice", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": PW}}))
        .await
        .ok();
    assert!(pw["AuthenticationResult"]["AccessToken"].is_string());
    let a = emu
        .call("InitiateAuth", json!({"AuthFlow": "USER_AUTH", "ClientId": client,
            "AuthParameters": {"USERNAME": "choice", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Wrong0ne!"}}))
        .await;
    assert_eq!(
        a.err("NotAuthorizedException"),
        "Incorrect username or password."
    );
    let srp = Srp::new();
    let v = emu
        .call("InitiateAuth", json!({"AuthFlow": "USER_AUTH", "ClientId": client,
            "AuthParameters": {"USERNAME": "choice", "PREFERRED_CHALLENGE": "PASSWORD_SRP", "SRP_A": srp.srp_a()}}))
        .await
        .ok();
    assert_eq!(v["ChallengeName"], "PASSWORD_VERIFIER");
    let (no_user_auth, _) = emu.client(&pool, json!({})).await;
    let a = emu.call("InitiateAuth", json!({"AuthFlow": "USER_AUTH", "ClientId": no_user_auth, "AuthParameters": {"USERNAME": "choice"}})).await;
    assert_eq!(
        a.err("InvalidParameterException"),
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
    let out = password_auth(&emu, &rotating, Some(&secret), "rot", PW)
        .await
        .ok();
    let first = token(&out["AuthenticationResult"], "RefreshToken");
    let a = emu
        .call(
            "GetTokensFromRefreshToken",
            json!({"ClientId": rotating, "RefreshToken": first}),
        )
        .await;
    assert_eq!(
        a.err("NotAuthorizedException"),
        format!("Client {rotating} is configured for secret but secret was not received")
    );
    let r = emu
        .call(
            "GetTokensFromRefreshToken",
            json!({"ClientId": rotating, "RefreshToken": first, "ClientSecret": secret}),
        )
        .await
        .ok();
    let second = token(&r["AuthenticationResult"], "RefreshToken");
    assert_ne!(first, second);
    // Within the grace period the old token still works; after it, reuse is refused.
    emu.call(
        "GetTokensFromRefreshToken",
        json!({"ClientId": rotating, "RefreshToken": first, "ClientSecret": secret}),
    )
    .await
    .ok();
    emu.app.clock.advance_ms(11_000);
    let a = emu
        .call(
            "GetTokensFromRefreshToken",
            json!({"ClientId": rotating, "RefreshToken": first, "ClientSecret": secret}),
        )
        .await;
    a.err("RefreshTokenReuseException");
    emu.call(
        "GetTokensFromRefreshToken",
        json!({"ClientId": rotating, "RefreshToken": second, "ClientSecret": secret}),
    )
    .await
    .ok();
}
