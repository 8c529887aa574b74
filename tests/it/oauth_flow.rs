//! The OAuth endpoints and hosted pages over HTTP, as a browser and a relying party use them: the code
//! flow with PKCE, the session cookie, refresh, revocation, userInfo, logout, client credentials, and
//! the error paths (wrong redirect, reused/expired codes, wrong verifier, wrong secret, unknown scope,
//! missing CSRF token, escaping).

use std::collections::HashMap;

use base64::Engine;
use serde_json::{Value, json};

use crate::common::{Emulator, claims, start, urlencode};

const CALLBACK: &str = "https://app.example.com/cb";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// A cookie-keeping HTTP client that does not follow redirects.
struct Browser {
    http: reqwest::Client,
    base: String,
    cookies: HashMap<String, String>,
}

struct Page {
    status: u16,
    location: String,
    body: String,
}

impl Browser {
    fn new(emu: &Emulator) -> Browser {
        let http =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Browser { http, base: emu.url.clone(), cookies: HashMap::new() }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Page {
        let resp = req.header("cookie", self.cookie_header()).send().await.unwrap();
        for c in resp.headers().get_all("set-cookie") {
            let first = c.to_str().unwrap().split(';').next().unwrap();
            let (k, v) = first.split_once('=').unwrap();
            if v.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string())
            .unwrap_or_default();
        Page { status, location, body: resp.text().await.unwrap() }
    }

    async fn get(&mut self, path: &str) -> Page {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        };
        let req = self.http.get(url);
        self.send(req).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(req).await
    }
}

fn csrf(html: &str) -> String {
    let start = html.find(r#"name="_csrf" value=""#).expect("a CSRF field") + 20;
    html[start..].split('"').next().unwrap().to_string()
}

fn query_param(url: &str, name: &str) -> Option<String> {
    let q = url.split_once(['?', '#'])?.1;
    q.split('&').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k == name).then(|| cognito_emulator::http::percent_decode(v).unwrap())
    })
}

