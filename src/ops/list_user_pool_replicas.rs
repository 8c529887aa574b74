//! ListUserPoolReplicas: the primary and the secondary replicas of a pool (one page).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::{load, replicas};

/// ListUserPoolReplicasRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    #[allow(dead_code)]
    next_token: Option<String>,
}

/// Lists the replicas.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let mut out = vec![replicas::primary(ctx, &pool)];
    for r in replicas::load(ctx, &pool)? {
        out.push(replicas::shape(ctx, &pool, &r));
    }
    Ok(json!({"UserPoolReplicas": out}))
}
