//! CreateUserPoolReplica: records a secondary replica of a pool in another region (INACTIVE).

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::app::Ctx;
use crate::domain::ids;
use crate::error::Result;
use crate::ops::{load, replicas, tagging};
use crate::err;

/// CreateUserPoolReplicaRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    region_name: String,
    user_pool_tags: Option<Map<String, Value>>,
}

/// Creates the replica.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    replicas::check_region(&req.region_name)?;
    if req.region_name == ids::pool_region(&pool.id) {
        return Err(err!(
            InvalidParameterException,
            "User pool {} already lives in {}: a replica must be in another region.",
            pool.id,
            req.region_name
        ));
    }
    let tags = req.user_pool_tags.unwrap_or_default();
    tagging::check_count(&tags)?;
    let mut list = replicas::load(ctx, &pool)?;
    if list.iter().any(|r| r.region_name == req.region_name) {
        return Err(err!(
            InvalidParameterException,
            "User pool {} already has a replica in {}.",
            pool.id,
            req.region_name
        ));
    }
    let replica = replicas::Replica {
        region_name: req.region_name,
        status: "INACTIVE".into(),
        tags,
    };
    let shape = replicas::shape(ctx, &pool, &replica);
    list.push(replica);
    replicas::save(ctx, &pool, &list)?;
    Ok(json!({"UserPoolReplica": shape}))
}
