//! UpdateUserPoolReplica: activates or deactivates a replica.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::{load, replicas};

/// UpdateUserPoolReplicaRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    region_name: String,
    status: String,
}

/// Updates the replica's status.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    if req.region_name == crate::domain::ids::pool_region(&pool.id) {
        return Ok(json!({"UserPoolReplica": replicas::primary(ctx, &pool)}));
    }
    let mut list = replicas::load(ctx, &pool)?;
    let i = replicas::position(&list, &pool, &req.region_name)?;
    list[i].status = req.status;
    let shape = replicas::shape(ctx, &pool, &list[i]);
    replicas::save(ctx, &pool, &list)?;
    Ok(json!({"UserPoolReplica": shape}))
}
