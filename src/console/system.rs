//! The emulator's own state: the trigger invocation log, the clock (show, advance), resets (a pool,
//! everything) and the seed export, through the same code as the control API (`control`).

use hyper::{Response, StatusCode};

use crate::console::layout::{
    badge, datetime, failure, input, json_pre, link, page, pool_url, post_form, section, see_other,
    select, span, table, ui,
};
use crate::console::request::Req;
use crate::control;
use crate::html::escape;
use crate::http::Body;
use crate::triggers::log::Filter;

/// `GET /triggers?pool=&trigger=`: the invocation log, newest first.
pub fn triggers(r: &Req) -> Response<Body> {
    let filter = Filter {
        pool_id: r.q("pool").map(str::to_string),
        trigger: r.q("trigger").map(str::to_string),
        after: None,
    };
    let mut entries = r.ctx.app.invocations.list(&filter);
    entries.reverse();
    let rows = entries
        .iter()
        .map(|i| {
            let outcome = if i.outcome == "ok" {
                badge("ok", "good")
            } else {
                badge(&i.outcome, "bad")
            };
            let answer = i
                .answer
                .as_ref()
                .map(|a| {
                    format!(
                        "<details><summary>answer</summary>{}</details>",
                        json_pre(a)
                    )
                })
                .unwrap_or_default();
            vec![
                i.id.to_string(),
                format!("<time>{}</time>", escape(&datetime(i.started_at))),
                link(&pool_url(&i.pool_id, ""), &i.pool_id),
                format!(
                    "{}<br><span class=\"muted\">{}</span>",
                    escape(&i.trigger),
                    escape(&i.trigger_source)
                ),
                format!(
                    "<code>{}</code><br><span class=\"muted\">{}</span>",
                    escape(&i.function),
                    escape(i.url.as_deref().unwrap_or("no endpoint"))
                ),
                format!("{:.1} ms", i.duration_ms),
                format!("{outcome}<br>{}", escape(i.error.as_deref().unwrap_or(""))),
                format!(
                    "<details><summary>event</summary>{}</details>{answer}",
                    json_pre(&i.event)
                ),
            ]
        })
        .collect();
    let form = format!(
        r#"<form method="get" action="{}" class="row">{}{}<button type="submit">Filter</button></form>"#,
        escape(&ui("/triggers")),
        input("Pool id", "pool", r.q("pool").unwrap_or(""), "text"),
        input(
            "Trigger or source (PreSignUp, PreSignUp_SignUp...)",
            "trigger",
            r.q("trigger").unwrap_or(""),
            "text"
        ),
    );
    page(
        r,
        StatusCode::OK,
        "Trigger invocations",
        &[],
        &format!(
            r#"<section class="card">{form}<p class="muted">The last 1,000 Lambda trigger invocations (also at <code>GET /_emulator/invocations</code>).</p></section><section class="card" id="invocations">{}</section>"#,
            table(
                &[
                    "#",
                    "Started",
                    "Pool",
                    "Trigger",
                    "Function",
                    "Took",
                    "Outcome",
                    "Event / answer"
                ],
                rows,
                "No trigger has run yet."
            )
        ),
    )
}

const UNITS: &[(&str, &str)] = &[
    ("seconds", "seconds"),
    ("minutes", "minutes"),
    ("hours", "hours"),
    ("days", "days"),
];

