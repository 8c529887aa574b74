//! USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH, GetUser and the tokens: claims, signatures against the JWKS,
//! expiry on the emulator's clock, forged and foreign tokens.

use crate::common::{
    self, Emulator, claims, confirm_sign_up, confirmed_user, get_user, password_auth,
    password_pool, refresh_auth, secret_hash, sign_up, signed_in, start, token,
};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde_json::{Value, json};

fn verify_with_jwks(jwks: &Value, token: &str, issuer: &str) -> Value {
    let kid = decode_header(token).unwrap().kid.unwrap();
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .expect("kid in JWKS");
    assert_eq!(
        (jwk["kty"].as_str(), jwk["alg"].as_str(), jwk["use"].as_str()),
        (Some("RSA"), Some("RS256"), Some("sig"))
    );
    let key =
        DecodingKey::from_rsa_components(jwk["n"].as_str().unwrap(), jwk["e"].as_str().unwrap())
            .unwrap();
    let mut v = Validation::new(Algorithm::RS256);
    v.set_issuer(&[issuer]);
    v.validate_aud = false;
    decode::<Value>(token, &key, &v).expect("signature and claims verify").claims
}

/// A pool with custom attributes `tenant` (string) and `level` (number), a client for password sign-in
/// and refresh, and "alice" signed up with her email, tenant "acme", level 3 and updated_at, then
/// confirmed by the mailed code. Returns (pool, client).
async fn alice(emu: &Emulator) -> (String, String) {
    let pool = emu
        .pool(json!({"PoolName": "tokens", "AutoVerifiedAttributes": ["email"],
                     "Schema": [{"Name": "tenant", "AttributeDataType": "String"}, {"Name": "level", "AttributeDataType": "Number"}]}))
        .await;
    let flows =
        json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]});
    let (client, _) = emu.client(&pool, flows).await;
    let attributes = [
        ("email", "alice@example.com"),
        ("custom:tenant", "acme"),
        ("custom:level", "3"),
        ("updated_at", "1700000000"),
    ];
    sign_up(emu, &client, "alice", "Passw0rd!", &attributes).await.ok();
    let code = emu.last_code("alice@example.com").await;
    confirm_sign_up(emu, &client, "alice", &code).await.ok();
    (pool, client)
}

/// The pool's JWKS (checked to hold two keys) and its issuer.
async fn jwks_and_issuer(emu: &Emulator, pool: &str) -> (Value, String) {
    let (status, jwks) = emu.get(&format!("/{pool}/.well-known/jwks.json")).await;
    assert_eq!(status, 200);
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
    (jwks, format!("{}/{pool}", emu.url))
}

#[tokio::test]
async fn password_sign_in_issues_tokens_that_verify_against_the_jwks() {
    let emu = start().await;
    let (pool, client) = alice(&emu).await;
    let out = password_auth(&emu, &client, None, "alice", "Passw0rd!").await.ok();
    assert_eq!(out["ChallengeParameters"], json!({}));
    let r = &out["AuthenticationResult"];
    assert_eq!((r["ExpiresIn"].as_i64(), r["TokenType"].as_str()), (Some(3600), Some("Bearer")));
    let refresh = r["RefreshToken"].as_str().unwrap();
    assert!(refresh.starts_with("eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ."));
    assert_eq!(refresh.split('.').count(), 5);

    let (jwks, issuer) = jwks_and_issuer(&emu, &pool).await;
    let id = verify_with_jwks(&jwks, r["IdToken"].as_str().unwrap(), &issuer);
    let access = verify_with_jwks(&jwks, r["AccessToken"].as_str().unwrap(), &issuer);
    assert_ne!(
        decode_header(r["IdToken"].as_str().unwrap()).unwrap().kid,
        decode_header(r["AccessToken"].as_str().unwrap()).unwrap().kid
    );

    assert_eq!(id["token_use"], "id");
    assert_eq!(id["aud"], client);
    assert_eq!(id["cognito:username"], "alice");
    assert_eq!(id["email"], "alice@example.com");
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["custom:tenant"], "acme");
    assert_eq!(id["custom:level"], "3", "custom attributes are strings in tokens");
    assert_eq!(id["updated_at"], 1700000000);
    assert_eq!(id["exp"].as_i64().unwrap() - id["iat"].as_i64().unwrap(), 3600);
    assert_eq!(id["auth_time"], id["iat"]);
    assert_eq!(access["token_use"], "access");
    assert_eq!(access["client_id"], client);
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(access["username"], "alice");
    assert_eq!(access["version"], 2);
    assert!(access.get("aud").is_none());
    assert_eq!(access["sub"], id["sub"]);
    assert_eq!(access["origin_jti"], id["origin_jti"]);
    assert_eq!(access["event_id"], id["event_id"]);
    assert_ne!(access["jti"], id["jti"]);

    let me = get_user(&emu, &r["AccessToken"]).await.ok();
    assert_eq!(me["Username"], "alice");
    let attrs = me["UserAttributes"].as_array().unwrap();
    assert!(attrs.contains(&json!({"Name": "email_verified", "Value": "true"})));
    assert!(attrs.contains(&json!({"Name": "custom:tenant", "Value": "acme"})));
}

