//! Federated sign-in through an OIDC provider (the in-process stand-in `common::oidc_op`) as a browser
//! and an app do it: authorize with `identity_provider` → the IdP → `/oauth2/idpresponse` → the app's
//! callback → `/oauth2/token`. The federated user, its `identities`, the automatic group, attribute
//! mapping refreshed at each sign-in, the session cookie, the nonce quirk, the refused upstream tokens,
//! a Google-type and a Facebook-type provider pointed at the stand-in, and the authorize checks.

use serde_json::{Value, json};

use crate::common::idp_browser::{Browser, param};
use crate::common::oidc_op::{Mode, Op};
use crate::common::{Emulator, claims, start, urlencode};

pub const CALLBACK: &str = "https://app.example.com/cb";

pub struct Fed {
    pub pool: String,
    pub client: String,
    pub op: Op,
}

/// A pool (email required, `custom:team`), an OIDC provider `Okta` at the stand-in, a client that
/// supports COGNITO and Okta.
pub async fn setup(emu: &Emulator) -> Fed {
    let op = Op::start().await;
    let pool = emu
        .pool(json!({"PoolName": "fed", "Schema": [
            {"Name": "email", "AttributeDataType": "String", "Required": true, "Mutable": true},
            {"Name": "team", "AttributeDataType": "String", "Mutable": true}]}))
        .await;
    emu.ok(
        "CreateIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": "Okta", "ProviderType": "OIDC",
               "ProviderDetails": {"client_id": op.client_id, "client_secret": op.client_secret,
                                   "authorize_scopes": "openid email profile", "oidc_issuer": op.url,
                                   "attributes_request_method": "GET"},
               "AttributeMapping": {"email": "email", "email_verified": "email_verified",
                                    "given_name": "given_name", "custom:team": "team"},
               "IdpIdentifiers": ["example.com"]}),
    )
    .await;
    let (client, _) = emu
        .client(
            &pool,
            json!({"AllowedOAuthFlows": ["code"], "AllowedOAuthFlowsUserPoolClient": true,
                   "AllowedOAuthScopes": ["openid", "email", "profile"], "CallbackURLs": [CALLBACK],
                   "LogoutURLs": [CALLBACK], "SupportedIdentityProviders": ["COGNITO", "Okta"]}),
        )
        .await;
    Fed { pool, client, op }
}

/// The authorize URL of `client` with extra parameters.
pub fn authorize(client: &str, extra: &str) -> String {
    format!(
        "/oauth2/authorize?client_id={client}&response_type=code&redirect_uri={}&scope=openid+email+profile&state=st-1{extra}",
        urlencode(CALLBACK)
    )
}

/// Redeems a code at `/oauth2/token`.
pub async fn redeem(emu: &Emulator, client: &str, code: &str) -> Value {
    let body = format!(
        "grant_type=authorization_code&client_id={client}&code={code}&redirect_uri={}",
        urlencode(CALLBACK)
    );
    let resp = reqwest::Client::new()
        .post(format!("{}/oauth2/token", emu.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    resp.json().await.unwrap()
}

/// Signs in through `idp` as the stand-in's current login; the ID token's claims.
pub async fn sign_in(emu: &Emulator, b: &mut Browser, client: &str, extra: &str) -> Value {
    let page = b.follow(&authorize(client, extra), CALLBACK).await;
    assert!(page.location.starts_with(CALLBACK), "ended at {page:?}");
    assert_eq!(param(&page.location, "state").as_deref(), Some("st-1"));
    let code =
        param(&page.location, "code").unwrap_or_else(|| panic!("no code: {}", page.location));
    let tokens = redeem(emu, client, &code).await;
    claims(tokens["id_token"].as_str().unwrap())
}

fn attribute<'a>(user: &'a Value, name: &str) -> Option<&'a str> {
    user["UserAttributes"].as_array()?.iter().find(|a| a["Name"] == name)?["Value"].as_str()
}