async fn token_call(
    emu: &Emulator,
    form: &[(&str, &str)],
    basic: Option<(&str, &str)>,
) -> (u16, Value) {
    let body = form
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let mut req = reqwest::Client::new()
        .post(format!("{}/oauth2/token", emu.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some((id, secret)) = basic {
        let b = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        req = req.header("authorization", format!("Basic {b}"));
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

struct Setup {
    pool: String,
    client: String,
}

async fn setup(emu: &Emulator) -> Setup {
    let pool = emu.pool(json!({"PoolName": "web"})).await;
    let (client, _) = emu
        .client(
            &pool,
            json!({"AllowedOAuthFlows": ["code", "implicit"], "AllowedOAuthFlowsUserPoolClient": true,
                   "AllowedOAuthScopes": ["openid", "email", "profile", "aws.cognito.signin.user.admin"],
                   "CallbackURLs": [CALLBACK], "LogoutURLs": ["https://app.example.com/bye"],
                   "SupportedIdentityProviders": ["COGNITO"]}),
        )
        .await;
    emu.ok(
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "alice", "MessageAction": "SUPPRESS",
               "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}, {"Name": "email_verified", "Value": "true"},
                                  {"Name": "given_name", "Value": "<b>Alice</b>"}]}),
    )
    .await;
    emu.ok(
        "AdminSetUserPassword",
        json!({"UserPoolId": pool, "Username": "alice", "Password": "Passw0rd!", "Permanent": true}),
    )
    .await;
    Setup { pool, client }
}

fn authorize_path(client: &str, extra: &str) -> String {
    format!(
        "/oauth2/authorize?response_type=code&client_id={client}&redirect_uri={}{extra}",
        urlencode(CALLBACK)
    )
}

/// Signs in through the form; returns the callback URL.
async fn sign_in(b: &mut Browser, login_path: &str, password: &str) -> Page {
    let form = b.get(login_path).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let token = csrf(&form.body);
    b.post(login_path, &[("_csrf", &token), ("username", "alice"), ("password", password)]).await
}

#[tokio::test]
async fn code_flow_with_pkce_refresh_userinfo_revoke_logout() {
    let emu = start().await;
    let s = setup(&emu).await;
    let mut b = Browser::new(&emu);
    let state = "<script>alert(1)</script>";
    let auth = authorize_path(
        &s.client,
        &format!(
            "&scope=openid+email&state={}&nonce=n-123&code_challenge={CHALLENGE}&code_challenge_method=S256",
            urlencode(state)
        ),
    );
    let to_login = b.get(&auth).await;
    assert_eq!(to_login.status, 302);
    assert!(to_login.location.starts_with("/login?"), "{}", to_login.location);
    let login = b.get(&to_login.location).await;
    assert!(!login.body.contains("<script>"), "state must be escaped");
    assert!(login.body.contains(r#"name="cognitoSignInForm""#));

    // No CSRF token: 403 and nothing happens.
    let refused =
        b.post(&to_login.location, &[("username", "alice"), ("password", "Passw0rd!")]).await;
    assert_eq!(refused.status, 403);
    let wrong = sign_in(&mut b, &to_login.location, "nope").await;
    assert_eq!(wrong.status, 200);
    assert!(wrong.body.contains("Incorrect username or password."));
    let back = sign_in(&mut b, &to_login.location, "Passw0rd!").await;
    assert_eq!(back.status, 302, "{}", back.body);
    assert!(back.location.starts_with(&format!("{CALLBACK}?code=")), "{}", back.location);
    assert_eq!(query_param(&back.location, "state").as_deref(), Some(state));
    assert!(b.cookies.contains_key("cognito"));
    let code = query_param(&back.location, "code").unwrap();

    let exchange = |code: String, verifier: &'static str, redirect: &'static str| {
        let client = s.client.clone();
        let emu = &emu;
        async move {
            token_call(
                emu,
                &[
                    ("grant_type", "authorization_code"),
                    ("client_id", &client),
                    ("code", &code),
                    ("redirect_uri", redirect),
                    ("code_verifier", verifier),
                ],
                None,
            )
            .await
        }
    };
    let (status, err) = exchange(code.clone(), VERIFIER, "https://app.example.com/other").await;
    assert_eq!(
        (status, err),
        (400, json!({"error": "unauthorized_client", "error_description": "invalid_redirect"}))
    );
    let (status, tokens) = exchange(code.clone(), VERIFIER, CALLBACK).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    let (status, again) = exchange(code, VERIFIER, CALLBACK).await;
    assert_eq!((status, again), (400, json!({"error": "invalid_grant"})));

    let access = claims(tokens["access_token"].as_str().unwrap());
    assert_eq!(access["scope"], "openid email");
    assert_eq!(access["username"], "alice");
    let id_token = tokens["id_token"].as_str().unwrap();
    let id = claims(id_token);
    assert_eq!(id["nonce"], "n-123");
    assert_eq!(id["email"], "alice@example.com");
    assert!(id.get("given_name").is_none(), "email scope only: {id}");
    assert_eq!(
        id["at_hash"],
        cognito_emulator::domain::oauth::at_hash(tokens["access_token"].as_str().unwrap())
    );
    assert_eq!(id["iss"], format!("{}/{}", emu.url, s.pool));

    // userInfo: the email scope's claims, verified flags as strings.
    let info: Value = reqwest::Client::new()
        .get(format!("{}/oauth2/userInfo", emu.url))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["email_verified"], "true");
    assert_eq!(info["username"], "alice");
    assert!(info.get("given_name").is_none());
    // Without aws.cognito.signin.user.admin the token cannot call GetUser.
    let msg = emu
        .err("GetUser", json!({"AccessToken": tokens["access_token"]}), "NotAuthorizedException")
        .await;
    assert_eq!(msg, "Access Token does not have required scopes");

    // Refresh keeps the scopes; revocation ends it.
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let (status, refreshed) = token_call(
        &emu,
        &[("grant_type", "refresh_token"), ("client_id", &s.client), ("refresh_token", refresh)],
        None,
    )
    .await;
    assert_eq!(status, 200, "{refreshed}");
    assert!(refreshed.get("refresh_token").is_none());
    assert_eq!(claims(refreshed["access_token"].as_str().unwrap())["scope"], "openid email");
    let revoke = reqwest::Client::new()
        .post(format!("{}/oauth2/revoke", emu.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={}&client_id={}", urlencode(refresh), s.client))
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status().as_u16(), 200);
    let (status, err) = token_call(
        &emu,
        &[("grant_type", "refresh_token"), ("client_id", &s.client), ("refresh_token", refresh)],
        None,
    )
    .await;
    assert_eq!((status, err), (400, json!({"error": "invalid_grant"})));

    // The session cookie skips the form; logout ends it.
    let again = b.get(&authorize_path(&s.client, "&scope=openid&state=s2")).await;
    assert!(again.location.starts_with(&format!("{CALLBACK}?code=")), "{}", again.location);
    let out = b
        .get(&format!(
            "/logout?client_id={}&logout_uri={}",
            s.client,
            urlencode("https://app.example.com/bye")
        ))
        .await;
    assert_eq!((out.status, out.location.as_str()), (302, "https://app.example.com/bye"));
    assert!(!b.cookies.contains_key("cognito"));
    let fresh = b.get(&authorize_path(&s.client, "&scope=openid")).await;
    assert!(fresh.location.starts_with("/login?"));
    let none = b.get(&authorize_path(&s.client, "&scope=openid&prompt=none&state=z")).await;
    assert_eq!(none.location, format!("{CALLBACK}?error=login_required&state=z"));
}

#[tokio::test]
async fn codes_expire_and_verifiers_must_match() {
    let emu = start().await;
    let s = setup(&emu).await;
    let mut b = Browser::new(&emu);
    let pkce = format!("&scope=openid&code_challenge={CHALLENGE}&code_challenge_method=S256");
    let to_login = b.get(&authorize_path(&s.client, &pkce)).await;
    let first = sign_in(&mut b, &to_login.location, "Passw0rd!").await;
    let code = query_param(&first.location, "code").unwrap();
    let wrong_verifier = "x".repeat(43);
    let (status, err) = token_call(
        &emu,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &s.client),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", &wrong_verifier),
        ],
        None,
    )
    .await;
    assert_eq!((status, err), (400, json!({"error": "invalid_grant"})));
    // A second code through the session cookie, redeemed after five minutes.
    let second = b.get(&authorize_path(&s.client, &pkce)).await;
    let code = query_param(&second.location, "code").unwrap();
    let (status, _) = emu.post("/_emulator/clock", json!({"advanceSeconds": 301})).await;
    assert_eq!(status, 200);
    let (status, err) = token_call(
        &emu,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &s.client),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", VERIFIER),
        ],
        None,
    )
    .await;
    assert_eq!((status, err), (400, json!({"error": "invalid_grant"})));
}