#[tokio::test]
async fn refresh_issues_new_tokens_with_the_same_origin_jti_and_auth_time() {
    let emu = start().await;
    let (pool, client) = alice(&emu).await;
    let r = signed_in(&emu, &client, "alice", "Passw0rd!").await;
    let refresh = token(&r, "RefreshToken");
    let (jwks, issuer) = jwks_and_issuer(&emu, &pool).await;
    let id = verify_with_jwks(&jwks, r["IdToken"].as_str().unwrap(), &issuer);

    // New ID and access tokens, no refresh token.
    emu.app.clock.advance_ms(5000);
    let out = refresh_auth(&emu, &client, &refresh).await.ok();
    let rr = &out["AuthenticationResult"];
    assert!(rr.get("RefreshToken").is_none());
    let id2 = verify_with_jwks(&jwks, rr["IdToken"].as_str().unwrap(), &issuer);
    assert_eq!(id2["origin_jti"], id["origin_jti"]);
    assert_eq!(id2["auth_time"], id["auth_time"]);
    assert!(id2["iat"].as_i64() > id["iat"].as_i64());
    // The legacy name of the flow.
    let legacy = json!({"AuthFlow": "REFRESH_TOKEN", "ClientId": client, "AuthParameters": {"REFRESH_TOKEN": refresh}});
    let out = emu.ok("InitiateAuth", legacy).await;
    assert!(out["AuthenticationResult"]["AccessToken"].is_string());
}

#[tokio::test]
async fn openid_configuration_names_the_issuer_and_its_jwks() {
    let emu = start().await;
    let (pool, _) = alice(&emu).await;
    let issuer = format!("{}/{pool}", emu.url);
    let (status, discovery) = emu.get(&format!("/{pool}/.well-known/openid-configuration")).await;
    assert_eq!(status, 200);
    assert_eq!(discovery["issuer"], issuer);
    assert_eq!(discovery["jwks_uri"], format!("{issuer}/.well-known/jwks.json"));
    assert_eq!(emu.get("/us-east-1_nothere00/.well-known/jwks.json").await.0, 404);
}

