//! Passkeys through the API with a software authenticator: registration (StartWebAuthnRegistration,
//! CompleteWebAuthnRegistration) and every refusal of it, USER_AUTH sign-in with WEB_AUTHN (preferred
//! and selected) and the refusals of assertions, ListWebAuthnCredentials, DeleteWebAuthnCredential,
//! GetUserAuthFactors, and the pool configuration.

use crate::common::authenticator::{Authenticator, cbor, unb64};
use crate::common::{Emulator, confirmed_user, start, token};
use ciborium::Value as Cbor;
use cognito_emulator::crypto::webauthn::b64url;
use serde_json::{Value, json};

const PW: &str = "Passw0rd!";
const ORIGIN: &str = "http://localhost:5173";

struct Pool {
    id: String,
    client: String,
}

/// A pool with passkeys enabled for relying party `localhost`, user verification `uv`.
async fn passkey_pool(emu: &Emulator, uv: &str) -> Pool {
    let id = emu
        .pool(json!({"PoolName": "passkeys", "AutoVerifiedAttributes": ["email"],
            "Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}}}))
        .await;
    emu.ok("SetUserPoolMfaConfig", json!({"UserPoolId": id, "WebAuthnConfiguration": {"RelyingPartyId": "localhost", "UserVerification": uv}})).await;
    let (client, _) = emu
        .client(&id, json!({"ExplicitAuthFlows": ["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}))
        .await;
    Pool { id, client }
}

/// A confirmed user signed in with a password: their access token.
async fn user(emu: &Emulator, pool: &Pool, name: &str) -> String {
    confirmed_user(emu, &pool.client, None, name, &format!("{name}@example.com"), PW).await;
    let auth = emu
        .ok(
            "InitiateAuth",
            json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": pool.client,
        "AuthParameters": {"USERNAME": name, "PASSWORD": PW}}),
        )
        .await;
    token(&auth["AuthenticationResult"], "AccessToken")
}

async fn start_registration(emu: &Emulator, access: &str) -> Value {
    emu.ok("StartWebAuthnRegistration", json!({"AccessToken": access})).await["CredentialCreationOptions"].clone()
}

async fn complete(emu: &Emulator, access: &str, credential: Value) -> crate::common::Answer {
    emu.call(
        "CompleteWebAuthnRegistration",
        json!({"AccessToken": access, "Credential": credential}),
    )
    .await
}

/// Registers a new passkey of the user.
async fn register(emu: &Emulator, access: &str) -> Authenticator {
    let auth = Authenticator::new(ORIGIN);
    let options = start_registration(emu, access).await;
    complete(emu, access, auth.register(&options)).await.ok();
    auth
}

/// InitiateAuth USER_AUTH preferring WEB_AUTHN: (Session, parsed CREDENTIAL_REQUEST_OPTIONS).
async fn passkey_challenge(emu: &Emulator, pool: &Pool, name: &str) -> (Value, Value) {
    let out = emu
        .ok(
            "InitiateAuth",
            json!({"AuthFlow": "USER_AUTH", "ClientId": pool.client,
        "AuthParameters": {"USERNAME": name, "PREFERRED_CHALLENGE": "WEB_AUTHN"}}),
        )
        .await;
    assert_eq!(out["ChallengeName"], "WEB_AUTHN", "{out}");
    let options: Value = serde_json::from_str(
        out["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"].as_str().unwrap(),
    )
    .unwrap();
    (out["Session"].clone(), options)
}

async fn answer(
    emu: &Emulator,
    pool: &Pool,
    name: &str,
    session: &Value,
    credential: &str,
) -> crate::common::Answer {
    emu.call(
        "RespondToAuthChallenge",
        json!({"ClientId": pool.client, "ChallengeName": "WEB_AUTHN", "Session": session,
        "ChallengeResponses": {"USERNAME": name, "CREDENTIAL": credential}}),
    )
    .await
}

#[tokio::test]
async fn register_sign_in_twice_list_and_delete() {
    let emu = start().await;
    let pool = passkey_pool(&emu, "required").await;
    let access = user(&emu, &pool, "ana").await;
    let sub = emu.admin_get_user(&pool.id, "ana").await["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Name"] == "sub")
        .unwrap()["Value"]
        .as_str()
        .unwrap()
        .to_string();

    let options = start_registration(&emu, &access).await;
    assert_eq!(options["rp"], json!({"id": "localhost", "name": "localhost"}));
    assert_eq!(
        options["user"],
        json!({"id": b64url(sub.as_bytes()), "name": "ana", "displayName": ""})
    );
    assert_eq!(unb64(options["challenge"].as_str().unwrap()).len(), 16);
    assert_eq!(
        options["pubKeyCredParams"],
        json!([{"type": "public-key", "alg": -7}, {"type": "public-key", "alg": -257}])
    );
    assert_eq!(options["timeout"], 60000);
    assert_eq!(options["excludeCredentials"], json!([]));
    assert_eq!(
        options["authenticatorSelection"],
        json!({"requireResidentKey": true, "residentKey": "required", "userVerification": "required"})
    );
    let mut key = Authenticator::new(ORIGIN);
    assert_eq!(complete(&emu, &access, key.register(&options)).await.ok(), json!({}));

    let listed = emu.ok("ListWebAuthnCredentials", json!({"AccessToken": access})).await;
    let creds = listed["Credentials"].as_array().unwrap();
    assert_eq!(creds.len(), 1);
    assert_eq!(creds[0]["CredentialId"], b64url(&key.id));
    assert_eq!(creds[0]["RelyingPartyId"], "localhost");
    assert_eq!(creds[0]["AuthenticatorAttachment"], "platform");
    assert_eq!(creds[0]["AuthenticatorTransports"], json!(["internal", "hybrid"]));
    assert!(creds[0]["FriendlyCredentialName"].as_str().is_some_and(|n| !n.is_empty()));
    assert!(creds[0]["CreatedAt"].is_number());
    assert!(listed.get("NextToken").is_none());

    // The next registration excludes the passkey the user has.
    let again = start_registration(&emu, &access).await;
    assert_eq!(again["excludeCredentials"], json!([{"type": "public-key", "id": b64url(&key.id)}]));

    let factors = emu.ok("GetUserAuthFactors", json!({"AccessToken": access})).await;
    assert_eq!(factors["Username"], "ana");
    assert_eq!(factors["ConfiguredUserAuthFactors"], json!(["PASSWORD", "WEB_AUTHN"]));

    // Sign in with the passkey, twice (the counter moves on).
    for round in 0..2 {
        let (session, options) = passkey_challenge(&emu, &pool, "ana").await;
        assert_eq!(options["rpId"], "localhost");
        assert_eq!(options["userVerification"], "required");
        assert_eq!(
            options["allowCredentials"],
            json!([{"id": b64url(&key.id), "type": "public-key"}])
        );
        assert_eq!(options["timeout"], 180000);
        let credential = key.assert(&options);
        let out = answer(&emu, &pool, "ana", &session, &credential).await.ok();
        let tokens = &out["AuthenticationResult"];
        assert!(
            tokens["IdToken"].is_string() && tokens["RefreshToken"].is_string(),
            "round {round}: {out}"
        );
        emu.ok("GetUser", json!({"AccessToken": tokens["AccessToken"]})).await;
    }

    // SELECT_CHALLENGE offers WEB_AUTHN; choosing it asks for the passkey.
    let sel = emu.ok("InitiateAuth", json!({"AuthFlow": "USER_AUTH", "ClientId": pool.client, "AuthParameters": {"USERNAME": "ana"}})).await;
    assert_eq!(sel["ChallengeName"], "SELECT_CHALLENGE");
    assert_eq!(sel["AvailableChallenges"], json!(["PASSWORD", "PASSWORD_SRP", "WEB_AUTHN"]));
    let chosen = emu.ok("RespondToAuthChallenge", json!({"ClientId": pool.client, "ChallengeName": "SELECT_CHALLENGE",
        "Session": sel["Session"], "ChallengeResponses": {"USERNAME": "ana", "ANSWER": "WEB_AUTHN"}})).await;
    assert_eq!(chosen["ChallengeName"], "WEB_AUTHN");
    let options: Value = serde_json::from_str(
        chosen["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"].as_str().unwrap(),
    )
    .unwrap();
    let credential = key.assert(&options);
    answer(&emu, &pool, "ana", &chosen["Session"], &credential).await.ok();

    // Delete: the passkey is gone from the list and from sign-in.
    emu.ok(
        "DeleteWebAuthnCredential",
        json!({"AccessToken": access, "CredentialId": b64url(&key.id)}),
    )
    .await;
    assert_eq!(
        emu.ok("ListWebAuthnCredentials", json!({"AccessToken": access})).await["Credentials"],
        json!([])
    );
    emu.err(
        "DeleteWebAuthnCredential",
        json!({"AccessToken": access, "CredentialId": b64url(&key.id)}),
        "ResourceNotFoundException",
    )
    .await;
    let sel = emu
        .ok(
            "InitiateAuth",
            json!({"AuthFlow": "USER_AUTH", "ClientId": pool.client,
        "AuthParameters": {"USERNAME": "ana", "PREFERRED_CHALLENGE": "WEB_AUTHN"}}),
        )
        .await;
    assert_eq!(sel["ChallengeName"], "SELECT_CHALLENGE");
    assert_eq!(sel["AvailableChallenges"], json!(["PASSWORD", "PASSWORD_SRP"]));
}

#[tokio::test]
async fn pool_configuration_and_its_refusals() {
    let emu = start().await;
    // Passkeys not among the first factors: WebAuthnNotEnabledException.
    let plain = emu.pool(json!({"PoolName": "plain", "AutoVerifiedAttributes": ["email"]})).await;
    let (client, _) = emu
        .client(
            &plain,
            json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
        )
        .await;
    let pool = Pool { id: plain.clone(), client };
    let access = user(&emu, &pool, "bo").await;
    emu.err(
        "StartWebAuthnRegistration",
        json!({"AccessToken": access}),
        "WebAuthnNotEnabledException",
    )
    .await;
    emu.err(
        "CompleteWebAuthnRegistration",
        json!({"AccessToken": access, "Credential": {}}),
        "WebAuthnNotEnabledException",
    )
    .await;

    // Enabled without a relying party (the emulator has no user pool domain): configuration missing.
    emu.ok(
        "UpdateUserPool",
        json!({"UserPoolId": plain, "AutoVerifiedAttributes": ["email"],
        "Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}}}),
    )
    .await;
    emu.err(
        "StartWebAuthnRegistration",
        json!({"AccessToken": access}),
        "WebAuthnConfigurationMissingException",
    )
    .await;

    // RelyingPartyId must be a domain name; UserVerification one of AWS's values.
    for bad in ["https://localhost", "localhost:3000", "Example.COM", "exa mple.com"] {
        let m = emu
            .err(
                "SetUserPoolMfaConfig",
                json!({"UserPoolId": plain, "WebAuthnConfiguration": {"RelyingPartyId": bad}}),
                "InvalidParameterException",
            )
            .await;
        assert!(m.contains("RelyingPartyId"), "{m}");
    }
    emu.err("SetUserPoolMfaConfig", json!({"UserPoolId": plain, "WebAuthnConfiguration": {"RelyingPartyId": "localhost", "UserVerification": "discouraged"}}), "InvalidParameterException").await;
    let set = emu
        .ok(
            "SetUserPoolMfaConfig",
            json!({"UserPoolId": plain, "WebAuthnConfiguration": {"RelyingPartyId": "localhost"}}),
        )
        .await;
    assert_eq!(set["WebAuthnConfiguration"]["RelyingPartyId"], "localhost");
    let got = emu.ok("GetUserPoolMfaConfig", json!({"UserPoolId": plain})).await;
    assert_eq!(got["WebAuthnConfiguration"], json!({"RelyingPartyId": "localhost"}));
    // Default user verification: preferred.
    let options = start_registration(&emu, &access).await;
    assert_eq!(options["authenticatorSelection"]["userVerification"], "preferred");

    // Passkey MFA after a password is not implemented: turning it on is refused, not ignored.
    emu.err(
        "SetUserMFAPreference",
        json!({"AccessToken": access, "WebAuthnMfaSettings": {"Enabled": true}}),
        "InvalidParameterException",
    )
    .await;
    // Tokens are verified as for every operation.
    emu.err(
        "StartWebAuthnRegistration",
        json!({"AccessToken": "not.a.token"}),
        "NotAuthorizedException",
    )
    .await;
    emu.err(
        "ListWebAuthnCredentials",
        json!({"AccessToken": "not.a.token"}),
        "NotAuthorizedException",
    )
    .await;
}

#[tokio::test]
async fn registration_refusals() {
    let emu = start().await;
    let pool = passkey_pool(&emu, "required").await;
    let access = user(&emu, &pool, "cy").await;

    // Origins: another site, plain http off localhost, another port is fine.
    for (origin, kind) in [
        ("http://evil.example", "WebAuthnOriginNotAllowedException"),
        ("https://localhost.evil.example", "WebAuthnOriginNotAllowedException"),
        ("http://127.0.0.1:5173", "WebAuthnOriginNotAllowedException"),
    ] {
        let options = start_registration(&emu, &access).await;
        let auth = Authenticator::new(origin);
        complete(&emu, &access, auth.register(&options)).await.err(kind);
    }

    // The authenticator scoped the credential to another RP id.
    let options = start_registration(&emu, &access).await;
    let mut auth = Authenticator::new(ORIGIN);
    auth.rp_id = Some("example.com".into());
    complete(&emu, &access, auth.register(&options))
        .await
        .err("WebAuthnRelyingPartyMismatchException");

    // A challenge the pool never issued; a challenge used twice; an expired one.
    let auth = Authenticator::new(ORIGIN);
    let forged = json!({"challenge": b64url(b"not-issued-by-the-pool"), "rp": {"id": "localhost"}});
    complete(&emu, &access, auth.register(&forged)).await.err("WebAuthnChallengeNotFoundException");
    let options = start_registration(&emu, &access).await;
    let bad = Authenticator::new("http://evil.example");
    complete(&emu, &access, bad.register(&options)).await.err("WebAuthnOriginNotAllowedException");
    complete(&emu, &access, auth.register(&options))
        .await
        .err("WebAuthnChallengeNotFoundException");
    let options = start_registration(&emu, &access).await;
    emu.app.clock.advance_ms(301 * 1000);
    complete(&emu, &access, auth.register(&options))
        .await
        .err("WebAuthnChallengeNotFoundException");

    // Another user's challenge is not this user's.
    let other = user(&emu, &pool, "dee").await;
    let options = start_registration(&emu, &other).await;
    complete(&emu, &access, auth.register(&options))
        .await
        .err("WebAuthnChallengeNotFoundException");

    // Started with one app client, completed with a token of another.
    let (client2, _) = emu
        .client(
            &pool.id,
            json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
        )
        .await;
    let auth2 = emu.ok("InitiateAuth", json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client2, "AuthParameters": {"USERNAME": "cy", "PASSWORD": PW}})).await;
    let access2 = token(&auth2["AuthenticationResult"], "AccessToken");
    let options = start_registration(&emu, &access).await;
    complete(&emu, &access2, auth.register(&options)).await.err("WebAuthnClientMismatchException");

    // User verification required, not performed.
    let options = start_registration(&emu, &access).await;
    let mut no_uv = Authenticator::new(ORIGIN);
    no_uv.uv = false;
    complete(&emu, &access, no_uv.register(&options))
        .await
        .err("WebAuthnCredentialNotSupportedException");

    // An algorithm other than ES256 / RS256 (EdDSA).
    let options = start_registration(&emu, &access).await;
    let mut ceremony = auth.create(&options);
    let eddsa = cbor(&Cbor::Map(vec![
        (Cbor::Integer(1.into()), Cbor::Integer(1.into())),
        (Cbor::Integer(3.into()), Cbor::Integer((-8).into())),
        (Cbor::Integer((-1).into()), Cbor::Integer(6.into())),
        (Cbor::Integer((-2).into()), Cbor::Bytes(vec![7; 32])),
    ]));
    ceremony.auth_data = auth.auth_data("localhost", Some(&eddsa));
    complete(&emu, &access, auth.registration_json(&ceremony))
        .await
        .err("WebAuthnCredentialNotSupportedException");

    // Malformed documents: wrong ceremony type, rawId and id apart, garbage attestation.
    let options = start_registration(&emu, &access).await;
    let mut ceremony = auth.create(&options);
    ceremony.client_data = String::from_utf8(ceremony.client_data)
        .unwrap()
        .replace("webauthn.create", "webauthn.get")
        .into_bytes();
    complete(&emu, &access, auth.registration_json(&ceremony))
        .await
        .err("InvalidParameterException");
    let options = start_registration(&emu, &access).await;
    let mut doc = auth.register(&options);
    doc["rawId"] = json!(b64url(b"another id"));
    complete(&emu, &access, doc).await.err("InvalidParameterException");
    let mut doc = auth.register(&options);
    doc["response"]["attestationObject"] = json!(b64url(b"\xa1\x63fmt"));
    complete(&emu, &access, doc).await.err("InvalidParameterException");
    complete(&emu, &access, json!("a string")).await.err("InvalidParameterException");

    // Nothing was stored by any of the refusals; then a good registration, and the same credential
    // again (for this user, and for another user of the pool) is refused.
    assert_eq!(
        emu.ok("ListWebAuthnCredentials", json!({"AccessToken": access})).await["Credentials"],
        json!([])
    );
    let options = start_registration(&emu, &access).await;
    complete(&emu, &access, auth.register(&options)).await.ok();
    let options = start_registration(&emu, &access).await;
    complete(&emu, &access, auth.register(&options)).await.err("InvalidParameterException");
    let options = start_registration(&emu, &other).await;
    complete(&emu, &other, auth.register(&options)).await.err("InvalidParameterException");
}

#[tokio::test]
async fn sign_in_refusals() {
    let emu = start().await;
    let pool = passkey_pool(&emu, "preferred").await;
    let access = user(&emu, &pool, "eve").await;
    let mut key = register(&emu, &access).await;
    let access_b = user(&emu, &pool, "fay").await;
    let mut key_b = register(&emu, &access_b).await;

    let refused = |a: crate::common::Answer| a.err("NotAuthorizedException");

    // A tampered signature.
    let (session, options) = passkey_challenge(&emu, &pool, "eve").await;
    let c = key.get(&options);
    let mut sig = key.sign(&c);
    let n = sig.len();
    sig[n - 1] ^= 1;
    refused(
        answer(&emu, &pool, "eve", &session, &key.assertion_json(&c, &sig, None).to_string()).await,
    );
    // The session was used up by the failure.
    let good = key.assert(&options);
    let m = refused(answer(&emu, &pool, "eve", &session, &good).await);
    assert!(m.contains("once"), "{m}");

    // A good sign-in, then its CREDENTIAL replayed in a new session (another challenge).
    let (session, options) = passkey_challenge(&emu, &pool, "eve").await;
    let credential = key.assert(&options);
    answer(&emu, &pool, "eve", &session, &credential).await.ok();
    let (session, _) = passkey_challenge(&emu, &pool, "eve").await;
    let m = refused(answer(&emu, &pool, "eve", &session, &credential).await);
    assert!(m.contains("challenge"), "{m}");

    // The counter going backwards (or standing still).
    let (session, options) = passkey_challenge(&emu, &pool, "eve").await;
    key.counter -= 2;
    let m = refused(answer(&emu, &pool, "eve", &session, &key.assert(&options)).await);
    assert!(m.contains("counter"), "{m}");
    key.counter += 5;

    // Another origin; an assertion scoped to another RP id.
    let (session, options) = passkey_challenge(&emu, &pool, "eve").await;
    key.origin = "https://evil.example".into();
    let m = refused(answer(&emu, &pool, "eve", &session, &key.assert(&options)).await);
    assert!(m.contains("origin"), "{m}");
    key.origin = ORIGIN.into();
    let (session, options) = passkey_challenge(&emu, &pool, "eve").await;
    key.rp_id = Some("example.com".into());
    let m = refused(answer(&emu, &pool, "eve", &session, &key.assert(&options)).await);
    assert!(m.contains("relying party"), "{m}");
    key.rp_id = None;

    // Another user's passkey, on this user's challenge.
    let (session, options) = passkey_challenge(&emu, &pool, "eve").await;
    let m = refused(answer(&emu, &pool, "eve", &session, &key_b.assert(&options)).await);
    assert!(m.contains("not a passkey of this user"), "{m}");

    // A user handle that is not this user's.
    let (session, options) = passkey_challenge(&emu, &pool, "eve").await;
    let c = key.get(&options);
    let sig = key.sign(&c);
    let doc = key.assertion_json(&c, &sig, Some(&b64url(b"somebody-else")));
    refused(answer(&emu, &pool, "eve", &session, &doc.to_string()).await);

    // Malformed CREDENTIAL: an InvalidParameterException that leaves the session usable.
    let (session, options) = passkey_challenge(&emu, &pool, "eve").await;
    answer(&emu, &pool, "eve", &session, "{not json").await.err("InvalidParameterException");
    emu.call(
        "RespondToAuthChallenge",
        json!({"ClientId": pool.client, "ChallengeName": "WEB_AUTHN", "Session": session,
        "ChallengeResponses": {"USERNAME": "eve"}}),
    )
    .await
    .err("InvalidParameterException");
    let out = answer(&emu, &pool, "eve", &session, &key.assert(&options)).await.ok();
    assert!(out["AuthenticationResult"]["AccessToken"].is_string());

    // The other user still signs in with their own passkey.
    let (session, options) = passkey_challenge(&emu, &pool, "fay").await;
    answer(&emu, &pool, "fay", &session, &key_b.assert(&options)).await.ok();
}

#[tokio::test]
async fn user_verification_and_paging() {
    let emu = start().await;
    let pool = passkey_pool(&emu, "preferred").await;
    let access = user(&emu, &pool, "gil").await;
    // Preferred: an authenticator without user verification registers and signs in.
    let options = start_registration(&emu, &access).await;
    let mut no_uv = Authenticator::new(ORIGIN);
    no_uv.uv = false;
    complete(&emu, &access, no_uv.register(&options)).await.ok();
    let (session, options) = passkey_challenge(&emu, &pool, "gil").await;
    assert_eq!(options["userVerification"], "preferred");
    answer(&emu, &pool, "gil", &session, &no_uv.assert(&options)).await.ok();
    // Once the pool requires it, the same passkey is refused at sign-in.
    emu.ok("SetUserPoolMfaConfig", json!({"UserPoolId": pool.id, "WebAuthnConfiguration": {"RelyingPartyId": "localhost", "UserVerification": "required"}})).await;
    let (session, options) = passkey_challenge(&emu, &pool, "gil").await;
    let m = answer(&emu, &pool, "gil", &session, &no_uv.assert(&options))
        .await
        .err("NotAuthorizedException");
    assert!(m.contains("verification"), "{m}");

    // Pages of ListWebAuthnCredentials.
    for _ in 0..2 {
        register(&emu, &access).await;
    }
    let first =
        emu.ok("ListWebAuthnCredentials", json!({"AccessToken": access, "MaxResults": 2})).await;
    assert_eq!(first["Credentials"].as_array().unwrap().len(), 2);
    let next = first["NextToken"].as_str().expect("a next page").to_string();
    let second = emu
        .ok(
            "ListWebAuthnCredentials",
            json!({"AccessToken": access, "MaxResults": 2, "NextToken": next}),
        )
        .await;
    assert_eq!(second["Credentials"].as_array().unwrap().len(), 1);
    assert!(second.get("NextToken").is_none());
    emu.err(
        "ListWebAuthnCredentials",
        json!({"AccessToken": access, "MaxResults": 21}),
        "InvalidParameterException",
    )
    .await;
    emu.err(
        "ListWebAuthnCredentials",
        json!({"AccessToken": access, "NextToken": "bogus"}),
        "InvalidParameterException",
    )
    .await;
}