#[tokio::test]
async fn authorize_refusals_go_to_the_error_page_or_the_redirect() {
    let emu = start().await;
    let s = setup(&emu).await;
    let mut b = Browser::new(&emu);
    let unknown = b.get("/oauth2/authorize?response_type=code&client_id=nope&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb").await;
    assert_eq!(unknown.location, "/error?error=invalid_request&client_id=nope");
    let page = b.get(&unknown.location).await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("An error was encountered with the requested page."));
    let mismatch = b
        .get(&format!(
            "/oauth2/authorize?response_type=code&client_id={}&redirect_uri={}",
            s.client,
            urlencode("https://evil.example.com/cb")
        ))
        .await;
    assert_eq!(mismatch.location, format!("/error?error=redirect_mismatch&client_id={}", s.client));
    let scope = b.get(&authorize_path(&s.client, "&scope=openid+orders%2Fread&state=s")).await;
    assert_eq!(scope.location, format!("{CALLBACK}?error=invalid_scope&state=s"));
    let plain =
        b.get(&authorize_path(&s.client, "&code_challenge=abc&code_challenge_method=plain")).await;
    assert_eq!(plain.location, format!("{CALLBACK}?error=invalid_request"));
    let bad_type = b
        .get(&format!(
            "/oauth2/authorize?response_type=id_token&client_id={}&redirect_uri={}",
            s.client,
            urlencode(CALLBACK)
        ))
        .await;
    assert_eq!(bad_type.location, format!("{CALLBACK}?error=invalid_request"));
    // Attributes show escaped: a sign-up error page echoes what was typed.
    let to_login = b.get(&authorize_path(&s.client, "")).await;
    let signup_path = to_login.location.replacen("/login", "/signup", 1);
    let form = b.get(&signup_path).await;
    let token = csrf(&form.body);
    let again = b
        .post(
            &signup_path,
            &[
                ("_csrf", &token),
                ("username", "<img src=x onerror=alert(1)>"),
                ("password", "short"),
                ("requiredAttributes[email]", "\"><script>x</script>"),
            ],
        )
        .await;
    assert_eq!(again.status, 200);
    assert!(!again.body.contains("<img src=x"), "{}", again.body);
    assert!(again.body.contains("&lt;img src=x onerror=alert(1)&gt;"));
}

