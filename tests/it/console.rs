//! The web console under /_emulator/ui: routing and pages, the access token beyond loopback, CSRF on
//! every form, escaping, search and paging, the outbox and its live feed, the token decoder, the clock,
//! resets and the export. The actions on users, the token decoder and the clock are in
//! `console_actions`.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::common::{Emulator, start, start_with, urlencode};

/// A cookie-keeping HTTP client that does not follow redirects: the console as a browser sees it.
pub struct Browser {
    http: reqwest::Client,
    base: String,
    pub cookies: HashMap<String, String>,
}

/// One answer.
pub struct Page {
    pub status: u16,
    pub location: String,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Browser {
    pub fn new(emu: &Emulator) -> Browser {
        let http =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Browser { http, base: emu.url.clone(), cookies: HashMap::new() }
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Page {
        let cookie =
            self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        let resp = req.header("cookie", cookie).send().await.unwrap();
        for c in resp.headers().get_all("set-cookie") {
            let first = c.to_str().unwrap().split(';').next().unwrap();
            let (k, v) = first.split_once('=').unwrap();
            self.cookies.insert(k.to_string(), v.to_string());
        }
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let location =
            headers.get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
        Page { status, location, headers, body: resp.text().await.unwrap() }
    }

    /// GET `/_emulator/ui<path>`.
    pub async fn get(&mut self, path: &str) -> Page {
        let req = self.http.get(format!("{}/_emulator/ui{path}", self.base));
        self.send(req).await
    }

    /// POST a form to `/_emulator/ui<path>` (no CSRF field added).
    pub async fn post_raw(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let req = self
            .http
            .post(format!("{}/_emulator/ui{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(req).await
    }

    /// POST a form with the CSRF token of `page_path`'s forms, as a browser submitting it would.
    pub async fn submit(&mut self, page_path: &str, action: &str, form: &[(&str, &str)]) -> Page {
        let page = self.get(page_path).await;
        assert_eq!(page.status, 200, "{page_path}: {}", page.body);
        let token = csrf(&page.body);
        let mut all = vec![("_csrf", token.as_str())];
        all.extend_from_slice(form);
        self.post_raw(action, &all).await
    }
}

/// The `_csrf` value of the first form of a page.
pub fn csrf(html: &str) -> String {
    let start = html.find(r#"name="_csrf" value=""#).expect("a CSRF field") + 20;
    html[start..].split('"').next().unwrap().to_string()
}

/// A pool (email required, auto-verified), a public client with password auth, a group and `alice`.
pub async fn setup(emu: &Emulator) -> (String, String) {
    let pool = emu
        .pool(json!({"PoolName": "console", "AutoVerifiedAttributes": ["email"],
            "Schema": [{"Name": "email", "AttributeDataType": "String", "Required": true, "Mutable": true}]}))
        .await;
    let (client, _) = emu
        .client(
            &pool,
            json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
        )
        .await;
    emu.ok(
        "CreateGroup",
        json!({"UserPoolId": pool, "GroupName": "admins", "Description": "Admins"}),
    )
    .await;
    emu.ok(
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "alice", "MessageAction": "SUPPRESS",
            "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}, {"Name": "email_verified", "Value": "true"}]}),
    )
    .await;
    emu.ok(
        "AdminSetUserPassword",
        json!({"UserPoolId": pool, "Username": "alice", "Password": "Passw0rd!", "Permanent": true}),
    )
    .await;
    (pool, client)
}

#[tokio::test]
async fn every_page_answers_with_the_pool_data_and_strict_headers() {
    let emu = start().await;
    let (pool, client) = setup(&emu).await;
    emu.ok(
        "CreateResourceServer",
        json!({"UserPoolId": pool, "Identifier": "https://api.example.com", "Name": "api",
            "Scopes": [{"ScopeName": "read", "ScopeDescription": "Read things"}]}),
    )
    .await;
    let (_, secret) =
        emu.client(&pool, json!({"ClientName": "confidential", "GenerateSecret": true})).await;
    let secret = secret.unwrap();
    let mut b = Browser::new(&emu);
    // The secret is masked, shown only inside its "Reveal" disclosure, never in the raw JSON.
    let clients = b.get(&format!("/pools/{pool}/clients")).await.body;
    assert_eq!(
        clients.matches(secret.as_str()).count(),
        2,
        "the revealed text and its copy button"
    );
    let reveal = clients.find("<summary>Reveal</summary>").unwrap();
    assert!(clients.find(secret.as_str()).unwrap() > reveal);
    assert!(clients.contains("access 1 hour (default)"));
    let pages: &[(&str, &[&str])] = &[
        ("", &["console", &pool]),
        (&format!("/pools/{pool}"), &["Password", "Schema", "LambdaConfig", "Reset this pool"]),
        (&format!("/pools/{pool}/users"), &["alice", "alice@example.com", "CONFIRMED"]),
        (
            &format!("/pools/{pool}/users/alice"),
            &["alice@example.com", "Disable", "Sign out everywhere"],
        ),
        (&format!("/pools/{pool}/clients"), &[&client, "ALLOW_USER_PASSWORD_AUTH"]),
        (&format!("/pools/{pool}/groups"), &["admins", "Admins"]),
        (&format!("/pools/{pool}/groups/admins"), &["Members"]),
        (
            &format!("/pools/{pool}/resource-servers"),
            &["https://api.example.com/read", "Read things"],
        ),
        (&format!("/pools/{pool}/identity-providers"), &["Identity providers"]),
        (&format!("/pools/{pool}/new-user"), &["AdminCreateUser"]),
        ("/outbox", &["Outbox"]),
        ("/tokens", &["Decode and check"]),
        ("/triggers", &["No trigger has run yet."]),
        ("/clock", &["Emulated time", "Download seed.json"]),
    ];
    for (path, wanted) in pages {
        let page = b.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        for w in *wanted {
            assert!(page.body.contains(w), "{path} lacks {w}");
        }
        let csp = page.headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(page.headers["x-frame-options"], "DENY");
        assert!(page.headers.get("access-control-allow-origin").is_none(), "{path}: CORS");
        assert!(!page.body.contains("<script>") && !page.body.contains(" onclick="), "{path}");
    }
    // Identity providers, as ListIdentityProviders lists them.
    emu.ok(
        "CreateIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": "Google", "ProviderType": "Google",
               "ProviderDetails": {"client_id": "g-client", "client_secret": "g-secret",
                   "authorize_scopes": "openid email"},
               "AttributeMapping": {"email": "email"}}),
    )
    .await;
    let idps = b.get(&format!("/pools/{pool}/identity-providers")).await;
    assert_eq!(idps.status, 200);
    assert!(
        idps.body.contains("<td>Google</td>") || idps.body.contains(">Google<"),
        "{}",
        idps.body
    );
    assert!(!idps.body.contains("No identity providers."), "{}", idps.body);
    // Missing things are 404 pages naming AWS's error.
    let missing = b.get("/pools/us-east-1_Missing00/users").await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("ResourceNotFoundException"));
    let nobody = b.get(&format!("/pools/{pool}/users/nobody")).await;
    assert_eq!(nobody.status, 400);
    assert!(nobody.body.contains("UserNotFoundException"));
    assert_eq!(b.get("/no/such/page").await.status, 404);
    // The static files, and nothing inline.
    let js = b.get("/console.js").await;
    assert_eq!(js.status, 200);
    assert!(js.headers["content-type"].to_str().unwrap().starts_with("text/javascript"));
    assert!(js.body.contains("textContent") && !js.body.contains("innerHTML"));
    assert_eq!(b.get("/console.css").await.status, 200);
}

#[tokio::test]
async fn values_from_users_are_escaped_everywhere() {
    let emu = start().await;
    let (pool, _) = setup(&emu).await;
    let evil = r#"<script>alert("x")</script>"#;
    emu.ok(
        "AdminUpdateUserAttributes",
        json!({"UserPoolId": pool, "Username": "alice", "UserAttributes": [{"Name": "name", "Value": evil}]}),
    )
    .await;
    emu.ok(
        "CreateGroup",
        json!({"UserPoolId": pool, "GroupName": "g<img>", "Description": "<img src=x onerror=alert(1)>"}),
    )
    .await;
    emu.ok(
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "\"><b>bob", "MessageAction": "SUPPRESS",
            "UserAttributes": [{"Name": "email", "Value": "bob@example.com"}]}),
    )
    .await;
    let mut b = Browser::new(&emu);
    for path in [
        format!("/pools/{pool}/users/alice"),
        format!("/pools/{pool}/users"),
        format!("/pools/{pool}/groups"),
        format!("/pools/{pool}/users/{}", urlencode("\"><b>bob")),
        format!("/pools/{pool}/users?attr=name&match=exact&value={}", urlencode(evil)),
    ] {
        let page = b.get(&path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        for raw in ["<script>alert", "<img src=x", "\"><b>bob", "<img>"] {
            assert!(!page.body.contains(raw), "{path} has {raw} unescaped");
        }
    }
    let alice = b.get(&format!("/pools/{pool}/users/alice")).await;
    assert!(alice.body.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    let search = b
        .get(&format!("/pools/{pool}/users?attr=name&match=exact&value={}", urlencode(evil)))
        .await;
    assert!(search.body.contains("alice"), "the escaped filter still finds alice");
}

#[tokio::test]
async fn state_changes_need_post_and_this_browsers_csrf_token() {
    let emu = start().await;
    let (pool, _) = setup(&emu).await;
    let mut b = Browser::new(&emu);
    let path = format!("/pools/{pool}/users/alice");
    let action = format!("{path}/disable");
    // No token, a forged one, a token from another browser: 403, nothing changes.
    assert_eq!(b.post_raw(&action, &[]).await.status, 403);
    b.get(&path).await;
    assert_eq!(b.post_raw(&action, &[("_csrf", "forged")]).await.status, 403);
    let mut other = Browser::new(&emu);
    let foreign = csrf(&other.get(&path).await.body);
    assert_eq!(b.post_raw(&action, &[("_csrf", &foreign)]).await.status, 403);
    assert_eq!(b.post_raw("/reset", &[]).await.status, 403);
    assert_eq!(b.post_raw("/clock", &[("amount", "1"), ("unit", "days")]).await.status, 403);
    assert_eq!(emu.app.clock.offset_ms(), 0);
    assert_eq!(emu.admin_get_user(&pool, "alice").await["Enabled"], true);
    // A GET does not act.
    assert_eq!(b.get(&action).await.status, 404);
    assert_eq!(emu.admin_get_user(&pool, "alice").await["Enabled"], true);
    // The form's own token works.
    let done = b.submit(&path, &action, &[]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(done.location.ends_with("/users/alice?done=disabled"), "{}", done.location);
    assert_eq!(emu.admin_get_user(&pool, "alice").await["Enabled"], false);
    // Every form of every page carries the token.
    for page in [path.clone(), "/clock".into(), "/tokens".into(), format!("/pools/{pool}")] {
        let body = b.get(&page).await.body;
        let forms = body.matches("<form method=\"post\"").count();
        assert!(forms > 0);
        assert_eq!(forms, body.matches("name=\"_csrf\"").count(), "{page}");
    }
}

#[tokio::test]
async fn beyond_loopback_the_console_asks_for_its_token_once() {
    let emu = start_with(|c| c.console_token = Some("s3cret-token".into())).await;
    let (pool, _) = setup(&emu).await;
    let mut b = Browser::new(&emu);
    for path in ["", "/outbox", &format!("/pools/{pool}/users/alice")] {
        assert_eq!(b.get(path).await.status, 401, "{path}");
    }
    let feed = b.get("/outbox.json").await;
    assert_eq!(feed.status, 401);
    assert!(feed.body.contains("token"));
    assert_eq!(b.get("/?token=wrong").await.status, 401);
    assert!(b.cookies.get("cognito_emulator_console").is_none());
    // The static files hold no data.
    assert_eq!(b.get("/console.css").await.status, 200);
    // The right token: a cookie, and the same URL without the token.
    let entered = b.get(&format!("/pools/{pool}/users?attr=email&token=s3cret-token")).await;
    assert_eq!(entered.status, 302);
    assert_eq!(entered.location, format!("/_emulator/ui/pools/{pool}/users?attr=email"));
    let set = entered.headers["set-cookie"].to_str().unwrap();
    assert!(
        set.contains("HttpOnly")
            && set.contains("SameSite=Strict")
            && set.contains("Path=/_emulator/ui")
    );
    assert!(!set.contains("s3cret-token"), "the cookie carries an HMAC, not the token");
    assert_eq!(b.get("").await.status, 200);
    assert_eq!(b.get("/outbox.json").await.status, 200);
    let done = b
        .submit(
            &format!("/pools/{pool}/users/alice"),
            &format!("/pools/{pool}/users/alice/disable"),
            &[],
        )
        .await;
    assert_eq!(done.status, 303);
    // A wrong cookie is refused.
    b.cookies.insert("cognito_emulator_console".into(), "x".repeat(43));
    assert_eq!(b.get("").await.status, 401);

    // Listening on every interface without --console-token: a random token, printed in the summary.
    let open = start_with(|c| c.host = "0.0.0.0".into()).await;
    let token = open.app.console_token.clone().expect("a token beyond loopback");
    assert!(token.len() >= 32);
    let line = cognito_emulator::console::summary(&open.app, "0.0.0.0:9229");
    assert_eq!(line, format!("console: http://localhost:9229/_emulator/ui?token={token}"));
    assert_eq!(Browser::new(&open).get("").await.status, 401);
    // On loopback: no token.
    let local = start().await;
    assert!(local.app.console_token.is_none());
    assert_eq!(
        cognito_emulator::console::summary(&local.app, "127.0.0.1:9229"),
        "console: http://127.0.0.1:9229/_emulator/ui"
    );
    // --no-console: 404, and the summary says so.
    let off = start_with(|c| c.no_console = true).await;
    assert_eq!(Browser::new(&off).get("").await.status, 404);
    assert_eq!(Browser::new(&off).get("/console.js").await.status, 404);
    assert_eq!(
        cognito_emulator::console::summary(&off.app, "127.0.0.1:1"),
        "console: off (--no-console)"
    );
}

#[tokio::test]
async fn users_search_like_list_users_and_page_by_sixty() {
    let emu = start().await;
    let (pool, _) = setup(&emu).await;
    for i in 0..70 {
        emu.ok(
            "AdminCreateUser",
            json!({"UserPoolId": pool, "Username": format!("user{i:02}"), "MessageAction": "SUPPRESS",
                "UserAttributes": [{"Name": "email", "Value": format!("u{i:02}@example.org")},
                                   {"Name": "phone_number", "Value": format!("+1555000{i:04}")}]}),
        )
        .await;
    }
    let mut b = Browser::new(&emu);
    let link = format!("{pool}/users/");
    let rows = |body: &str| body.matches(link.as_str()).count();
    let first = b.get(&format!("/pools/{pool}/users")).await;
    assert_eq!(rows(&first.body), 60, "alice and 59 others on the first page");
    let start =
        first.body.find("id=\"nextPage\"").map(|_| first.body.find("page=").unwrap()).unwrap();
    let token: String = first.body[start + 5..].chars().take_while(|c| *c != '"').collect();
    let second = b.get(&format!("/pools/{pool}/users?page={token}")).await;
    assert_eq!(rows(&second.body), 11);
    assert!(!second.body.contains("id=\"nextPage\""));
    // Each search is the ListUsers filter it names.
    let cases = [
        ("email", "prefix", "u1", 10),
        ("email", "exact", "u07@example.org", 1),
        ("phone_number", "prefix", "+1555000001", 10),
        ("username", "prefix", "user6", 10),
        ("cognito:user_status", "exact", "FORCE_CHANGE_PASSWORD", 60),
        ("cognito:user_status", "exact", "CONFIRMED", 1),
    ];
    for (attr, how, value, want) in cases {
        let path = format!(
            "/pools/{pool}/users?attr={}&match={how}&value={}",
            urlencode(attr),
            urlencode(value)
        );
        let page = b.get(&path).await;
        assert_eq!(page.status, 200);
        let op = if how == "exact" { "=" } else { "^=" };
        let filter = format!("{attr} {op} \"{value}\"");
        let api =
            emu.ok("ListUsers", json!({"UserPoolId": pool, "Filter": filter, "Limit": 60})).await;
        assert_eq!(api["Users"].as_array().unwrap().len(), want, "{filter}");
        assert_eq!(rows(&page.body), want, "{path}");
    }
    let disabled =
        b.get(&format!("/pools/{pool}/users?attr=status&match=exact&value=Disabled")).await;
    assert!(disabled.body.contains("No users match."));
    // A bad filter shows ListUsers' error.
    let bad = b.get(&format!("/pools/{pool}/users?attr=nickname&value=x")).await;
    assert_eq!(bad.status, 200, "an unknown attribute falls back to username");
    // The home page counts users.
    let home = b.get("").await;
    assert!(home.body.contains(">71</a>"), "user count");
}

#[tokio::test]
async fn outbox_is_newest_first_with_codes_marked_and_a_live_feed() {
    let emu = start().await;
    let (pool, client) = setup(&emu).await;
    for name in ["carol", "dave"] {
        emu.ok(
            "SignUp",
            json!({"ClientId": client, "Username": name, "Password": "Passw0rd!",
                "UserAttributes": [{"Name": "email", "Value": format!("{name}@example.com")}]}),
        )
        .await;
    }
    let carol = emu.last_code("carol@example.com").await;
    let dave = emu.last_code("dave@example.com").await;
    let mut b = Browser::new(&emu);
    let page = b.get("/outbox").await;
    let (at_carol, at_dave) =
        (page.body.find("carol@example.com").unwrap(), page.body.find("dave@example.com").unwrap());
    assert!(at_dave < at_carol, "newest first");
    assert!(page.body.contains(&format!(r#"<mark class="code">{carol}</mark>"#)));
    assert!(page.body.contains(&format!(r#"<mark class="code">{dave}</mark>"#)));
    assert!(page.body.contains("data-feed=\"/_emulator/ui/outbox.json?\""));
    // Filtered by user.
    let only = b.get(&format!("/outbox?pool={pool}&username=carol")).await;
    assert!(only.body.contains("carol@example.com") && !only.body.contains("dave@example.com"));
    // The feed: newer than an id, oldest first, with the links the script sets.
    let (_, all) = emu.get("/_emulator/messages").await;
    let first_id = all["messages"][0]["id"].as_i64().unwrap();
    let feed = b.get(&format!("/outbox.json?pool={pool}&after={first_id}")).await;
    let v: Value = serde_json::from_str(&feed.body).unwrap();
    let messages = v["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["code"], dave.as_str());
    assert_eq!(messages[0]["userUrl"], format!("/_emulator/ui/pools/{pool}/users/dave"));
    assert_eq!(b.get("/outbox.json?after=x").await.status, 400);
}