#[tokio::test]
async fn oidc_sign_in_creates_the_federated_user_as_aws_shapes_it() {
    let emu = start().await;
    let f = setup(&emu).await;
    f.op.login_as(
        "carlos",
        json!({"email": "carlos@example.com", "email_verified": true, "given_name": "Carlos", "team": "blue"}),
    );
    let mut b = Browser::new(&emu.url);
    let id = sign_in(&emu, &mut b, &f.client, "&identity_provider=Okta&nonce=n-1").await;

    // What the pool sent the IdP.
    let auth = &f.op.seen("/authorize")[0].params;
    assert_eq!(auth["client_id"], f.op.client_id);
    assert_eq!(auth["redirect_uri"], format!("{}/oauth2/idpresponse", emu.url));
    assert_eq!(auth["scope"], "openid email profile");
    assert_eq!(auth["response_type"], "code");
    assert!(auth["state"].len() >= 32 && auth["nonce"].len() >= 32);
    let token = &f.op.seen("/token")[0];
    assert_eq!(token.params["client_secret"], f.op.client_secret, "client_secret_post");
    assert_eq!(f.op.seen("/userinfo").len(), 1, "userinfo is read");

    // The pool's ID token.
    assert_eq!(id["cognito:username"], "Okta_carlos");
    assert_eq!(id["email"], "carlos@example.com");
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["given_name"], "Carlos");
    assert_eq!(id["custom:team"], "blue");
    assert_eq!(id["nonce"], "n-1");
    assert_eq!(id["cognito:groups"], json!([format!("{}_Okta", f.pool)]));
    let identities = id["identities"].as_array().expect("identities is an array in the token");
    assert_eq!(identities.len(), 1);
    let i = &identities[0];
    assert_eq!(
        (&i["userId"], &i["providerName"], &i["providerType"], &i["issuer"], &i["primary"]),
        (&json!("carlos"), &json!("Okta"), &json!("OIDC"), &Value::Null, &json!("true"))
    );
    assert!(i["dateCreated"].as_str().unwrap().parse::<i64>().unwrap() > 1_600_000_000_000);

    // The user, as the API shows it.
    let user = emu.admin_get_user(&f.pool, "Okta_carlos").await;
    assert_eq!(user["UserStatus"], "EXTERNAL_PROVIDER");
    let attr: Value = serde_json::from_str(attribute(&user, "identities").unwrap()).unwrap();
    assert_eq!(attr[0]["primary"], true, "a JSON string whose primary is a boolean");
    assert!(attr[0]["dateCreated"].is_i64());
    let group = emu
        .ok("GetGroup", json!({"UserPoolId": f.pool, "GroupName": format!("{}_Okta", f.pool)}))
        .await;
    assert!(group["Group"]["RoleArn"].is_null());

    // The hosted session: the same IdP again skips it.
    let again = b.follow(&authorize(&f.client, "&identity_provider=Okta"), CALLBACK).await;
    assert!(param(&again.location, "code").is_some());
    assert_eq!(f.op.seen("/authorize").len(), 1, "the session cookie answered");

    // Attributes are refreshed at every sign-in.
    f.op.login_as("carlos", json!({"email": "carlos@new.example.com", "email_verified": true}));
    b.forget();
    let id = sign_in(&emu, &mut b, &f.client, "&identity_provider=Okta&nonce=n-2").await;
    assert_eq!(id["email"], "carlos@new.example.com");
    assert_eq!(id["given_name"], "Carlos", "a claim the IdP no longer sends keeps its value");
    let listed = emu.ok("ListUsers", json!({"UserPoolId": f.pool})).await;
    assert_eq!(listed["Users"].as_array().unwrap().len(), 1);

    // Federated users cannot sign in with the API.
    let (c, _) =
        emu.client(&f.pool, json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]})).await;
    emu.err(
        "InitiateAuth",
        json!({"ClientId": c, "AuthFlow": "USER_PASSWORD_AUTH",
               "AuthParameters": {"USERNAME": "Okta_carlos", "PASSWORD": "whatever1A!"}}),
        "NotAuthorizedException",
    )
    .await;
}

#[tokio::test]
async fn the_pools_nonce_appears_when_the_app_sent_none() {
    let emu = start().await;
    let f = setup(&emu).await;
    f.op.login_as("dana", json!({"email": "dana@example.com"}));
    let mut b = Browser::new(&emu.url);
    let id = sign_in(&emu, &mut b, &f.client, "&identity_provider=Okta").await;
    let sent = &f.op.seen("/authorize")[0].params["nonce"];
    assert_eq!(id["nonce"].as_str(), Some(sent.as_str()), "AWS's quirk: a nonce nobody asked for");
}

