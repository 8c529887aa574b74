//! The hosted pages' branding and language: SetUICustomization CSS and logo on the classic pages (a
//! `</style>` in the CSS cannot close the element, the CSP stays), a managed login style's colours and
//! logo on a ManagedLoginVersion 2 domain, `lang` (German, Japanese, a fallback language, an unknown
//! value, the `lang` cookie through the steps of a sign-in), `/confirm` signing in a sign-up of the same
//! browser, and domains and resource servers in seed files and `/_emulator/export`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::common::browser::{Browser, Page, csrf, form, pairs, query_param};
use crate::common::{Emulator, start, start_with, urlencode};

pub const CALLBACK: &str = "https://app.example.com/cb";
pub const PW: &str = "Passw0rd!";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-emulator-test-logo";

/// A pool and an OAuth client (code flow), `pool` and `client` merged into the requests.
pub struct Site {
    pub pool: String,
    pub client: String,
}

fn merged(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        b.extend(e);
    }
    base
}

pub async fn site(emu: &Emulator, pool: Value, client: Value) -> Site {
    let pool = emu.pool(merged(json!({"PoolName": "hosted"}), pool)).await;
    let (client, _) = emu
        .client(
            &pool,
            merged(
                json!({"AllowedOAuthFlows": ["code"], "AllowedOAuthFlowsUserPoolClient": true,
                       "AllowedOAuthScopes": ["openid", "email"], "CallbackURLs": [CALLBACK],
                       "SupportedIdentityProviders": ["COGNITO"]}),
                client,
            ),
        )
        .await;
    Site { pool, client }
}

/// A confirmed user with a permanent password and these attributes.
pub async fn user(emu: &Emulator, pool: &str, name: &str, attributes: Value) {
    emu.ok(
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": name, "MessageAction": "SUPPRESS", "UserAttributes": attributes}),
    )
    .await;
    emu.ok(
        "AdminSetUserPassword",
        json!({"UserPoolId": pool, "Username": name, "Password": PW, "Permanent": true}),
    )
    .await;
}

/// A domain of `version` (1: classic hosted UI, 2: managed login).
pub async fn domain(emu: &Emulator, pool: &str, version: i64) {
    emu.ok(
        "CreateUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "emulated-pages", "ManagedLoginVersion": version}),
    )
    .await;
}

pub fn authorize(client: &str, extra: &str) -> String {
    format!(
        "/oauth2/authorize?response_type=code&client_id={client}&redirect_uri={}&scope=openid{extra}",
        urlencode(CALLBACK)
    )
}

/// The sign-in page reached from `/oauth2/authorize`.
pub async fn login_page(b: &mut Browser, client: &str, extra: &str) -> (String, Page) {
    let to_login = b.get(&authorize(client, extra)).await;
    assert_eq!(to_login.status, 302, "{}", to_login.body);
    let path = to_login.location.clone();
    let page = b.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    (path, page)
}

/// The `<style>` element's text.
fn style(html: &str) -> &str {
    let start = html.find("<style>").unwrap() + 7;
    let end = html[start..].find("</style>").unwrap() + start;
    &html[start..end]
}

