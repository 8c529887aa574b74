//! The outbox: every message the pools sent, newest first, the code highlighted; filtered by pool and
//! user; refreshed live by console.js polling `outbox.json` (JSON, rows built with textContent).

use hyper::{Response, StatusCode};
use serde_json::{Value, json};

use crate::console::layout::{
    datetime, failure, input, link, page as frame, pool_url, ui, user_url,
};
use crate::console::request::Req;
use crate::html::{escape, query_string};
use crate::http::{Body, json_error, json_ok};
use crate::store::outbox::{self, Filter, MessageRow};

/// Messages a page shows.
const PAGE: usize = 100;

fn filter(r: &Req) -> Filter {
    Filter {
        pool_id: r.q("pool").map(str::to_string),
        username: r.q("username").map(str::to_string),
        destination: r.q("destination").map(str::to_string),
        after: None,
    }
}

/// `text` escaped, with every occurrence of `code` in a `<mark>`.
pub fn highlight(text: &str, code: Option<&str>) -> String {
    match code.filter(|c| !c.is_empty()) {
        Some(c) => text
            .split(c)
            .map(escape)
            .collect::<Vec<_>>()
            .join(&format!(r#"<mark class="code">{}</mark>"#, escape(c))),
        None => escape(text),
    }
}

fn row(m: &MessageRow) -> String {
    let code = m
        .code
        .as_deref()
        .map(|c| {
            format!(
                r#"<mark class="code">{}</mark><button type="button" class="copy" data-copy="{}">copy</button>"#,
                escape(c),
                escape(c)
            )
        })
        .unwrap_or_default();
    let subject = m
        .subject
        .as_deref()
        .map(|s| format!("<strong>{}</strong>", escape(s)))
        .unwrap_or_default();
    format!(
        r#"<tr data-id="{id}"><td>{id}</td><td><time>{created}</time></td><td>{pool}</td><td>{user}</td><td>{kind} · {medium}</td><td>{dest}</td><td>{subject}<pre class="body">{body}</pre></td><td class="code-cell">{code}</td></tr>"#,
        id = m.id,
        created = escape(&datetime(m.created_at)),
        pool = link(&pool_url(&m.pool_id, ""), &m.pool_id),
        user = link(&user_url(&m.pool_id, &m.username, ""), &m.username),
        kind = escape(&m.kind),
        medium = escape(&m.medium),
        dest = escape(&m.destination),
        body = highlight(&m.body, m.code.as_deref()),
    )
}

/// `GET /outbox?pool=&username=&destination=&before=`.
pub fn page(r: &Req) -> Response<Body> {
    let f = filter(r);
    let before = r.q("before").and_then(|b| b.parse::<i64>().ok());
    let rows = match r
        .ctx
        .app
        .store
        .read(|c| outbox::latest(c, &f, before, PAGE))
    {
        Ok(rows) => rows,
        Err(e) => {
            return frame(
                r,
                StatusCode::INTERNAL_SERVER_ERROR,
                "Outbox",
                &[],
                &failure(&e),
            );
        }
    };
    let params: Vec<(&str, &str)> = [
        ("pool", f.pool_id.as_deref()),
        ("username", f.username.as_deref()),
        ("destination", f.destination.as_deref()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
    .collect();
    let feed = if before.is_none() {
        format!(
            r#" data-feed="{}""#,
            escape(&ui(&format!(
                "/outbox.json?{}",
                query_string(params.clone())
            )))
        )
    } else {
        String::new()
    };
    let last = rows.first().map_or(0, |m| m.id);
    let older = match rows.last() {
        Some(m) if rows.len() == PAGE => {
            let mut p = params.clone();
            let id = m.id.to_string();
            p.push(("before", &id));
            link(
                &ui(&format!("/outbox?{}", query_string(p))),
                "Older messages »",
            )
        }
        _ => String::new(),
    };
    let newest = if before.is_some() {
        link(
            &ui(&format!("/outbox?{}", query_string(params))),
            "« Newest",
        )
    } else {
        String::new()
    };
    let empty = if rows.is_empty() {
        r#"<p class="muted" id="outbox-empty">No messages yet. Codes the pools send (sign-up, invitations, password resets, MFA) land here.</p>"#
    } else {
        ""
    };
    let live = if before.is_none() {
        r#"<label class="check live"><input type="checkbox" id="live" checked> live (new messages appear without reloading)</label> <span class="live" id="live-status"></span>"#
    } else {
        ""
    };
    let form = format!(
        r#"<form method="get" action="{}" class="row" id="outbox-filter">{}{}{}<button type="submit">Filter</button></form>"#,
        escape(&ui("/outbox")),
        input(
            "Pool id",
            "pool",
            f.pool_id.as_deref().unwrap_or(""),
            "text"
        ),
        input(
            "Username",
            "username",
            f.username.as_deref().unwrap_or(""),
            "text"
        ),
        input(
            "Destination",
            "destination",
            f.destination.as_deref().unwrap_or(""),
            "text"
        ),
    );
    let body = format!(
        r#"<section class="card">{form}<p>{live}</p></section><section class="card"><div class="scroll"><table id="outbox"{feed} data-last="{last}"><thead><tr><th>#</th><th>Sent</th><th>Pool</th><th>User</th><th>Kind</th><th>To</th><th>Message</th><th>Code</th></tr></thead><tbody>{}</tbody></table></div>{empty}<div class="pager">{newest}{older}</div></section>"#,
        rows.iter().map(row).collect::<String>()
    );
    frame(r, StatusCode::OK, "Outbox", &[], &body)
}

/// `GET /outbox.json?pool=&username=&destination=&after=`: newer messages, oldest first, for the live
/// refresh.
pub fn feed(r: &Req) -> Response<Body> {
    let mut f = filter(r);
    f.after = match r.q("after").map(str::parse::<i64>) {
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => return json_error(StatusCode::BAD_REQUEST, "after must be a message id"),
        None => None,
    };
    match r.ctx.app.store.read(|c| outbox::list(c, &f)) {
        Ok(rows) => {
            let messages: Vec<Value> = rows
                .iter()
                .map(|m| {
                    json!({
                        "id": m.id,
                        "created": datetime(m.created_at),
                        "poolId": m.pool_id,
                        "poolUrl": pool_url(&m.pool_id, ""),
                        "username": m.username,
                        "userUrl": user_url(&m.pool_id, &m.username, ""),
                        "kind": m.kind,
                        "medium": m.medium,
                        "destination": m.destination,
                        "subject": m.subject,
                        "body": m.body,
                        "code": m.code,
                    })
                })
                .collect();
            let mut resp = json_ok(json!({"messages": messages}));
            resp.headers_mut().insert(
                hyper::header::CACHE_CONTROL,
                hyper::header::HeaderValue::from_static("no-store"),
            );
            resp
        }
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, e.message()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_marked_and_text_escaped() {
        assert_eq!(
            highlight("<b>Your code is 123456</b>", Some("123456")),
            r#"&lt;b&gt;Your code is <mark class="code">123456</mark>&lt;/b&gt;"#
        );
        assert_eq!(highlight("a<b", None), "a&lt;b");
    }
}