#[tokio::test]
async fn refused_upstream_tokens_reach_the_app_as_errors() {
    let emu = start().await;
    let f = setup(&emu).await;
    let cases = [
        (Mode::Tampered, "Invalid id_token: bad signature"),
        (Mode::OtherKey, "Invalid id_token: bad signature"),
        (Mode::Expired, "Invalid id_token: expired"),
        (Mode::WrongAudience, "Invalid id_token: wrong audience"),
        (Mode::WrongIssuer, "Bad id_token issuer http://127.0.0.1:1"),
        (Mode::WrongNonce, "Invalid id_token: nonce does not match"),
        (Mode::TokenError, "Okta Error - 400 error getting token"),
    ];
    for (mode, expected) in cases {
        f.op.mode(mode);
        f.op.login_as("eve", json!({"email": "eve@example.com"}));
        let mut b = Browser::new(&emu.url);
        let page =
            b.follow(&authorize(&f.client, "&identity_provider=Okta&nonce=n"), CALLBACK).await;
        assert_eq!(param(&page.location, "error").as_deref(), Some("invalid_request"), "{mode:?}");
        assert_eq!(
            param(&page.location, "error_description").as_deref(),
            Some(expected),
            "{mode:?}"
        );
        assert_eq!(param(&page.location, "state").as_deref(), Some("st-1"));
        assert!(!b.has_cookie("cognito"), "{mode:?}: no session");
    }
    let listed = emu.ok("ListUsers", json!({"UserPoolId": f.pool})).await;
    assert!(listed["Users"].as_array().unwrap().is_empty(), "no user was created");

    // The IdP's own refusal is forwarded, and a used state is refused.
    f.op.mode(Mode::Good);
    let mut b = Browser::new(&emu.url);
    let to_idp = b.get(&authorize(&f.client, "&identity_provider=Okta")).await;
    let state = param(&to_idp.location, "state").unwrap();
    // Another browser cannot finish this sign-in (the state is bound to a cookie of the first).
    let stolen =
        Browser::new(&emu.url).get(&format!("/oauth2/idpresponse?code=x&state={state}")).await;
    assert_eq!(stolen.status, 400);
    let back = b
        .get(&format!(
            "/oauth2/idpresponse?error=access_denied&error_description=User+said+no&state={state}"
        ))
        .await;
    assert_eq!(param(&back.location, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&back.location, "error_description").as_deref(), Some("User said no"));
    let reused = b.get(&format!("/oauth2/idpresponse?code=x&state={state}")).await;
    assert_eq!(reused.status, 400);
    assert!(reused.body.contains("Invalid state"), "{}", reused.body);
}

#[tokio::test]
async fn a_google_type_provider_runs_against_a_local_stand_in() {
    let emu = start().await;
    let f = setup(&emu).await;
    let op = &f.op;
    emu.ok(
        "CreateIdentityProvider",
        json!({"UserPoolId": f.pool, "ProviderName": "Google", "ProviderType": "Google",
               "ProviderDetails": {"client_id": op.client_id, "client_secret": op.client_secret,
                   "authorize_scopes": "openid email profile",
                   "authorize_url": format!("{}/authorize", op.url), "token_url": format!("{}/token", op.url),
                   "attributes_url": format!("{}/userinfo", op.url), "oidc_issuer": op.url},
               "AttributeMapping": {"email": "email", "username": "sub"}}),
    )
    .await;
    let described = emu
        .ok("DescribeIdentityProvider", json!({"UserPoolId": f.pool, "ProviderName": "Google"}))
        .await;
    let d = &described["IdentityProvider"]["ProviderDetails"];
    assert_eq!(d["token_url"], format!("{}/token", op.url), "the given endpoint is kept");
    assert_eq!(d["token_request_method"], "POST");
    assert_eq!(d["attributes_url_add_attributes"], "true");
    emu.ok(
        "UpdateUserPoolClient",
        json!({"UserPoolId": f.pool, "ClientId": f.client, "AllowedOAuthFlows": ["code"],
               "AllowedOAuthFlowsUserPoolClient": true, "AllowedOAuthScopes": ["openid", "email", "profile"],
               "CallbackURLs": [CALLBACK], "SupportedIdentityProviders": ["Google"]}),
    )
    .await;
    op.login_as("10769150350006150715113082367", json!({"email": "g@example.com"}));
    let mut b = Browser::new(&emu.url);
    let id = sign_in(&emu, &mut b, &f.client, "&identity_provider=Google&nonce=g").await;
    assert_eq!(id["cognito:username"], "Google_10769150350006150715113082367");
    assert_eq!(id["identities"][0]["providerType"], "Google");
    // A plain userinfo URL (not ending in `=`) gets no attribute names appended.
    let info = &op.seen("/userinfo")[0];
    assert!(info.params.is_empty());
    assert_eq!(info.method, "GET");
    assert!(info.authorization.starts_with("Bearer "));
}