#[tokio::test]
async fn classic_pages_carry_the_ui_customization_and_keep_the_csp() {
    let emu = start().await;
    let s = site(&emu, json!({}), json!({})).await;
    let logo = STANDARD.encode(PNG);
    let hostile = ".submitButton-customizable { background-color: #c2185b; content: \"</style><script>alert(1)</script>\"; }";
    emu.ok(
        "SetUICustomization",
        json!({"UserPoolId": s.pool, "ClientId": "ALL", "CSS": hostile, "ImageFile": logo}),
    )
    .await;
    let mut b = Browser::new(&emu);
    let (_, page) = login_page(&mut b, &s.client, "&lang=de").await;
    let css = style(&page.body);
    assert!(css.contains("background-color: #c2185b"), "the pool's CSS applies: {css}");
    assert_eq!(page.body.matches("</style>").count(), 1, "the CSS cannot close the element");
    assert!(css.contains(r#"<\/style><script>"#), "{css}");
    let after_style = page.body.split("</style>").nth(1).unwrap();
    assert!(!after_style.contains("<script>alert"), "the text stays inside the style element");
    assert!(page.body.contains(&format!(r#"src="data:image/png;base64,{logo}""#)), "the logo");
    for class in [
        "submitButton-customizable",
        "inputField-customizable",
        "label-customizable",
        "background-customizable",
        "logo-customizable",
    ] {
        assert!(page.body.contains(class), "{class} is on the page");
    }
    let csp = &page.headers["content-security-policy"];
    assert!(
        csp.starts_with("default-src 'none'; style-src 'unsafe-inline'; img-src data:"),
        "{csp}"
    );
    assert!(!csp.contains("script-src"), "{csp}");
    assert!(page.body.contains(r#"<html lang="en">"#), "the classic hosted UI is not localised");
    assert!(page.body.contains(">Sign in<"));
    assert!(!b.cookies.contains_key("lang"));

    // The client's own customization replaces the pool's (CSS and logo).
    emu.ok(
        "SetUICustomization",
        json!({"UserPoolId": s.pool, "ClientId": s.client, "CSS": ".background-customizable { background-color: #fff3e0; }"}),
    )
    .await;
    let (_, page) = login_page(&mut b, &s.client, "").await;
    let css = style(&page.body);
    assert!(css.contains("#fff3e0") && !css.contains("#c2185b"), "{css}");
    assert!(!page.body.contains("data:image/png"), "the client's customization has no logo");
}

#[tokio::test]
async fn managed_login_draws_the_clients_branding_style_not_the_classic_css() {
    let emu = start().await;
    let s = site(&emu, json!({}), json!({})).await;
    domain(&emu, &s.pool, 2).await;
    emu.ok(
        "SetUICustomization",
        json!({"UserPoolId": s.pool, "CSS": ".submitButton-customizable { background-color: #c2185b; }"}),
    )
    .await;
    let png = STANDARD.encode(PNG);
    emu.ok(
        "CreateManagedLoginBranding",
        json!({"UserPoolId": s.pool, "ClientId": s.client,
               "Settings": {"categories": {"global": {"colorSchemeMode": "LIGHT"}},
                            "components": {"primaryButton": {"lightMode": {"defaults": {"backgroundColor": "2e7d32ff", "textColor": "ffffffff"}}},
                                           "pageBackground": {"lightMode": {"color": "e8f5e9ff"}},
                                           "form": {"logo": {"enabled": true}, "borderRadius": 16.0}}},
               "Assets": [{"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "PNG", "Bytes": png}]}),
    )
    .await;
    let mut b = Browser::new(&emu);
    let (_, page) = login_page(&mut b, &s.client, "").await;
    let css = style(&page.body);
    assert!(css.contains("--accent:#2e7d32ff") && css.contains("--bg:#e8f5e9ff"), "{css}");
    assert!(css.contains(".card{border-radius:16px}"), "{css}");
    assert!(!css.contains("#c2185b"), "classic CSS is not managed login's");
    assert!(page.body.contains(&format!(r#"src="data:image/png;base64,{png}""#)), "the form logo");

    // UseCognitoProvidedValues: Cognito's look (the emulator's own).
    let id = emu
        .ok(
            "DescribeManagedLoginBrandingByClient",
            json!({"UserPoolId": s.pool, "ClientId": s.client}),
        )
        .await["ManagedLoginBranding"]["ManagedLoginBrandingId"]
        .clone();
    emu.ok(
        "UpdateManagedLoginBranding",
        json!({"UserPoolId": s.pool, "ManagedLoginBrandingId": id, "UseCognitoProvidedValues": true}),
    )
    .await;
    let (_, page) = login_page(&mut b, &s.client, "").await;
    assert!(!style(&page.body).contains("#2e7d32"));
    assert!(!page.body.contains("data:image/png"));
}

#[tokio::test]
async fn lang_chooses_the_managed_login_language_for_every_step() {
    let emu = start().await;
    let s = site(&emu, json!({}), json!({})).await;
    domain(&emu, &s.pool, 2).await;
    user(&emu, &s.pool, "anna", json!([{"Name": "email", "Value": "anna@example.com"}])).await;
    let mut b = Browser::new(&emu);
    let (path, page) = login_page(&mut b, &s.client, "&lang=de").await;
    assert!(page.body.contains(r#"<html lang="de">"#), "{}", page.body);
    assert!(page.body.contains("<title>Anmelden</title>"));
    assert!(page.body.contains("Passwort vergessen?"));
    assert_eq!(b.cookies.get("lang").map(String::as_str), Some("de"));
    let wrong = b
        .post(&path, &[("_csrf", &csrf(&page.body)), ("username", "anna"), ("password", "nope")])
        .await;
    assert!(wrong.body.contains("Falscher Benutzername oder falsches Passwort."), "{}", wrong.body);

    // The cookie keeps German on pages whose query has no lang (the sign-up page, the next sign-in).
    let signup = b
        .get(&format!(
            "/signup?response_type=code&client_id={}&redirect_uri={}",
            s.client,
            urlencode(CALLBACK)
        ))
        .await;
    assert!(signup.body.contains("Konto erstellen"), "{}", signup.body);
    assert!(signup.body.contains("Passwörter benötigen mindestens 8 Zeichen"), "{}", signup.body);

    // Japanese, then a language AWS lists without texts here (Korean: English, <html lang="en">), then an
    // unknown value, which is ignored (the remembered language stays).
    let (_, ja) = login_page(&mut b, &s.client, "&lang=ja").await;
    assert!(ja.body.contains(r#"<html lang="ja">"#) && ja.body.contains("サインイン"));
    let (_, ko) = login_page(&mut b, &s.client, "&lang=ko").await;
    assert!(ko.body.contains(r#"<html lang="en">"#) && ko.body.contains("<title>Sign in</title>"));
    assert_eq!(b.cookies.get("lang").map(String::as_str), Some("ko"));
    let mut fresh = Browser::new(&emu);
    let (_, nl) = login_page(&mut fresh, &s.client, "&lang=nl").await;
    assert!(nl.body.contains(r#"<html lang="en">"#));
    assert!(!fresh.cookies.contains_key("lang"));
    let (_, fr) = login_page(&mut fresh, &s.client, "&lang=fr").await;
    assert!(fr.body.contains("Se connecter"));
    let (_, es) = login_page(&mut fresh, &s.client, "&lang=es&lang=nl").await;
    assert!(es.body.contains("Iniciar sesión"));
}

#[tokio::test]
async fn german_mfa_steps_and_the_successful_sign_in() {
    let emu = start().await;
    let s = site(&emu, json!({}), json!({})).await;
    domain(&emu, &s.pool, 2).await;
    emu.ok(
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": s.pool, "MfaConfiguration": "OPTIONAL", "EmailMfaConfiguration": {"Subject": "Code"}}),
    )
    .await;
    user(&emu, &s.pool, "lena", json!([{"Name": "email", "Value": "lena@example.com"}])).await;
    emu.ok(
        "AdminSetUserMFAPreference",
        json!({"UserPoolId": s.pool, "Username": "lena", "EmailMfaSettings": {"Enabled": true, "PreferredMfa": true}}),
    )
    .await;
    let mut b = Browser::new(&emu);
    let (path, page) = login_page(&mut b, &s.client, "&lang=de").await;
    let mfa = b
        .post(&path, &[("_csrf", &csrf(&page.body)), ("username", "lena"), ("password", PW)])
        .await;
    assert!(mfa.body.contains("Multi-Faktor-Authentifizierung"), "{}", mfa.body);
    assert!(mfa.body.contains("Wir haben einen Code an l***@e*** gesendet."), "{}", mfa.body);
    let code = emu.last_code("lena@example.com").await;
    let answer = form(&mfa.body, &[("code", &code)]);
    let done = b.post(&path, &pairs(&answer)).await;
    assert_eq!(done.status, 302, "{}", done.body);
    assert!(done.location.starts_with(&format!("{CALLBACK}?code=")));
}

#[tokio::test]
async fn confirm_signs_in_a_sign_up_of_the_same_browser() {
    let emu = start().await;
    let s = site(
        &emu,
        json!({"AutoVerifiedAttributes": ["email"], "MfaConfiguration": "OFF"}),
        json!({}),
    )
    .await;
    let mut b = Browser::new(&emu);
    let query = format!(
        "?response_type=code&client_id={}&redirect_uri={}&state=st-1",
        s.client,
        urlencode(CALLBACK)
    );
    let signup = b.get(&format!("/signup{query}")).await;
    let created = b
        .post(
            &format!("/signup{query}"),
            &[
                ("_csrf", &csrf(&signup.body)),
                ("username", "nina"),
                ("password", PW),
                ("requiredAttributes[email]", "nina@example.com"),
            ],
        )
        .await;
    assert_eq!(created.status, 302, "{}", created.body);
    assert!(created.location.starts_with("/confirm?"), "{}", created.location);
    assert!(b.cookies.contains_key("page-data"), "the sign-up is remembered for /confirm");
    let confirm = b.get(&created.location).await;
    let code = emu.last_code("nina@example.com").await;
    let confirmed =
        b.post(&created.location, &pairs(&form(&confirm.body, &[("code", &code)]))).await;
    assert_eq!(confirmed.status, 302, "{}", confirmed.body);
    assert!(confirmed.location.starts_with(&format!("{CALLBACK}?code=")), "{}", confirmed.location);
    assert_eq!(query_param(&confirmed.location, "state").as_deref(), Some("st-1"));
    assert!(b.cookies.contains_key("cognito"), "a hosted session started");
    assert!(!b.cookies.contains_key("page-data"), "used up");
    // The code is good at the token endpoint.
    let form_body = format!(
        "grant_type=authorization_code&client_id={}&redirect_uri={}&code={}",
        s.client,
        urlencode(CALLBACK),
        query_param(&confirmed.location, "code").unwrap()
    );
    let tokens: Value = reqwest::Client::new()
        .post(format!("{}/oauth2/token", emu.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(tokens["id_token"].is_string(), "{tokens}");

    // Confirmed in another browser (no sign-up there): sign in next, as before.
    let other =
        site(&emu, json!({"PoolName": "other", "AutoVerifiedAttributes": ["email"]}), json!({}))
            .await;
    let mut first = Browser::new(&emu);
    let q2 = format!(
        "?response_type=code&client_id={}&redirect_uri={}",
        other.client,
        urlencode(CALLBACK)
    );
    let signup = first.get(&format!("/signup{q2}")).await;
    let created = first
        .post(
            &format!("/signup{q2}"),
            &[
                ("_csrf", &csrf(&signup.body)),
                ("username", "olaf"),
                ("password", PW),
                ("requiredAttributes[email]", "olaf@example.com"),
            ],
        )
        .await;
    let mut second = Browser::new(&emu);
    let confirm = second.get(&created.location).await;
    let code = emu.last_code("olaf@example.com").await;
    let confirmed =
        second.post(&created.location, &pairs(&form(&confirm.body, &[("code", &code)]))).await;
    assert_eq!(confirmed.status, 302);
    assert!(confirmed.location.starts_with("/login?"), "{}", confirmed.location);
    assert!(confirmed.location.contains("notice=confirmed"));
    assert!(!second.cookies.contains_key("cognito"));
}

#[tokio::test]
async fn domains_and_resource_servers_round_trip_through_export_and_seed() {
    let emu = start().await;
    let pool = emu.pool(json!({"PoolName": "exported"})).await;
    emu.ok(
        "CreateResourceServer",
        json!({"UserPoolId": pool, "Identifier": "https://api.example.com", "Name": "api",
               "Scopes": [{"ScopeName": "read", "ScopeDescription": "Read"}]}),
    )
    .await;
    emu.ok(
        "CreateResourceServer",
        json!({"UserPoolId": pool, "Identifier": "bare", "Name": "bare"}),
    )
    .await;
    emu.ok(
        "CreateUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "exported-pages", "ManagedLoginVersion": 2}),
    )
    .await;
    emu.ok(
        "CreateUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "auth.example.com",
               "CustomDomainConfig": {"CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc"}}),
    )
    .await;
    let (client, _) = emu
        .client(
            &pool,
            json!({"GenerateSecret": true, "AllowedOAuthFlows": ["client_credentials"], "AllowedOAuthFlowsUserPoolClient": true,
                   "AllowedOAuthScopes": ["https://api.example.com/read"]}),
        )
        .await;
    let (status, exported) = emu.get("/_emulator/export").await;
    assert_eq!(status, 200);
    let entry = &exported["UserPools"][0];
    assert_eq!(entry["Domains"].as_array().unwrap().len(), 2, "{entry}");
    assert_eq!(entry["ResourceServers"].as_array().unwrap().len(), 2, "{entry}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seed.json");
    std::fs::write(&path, exported.to_string()).unwrap();
    let copy = start_with(|c| c.seed = Some(path.clone())).await;
    let summary = cognito_emulator::apply_seed(&copy.app).unwrap().unwrap();
    assert_eq!((summary.resource_servers, summary.domains, summary.clients), (2, 2, 1));
    let servers =
        copy.ok("ListResourceServers", json!({"UserPoolId": pool, "MaxResults": 10})).await;
    let original =
        emu.ok("ListResourceServers", json!({"UserPoolId": pool, "MaxResults": 10})).await;
    assert_eq!(servers["ResourceServers"], original["ResourceServers"]);
    for name in ["exported-pages", "auth.example.com"] {
        let a =
            emu.ok("DescribeUserPoolDomain", json!({"Domain": name})).await["DomainDescription"]
                .clone();
        let b =
            copy.ok("DescribeUserPoolDomain", json!({"Domain": name})).await["DomainDescription"]
                .clone();
        for member in [
            "UserPoolId",
            "Domain",
            "ManagedLoginVersion",
            "CustomDomainConfig",
            "Status",
            "CloudFrontDistribution",
        ] {
            assert_eq!(a[member], b[member], "{name}: {member}");
        }
    }
    let described =
        copy.ok("DescribeUserPoolClient", json!({"UserPoolId": pool, "ClientId": client})).await;
    assert_eq!(
        described["UserPoolClient"]["AllowedOAuthScopes"],
        json!(["https://api.example.com/read"])
    );
    let again = cognito_emulator::apply_seed(&copy.app).unwrap().unwrap();
    assert_eq!((again.resource_servers, again.domains), (0, 0), "kept on the next start");
    let (_, exported_again) = copy.get("/_emulator/export").await;
    assert_eq!(exported_again["UserPools"][0]["Domains"], entry["Domains"]);
    assert_eq!(exported_again["UserPools"][0]["ResourceServers"], entry["ResourceServers"]);

    // A domain another pool holds is the API's error, with the seed path.
    let clash = json!({"UserPools": [{"Id": "us-east-1_Clash0001", "PoolName": "clash", "Domains": [{"Domain": "exported-pages"}]}]});
    let err = cognito_emulator::seed::apply(&copy.app, clash, None).unwrap_err().to_string();
    assert!(
        err.contains("Domains[0] (exported-pages)") && err.contains("CreateUserPoolDomain"),
        "{err}"
    );
}
