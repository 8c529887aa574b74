//! Pagination: opaque tokens over row ids, and one extra row per query to know whether a next page
//! exists.

use serde_json::{Value, json};

use crate::app::Ctx;
use crate::domain::ids;
use crate::err;
use crate::error::Result;
use crate::ops::shapes;
use crate::store;

/// Parses an incoming pagination token (none = from the start).
pub fn start(ctx: &Ctx, token: Option<&str>) -> Result<i64> {
    match token {
        None => Ok(0),
        Some(t) => ids::parse_page_token(t).ok_or_else(|| {
            err!(
                InvalidParameterException,
                "Paging marker {t} is invalid for request {}",
                ctx.request_id
            )
        }),
    }
}

/// Splits one extra row off a page query: returns the page and the token of the next one.
pub fn split<T>(
    mut rows: Vec<T>,
    limit: usize,
    pk: impl Fn(&T) -> i64,
) -> (Vec<T>, Option<String>) {
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(|r| ids::page_token(pk(r)));
        (rows, next)
    } else {
        (rows, None)
    }
}

/// Lists a user's devices (Limit defaults to 60).
pub fn devices(
    ctx: &Ctx,
    user_pk: i64,
    limit: Option<usize>,
    token: Option<&str>,
) -> Result<Value> {
    let limit = limit.filter(|l| *l > 0).unwrap_or(60);
    let after = start(ctx, token)?;
    let rows = ctx
        .app
        .store
        .read(|c| store::devices::list(c, user_pk, after, limit + 1))?;
    let (rows, next) = split(rows, limit, |(rowid, _)| *rowid);
    let devices: Vec<_> = rows
        .iter()
        .map(|(_, d)| shapes::DeviceType::of(d))
        .collect();
    Ok(json!({"Devices": devices, "PaginationToken": next}))
}