#[tokio::test]
async fn the_order_of_password_checks() {
    let emu = start().await;
    let (pool, client, _) = password_pool(&emu, false).await;
    let a = password_auth(&emu, &client, None, "nobody", "Passw0rd!").await;
    assert_eq!(a.err("UserNotFoundException"), "User does not exist.");
    sign_up(&emu, &client, "uncf", "Passw0rd!", &[("email", "u@example.com")]).await.ok();
    // AWS answers "not confirmed" even when the password is wrong.
    let a = password_auth(&emu, &client, None, "uncf", "Wrong0ne!").await;
    assert_eq!(a.err("UserNotConfirmedException"), "User is not confirmed.");
    confirmed_user(&emu, &client, None, "bob", "bob@example.com", "Passw0rd!").await;
    let a = password_auth(&emu, &client, None, "bob", "Wrong0ne!").await;
    assert_eq!(a.err("NotAuthorizedException"), "Incorrect username or password.");
    assert_eq!(
        emu.err("InitiateAuth", json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "bob"}}), "InvalidParameterException").await,
        "Missing required parameter PASSWORD"
    );
    assert_eq!(
        emu.err(
            "InitiateAuth",
            json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client}),
            "InvalidParameterException"
        )
        .await,
        "Missing required parameter USERNAME"
    );

    let (quiet, _) = emu
        .client(&pool, json!({"PreventUserExistenceErrors": "ENABLED", "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]}))
        .await;
    let a = password_auth(&emu, &quiet, None, "nobody", "Passw0rd!").await;
    assert_eq!(a.err("NotAuthorizedException"), "Incorrect username or password.");

    let (srp_only, _) = emu.client(&pool, json!({})).await;
    let a = password_auth(&emu, &srp_only, None, "bob", "Passw0rd!").await;
    assert_eq!(
        a.err("InvalidParameterException"),
        "USER_PASSWORD_AUTH flow not enabled for this client"
    );
    assert_eq!(
        emu.err("InitiateAuth", json!({"AuthFlow": "ADMIN_USER_PASSWORD_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "bob", "PASSWORD": "Passw0rd!"}}), "InvalidParameterException").await,
        "Initiate Auth method not supported."
    );
    assert_eq!(
        emu.err("InitiateAuth", json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "nosuchclient0000000000000a", "AuthParameters": {}}), "ResourceNotFoundException").await,
        "User pool client nosuchclient0000000000000a does not exist."
    );
}

#[tokio::test]
async fn secret_hash_on_sign_in_and_refresh() {
    let emu = start().await;
    let pool = emu.pool(json!({"PoolName": "secret", "UsernameAttributes": ["email"], "AutoVerifiedAttributes": ["email"]})).await;
    let (client, secret) = emu
        .client(&pool, json!({"GenerateSecret": true, "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}))
        .await;
    let secret = secret.unwrap();
    let email = "sam@example.com";
    emu.ok("SignUp", json!({"ClientId": client, "Username": email, "Password": "Passw0rd!", "SecretHash": secret_hash(&secret, email, &client)})).await;
    let code = emu.last_code(email).await;
    emu.ok("ConfirmSignUp", json!({"ClientId": client, "Username": email, "ConfirmationCode": code, "SecretHash": secret_hash(&secret, email, &client)})).await;
    let a = password_auth(&emu, &client, None, email, "Passw0rd!").await;
    assert_eq!(
        a.err("NotAuthorizedException"),
        format!("Client {client} is configured with secret but SECRET_HASH was not received")
    );
    assert_eq!(
        emu.err("InitiateAuth", json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": email, "PASSWORD": "Passw0rd!", "SECRET_HASH": secret_hash("wrong-secret-wrong-secret", email, &client)}}), "NotAuthorizedException").await,
        format!("Unable to verify secret hash for client {client}")
    );
    let out = password_auth(&emu, &client, Some(&secret), email, "Passw0rd!").await.ok();
    let refresh = token(&out["AuthenticationResult"], "RefreshToken");
    let username =
        claims(out["AuthenticationResult"]["IdToken"].as_str().unwrap())["cognito:username"]
            .as_str()
            .unwrap()
            .to_string();

    let refresh_with = |hash: Option<String>| {
        let mut params = json!({"REFRESH_TOKEN": refresh});
        if let Some(h) = hash {
            params["SECRET_HASH"] = json!(h);
        }
        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client, "AuthParameters": params})
    };
    emu.err("InitiateAuth", refresh_with(None), "NotAuthorizedException").await;
    assert_eq!(
        emu.err(
            "InitiateAuth",
            refresh_with(Some(secret_hash(&secret, "someone", &client))),
            "NotAuthorizedException"
        )
        .await,
        format!("SecretHash does not match for the client: {client}")
    );
    // The internal username (the UUID) is what AWS expects; the email works too.
    emu.ok("InitiateAuth", refresh_with(Some(secret_hash(&secret, &username, &client)))).await;
    emu.ok("InitiateAuth", refresh_with(Some(secret_hash(&secret, email, &client)))).await;
}

#[tokio::test]
async fn refresh_tokens_are_bound_checked_and_expire() {
    let emu = start().await;
    let (pool, client, _) = password_pool(&emu, false).await;
    confirmed_user(&emu, &client, None, "rita", "rita@example.com", "Passw0rd!").await;
    let refresh = token(&signed_in(&emu, &client, "rita", "Passw0rd!").await, "RefreshToken");
    let (other, _) =
        emu.client(&pool, json!({"ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH"]})).await;
    let call = |client: &str, token: &str| json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client, "AuthParameters": {"REFRESH_TOKEN": token}});
    assert_eq!(
        emu.err("InitiateAuth", call(&other, &refresh), "NotAuthorizedException").await,
        "Invalid Refresh Token."
    );
    assert_eq!(
        emu.err(
            "InitiateAuth",
            call(
                &client,
                "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.forged.x.y.z"
            ),
            "NotAuthorizedException"
        )
        .await,
        "Invalid Refresh Token."
    );
    assert_eq!(
        emu.err(
            "InitiateAuth",
            json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client, "AuthParameters": {}}),
            "InvalidParameterException"
        )
        .await,
        "Missing required parameter REFRESH_TOKEN"
    );
    emu.app.clock.advance_ms(30 * 86400 * 1000 + 1000);
    assert_eq!(
        emu.err("InitiateAuth", call(&client, &refresh), "NotAuthorizedException").await,
        "Refresh Token has expired"
    );
}

