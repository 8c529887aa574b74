//! The console's page frame and the small HTML builders every page uses. Every value passes
//! `html::escape` here or at its call site; the stylesheet and the one script are static files of the
//! console (`statics`), so the Content-Security-Policy allows no inline script or style at all.

use hyper::header::HeaderValue;
use hyper::{Response, StatusCode};
use serde_json::Value;

use crate::console::request::Req;
use crate::error::CognitoError;
use crate::html::{self, escape};
use crate::http::Body;

/// The console's Content-Security-Policy: scripts and styles from the emulator only, no inline code.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                       connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// `/_emulator/ui<path>`.
pub fn ui(path: &str) -> String {
    format!("/_emulator/ui{path}")
}

/// A path segment, percent-encoded.
pub fn seg(s: &str) -> String {
    html::url_encode(s)
}

/// `/_emulator/ui/pools/<pool><rest>`.
pub fn pool_url(pool: &str, rest: &str) -> String {
    ui(&format!("/pools/{}{rest}", seg(pool)))
}

/// `/_emulator/ui/pools/<pool>/users/<username><rest>`.
pub fn user_url(pool: &str, username: &str, rest: &str) -> String {
    pool_url(pool, &format!("/users/{}{rest}", seg(username)))
}

/// `<a href>` with escaped text.
pub fn link(href: &str, text: &str) -> String {
    format!(r#"<a href="{}">{}</a>"#, escape(href), escape(text))
}

/// A small coloured label.
pub fn badge(text: &str, kind: &str) -> String {
    format!(
        r#"<span class="badge {}">{}</span>"#,
        escape(kind),
        escape(text)
    )
}

/// The badge of a user status.
pub fn status_badge(status: &str) -> String {
    let kind = match status {
        "CONFIRMED" => "good",
        "UNCONFIRMED" | "FORCE_CHANGE_PASSWORD" | "RESET_REQUIRED" => "warn",
        _ => "muted",
    };
    badge(status, kind)
}

/// Enabled / Disabled.
pub fn enabled_badge(enabled: bool) -> String {
    if enabled {
        badge("Enabled", "good")
    } else {
        badge("Disabled", "bad")
    }
}

/// A table; cells are HTML already. An empty list shows `empty`.
pub fn table(headers: &[&str], rows: Vec<Vec<String>>, empty: &str) -> String {
    if rows.is_empty() {
        return format!(r#"<p class="muted">{}</p>"#, escape(empty));
    }
    let head: String = headers
        .iter()
        .map(|h| format!("<th>{}</th>", escape(h)))
        .collect();
    let body: String = rows
        .into_iter()
        .map(|cells| {
            let tds: String = cells.into_iter().map(|c| format!("<td>{c}</td>")).collect();
            format!("<tr>{tds}</tr>")
        })
        .collect();
    format!(
        r#"<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"#
    )
}

/// A section with a heading.
pub fn section(title: &str, body: &str) -> String {
    format!(
        r#"<section class="card"><h2>{}</h2>{body}</section>"#,
        escape(title)
    )
}

/// A POST form with the CSRF field; `confirm` asks first (console.js).
pub fn post_form(
    r: &Req,
    action: &str,
    inner: &str,
    button: &str,
    class: &str,
    confirm: Option<&str>,
) -> String {
    let confirm = confirm
        .map(|c| format!(r#" data-confirm="{}""#, escape(c)))
        .unwrap_or_default();
    format!(
        r#"<form method="post" action="{}" class="{}"{confirm}>{}{inner}<button type="submit">{}</button></form>"#,
        escape(action),
        escape(class),
        r.csrf.field(),
        escape(button)
    )
}

/// A labelled text input.
pub fn input(label: &str, name: &str, value: &str, kind: &str) -> String {
    format!(
        r#"<label>{}<input type="{}" name="{}" value="{}" autocomplete="off"></label>"#,
        escape(label),
        escape(kind),
        escape(name),
        escape(value)
    )
}

/// A `<select>` with `options` (value, label); `selected` is preselected.
pub fn select(label: &str, name: &str, options: &[(&str, &str)], selected: &str) -> String {
    let opts: String = options
        .iter()
        .map(|(v, l)| {
            format!(
                r#"<option value="{}"{}>{}</option>"#,
                escape(v),
                if *v == selected { " selected" } else { "" },
                escape(l)
            )
        })
        .collect();
    format!(
        r#"<label>{}<select name="{}">{opts}</select></label>"#,
        escape(label),
        escape(name)
    )
}

/// An operation's failure, as the API would name it.
pub fn failure(e: &CognitoError) -> String {
    format!(
        r#"<div class="alert error" role="alert" id="errorMessage"><strong>{}</strong>: {}</div>"#,
        escape(e.name()),
        escape(e.message())
    )
}

/// The confirmation of a finished action, from the fixed list (the URL names it; its text is ours).
pub fn flash(r: &Req) -> String {
    const DONE: &[(&str, &str)] = &[
        ("created", "User created."),
        ("confirmed", "Sign-up confirmed."),
        ("enabled", "User enabled."),
        ("disabled", "User disabled: sign-ins are refused."),
        (
            "password-reset",
            "Password reset: the user must set a new one with the code sent.",
        ),
        ("password-set", "Password set."),
        ("group-added", "Added to the group."),
        ("group-removed", "Removed from the group."),
        (
            "signed-out",
            "Signed out everywhere: refresh tokens revoked.",
        ),
        ("attribute-set", "Attribute updated."),
        ("deleted", "User deleted."),
        ("clock", "Clock moved forward."),
        (
            "reset",
            "Pool reset (users, groups and messages deleted; seed re-applied).",
        ),
        ("reset-all", "Everything reset; seed re-applied."),
    ];
    r.q("done")
        .and_then(|d| DONE.iter().find(|(k, _)| *k == d))
        .map(|(_, text)| {
            format!(
                r#"<div class="alert info" role="status" id="infoMessage">{}</div>"#,
                escape(text)
            )
        })
        .unwrap_or_default()
}

/// Pretty JSON in a `<pre>`, escaped.
pub fn json_pre(v: &Value) -> String {
    format!(
        r#"<pre class="json">{}</pre>"#,
        escape(&serde_json::to_string_pretty(v).unwrap_or_default())
    )
}

/// Any JSON value as nested definition lists and chips.
pub fn value_html(v: &Value) -> String {
    match v {
        Value::Null => r#"<span class="muted">—</span>"#.into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => escape(s),
        Value::Array(items) if items.is_empty() => r#"<span class="muted">none</span>"#.into(),
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => items
            .iter()
            .map(|i| format!(r#"<span class="chip">{}</span>"#, value_html(i)))
            .collect(),
        Value::Array(items) => items
            .iter()
            .map(|i| format!(r#"<div class="item">{}</div>"#, value_html(i)))
            .collect(),
        Value::Object(map) if map.is_empty() => r#"<span class="muted">none</span>"#.into(),
        Value::Object(map) => {
            let rows: String = map
                .iter()
                .map(|(k, v)| format!("<dt>{}</dt><dd>{}</dd>", escape(k), value_html(v)))
                .collect();
            format!(r#"<dl class="kv">{rows}</dl>"#)
        }
    }
}

/// Epoch seconds as `2026-05-01 12:00:00 UTC`.
pub fn datetime(secs: f64) -> String {
    let s = secs.floor() as i64;
    let (y, m, d) = crate::clock::civil_from_days(s.div_euclid(86_400));
    let t = s.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

/// A span of seconds in words: `3 d 4 h`, `25 min`, `40 s`.
pub fn span(secs: f64) -> String {
    let s = secs.abs().round() as i64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        3600..86_400 => format!("{} h {} min", s / 3600, s / 60 % 60),
        _ => format!("{} d {} h", s / 86_400, s / 3600 % 24),
    }
}

/// A date cell: the date, with "in ..." / "... ago" against the emulator's clock as a tooltip.
pub fn when(r: &Req, secs: f64) -> String {
    let delta = secs - r.ctx.now();
    let rel = if delta >= 0.0 {
        format!("in {}", span(delta))
    } else {
        format!("{} ago", span(delta))
    };
    format!(
        r#"<time title="{}">{}</time>"#,
        escape(&rel),
        escape(&datetime(secs))
    )
}

/// "First page" / "Next page" links: `base` is the page's URL with its other parameters (ending in `?`
/// or `&`), `current` the page token shown now, `next` the operation's next token.
pub fn pager(base: &str, current: Option<&str>, next: Option<&str>) -> String {
    let mut links = Vec::new();
    if current.is_some() {
        links.push(link(base.trim_end_matches(['?', '&']), "« First page"));
    }
    if let Some(n) = next {
        links.push(format!(
            r#"<a href="{}" rel="next" id="nextPage">Next page »</a>"#,
            escape(&format!("{base}page={}", html::url_encode(n)))
        ));
    }
    if links.is_empty() {
        return String::new();
    }
    format!(r#"<div class="pager">{}</div>"#, links.join(""))
}

/// The tabs of a pool's pages.
pub fn pool_tabs(pool: &str, active: &str) -> String {
    let tabs = [
        ("settings", "Settings", pool_url(pool, "")),
        ("users", "Users", pool_url(pool, "/users")),
        ("clients", "App clients", pool_url(pool, "/clients")),
        ("groups", "Groups", pool_url(pool, "/groups")),
        (
            "resource-servers",
            "Resource servers",
            pool_url(pool, "/resource-servers"),
        ),
        (
            "identity-providers",
            "Identity providers",
            pool_url(pool, "/identity-providers"),
        ),
        (
            "outbox",
            "Outbox",
            ui(&format!("/outbox?pool={}", seg(pool))),
        ),
        (
            "triggers",
            "Triggers",
            ui(&format!("/triggers?pool={}", seg(pool))),
        ),
    ];
    let items: String = tabs
        .iter()
        .map(|(key, label, href)| {
            format!(
                r#"<a href="{}"{}>{}</a>"#,
                escape(href),
                if *key == active {
                    r#" class="active" aria-current="page""#
                } else {
                    ""
                },
                escape(label)
            )
        })
        .collect();
    format!(r#"<nav class="tabs">{items}</nav>"#)
}

/// The whole document: header with navigation and the emulated time, breadcrumbs, `body`.
pub fn document(r: &Req, title: &str, crumbs: &[(String, String)], body: &str) -> String {
    let clock = &r.ctx.app.clock;
    let offset = clock.offset_ms() as f64 / 1000.0;
    let shifted = if offset > 0.0 {
        format!(
            r#" <span class="badge warn">+{}</span>"#,
            escape(&span(offset))
        )
    } else {
        String::new()
    };
    let mut trail = vec![link(&ui(""), "Pools")];
    trail.extend(crumbs.iter().map(|(href, text)| link(href, text)));
    let nav = [
        ("", "Pools"),
        ("/outbox", "Outbox"),
        ("/tokens", "Tokens"),
        ("/triggers", "Triggers"),
        ("/clock", "Clock & data"),
    ]
    .iter()
    .map(|(p, l)| link(&ui(p), l))
    .collect::<String>();
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title} · cognito-emulator console</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/_emulator/ui/console.css">
<script src="/_emulator/ui/console.js" defer></script></head>
<body><header class="top"><a class="brand" href="/_emulator/ui">cognito-emulator <span>console</span></a>
<nav class="main">{nav}</nav><a class="now" href="/_emulator/ui/clock" title="the emulator's clock">{now}{shifted}</a></header>
<main><p class="crumbs">{trail}</p><h1>{title}</h1>
{flash}{body}
</main><footer>cognito-emulator {version} · every action here is a Cognito API operation on this emulator</footer></body></html>"#,
        title = escape(title),
        now = escape(&datetime(clock.now_f64())),
        trail = trail.join(" › "),
        flash = flash(r),
        version = env!("CARGO_PKG_VERSION"),
    )
}

/// An HTML answer with the console's headers (CSP without inline code, no framing, no caching).
pub fn respond(status: StatusCode, doc: String, cookies: &[String]) -> Response<Body> {
    let mut resp = html::response(status, doc, cookies);
    resp.headers_mut()
        .insert("content-security-policy", HeaderValue::from_static(CSP));
    resp
}

/// A page: `document` answered with `status` and this browser's cookies.
pub fn page(
    r: &Req,
    status: StatusCode,
    title: &str,
    crumbs: &[(String, String)],
    body: &str,
) -> Response<Body> {
    respond(status, document(r, title, crumbs, body), &r.cookies())
}

/// `303 See Other` to `location` (after a POST).
pub fn see_other(r: &Req, location: &str) -> Response<Body> {
    let mut b = Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(hyper::header::LOCATION, location)
        .header(hyper::header::CACHE_CONTROL, "no-store");
    for c in r.cookies() {
        b = b.header(hyper::header::SET_COOKIE, c);
    }
    b.body(Body::default()).expect("valid response")
}

/// A 404 page.
pub fn not_found(r: &Req, message: &str) -> Response<Body> {
    page(
        r,
        StatusCode::NOT_FOUND,
        "Not found",
        &[],
        &format!(
            r#"<div class="alert error" role="alert">{}</div>"#,
            escape(message)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_spans() {
        assert_eq!(datetime(0.0), "1970-01-01 00:00:00 UTC");
        assert_eq!(datetime(1_709_251_199.5), "2024-02-29 23:59:59 UTC");
        assert_eq!(datetime(951_782_400.0), "2000-02-29 00:00:00 UTC");
        assert_eq!(span(59.0), "59 s");
        assert_eq!(span(-3600.0 * 25.0), "1 d 1 h");
        assert_eq!(span(3660.0), "1 h 1 min");
    }

    #[test]
    fn values_are_escaped() {
        let v = serde_json::json!({"<k>": ["<a>", {"x": "\"q\""}], "n": null});
        let out = value_html(&v);
        assert!(
            out.contains("&lt;k&gt;") && out.contains("&lt;a&gt;") && out.contains("&quot;q&quot;")
        );
        assert!(!out.contains("<a>") && !out.contains("<k>"));
        assert!(json_pre(&serde_json::json!("<script>")).contains("&lt;script&gt;"));
    }
}
