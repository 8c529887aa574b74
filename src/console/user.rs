//! One user: attributes, status, groups, MFA, devices, passkeys, token sessions and pending codes, with
//! the actions (each a form posting to `actions`).

use hyper::{Response, StatusCode};
use serde_json::json;

use crate::auth::sessions;
use crate::console::layout::{
    badge, enabled_badge, failure, input, link, pool_url, post_form, section, select, status_badge,
    table, ui, user_url, value_html, when,
};
use crate::console::pools::{dl, op, pool_page, text};
use crate::console::request::Req;
use crate::error::{CognitoError, Result};
use crate::html::{escape, url_encode};
use crate::http::Body;
use crate::store;

/// The user's page; `failed` is the failure of an action just tried (answered with 400).
pub fn page(r: &Req, pool: &str, username: &str, failed: Option<&CognitoError>) -> Response<Body> {
    let body = render(r, pool, username)
        .map(|b| format!("{}{b}", failed.map(failure).unwrap_or_default()));
    let mut resp = pool_page(r, pool, "users", username, body);
    if failed.is_some() && resp.status() == StatusCode::OK {
        *resp.status_mut() = StatusCode::BAD_REQUEST;
    }
    resp
}

fn not_available(e: &CognitoError) -> String {
    format!(
        r#"<p class="muted">Not available: {} ({})</p>"#,
        escape(e.message()),
        escape(e.name())
    )
}

