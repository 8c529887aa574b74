//! DeleteUserPoolReplica: removes an INACTIVE secondary replica.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::{load, replicas};
use crate::err;

/// DeleteUserPoolReplicaRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    region_name: String,
}

/// Deletes the replica ("You can only delete replicas that are in the INACTIVE status").
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let mut list = replicas::load(ctx, &pool)?;
    let i = replicas::position(&list, &pool, &req.region_name)?;
    if list[i].status != "INACTIVE" {
        return Err(err!(
            InvalidParameterException,
            "The replica in {} is {}; only INACTIVE replicas can be deleted.",
            req.region_name,
            list[i].status
        ));
    }
    let mut removed = list.remove(i);
    removed.status = "DELETING".into();
    let shape = replicas::shape(ctx, &pool, &removed);
    replicas::save(ctx, &pool, &list)?;
    Ok(json!({"UserPoolReplica": shape}))
}
