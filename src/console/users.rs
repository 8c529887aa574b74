//! A pool's users: search with ListUsers filters (any searchable attribute, exact or prefix, status),
//! 60 a page with ListUsers' pagination token (so 100k users page as fast as the API does), and the
//! form that creates a user with AdminCreateUser.

use hyper::{Response, StatusCode};
use serde_json::{Value, json};

use crate::console::layout::{
    enabled_badge, failure, input, link, pager, pool_url, post_form, section, select, status_badge,
    table, user_url, when,
};
use crate::console::pools::{op, pool_page};
use crate::console::request::Req;
use crate::error::{CognitoError, Result};
use crate::html::{escape, query_string};
use crate::http::Body;

/// The attributes ListUsers can filter on, as the search form offers them.
pub const SEARCHABLE: &[(&str, &str)] = &[
    ("username", "Username"),
    ("email", "Email"),
    ("phone_number", "Phone number"),
    ("name", "Name"),
    ("given_name", "Given name"),
    ("family_name", "Family name"),
    ("preferred_username", "Preferred username"),
    ("sub", "sub"),
    ("cognito:user_status", "Status (cognito:user_status)"),
    ("status", "Enabled / Disabled (status)"),
];

/// The ListUsers `Filter` of a search: `attr op "value"` with `"` and `\` escaped.
pub fn filter_of(attr: &str, prefix: bool, value: &str) -> String {
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("{attr} {} \"{escaped}\"", if prefix { "^=" } else { "=" })
}

fn attribute(u: &Value, name: &str) -> String {
    u["Attributes"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["Name"] == name))
        .and_then(|x| x["Value"].as_str())
        .unwrap_or("")
        .to_string()
}

/// The users page: the search form, one page of ListUsers, links to each user.
pub fn list(r: &Req, pool: &str) -> Response<Body> {
    let attr = r
        .q("attr")
        .filter(|a| SEARCHABLE.iter().any(|(k, _)| k == a))
        .unwrap_or("username");
    let prefix = r.q("match") != Some("exact");
    let value = r.q("value").unwrap_or("");
    let filter = (!value.is_empty()).then(|| filter_of(attr, prefix, value));
    let form = format!(
        r#"<form method="get" action="{}" class="row" id="search">{}{}{}<button type="submit">Search</button></form>
<p class="muted">Quick filters: {}</p>"#,
        escape(&pool_url(pool, "/users")),
        select("Attribute", "attr", SEARCHABLE, attr),
        select(
            "Match",
            "match",
            &[("prefix", "starts with (^=)"), ("exact", "equals (=)")],
            if prefix { "prefix" } else { "exact" }
        ),
        input("Value", "value", value, "text"),
        [
            ("cognito:user_status", "UNCONFIRMED"),
            ("cognito:user_status", "CONFIRMED"),
            ("cognito:user_status", "FORCE_CHANGE_PASSWORD"),
            ("cognito:user_status", "RESET_REQUIRED"),
            ("status", "Disabled"),
        ]
        .iter()
        .map(|(a, v)| link(
            &pool_url(
                pool,
                &format!(
                    "/users?{}",
                    query_string([("attr", *a), ("match", "exact"), ("value", *v)])
                )
            ),
            v
        ))
        .collect::<Vec<_>>()
        .join(" · ")
    );
    let body = op(
        r,
        "ListUsers",
        json!({"UserPoolId": pool, "Limit": 60, "Filter": filter, "PaginationToken": r.q("page")}),
    );
    let results = match body {
        Ok(out) => {
            let rows = out["Users"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|u| {
                    let username = u["Username"].as_str().unwrap_or("");
                    vec![
                        link(&user_url(pool, username, ""), username),
                        escape(&attribute(u, "email")),
                        escape(&attribute(u, "phone_number")),
                        status_badge(u["UserStatus"].as_str().unwrap_or("")),
                        enabled_badge(u["Enabled"].as_bool() != Some(false)),
                        u["UserCreateDate"]
                            .as_f64()
                            .map(|t| when(r, t))
                            .unwrap_or_default(),
                    ]
                })
                .collect();
            let mut base = vec![];
            if !value.is_empty() {
                base = vec![
                    ("attr", attr),
                    ("match", if prefix { "prefix" } else { "exact" }),
                    ("value", value),
                ];
            }
            let base = if base.is_empty() {
                pool_url(pool, "/users?")
            } else {
                pool_url(pool, &format!("/users?{}&", query_string(base)))
            };
            format!(
                "{}{}{}",
                filter
                    .as_deref()
                    .map(|f| format!(
                        r#"<p class="muted">ListUsers Filter: <code>{}</code></p>"#,
                        escape(f)
                    ))
                    .unwrap_or_default(),
                table(
                    &["Username", "Email", "Phone", "Status", "Enabled", "Created"],
                    rows,
                    "No users match."
                ),
                pager(&base, r.q("page"), out["PaginationToken"].as_str())
            )
        }
        Err(e) => failure(&e),
    };
    let create = link(&pool_url(pool, "/new-user"), "+ Create a user");
    pool_page(
        r,
        pool,
        "users",
        "Users",
        Ok(format!(
            r#"<section class="card">{form}<p>{create}</p></section><section class="card" id="users">{results}</section>"#
        )),
    )
}