#[tokio::test]
async fn a_facebook_type_provider_uses_get_and_the_id_attribute() {
    let emu = start().await;
    let f = setup(&emu).await;
    let op = &f.op;
    emu.ok(
        "CreateIdentityProvider",
        json!({"UserPoolId": f.pool, "ProviderName": "Facebook", "ProviderType": "Facebook",
               "ProviderDetails": {"client_id": op.client_id, "client_secret": op.client_secret,
                   "authorize_scopes": "public_profile,email", "api_version": "v17.0",
                   "authorize_url": format!("{}/authorize", op.url), "token_url": format!("{}/token", op.url),
                   "attributes_url": format!("{}/userinfo?fields=", op.url)},
               "AttributeMapping": {"email": "email"}}),
    )
    .await;
    emu.ok(
        "UpdateUserPoolClient",
        json!({"UserPoolId": f.pool, "ClientId": f.client, "AllowedOAuthFlows": ["code"],
               "AllowedOAuthFlowsUserPoolClient": true, "AllowedOAuthScopes": ["openid", "email", "profile"],
               "CallbackURLs": [CALLBACK], "SupportedIdentityProviders": ["Facebook"]}),
    )
    .await;
    op.login_as("fb-sub", json!({"id": "1234567890", "email": "f@example.com"}));
    let mut b = Browser::new(&emu.url);
    let id = sign_in(&emu, &mut b, &f.client, "&identity_provider=Facebook").await;
    assert_eq!(id["cognito:username"], "Facebook_1234567890");
    assert_eq!(id["email"], "f@example.com");
    assert_eq!(op.seen("/token")[0].method, "GET", "Facebook's token_request_method");
    assert!(op.seen("/authorize")[0].params.get("nonce").is_none(), "no ID token, no nonce");
    assert_eq!(op.seen("/userinfo")[0].params["fields"], "id,email");
}

#[tokio::test]
async fn authorize_checks_the_provider_and_the_login_page_offers_it() {
    let emu = start().await;
    let f = setup(&emu).await;
    let mut b = Browser::new(&emu.url);

    // Not a provider of the client (or of the pool), an unknown identifier: invalid_request.
    for extra in ["&identity_provider=Nope", "&idp_identifier=unknown.example"] {
        let page = b.get(&authorize(&f.client, extra)).await;
        assert_eq!(param(&page.location, "error").as_deref(), Some("invalid_request"), "{extra}");
    }
    // idp_identifier goes to the provider that lists it; prompt=none without a session does not.
    let page = b.get(&authorize(&f.client, "&idp_identifier=example.com")).await;
    assert!(page.location.starts_with(&format!("{}/authorize?", f.op.url)), "{}", page.location);
    let page = b.get(&authorize(&f.client, "&identity_provider=Okta&prompt=none")).await;
    assert_eq!(param(&page.location, "error").as_deref(), Some("login_required"));

    // The sign-in page: a button per provider, the email box for identifiers.
    let login = b.follow(&authorize(&f.client, ""), CALLBACK).await;
    assert_eq!(login.status, 200);
    assert!(login.body.contains(r#"id="idp-Okta""#), "{}", login.body);
    assert!(login.body.contains("identity_provider=Okta"));
    assert!(login.body.contains(r#"name="idp_email""#));
    assert!(login.body.contains("signInFormUsername"), "COGNITO is supported too");
    assert!(
        login.body.contains(">Continue with Okta</a>") && login.body.contains(">Corporate email<")
    );
    // Managed login speaks the page's language, the buttons included.
    emu.ok(
        "CreateUserPoolDomain",
        json!({"UserPoolId": f.pool, "Domain": "fed-pages", "ManagedLoginVersion": 2}),
    )
    .await;
    let de =
        b.get(&authorize(&f.client, "&lang=de").replacen("/oauth2/authorize", "/login", 1)).await;
    assert!(de.body.contains(">Weiter mit Okta</a>"), "{}", de.body);
    assert!(
        de.body.contains(">Geschäftliche E-Mail-Adresse<")
            && de.body.contains(r#"<div class="or">oder</div>"#)
    );
    let token = crate::common::browser::csrf(&login.body);
    let q = authorize(&f.client, "").replacen("/oauth2/authorize", "/login", 1);
    let by_email = b.post(&q, &[("_csrf", &token), ("idp_email", "someone@EXAMPLE.com")]).await;
    assert_eq!(by_email.status, 302);
    assert!(by_email.location.contains("idp_identifier=example.com"), "{}", by_email.location);

    // A client without COGNITO: buttons only, and no password sign-in.
    emu.ok(
        "UpdateUserPoolClient",
        json!({"UserPoolId": f.pool, "ClientId": f.client, "AllowedOAuthFlows": ["code"],
               "AllowedOAuthFlowsUserPoolClient": true, "AllowedOAuthScopes": ["openid", "email", "profile"],
               "CallbackURLs": [CALLBACK], "SupportedIdentityProviders": ["Okta"]}),
    )
    .await;
    let only = b.get(&q).await;
    assert!(only.body.contains(r#"id="idp-Okta""#) && !only.body.contains("signInFormUsername"));
    let token = crate::common::browser::csrf(&only.body);
    let tried = b.post(&q, &[("_csrf", &token), ("username", "x"), ("password", "y")]).await;
    assert_eq!(tried.status, 200);
    assert!(!tried.body.contains("signInFormUsername"));
}