/// `GET /clock` (time, offset, reset and export) and `POST /clock` (advance by an amount).
pub fn clock(r: &Req) -> Response<Body> {
    let mut problem = String::new();
    if r.method == hyper::Method::POST {
        let amount = r.f("amount").and_then(|a| a.trim().parse::<f64>().ok());
        let unit = match r.f("unit").unwrap_or("seconds") {
            "minutes" => 60.0,
            "hours" => 3600.0,
            "days" => 86_400.0,
            _ => 1.0,
        };
        match amount {
            Some(a) if control::advance_clock(&r.ctx.app, a * unit) => {
                return see_other(r, &ui("/clock?done=clock"));
            }
            _ => {
                problem = r#"<div class="alert error" role="alert" id="errorMessage">The amount must be a number from 0 to 1000 years.</div>"#.into();
            }
        }
    }
    let clock = &r.ctx.app.clock;
    let offset = clock.offset_ms() as f64 / 1000.0;
    let now = format!(
        r#"<p class="now-big"><time id="emulatorTime">{}</time></p><p class="muted">Epoch seconds <code>{:.3}</code> · ahead of this machine's clock by <span id="clockOffset">{}</span>. Codes, sessions, tokens and lockouts expire against this time.</p>"#,
        escape(&datetime(clock.now_f64())),
        clock.now_f64(),
        escape(&if offset > 0.0 {
            span(offset)
        } else {
            "nothing".into()
        })
    );
    let presets = [("1 hour", "1", "hours"), ("1 day", "1", "days"), ("25 hours", "25", "hours"), ("31 days", "31", "days")]
        .iter()
        .map(|(label, amount, unit)| {
            post_form(
                r,
                &ui("/clock"),
                &format!(
                    r#"<input type="hidden" name="amount" value="{amount}"><input type="hidden" name="unit" value="{unit}">"#
                ),
                &format!("+ {label}"),
                "inline secondary",
                None,
            )
        })
        .collect::<String>();
    let advance = post_form(
        r,
        &ui("/clock"),
        &format!(
            "{}{}",
            input("Amount", "amount", "", "text"),
            select("Unit", "unit", UNITS, "hours")
        ),
        "Advance the clock",
        "row advance",
        None,
    );
    let reset_all = post_form(
        r,
        &ui("/reset"),
        "",
        "Reset everything",
        "danger",
        Some("Delete every pool, user and message (the seed file is applied again)?"),
    );
    let seed = r
        .ctx
        .app
        .config
        .seed
        .as_ref()
        .map(|p| {
            format!(
                "the seed file <code>{}</code> is applied again",
                escape(&p.display().to_string())
            )
        })
        .unwrap_or_else(|| "no seed file is configured".into());
    page(
        r,
        StatusCode::OK,
        "Clock & data",
        &[],
        &format!(
            r#"{problem}<div class="grid">{}{}</div>"#,
            section(
                "Emulated time",
                &format!(r#"{now}<h3>Move forward</h3><div>{presets}</div>{advance}"#)
            ),
            section(
                "Data",
                &format!(
                    r#"<h3>Export</h3><p>{}: the current state as a seed file (pools, clients, groups, users with their password hashes).</p><h3>Reset</h3><p class="muted">Deletes every pool, user and message; {seed}. A single pool is reset from its settings page.</p>{reset_all}"#,
                    link(&ui("/export"), "Download seed.json")
                )
            )
        ),
    )
}

/// `POST /reset` and `POST /pools/<pool>/reset`.
pub fn reset(r: &Req, pool: Option<&str>) -> Response<Body> {
    match control::reset_state(&r.ctx.app, pool.map(str::to_string)) {
        Ok(_) => match pool {
            Some(p) => see_other(r, &pool_url(p, "?done=reset")),
            None => see_other(r, &ui("?done=reset-all")),
        },
        Err((status, message)) => page(
            r,
            status,
            "Reset failed",
            &[],
            &failure(&crate::err!(InternalErrorException, "{message}")),
        ),
    }
}

/// `GET /export`: the seed file as a download.
pub fn export(r: &Req) -> Response<Body> {
    match crate::seed::export(&r.ctx.app) {
        Ok(doc) => Response::builder()
            .status(StatusCode::OK)
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .header(
                hyper::header::CONTENT_DISPOSITION,
                "attachment; filename=\"seed.json\"",
            )
            .header(hyper::header::CACHE_CONTROL, "no-store")
            .body(Body::from(
                serde_json::to_string_pretty(&doc).unwrap_or_default(),
            ))
            .expect("valid response"),
        Err(e) => page(
            r,
            StatusCode::INTERNAL_SERVER_ERROR,
            "Export failed",
            &[],
            &failure(&e),
        ),
    }
}