#[tokio::test]
async fn implicit_grant_puts_tokens_in_the_fragment() {
    let emu = start().await;
    let s = setup(&emu).await;
    let mut b = Browser::new(&emu);
    let path = format!(
        "/oauth2/authorize?response_type=token&client_id={}&redirect_uri={}&scope=openid+profile&state=st",
        s.client,
        urlencode(CALLBACK)
    );
    let to_login = b.get(&path).await;
    let back = sign_in(&mut b, &to_login.location, "Passw0rd!").await;
    assert!(back.location.starts_with(&format!("{CALLBACK}#id_token=")), "{}", back.location);
    assert_eq!(query_param(&back.location, "token_type").as_deref(), Some("bearer"));
    assert!(query_param(&back.location, "refresh_token").is_none());
    let id = claims(&query_param(&back.location, "id_token").unwrap());
    assert_eq!(id["given_name"], "<b>Alice</b>");
}

#[tokio::test]
async fn client_credentials_with_resource_server_scopes() {
    let emu = start().await;
    let pool = emu.pool(json!({"PoolName": "m2m"})).await;
    emu.ok(
        "CreateResourceServer",
        json!({"UserPoolId": pool, "Identifier": "orders", "Name": "Orders",
               "Scopes": [{"ScopeName": "read", "ScopeDescription": "r"}, {"ScopeName": "write", "ScopeDescription": "w"}]}),
    )
    .await;
    let (id, secret) = emu
        .client(
            &pool,
            json!({"GenerateSecret": true, "AllowedOAuthFlows": ["client_credentials"], "AllowedOAuthFlowsUserPoolClient": true,
                   "AllowedOAuthScopes": ["orders/read", "orders/write"]}),
        )
        .await;
    let secret = secret.unwrap();
    let (status, t) = token_call(
        &emu,
        &[("grant_type", "client_credentials"), ("scope", "orders/read")],
        Some((&id, &secret)),
    )
    .await;
    assert_eq!(status, 200, "{t}");
    assert!(t.get("refresh_token").is_none() && t.get("id_token").is_none());
    let c = claims(t["access_token"].as_str().unwrap());
    assert_eq!(
        (c["sub"].as_str(), c["client_id"].as_str(), c["scope"].as_str()),
        (Some(id.as_str()), Some(id.as_str()), Some("orders/read"))
    );
    assert_eq!(c["token_use"], "access");
    let (status, all) = token_call(
        &emu,
        &[("grant_type", "client_credentials"), ("client_id", &id), ("client_secret", &secret)],
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(claims(all["access_token"].as_str().unwrap())["scope"], "orders/read orders/write");
    let (status, err) =
        token_call(&emu, &[("grant_type", "client_credentials")], Some((&id, "wrong-secret")))
            .await;
    assert_eq!((status, err), (400, json!({"error": "invalid_client"})));
    let (status, err) = token_call(
        &emu,
        &[("grant_type", "client_credentials"), ("scope", "orders/delete")],
        Some((&id, &secret)),
    )
    .await;
    assert_eq!((status, err), (400, json!({"error": "invalid_scope"})));
    let (status, err) = token_call(&emu, &[("grant_type", "password")], Some((&id, &secret))).await;
    assert_eq!((status, err), (400, json!({"error": "unsupported_grant_type"})));
    // Its token is no user's: GetUser refuses it.
    emu.err("GetUser", json!({"AccessToken": t["access_token"]}), "NotAuthorizedException").await;
}

#[tokio::test]
async fn discovery_lists_endpoints_that_answer() {
    let emu = start().await;
    let s = setup(&emu).await;
    let (status, doc) = emu.get(&format!("/{}/.well-known/openid-configuration", s.pool)).await;
    assert_eq!(status, 200);
    assert_eq!(doc["authorization_endpoint"], format!("{}/oauth2/authorize", emu.url));
    assert_eq!(doc["issuer"], format!("{}/{}", emu.url, s.pool));
    let http =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for (key, method) in [
        ("authorization_endpoint", "GET"),
        ("end_session_endpoint", "GET"),
        ("jwks_uri", "GET"),
        ("revocation_endpoint", "POST"),
        ("token_endpoint", "POST"),
        ("userinfo_endpoint", "GET"),
    ] {
        let url = doc[key].as_str().unwrap();
        let req = if method == "GET" { http.get(url) } else { http.post(url) };
        let status = req.send().await.unwrap().status().as_u16();
        assert_ne!(status, 404, "{key} {url}");
    }
}

#[tokio::test]
async fn a_pool_domain_host_serves_only_its_pool() {
    let emu = start().await;
    let s = setup(&emu).await;
    emu.ok("CreateUserPoolDomain", json!({"Domain": "web-login", "UserPoolId": s.pool})).await;
    let other = emu.pool(json!({"PoolName": "other"})).await;
    let (other_client, _) = emu
        .client(
            &other,
            json!({"AllowedOAuthFlows": ["code"], "AllowedOAuthFlowsUserPoolClient": true, "AllowedOAuthScopes": ["openid"],
                   "CallbackURLs": [CALLBACK], "SupportedIdentityProviders": ["COGNITO"]}),
        )
        .await;
    let http =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let on_domain = |client: &str| {
        http.get(format!("{}{}", emu.url, authorize_path(client, "")))
            .header("host", "web-login.auth.us-east-1.amazoncognito.com")
            .send()
    };
    let own = on_domain(&s.client).await.unwrap();
    assert!(own.headers()["location"].to_str().unwrap().starts_with("/login?"));
    let foreign = on_domain(&other_client).await.unwrap();
    assert_eq!(
        foreign.headers()["location"].to_str().unwrap(),
        format!("/error?error=invalid_request&client_id={other_client}")
    );
}

#[tokio::test]
async fn logout_with_redirect_uri_signs_in_again() {
    let emu = start().await;
    let s = setup(&emu).await;
    let mut b = Browser::new(&emu);
    let to_login = b.get(&authorize_path(&s.client, "&scope=openid")).await;
    sign_in(&mut b, &to_login.location, "Passw0rd!").await;
    assert!(b.cookies.contains_key("cognito"));
    let out = b
        .get(&format!(
            "/logout?client_id={}&redirect_uri={}&response_type=code&state=again",
            s.client,
            urlencode(CALLBACK)
        ))
        .await;
    assert_eq!(out.status, 302);
    assert!(out.location.starts_with("/login?client_id="), "{}", out.location);
    assert_eq!(query_param(&out.location, "state").as_deref(), Some("again"));
    assert!(!b.cookies.contains_key("cognito"));
    let unregistered = b
        .get(&format!(
            "/logout?client_id={}&logout_uri={}",
            s.client,
            urlencode("https://evil.example.com/")
        ))
        .await;
    assert!(unregistered.location.starts_with("/error?error=invalid_request"));
}

/// The value of the hidden input `name` in a page.
fn hidden_value(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} in {html}")) + marker.len();
    let raw = html[start..].split('"').next().unwrap();
    raw.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[tokio::test]
async fn hosted_sign_in_chooses_an_mfa_factor_and_answers_its_code() {
    let emu = start().await;
    let s = setup(&emu).await;
    emu.ok(
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": s.pool, "MfaConfiguration": "OPTIONAL",
               "SmsMfaConfiguration": {"SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/sms"}},
               "EmailMfaConfiguration": {"Message": "Your code is {####}", "Subject": "Sign-in code"}}),
    )
    .await;
    emu.ok(
        "AdminUpdateUserAttributes",
        json!({"UserPoolId": s.pool, "Username": "alice", "UserAttributes": [
            {"Name": "phone_number", "Value": "+15550001111"}, {"Name": "phone_number_verified", "Value": "true"}]}),
    )
    .await;
    emu.ok(
        "AdminSetUserMFAPreference",
        json!({"UserPoolId": s.pool, "Username": "alice", "SMSMfaSettings": {"Enabled": true}, "EmailMfaSettings": {"Enabled": true}}),
    )
    .await;
    let mut b = Browser::new(&emu);
    let to_login = b.get(&authorize_path(&s.client, "&scope=openid")).await;
    let select = sign_in(&mut b, &to_login.location, "Passw0rd!").await;
    assert_eq!(select.status, 200);
    assert!(select.body.contains(r#"value="EMAIL_OTP""#), "{}", select.body);
    let form = |page: &str, extra: Vec<(&'static str, String)>| {
        let mut f: Vec<(&'static str, String)> =
            ["_csrf", "challenge", "session", "username", "parameters"]
                .iter()
                .map(|k| (*k, hidden_value(page, k)))
                .collect();
        f.extend(extra);
        f
    };
    let fields = form(&select.body, vec![("answer", "EMAIL_OTP".into())]);
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let code_page = b.post(&to_login.location, &pairs).await;
    assert_eq!(code_page.status, 200);
    assert!(code_page.body.contains("We sent a code to"), "{}", code_page.body);
    // A wrong code: the same page again, with AWS's message.
    let fields = form(&code_page.body, vec![("code", "000000".into())]);
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let wrong = b.post(&to_login.location, &pairs).await;
    assert!(wrong.body.contains("Invalid code or auth state for the user."), "{}", wrong.body);
    // The hosted session cannot be answered through the API (and stays usable by the page).
    let api = emu
        .call(
            "RespondToAuthChallenge",
            json!({"ClientId": s.client, "ChallengeName": "EMAIL_OTP", "Session": hidden_value(&wrong.body, "session"),
                   "ChallengeResponses": {"USERNAME": "alice", "EMAIL_OTP_CODE": "123456"}}),
        )
        .await;
    assert_eq!(api.error_type(), "NotAuthorizedException");
    assert_eq!(api.message(), "Invalid session for the user.");
    let code = emu.last_code("alice@example.com").await;
    let fields = form(&wrong.body, vec![("code", code)]);
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let done = b.post(&to_login.location, &pairs).await;
    assert_eq!(done.status, 302, "{}", done.body);
    assert!(done.location.starts_with(&format!("{CALLBACK}?code=")), "{}", done.location);
}
