//! The pools: the list with user counts (the console's home), a pool's settings, its app clients
//! (secrets masked, revealed on demand), groups and their members, resource servers, and identity
//! providers. Everything is read through the operations the API answers with.

use hyper::{Response, StatusCode};
use serde_json::{Value, json};

use crate::console::layout::{
    badge, failure, json_pre, link, page, pager, pool_tabs, pool_url, post_form, section, table,
    ui, value_html, when,
};
use crate::console::request::Req;
use crate::error::Result;
use crate::html::escape;
use crate::http::Body;
use crate::{ops, store};

/// Runs an operation as the API does.
pub fn op(r: &Req, name: &str, mut input: Value) -> Result<Value> {
    ops::strip_nulls(&mut input);
    ops::invoke(&r.ctx, name, input)
}

pub fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The console's home: every pool with its user count, and the other pages.
pub fn home(r: &Req) -> Response<Body> {
    let listed = op(
        r,
        "ListUserPools",
        json!({"MaxResults": 60, "NextToken": r.q("page")}),
    );
    let body = match listed {
        Ok(out) => {
            let pools = out["UserPools"].as_array().cloned().unwrap_or_default();
            let rows = pools
                .iter()
                .map(|p| {
                    let id = text(p, "Id");
                    let users = r
                        .ctx
                        .app
                        .store
                        .read(|c| store::pools::count_users(c, id))
                        .map(|n| n.to_string())
                        .unwrap_or_else(|_| "?".into());
                    let triggers = p["LambdaConfig"].as_object().map_or(0, |m| m.len());
                    vec![
                        link(&pool_url(id, ""), text(p, "Name")),
                        format!("<code>{}</code>", escape(id)),
                        format!(
                            r#"<a href="{}" class="users-count">{}</a>"#,
                            escape(&pool_url(id, "/users")),
                            escape(&users)
                        ),
                        if triggers > 0 {
                            badge(&format!("{triggers} triggers"), "")
                        } else {
                            String::new()
                        },
                        p["CreationDate"]
                            .as_f64()
                            .map(|t| when(r, t))
                            .unwrap_or_default(),
                    ]
                })
                .collect();
            format!(
                "{}{}",
                table(
                    &["Pool", "Id", "Users", "Lambda", "Created"],
                    rows,
                    "No user pools yet: create one with CreateUserPool or a seed file."
                ),
                pager(&ui("?"), r.q("page"), out["NextToken"].as_str())
            )
        }
        Err(e) => failure(&e),
    };
    let shortcuts = [
        (
            "/outbox",
            "Outbox",
            "Every message a pool sent, newest first, live.",
        ),
        (
            "/tokens",
            "Token decoder",
            "Header, claims, signature and expiry of a JWT.",
        ),
        (
            "/triggers",
            "Trigger log",
            "Lambda trigger invocations: event, answer, duration.",
        ),
        (
            "/clock",
            "Clock & data",
            "Move time forward, reset, export the seed file.",
        ),
    ]
    .iter()
    .map(|(p, t, d)| {
        format!(
            r#"<section class="card"><h2>{}</h2><p class="muted">{}</p></section>"#,
            link(&ui(p), t),
            escape(d)
        )
    })
    .collect::<String>();
    page(
        r,
        StatusCode::OK,
        "User pools",
        &[],
        &format!(
            r#"<section class="card" id="pools">{body}</section><div class="grid">{shortcuts}</div>"#
        ),
    )
}

/// A pool's page (its tabs, then `body`), or the operation's failure (404 for a pool that does not exist).
pub fn pool_page(
    r: &Req,
    pool: &str,
    tab: &str,
    title: &str,
    body: Result<String>,
) -> Response<Body> {
    // The store's reader, not DescribeUserPool: that one counts the pool's users (100k rows) for
    // EstimatedNumberOfUsers, which this header does not show.
    let name = r
        .ctx
        .app
        .store
        .read(|c| store::pools::get(c, pool))
        .and_then(|row| {
            row.map(|p| p.name)
                .ok_or_else(|| ops::load::pool_not_found(pool))
        });
    let (status, content) = match (&name, &body) {
        (Err(e), _) | (Ok(_), Err(e)) => {
            let status = if e.name() == "ResourceNotFoundException" {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::BAD_REQUEST
            };
            (status, failure(e))
        }
        (Ok(_), Ok(b)) => (StatusCode::OK, b.clone()),
    };
    let name = name.unwrap_or_else(|_| pool.to_string());
    let crumbs = [(pool_url(pool, ""), name.clone())];
    page(
        r,
        status,
        &format!("{name} · {title}"),
        &crumbs,
        &format!("{}{content}", pool_tabs(pool, tab)),
    )
}