#[tokio::test]
async fn access_tokens_are_verified_on_every_use() {
    let emu = start().await;
    let (_, client, _) = password_pool(&emu, false).await;
    confirmed_user(&emu, &client, None, "tess", "tess@example.com", "Passw0rd!").await;
    let auth = signed_in(&emu, &client, "tess", "Passw0rd!").await;
    let access = token(&auth, "AccessToken");
    let id_token = token(&auth, "IdToken");
    get_user(&emu, &access).await.ok();

    // A flipped character in the signature, a payload edited to another user, an ID token, garbage.
    let mut parts: Vec<String> = access.split('.').map(str::to_string).collect();
    let sig = parts[2].clone();
    let flipped = if sig.ends_with('A') {
        format!("{}B", &sig[..sig.len() - 1])
    } else {
        format!("{}A", &sig[..sig.len() - 1])
    };
    let tampered_sig = format!("{}.{}.{}", parts[0], parts[1], flipped);
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut payload: Value = serde_json::from_slice(&b64.decode(&parts[1]).unwrap()).unwrap();
    payload["username"] = json!("admin");
    parts[1] = b64.encode(payload.to_string());
    let tampered_payload = parts.join(".");
    for bad in [tampered_sig.as_str(), tampered_payload.as_str(), id_token.as_str(), "abc.def.ghi"]
    {
        let message = get_user(&emu, bad).await.err("NotAuthorizedException");
        assert_eq!(message, "Invalid Access Token", "token {bad}");
    }
    // A token signed by another emulator's keys (a foreign token).
    let foreign = common::start_with(|c| c.keys = c.keys.join("other")).await;
    let (_, fclient, _) = password_pool(&foreign, false).await;
    confirmed_user(&foreign, &fclient, None, "tess", "tess@example.com", "Passw0rd!").await;
    let fout = signed_in(&foreign, &fclient, "tess", "Passw0rd!").await;
    assert_eq!(
        get_user(&emu, &fout["AccessToken"]).await.err("NotAuthorizedException"),
        "Invalid Access Token"
    );

    emu.app.clock.advance_ms(3600 * 1000 + 1000);
    assert_eq!(
        get_user(&emu, &access).await.err("NotAuthorizedException"),
        "Access Token has expired"
    );
}

