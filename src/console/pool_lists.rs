//! A pool's lists: app clients (flows, token lifetimes, OAuth settings, secrets masked and revealed
//! on demand), groups and their members, resource servers, and identity providers (through
//! ListIdentityProviders).

use hyper::Response;
use serde_json::{Value, json};

use crate::console::layout::{
    badge, enabled_badge, json_pre, link, pager, pool_url, section, status_badge, table, user_url,
    value_html, when,
};
use crate::console::pools::{dl, op, pool_page, text};
use crate::console::request::Req;
use crate::error::Result;
use crate::html::{escape, query_string, url_encode};
use crate::http::Body;

/// The hosted sign-in page of a client, when it can use the code flow.
fn hosted_link(r: &Req, c: &Value) -> Option<String> {
    let oauth = c["AllowedOAuthFlowsUserPoolClient"].as_bool() == Some(true);
    let flows = c["AllowedOAuthFlows"].as_array()?;
    let callback = c["CallbackURLs"].as_array()?.first()?.as_str()?;
    if !oauth || !flows.iter().any(|f| f == "code") {
        return None;
    }
    let scopes: Vec<&str> = c["AllowedOAuthScopes"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let query = query_string([
        ("client_id", text(c, "ClientId")),
        ("response_type", "code"),
        ("redirect_uri", callback),
        ("scope", &scopes.join(" ")),
    ]);
    Some(link(
        &format!("{}/oauth2/authorize?{query}", r.ctx.issuer_base),
        "Open the hosted sign-in page",
    ))
}

/// A token lifetime as the client sets it: `access 60 minutes`, or AWS's default when unset.
fn validity(c: &Value, kind: &str) -> String {
    let (default_unit, default_text) = match kind {
        "RefreshToken" => ("days", "30 days"),
        _ => ("hours", "1 hour"),
    };
    let label = match kind {
        "AccessToken" => "access",
        "IdToken" => "ID",
        _ => "refresh",
    };
    match c[format!("{kind}Validity")].as_i64() {
        Some(n) => {
            let unit = c["TokenValidityUnits"][kind]
                .as_str()
                .unwrap_or(default_unit);
            format!("{label} {n} {}", escape(unit))
        }
        None => format!("{label} {default_text} (default)"),
    }
}

/// The app clients, each with its flows, token lifetimes, OAuth settings and masked secret.
pub fn clients(r: &Req, pool: &str) -> Response<Body> {
    let body = (|| -> Result<String> {
        let listed = op(
            r,
            "ListUserPoolClients",
            json!({"UserPoolId": pool, "MaxResults": 60, "NextToken": r.q("page")}),
        )?;
        let mut cards = String::new();
        for item in listed["UserPoolClients"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            let d = op(
                r,
                "DescribeUserPoolClient",
                json!({"UserPoolId": pool, "ClientId": text(&item, "ClientId")}),
            )?;
            let mut c = d["UserPoolClient"].clone();
            let secret = match c["ClientSecret"].as_str() {
                Some(s) => format!(
                    r#"<span class="masked">••••••••••••</span> <details class="reveal"><summary>Reveal</summary><span class="secret">{}</span><button type="button" class="copy" data-copy="{}">copy</button></details>"#,
                    escape(s),
                    escape(s)
                ),
                None => r#"<span class="muted">none (public client)</span>"#.into(),
            };
            let validity = ["AccessToken", "IdToken", "RefreshToken"]
                .iter()
                .map(|kind| validity(&c, kind))
                .collect::<Vec<_>>()
                .join(" · ");
            let rows = [
                (
                    "Client id",
                    format!("<code>{}</code>", escape(text(&c, "ClientId"))),
                ),
                ("Secret", secret),
                ("Auth flows", value_html(&c["ExplicitAuthFlows"])),
                ("Token validity", validity),
                ("Auth session (min)", value_html(&c["AuthSessionValidity"])),
                (
                    "OAuth enabled",
                    value_html(&c["AllowedOAuthFlowsUserPoolClient"]),
                ),
                ("OAuth flows", value_html(&c["AllowedOAuthFlows"])),
                ("OAuth scopes", value_html(&c["AllowedOAuthScopes"])),
                ("Callback URLs", value_html(&c["CallbackURLs"])),
                ("Sign-out URLs", value_html(&c["LogoutURLs"])),
                ("Default redirect", value_html(&c["DefaultRedirectURI"])),
                (
                    "Identity providers",
                    value_html(&c["SupportedIdentityProviders"]),
                ),
                ("Read attributes", value_html(&c["ReadAttributes"])),
                ("Write attributes", value_html(&c["WriteAttributes"])),
                (
                    "User existence errors",
                    value_html(&c["PreventUserExistenceErrors"]),
                ),
                ("Token revocation", value_html(&c["EnableTokenRevocation"])),
                (
                    "Refresh token rotation",
                    value_html(&c["RefreshTokenRotation"]),
                ),
            ];
            if let Some(obj) = c.as_object_mut() {
                obj.remove("ClientSecret");
            }
            cards.push_str(&section(
                text(&item, "ClientName"),
                &format!(
                    r#"{}<p>{}</p><details><summary>DescribeUserPoolClient (secret left out)</summary>{}</details>"#,
                    dl(&rows),
                    hosted_link(r, &c).unwrap_or_default(),
                    json_pre(&c)
                ),
            ));
        }
        if cards.is_empty() {
            cards =
                r#"<section class="card"><p class="muted">No app clients.</p></section>"#.into();
        }
        Ok(format!(
            "{cards}{}",
            pager(
                &pool_url(pool, "/clients?"),
                r.q("page"),
                listed["NextToken"].as_str()
            )
        ))
    })();
    pool_page(r, pool, "clients", "App clients", body)
}

/// The groups.
pub fn groups(r: &Req, pool: &str) -> Response<Body> {
    let body = op(
        r,
        "ListGroups",
        json!({"UserPoolId": pool, "Limit": 60, "NextToken": r.q("page")}),
    )
    .map(|out| {
        let rows = out["Groups"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|g| {
                let name = text(g, "GroupName");
                vec![
                    link(
                        &pool_url(pool, &format!("/groups/{}", url_encode(name))),
                        name,
                    ),
                    escape(text(g, "Description")),
                    value_html(&g["Precedence"]),
                    value_html(&g["RoleArn"]),
                    g["CreationDate"]
                        .as_f64()
                        .map(|t| when(r, t))
                        .unwrap_or_default(),
                ]
            })
            .collect();
        section(
            "Groups",
            &format!(
                "{}{}",
                table(
                    &["Group", "Description", "Precedence", "Role", "Created"],
                    rows,
                    "No groups."
                ),
                pager(
                    &pool_url(pool, "/groups?"),
                    r.q("page"),
                    out["NextToken"].as_str()
                )
            ),
        )
    });
    pool_page(r, pool, "groups", "Groups", body)
}

/// One group and its members.
pub fn group(r: &Req, pool: &str, name: &str) -> Response<Body> {
    let body = (|| -> Result<String> {
        let g = op(
            r,
            "GetGroup",
            json!({"UserPoolId": pool, "GroupName": name}),
        )?;
        let members = op(
            r,
            "ListUsersInGroup",
            json!({"UserPoolId": pool, "GroupName": name, "Limit": 60, "NextToken": r.q("page")}),
        )?;
        let rows = members["Users"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|u| {
                let username = text(u, "Username");
                vec![
                    link(&user_url(pool, username, ""), username),
                    status_badge(text(u, "UserStatus")),
                    enabled_badge(u["Enabled"].as_bool() != Some(false)),
                ]
            })
            .collect();
        Ok(format!(
            "{}{}",
            section(&format!("Group {name}"), &value_html(&g["Group"])),
            section(
                "Members",
                &format!(
                    "{}{}",
                    table(&["User", "Status", "Enabled"], rows, "No members."),
                    pager(
                        &pool_url(pool, &format!("/groups/{}?", url_encode(name))),
                        r.q("page"),
                        members["NextToken"].as_str()
                    )
                )
            )
        ))
    })();
    pool_page(r, pool, "groups", name, body)
}

/// The resource servers and their scopes.
pub fn resource_servers(r: &Req, pool: &str) -> Response<Body> {
    let body = op(
        r,
        "ListResourceServers",
        json!({"UserPoolId": pool, "MaxResults": 50, "NextToken": r.q("page")}),
    )
    .map(|out| {
        let rows = out["ResourceServers"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|s| {
                let scopes = s["Scopes"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .iter()
                    .map(|sc| {
                        format!(
                            r#"<div><code>{}/{}</code> <span class="muted">{}</span></div>"#,
                            escape(text(s, "Identifier")),
                            escape(text(sc, "ScopeName")),
                            escape(text(sc, "ScopeDescription"))
                        )
                    })
                    .collect::<String>();
                vec![
                    format!("<code>{}</code>", escape(text(s, "Identifier"))),
                    escape(text(s, "Name")),
                    scopes,
                ]
            })
            .collect();
        section(
            "Resource servers",
            &format!(
                "{}{}",
                table(
                    &["Identifier", "Name", "Scopes"],
                    rows,
                    "No resource servers."
                ),
                pager(
                    &pool_url(pool, "/resource-servers?"),
                    r.q("page"),
                    out["NextToken"].as_str()
                )
            ),
        )
    });
    pool_page(r, pool, "resource-servers", "Resource servers", body)
}

/// The identity providers, through ListIdentityProviders.
pub fn identity_providers(r: &Req, pool: &str) -> Response<Body> {
    let body = match op(
        r,
        "ListIdentityProviders",
        json!({"UserPoolId": pool, "MaxResults": 60, "NextToken": r.q("page")}),
    ) {
        Err(e) => Err(e),
        Ok(out) => {
            let rows = out["Providers"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|p| {
                    vec![
                        escape(text(p, "ProviderName")),
                        badge(text(p, "ProviderType"), ""),
                        p["CreationDate"]
                            .as_f64()
                            .map(|t| when(r, t))
                            .unwrap_or_default(),
                        p["LastModifiedDate"]
                            .as_f64()
                            .map(|t| when(r, t))
                            .unwrap_or_default(),
                    ]
                })
                .collect();
            Ok(section(
                "Identity providers",
                &format!(
                    "{}{}",
                    table(
                        &["Provider", "Type", "Created", "Modified"],
                        rows,
                        "No identity providers."
                    ),
                    pager(
                        &pool_url(pool, "/identity-providers?"),
                        r.q("page"),
                        out["NextToken"].as_str()
                    )
                ),
            ))
        }
    };
    pool_page(r, pool, "identity-providers", "Identity providers", body)
}