/// The create-user form (with the failure of a previous try, and its values, if any).
pub fn new_user(r: &Req, pool: &str, failed: Option<&CognitoError>) -> Response<Body> {
    let field = |name: &str| r.f(name).unwrap_or("").to_string();
    let checked = |name: &str| if r.f(name).is_some() { " checked" } else { "" };
    let inner = format!(
        r#"<div class="row">{}{}{}{}</div>
<div class="row"><label class="check"><input type="checkbox" name="email_verified" value="true"{}> email verified</label>
<label class="check"><input type="checkbox" name="phone_number_verified" value="true"{}> phone verified</label>
<label class="check"><input type="checkbox" name="invite" value="true"{}> send the invitation message</label></div>"#,
        input("Username", "username", &field("username"), "text"),
        input("Email", "email", &field("email"), "email"),
        input(
            "Phone number (+15555550100)",
            "phone_number",
            &field("phone_number"),
            "text"
        ),
        input(
            "Temporary password (empty: generated)",
            "password",
            "",
            "password"
        ),
        checked("email_verified"),
        checked("phone_number_verified"),
        checked("invite"),
    );
    let form = post_form(
        r,
        &pool_url(pool, "/new-user"),
        &inner,
        "Create user (AdminCreateUser)",
        "create",
        None,
    );
    let status = if failed.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut resp = pool_page(
        r,
        pool,
        "users",
        "Create a user",
        Ok(format!(
            "{}{}",
            failed.map(failure).unwrap_or_default(),
            section("Create a user", &form)
        )),
    );
    if resp.status() == StatusCode::OK {
        *resp.status_mut() = status;
    }
    resp
}

/// AdminCreateUser's input from the create form.
pub fn create_input(r: &Req, pool: &str) -> Result<Value> {
    let mut attributes = Vec::new();
    for name in ["email", "phone_number"] {
        if let Some(v) = r.f(name) {
            attributes.push(json!({"Name": name, "Value": v}));
        }
    }
    for name in ["email_verified", "phone_number_verified"] {
        if r.f(name).is_some() {
            attributes.push(json!({"Name": name, "Value": "true"}));
        }
    }
    let mut input = json!({
        "UserPoolId": pool,
        "Username": r.f("username").unwrap_or(""),
        "UserAttributes": attributes,
        "TemporaryPassword": r.f("password"),
    });
    if r.f("invite").is_none() {
        input["MessageAction"] = json!("SUPPRESS");
    } else if r.f("email").is_some() {
        input["DesiredDeliveryMediums"] = json!(["EMAIL"]);
    }
    crate::ops::strip_nulls(&mut input);
    Ok(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_escape_quotes_and_backslashes() {
        assert_eq!(filter_of("email", true, "a\"b\\c"), r#"email ^= "a\"b\\c""#);
        let parsed = crate::domain::filter::parse(&filter_of("email", false, "a\"b\\c"))
            .unwrap()
            .unwrap();
        assert_eq!(parsed.value, "a\"b\\c");
        assert!(!parsed.prefix);
    }
}
