//! ListDevices: the signed-in user's devices, paginated.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::{describe_device, page_start, paginate, token_user};
use crate::{Ctx, store};

/// ListDevicesRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: String,
    limit: Option<usize>,
    pagination_token: Option<String>,
}

/// Lists a user's devices (Limit defaults to 60).
pub fn list(ctx: &Ctx, user_pk: i64, limit: Option<usize>, token: Option<&str>) -> Result<Value> {
    let limit = limit.filter(|l| *l > 0).unwrap_or(60);
    let after = page_start(ctx, token)?;
    let rows = ctx
        .app
        .store
        .read(|c| store::devices::list(c, user_pk, after, limit + 1))?;
    let (rows, next) = paginate(rows, limit, |(rowid, _)| *rowid);
    let devices: Vec<Value> = rows.iter().map(|(_, d)| describe_device(d)).collect();
    Ok(json!({"Devices": devices, "PaginationToken": next}))
}

/// Returns the devices.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (_, _, user) = token_user(ctx, &req.access_token)?;
    list(ctx, user.pk, req.limit, req.pagination_token.as_deref())
}