fn render(r: &Req, pool: &str, username: &str) -> Result<String> {
    let u = op(
        r,
        "AdminGetUser",
        json!({"UserPoolId": pool, "Username": username}),
    )?;
    let name = text(&u, "Username").to_string();
    let status = text(&u, "UserStatus").to_string();
    let enabled = u["Enabled"].as_bool() != Some(false);
    let row = r.ctx.app.store.read(|c| {
        let Some(p) = store::pools::get(c, pool)? else {
            return Ok(None);
        };
        store::users::resolve(c, &p.id, &p.config, &name)
    })?;
    let Some(row) = row else {
        return Err(crate::err!(UserNotFoundException, "User does not exist."));
    };
    let action = |a: &str| user_url(pool, &name, &format!("/{a}"));
    let date = |k: &str| u[k].as_f64().map(|t| when(r, t)).unwrap_or_default();

    let summary = dl(&[
        (
            "Username",
            format!(r#"<code id="username">{}</code>"#, escape(&name)),
        ),
        ("sub", format!("<code>{}</code>", escape(&row.sub))),
        (
            "Status",
            format!(r#"<span id="userStatus">{}</span>"#, status_badge(&status)),
        ),
        (
            "Enabled",
            format!(
                r#"<span id="userEnabled">{}</span>"#,
                enabled_badge(enabled)
            ),
        ),
        ("Created", date("UserCreateDate")),
        ("Modified", date("UserLastModifiedDate")),
        (
            "Messages",
            link(
                &ui(&format!(
                    "/outbox?pool={}&username={}",
                    url_encode(pool),
                    url_encode(&name)
                )),
                "this user's messages in the outbox",
            ),
        ),
    ]);

    let attributes: Vec<Vec<String>> = u["UserAttributes"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|a| {
            vec![
                format!("<code>{}</code>", escape(text(a, "Name"))),
                format!(
                    r#"<span class="attr-value">{}</span>"#,
                    escape(text(a, "Value"))
                ),
            ]
        })
        .collect();
    let set_attribute = post_form(
        r,
        &action("set-attribute"),
        &format!(
            "{}{}",
            input("Attribute", "name", "", "text"),
            input("Value", "value", "", "text")
        ),
        "Set attribute",
        "row secondary",
        None,
    );

    let mut buttons = Vec::new();
    if status == "UNCONFIRMED" {
        buttons.push(post_form(
            r,
            &action("confirm"),
            "",
            "Confirm sign-up",
            "inline",
            None,
        ));
    }
    buttons.push(if enabled {
        post_form(r, &action("disable"), "", "Disable", "inline danger", None)
    } else {
        post_form(r, &action("enable"), "", "Enable", "inline", None)
    });
    buttons.push(post_form(
        r,
        &action("reset-password"),
        "",
        "Reset password",
        "inline secondary",
        Some("Reset this user's password? They must set a new one with the code sent."),
    ));
    buttons.push(post_form(
        r,
        &action("sign-out"),
        "",
        "Sign out everywhere",
        "inline secondary",
        None,
    ));
    buttons.push(post_form(
        r,
        &action("delete"),
        "",
        "Delete user",
        "inline danger",
        Some("Delete this user for good?"),
    ));
    let set_password = post_form(
        r,
        &action("set-password"),
        &format!(
            r#"{}<label class="check"><input type="checkbox" name="permanent" value="true" checked> permanent</label>"#,
            input("New password", "password", "", "password")
        ),
        "Set password",
        "row secondary",
        None,
    );

    let groups = op(
        r,
        "AdminListGroupsForUser",
        json!({"UserPoolId": pool, "Username": name, "Limit": 60}),
    )?;
    let member_of: Vec<String> = groups["Groups"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|g| text(g, "GroupName").to_string())
        .collect();
    let group_rows = member_of
        .iter()
        .map(|g| {
            vec![
                link(&pool_url(pool, &format!("/groups/{}", url_encode(g))), g),
                post_form(
                    r,
                    &action("remove-from-group"),
                    &format!(
                        r#"<input type="hidden" name="group" value="{}">"#,
                        escape(g)
                    ),
                    "Remove",
                    "inline secondary",
                    None,
                ),
            ]
        })
        .collect();
    let all_groups = op(r, "ListGroups", json!({"UserPoolId": pool, "Limit": 60}))?;
    let options: Vec<(String, String)> = all_groups["Groups"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|g| text(g, "GroupName").to_string())
        .filter(|g| !member_of.contains(g))
        .map(|g| (g.clone(), g))
        .collect();
    let add_group = if options.is_empty() {
        r#"<p class="muted">No other group to add the user to.</p>"#.to_string()
    } else {
        let opts: Vec<(&str, &str)> = options
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        post_form(
            r,
            &action("add-to-group"),
            &select("Group", "group", &opts, ""),
            "Add to group",
            "row",
            None,
        )
    };

    let mfa = dl(&[
        ("Preferred", value_html(&u["PreferredMfaSetting"])),
        ("Enabled factors", value_html(&u["UserMFASettingList"])),
        ("MFAOptions (SMS, legacy)", value_html(&u["MFAOptions"])),
    ]);

    let devices = match op(
        r,
        "AdminListDevices",
        json!({"UserPoolId": pool, "Username": name, "Limit": 60}),
    ) {
        Ok(d) => table(
            &[
                "Device key",
                "Name",
                "Remembered",
                "Last sign-in",
                "Created",
            ],
            d["Devices"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|d| {
                    let attr = |n: &str| {
                        d["DeviceAttributes"]
                            .as_array()
                            .and_then(|a| a.iter().find(|x| x["Name"] == n))
                            .and_then(|x| x["Value"].as_str())
                            .unwrap_or("")
                            .to_string()
                    };
                    let at = |k: &str| d[k].as_f64().map(|t| when(r, t)).unwrap_or_default();
                    vec![
                        format!("<code>{}</code>", escape(text(d, "DeviceKey"))),
                        escape(&attr("device_name")),
                        escape(&attr("device_status")),
                        at("DeviceLastAuthenticatedDate"),
                        at("DeviceCreateDate"),
                    ]
                })
                .collect(),
            "No remembered devices.",
        ),
        Err(e) => not_available(&e),
    };

    let now = r.ctx.now();
    // Live refresh tokens, whether or not the pool tracks sessions (AdminListUserSessions lists them
    // only while it does).
    let (passkeys, codes, live) = r.ctx.app.store.read(|c| {
        Ok((
            store::passkeys::list(c, row.pk, 0, 50)?,
            store::codes::of_user(c, row.pk)?,
            store::tokens::sessions_of_user(c, row.pk, now)?,
        ))
    })?;
    let passkey_rows = passkeys
        .iter()
        .map(|p| {
            vec![
                escape(&p.name),
                format!("<code>{}</code>", escape(&p.rp_id)),
                escape(p.attachment.as_deref().unwrap_or("")),
                escape(&p.transports.join(", ")),
                p.sign_count.to_string(),
                when(r, p.created_at),
            ]
        })
        .collect();
    let sessions_html = table(
        &["Session", "Client", "Signed in", "Last refresh"],
        live.iter()
            .rev()
            .map(|s| {
                vec![
                    format!(
                        "<code>{}</code>",
                        escape(&sessions::session_id(&s.origin_jti))
                    ),
                    format!("<code>{}</code>", escape(&s.client_id)),
                    when(r, s.created_at),
                    when(r, s.last_active),
                ]
            })
            .collect(),
        "No live refresh tokens.",
    );
    let code_rows = codes
        .iter()
        .map(|(purpose, c)| {
            let state = if c.expires_at <= now {
                badge("expired", "bad")
            } else {
                badge("valid", "good")
            };
            vec![
                escape(purpose),
                escape(c.attribute.as_deref().unwrap_or("")),
                format!(r#"<mark class="code">{}</mark>"#, escape(&c.code)),
                format!(r#"<span class="code-state">{state}</span>"#),
                when(r, c.expires_at),
                c.failed_attempts.to_string(),
            ]
        })
        .collect();

    Ok(format!(
        r#"<div class="grid">{}{}</div>{}<div class="grid">{}{}</div>{}{}{}{}"#,
        section("User", &summary),
        section(
            "Actions",
            &format!(
                r#"<div id="actions">{}</div><h3>Password</h3>{set_password}"#,
                buttons.join("")
            )
        ),
        section(
            "Attributes",
            &format!(
                "{}<h3>Change an attribute (AdminUpdateUserAttributes)</h3>{set_attribute}",
                table(&["Name", "Value"], attributes, "No attributes.")
            )
        ),
        section(
            "Groups",
            &format!(
                "{}{add_group}",
                table(&["Group", ""], group_rows, "In no group.")
            )
        ),
        section("MFA", &mfa),
        section(
            "Pending codes",
            &table(
                &[
                    "Purpose",
                    "Sent to",
                    "Code",
                    "State",
                    "Expires",
                    "Wrong tries"
                ],
                code_rows,
                "No pending code."
            )
        ),
        section("Sessions (refresh tokens)", &sessions_html),
        section("Devices", &devices),
        section(
            "Passkeys",
            &table(
                &[
                    "Name",
                    "Relying party",
                    "Attachment",
                    "Transports",
                    "Sign count",
                    "Registered"
                ],
                passkey_rows,
                "No passkeys."
            )
        ),
    ))
}

/// An input the actions need from the form.
pub fn required<'a>(r: &'a Req, name: &str) -> Result<&'a str> {
    r.f(name)
        .ok_or_else(|| crate::err!(InvalidParameterException, "{name} is required."))
}
