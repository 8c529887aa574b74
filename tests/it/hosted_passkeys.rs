//! Passkeys on the managed login pages with a software authenticator: "Sign in with passkey" (the
//! options in a data attribute, the static script, the assertion verified as RespondToAuthChallenge
//! verifies it), `/passkeys/add` after a sign-up is confirmed and by direct link, and where passkeys are
//! not offered (classic hosted UI, a client without ALLOW_USER_AUTH, no passkey registered).

use serde_json::{Value, json};

use crate::common::authenticator::Authenticator;
use crate::common::browser::{Browser, attribute, csrf, form, pairs, query_param, unescape};
use crate::common::{Emulator, start, urlencode};
use crate::hosted_pages::{CALLBACK, PW, Site, domain, login_page, site, user};

const ORIGIN: &str = "http://localhost:5173";

/// A managed login site whose pool allows passkeys (relying party localhost) for a USER_AUTH client.
async fn passkey_site(emu: &Emulator, version: i64, flows: Value) -> Site {
    let s = site(
        emu,
        json!({"AutoVerifiedAttributes": ["email"],
               "Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}}}),
        json!({"ExplicitAuthFlows": flows}),
    )
    .await;
    emu.ok(
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": s.pool, "WebAuthnConfiguration": {"RelyingPartyId": "localhost", "UserVerification": "preferred"}}),
    )
    .await;
    domain(emu, &s.pool, version).await;
    s
}

fn user_auth() -> Value {
    json!(["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
}

/// Registers a passkey for `name` through the API.
async fn register(emu: &Emulator, s: &Site, name: &str) -> Authenticator {
    let auth = emu
        .ok(
            "InitiateAuth",
            json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": s.client, "AuthParameters": {"USERNAME": name, "PASSWORD": PW}}),
        )
        .await;
    let access = auth["AuthenticationResult"]["AccessToken"].clone();
    let options = emu.ok("StartWebAuthnRegistration", json!({"AccessToken": access})).await;
    let key = Authenticator::new(ORIGIN);
    let credential = key.register(&options["CredentialCreationOptions"]);
    emu.ok(
        "CompleteWebAuthnRegistration",
        json!({"AccessToken": access, "Credential": credential}),
    )
    .await;
    key
}

#[tokio::test]
async fn sign_in_with_a_passkey_on_the_managed_login_page() {
    let emu = start().await;
    let s = passkey_site(&emu, 2, user_auth()).await;
    user(&emu, &s.pool, "pia", json!([{"Name": "email", "Value": "pia@example.com"}])).await;
    let mut key = register(&emu, &s, "pia").await;
    let mut b = Browser::new(&emu);
    let (path, page) = login_page(&mut b, &s.client, "&state=xyz&lang=fr").await;
    assert!(page.body.contains(r#"id="passkeySignInButton""#), "{}", page.body);
    assert!(unescape(&page.body).contains("Se connecter avec une clé d'accès"));
    let challenge =
        b.post(&path, &[("_csrf", &csrf(&page.body)), ("username", "pia"), ("passkey", "1")]).await;
    assert_eq!(challenge.status, 200, "{}", challenge.body);
    assert!(
        challenge.body.contains(r#"<script src="/_emulator/hosted/passkeys.js" defer></script>"#)
    );
    assert!(!challenge.body.contains("<script>"), "no inline script");
    let csp = &challenge.headers["content-security-policy"];
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let options: Value =
        serde_json::from_str(&attribute(&challenge.body, "<form", "data-passkey-get").unwrap())
            .unwrap();
    assert_eq!(options["rpId"], "localhost");

    // A tampered assertion is refused as RespondToAuthChallenge refuses it: back to the sign-in page.
    let mut forged: Value = serde_json::from_str(&key.assert(&options)).unwrap();
    forged["response"]["signature"] = json!("AAAA");
    let refused =
        b.post(&path, &pairs(&form(&challenge.body, &[("credential", &forged.to_string())]))).await;
    assert_eq!(refused.status, 200);
    assert!(
        unescape(&refused.body).contains("La clé d'accès n'a pas pu être utilisée."),
        "{}",
        refused.body
    );

    let again = b
        .post(&path, &[("_csrf", &csrf(&refused.body)), ("username", "pia"), ("passkey", "1")])
        .await;
    let options: Value =
        serde_json::from_str(&attribute(&again.body, "<form", "data-passkey-get").unwrap())
            .unwrap();
    let credential = key.assert(&options);
    let done = b.post(&path, &pairs(&form(&again.body, &[("credential", &credential)]))).await;
    assert_eq!(done.status, 302, "{}", done.body);
    assert!(done.location.starts_with(&format!("{CALLBACK}?code=")), "{}", done.location);
    assert_eq!(query_param(&done.location, "state").as_deref(), Some("xyz"));
    assert!(b.cookies.contains_key("cognito"));

    // A user without a passkey is told so on the sign-in page.
    user(&emu, &s.pool, "nopk", json!([])).await;
    let mut fresh = Browser::new(&emu);
    let (path, page) = login_page(&mut fresh, &s.client, "").await;
    let none = fresh
        .post(&path, &[("_csrf", &csrf(&page.body)), ("username", "nopk"), ("passkey", "1")])
        .await;
    assert!(none.body.contains("No passkey is registered for this user."), "{}", none.body);
}

#[tokio::test]
async fn passkeys_are_offered_only_by_managed_login_to_user_auth_clients() {
    let emu = start().await;
    let classic = passkey_site(&emu, 1, user_auth()).await;
    let (_, page) = login_page(&mut Browser::new(&emu), &classic.client, "").await;
    assert!(!page.body.contains("passkeySignInButton"), "the classic hosted UI has no passkeys");
    let (client, _) = emu
        .client(
            &classic.pool,
            json!({"AllowedOAuthFlows": ["code"], "AllowedOAuthFlowsUserPoolClient": true, "AllowedOAuthScopes": ["openid"],
                   "CallbackURLs": [CALLBACK], "SupportedIdentityProviders": ["COGNITO"],
                   "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
        )
        .await;
    emu.ok(
        "UpdateUserPoolDomain",
        json!({"UserPoolId": classic.pool, "Domain": "emulated-pages", "ManagedLoginVersion": 2}),
    )
    .await;
    let (_, page) = login_page(&mut Browser::new(&emu), &client, "").await;
    assert!(!page.body.contains("passkeySignInButton"), "a client without ALLOW_USER_AUTH");
    let (_, page) = login_page(&mut Browser::new(&emu), &classic.client, "").await;
    assert!(page.body.contains("passkeySignInButton"), "managed login now");
    let mut b = Browser::new(&emu);
    let script = b.get("/_emulator/hosted/passkeys.js").await;
    assert_eq!(script.status, 200);
    assert!(script.headers["content-type"].starts_with("text/javascript"));
    assert!(script.body.contains("navigator.credentials.get"));
    // /passkeys/add is managed login's: the classic client's pool domain is version 2 now, the other
    // client has no ALLOW_USER_AUTH.
    let add = b
        .get(&format!(
            "/passkeys/add?response_type=code&client_id={client}&redirect_uri={}",
            urlencode(CALLBACK)
        ))
        .await;
    assert_eq!(add.status, 400, "{}", add.body);
}

#[tokio::test]
async fn passkeys_add_follows_a_confirmed_sign_up_and_a_direct_link() {
    let emu = start().await;
    let s = passkey_site(&emu, 2, user_auth()).await;
    let mut b = Browser::new(&emu);
    let query = format!(
        "?response_type=code&client_id={}&redirect_uri={}&state=s1&prompt=login",
        s.client,
        urlencode(CALLBACK)
    );
    let signup = b.get(&format!("/signup{query}")).await;
    let created = b
        .post(
            &format!("/signup{query}"),
            &[
                ("_csrf", &csrf(&signup.body)),
                ("username", "kai"),
                ("password", PW),
                ("requiredAttributes[email]", "kai@example.com"),
            ],
        )
        .await;
    let confirm = b.get(&created.location).await;
    let code = emu.last_code("kai@example.com").await;
    let confirmed =
        b.post(&created.location, &pairs(&form(&confirm.body, &[("code", &code)]))).await;
    assert_eq!(confirmed.status, 302, "{}", confirmed.body);
    assert!(confirmed.location.starts_with("/passkeys/add?"), "{}", confirmed.location);
    let add = b.get(&confirmed.location).await;
    assert_eq!(add.status, 200, "{}", add.body);
    let not_now = attribute(&add.body, r#"id="notNow""#, "href").unwrap();
    assert!(not_now.starts_with("/oauth2/authorize?") && !not_now.contains("prompt"), "{not_now}");
    let options: Value =
        serde_json::from_str(&attribute(&add.body, "<form", "data-passkey-create").unwrap())
            .unwrap();
    assert_eq!(options["rp"]["id"], "localhost");
    assert_eq!(options["user"]["name"], "kai");

    // A broken credential: the page again, nothing stored.
    let broken =
        b.post(&confirmed.location, &pairs(&form(&add.body, &[("credential", "{}")]))).await;
    assert_eq!(broken.status, 200);
    assert!(broken.body.contains("The passkey could not be created."), "{}", broken.body);
    let options: Value =
        serde_json::from_str(&attribute(&broken.body, "<form", "data-passkey-create").unwrap())
            .unwrap();
    let key = Authenticator::new(ORIGIN);
    let registered = b
        .post(
            &confirmed.location,
            &pairs(&form(&broken.body, &[("credential", &key.register(&options).to_string())])),
        )
        .await;
    assert_eq!(registered.status, 302, "{}", registered.body);
    assert_eq!(registered.location, not_now);
    let back = b.get(&registered.location).await;
    assert!(back.location.starts_with(&format!("{CALLBACK}?code=")), "{}", back.location);
    assert_eq!(query_param(&back.location, "state").as_deref(), Some("s1"));
    let users = emu.ok("AdminGetUser", json!({"UserPoolId": s.pool, "Username": "kai"})).await;
    let sub = users["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Name"] == "sub")
        .unwrap()["Value"]
        .clone();
    assert!(sub.is_string());
    let signed = emu
        .ok(
            "InitiateAuth",
            json!({"AuthFlow": "USER_AUTH", "ClientId": s.client, "AuthParameters": {"USERNAME": "kai", "PREFERRED_CHALLENGE": "WEB_AUTHN"}}),
        )
        .await;
    assert_eq!(signed["ChallengeName"], "WEB_AUTHN", "the passkey registered on the page signs in");

    // The direct link without a hosted session: the sign-in page first.
    let mut other = Browser::new(&emu);
    let direct = other.get(&confirmed.location).await;
    assert_eq!(direct.status, 302);
    assert!(direct.location.starts_with("/login?"), "{}", direct.location);
}
