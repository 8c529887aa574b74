//! User pool replicas (Create/Delete/List/UpdateUserPoolReplica). The emulator serves every pool
//! whatever region a request is signed for, so a replica needs no copying: it is recorded with AWS's
//! states (a new replica is INACTIVE until set ACTIVE; only INACTIVE ones can be deleted) and listed
//! after the primary.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::domain::ids;
use crate::err;
use crate::error::Result;
use crate::ops::shapes;
use crate::store::documents::{self, Kind, Scope};
use crate::store::pools::PoolRow;

/// One secondary replica.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Replica {
    /// RegionName.
    pub region_name: String,
    /// INACTIVE or ACTIVE.
    pub status: String,
    /// Tags given at creation.
    #[serde(default)]
    pub tags: serde_json::Map<String, Value>,
}

/// The stored replicas of a pool.
pub fn load(ctx: &Ctx, pool: &PoolRow) -> Result<Vec<Replica>> {
    Ok(ctx
        .app
        .store
        .read(|c| documents::get::<Vec<Replica>>(c, &pool.id, Kind::Replicas, Scope::Pool))?
        .map(|d| d.body)
        .unwrap_or_default())
}

/// Saves the replicas of a pool.
pub fn save(ctx: &Ctx, pool: &PoolRow, replicas: &[Replica]) -> Result<()> {
    let now = ctx.now();
    ctx.app
        .store
        .write(|c| documents::put(c, &pool.id, Kind::Replicas, Scope::Pool, &replicas, now))
}

/// The ARN of the pool in `region`.
pub fn arn(ctx: &Ctx, pool: &PoolRow, region: &str) -> String {
    let primary = shapes::pool_arn(ctx, &pool.id);
    primary.replacen(
        &format!(":{}:", ids::pool_region(&pool.id)),
        &format!(":{region}:"),
        1,
    )
}

/// `UserPoolReplicaType` of a secondary replica.
pub fn shape(ctx: &Ctx, pool: &PoolRow, r: &Replica) -> Value {
    json!({
        "RegionName": r.region_name,
        "Status": r.status,
        "Role": "SECONDARY",
        "UserPoolArn": arn(ctx, pool, &r.region_name),
    })
}

/// `UserPoolReplicaType` of the primary.
pub fn primary(ctx: &Ctx, pool: &PoolRow) -> Value {
    json!({
        "RegionName": ids::pool_region(&pool.id),
        "Status": "ACTIVE",
        "Role": "PRIMARY",
        "UserPoolArn": shapes::pool_arn(ctx, &pool.id),
    })
}

/// A region name as AWS spells them (`eu-west-1`, `us-gov-west-1`).
pub fn check_region(region: &str) -> Result<()> {
    let parts: Vec<&str> = region.split('-').collect();
    let ok = parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        Ok(())
    } else {
        Err(err!(
            InvalidParameterException,
            "{region} is not an AWS Region name."
        ))
    }
}

/// The replica in `region`, or ResourceNotFoundException.
pub fn position(replicas: &[Replica], pool: &PoolRow, region: &str) -> Result<usize> {
    replicas
        .iter()
        .position(|r| r.region_name == region)
        .ok_or_else(|| {
            err!(
                ResourceNotFoundException,
                "User pool {} has no replica in {region}.",
                pool.id
            )
        })
}