#[tokio::test]
async fn token_lifetimes_and_read_attributes_follow_the_client() {
    let emu = start().await;
    let (pool, client, _) = password_pool(&emu, false).await;
    confirmed_user(&emu, &client, None, "una", "una@example.com", "Passw0rd!").await;
    let (narrow, _) = emu
        .client(
            &pool,
            json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"], "ReadAttributes": ["email"],
                   "AccessTokenValidity": 5, "IdTokenValidity": 10, "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "minutes"}}),
        )
        .await;
    let r = &signed_in(&emu, &narrow, "una", "Passw0rd!").await;
    assert_eq!(r["ExpiresIn"], 300);
    let id = claims(r["IdToken"].as_str().unwrap());
    assert_eq!(id["exp"].as_i64().unwrap() - id["iat"].as_i64().unwrap(), 600);
    assert!(id.get("email_verified").is_none(), "email_verified is not readable by this client");
    assert_eq!(id["email"], "una@example.com");
    let me = get_user(&emu, &r["AccessToken"]).await.ok();
    let names: Vec<&str> = me["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["Name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["sub", "email"]);
}

// Multi-threaded, as the emulator binary runs. One request at a time: each handler runs on the
// connection's thread, and a new password's hash and SRP verifier, like a sign-in's two signatures, are
// computed on two threads (a core is free). Then 16 sign-ins at once, where all of it stays on the
// handlers' threads. Either way the tokens verify against the JWKS and belong to the user signing in,
// and the new passwords work for both password and SRP sign-in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn work_split_over_two_threads_gives_the_same_tokens_alone_and_under_load() {
    let emu = std::sync::Arc::new(start().await);
    let (pool, client, _) = password_pool(&emu, false).await;
    let (jwks, issuer) = jwks_and_issuer(&emu, &pool).await;
    let check = |auth: &Value, name: &str| {
        let id = verify_with_jwks(&jwks, &token(auth, "IdToken"), &issuer);
        let access = verify_with_jwks(&jwks, &token(auth, "AccessToken"), &issuer);
        assert_eq!(id["token_use"], "id");
        assert_eq!(id["cognito:username"], name);
        assert_eq!(access["token_use"], "access");
        assert_eq!(access["username"], name);
        assert_eq!(id["origin_jti"], access["origin_jti"]);
        assert_eq!(id["event_id"], access["event_id"]);
        assert_ne!(id["jti"], access["jti"]);
    };
    for i in 0..4 {
        let name = format!("u{i}");
        confirmed_user(&emu, &client, None, &name, &format!("{name}@example.com"), "Passw0rd!")
            .await;
        let auth = signed_in(&emu, &client, &name, "Passw0rd!").await;
        check(&auth, &name);
        let refreshed = refresh_auth(&emu, &client, &auth["RefreshToken"]).await.ok();
        check(&refreshed["AuthenticationResult"], &name);
        let me = get_user(&emu, &auth["AccessToken"]).await.ok();
        assert_eq!(me["Username"], name.as_str());
        password_auth(&emu, &client, None, &name, "Wrong0ne!").await.err("NotAuthorizedException");
    }
    let mut tasks = tokio::task::JoinSet::new();
    for k in 0..16 {
        let (emu, client) = (emu.clone(), client.clone());
        tasks.spawn(async move {
            let name = format!("u{}", k % 4);
            (signed_in(&emu, &client, &name, "Passw0rd!").await, name)
        });
    }
    while let Some(answer) = tasks.join_next().await {
        let (auth, name) = answer.unwrap();
        check(&auth, &name);
    }
    // The verifier computed beside the hash: an SRP sign-in with the password succeeds, a wrong one
    // fails (common::srp's client math).
    emu.ok(
        "UpdateUserPoolClient",
        json!({"UserPoolId": pool, "ClientId": client,
               "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    )
    .await;
    let signed = common::srp_sign_in(&emu, &pool, &client, "u1", "Passw0rd!", true).await.ok();
    check(&signed["AuthenticationResult"], "u1");
    common::srp_sign_in(&emu, &pool, &client, "u1", "Wrong0ne!", true)
        .await
        .err("NotAuthorizedException");
}