pub fn dl(rows: &[(&str, String)]) -> String {
    let items: String = rows
        .iter()
        .map(|(k, v)| format!("<dt>{}</dt><dd>{v}</dd>", escape(k)))
        .collect();
    format!(r#"<dl class="kv">{items}</dl>"#)
}

/// Settings: identity, sign-in, policies, MFA, LambdaConfig, domain, schema, messages, and the raw
/// DescribeUserPool answer; the pool's reset button.
pub fn settings(r: &Req, pool: &str) -> Response<Body> {
    let body = (|| -> Result<String> {
        let described = op(r, "DescribeUserPool", json!({"UserPoolId": pool}))?;
        let p = &described["UserPool"];
        let mfa = op(r, "GetUserPoolMfaConfig", json!({"UserPoolId": pool}))
            .unwrap_or_else(|e| json!({"error": format!("{}: {}", e.name(), e.message())}));
        let issuer = r.ctx.issuer(pool);
        let date = |k: &str| p[k].as_f64().map(|t| when(r, t)).unwrap_or_default();
        let overview = dl(&[
            ("Id", format!("<code>{}</code>", escape(pool))),
            ("ARN", escape(text(p, "Arn"))),
            (
                "Users",
                link(
                    &pool_url(pool, "/users"),
                    &p["EstimatedNumberOfUsers"].to_string(),
                ),
            ),
            ("Created", date("CreationDate")),
            ("Modified", date("LastModifiedDate")),
            ("Tier", value_html(&p["UserPoolTier"])),
            ("Deletion protection", value_html(&p["DeletionProtection"])),
            ("Issuer", format!("<code>{}</code>", escape(&issuer))),
            (
                "Keys",
                format!(
                    "{} · {}",
                    link(&format!("/{pool}/.well-known/jwks.json"), "jwks.json"),
                    link(
                        &format!("/{pool}/.well-known/openid-configuration"),
                        "openid-configuration"
                    )
                ),
            ),
        ]);
        let sign_in = dl(&[
            ("Username attributes", value_html(&p["UsernameAttributes"])),
            ("Alias attributes", value_html(&p["AliasAttributes"])),
            (
                "Case sensitive",
                value_html(&p["UsernameConfiguration"]["CaseSensitive"]),
            ),
            ("Auto-verified", value_html(&p["AutoVerifiedAttributes"])),
            (
                "Admin-created users",
                value_html(&p["AdminCreateUserConfig"]),
            ),
            ("Account recovery", value_html(&p["AccountRecoverySetting"])),
            (
                "Attribute updates",
                value_html(&p["UserAttributeUpdateSettings"]),
            ),
            ("Devices", value_html(&p["DeviceConfiguration"])),
        ]);
        let domain = dl(&[
            ("Domain", value_html(&p["Domain"])),
            ("Custom domain", value_html(&p["CustomDomain"])),
            (
                "Hosted pages",
                format!(
                    "served by this emulator at {}",
                    link(&format!("{}/login", r.ctx.issuer_base), "/login")
                ),
            ),
        ]);
        let schema_rows = p["SchemaAttributes"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|a| {
                let constraints = if a["StringAttributeConstraints"].is_object() {
                    value_html(&a["StringAttributeConstraints"])
                } else {
                    value_html(&a["NumberAttributeConstraints"])
                };
                vec![
                    format!("<code>{}</code>", escape(text(a, "Name"))),
                    escape(text(a, "AttributeDataType")),
                    value_html(&a["Required"]),
                    value_html(&a["Mutable"]),
                    value_html(&a["DeveloperOnlyAttribute"]),
                    constraints,
                ]
            })
            .collect();
        let reset = post_form(
            r,
            &pool_url(pool, "/reset"),
            "",
            "Reset this pool",
            "danger",
            Some(
                "Delete every user, group and message of this pool (the seed file's entries come back)?",
            ),
        );
        Ok(format!(
            r#"<div class="grid">{}{}{}{}{}{}</div>{}{}{}{}"#,
            section("Pool", &overview),
            section("Sign-in", &sign_in),
            section("Policies", &value_html(&p["Policies"])),
            section("MFA (GetUserPoolMfaConfig)", &value_html(&mfa)),
            section(
                "Lambda triggers (LambdaConfig)",
                &value_html(&p["LambdaConfig"])
            ),
            section("Domain", &domain),
            section(
                "Schema",
                &table(
                    &[
                        "Attribute",
                        "Type",
                        "Required",
                        "Mutable",
                        "Developer only",
                        "Constraints"
                    ],
                    schema_rows,
                    "No schema attributes."
                )
            ),
            section(
                "Messages",
                &dl(&[
                    (
                        "Verification",
                        value_html(&p["VerificationMessageTemplate"])
                    ),
                    ("Email", value_html(&p["EmailConfiguration"])),
                    ("SMS", value_html(&p["SmsConfiguration"])),
                ])
            ),
            section(
                "Everything (DescribeUserPool)",
                &format!(
                    "<details><summary>Show the answer</summary>{}</details>",
                    json_pre(&described)
                )
            ),
            section(
                "Reset",
                &format!(
                    r#"<p class="muted">Deletes this pool's users, groups and messages; the pool and its clients stay, and the seed file's entries for it are applied again.</p>{reset}"#
                )
            ),
        ))
    })();
    pool_page(r, pool, "settings", "Settings", body)
}
