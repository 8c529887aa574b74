//! DescribeRiskConfiguration: the threat protection settings of an app client, else of the pool.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::app::Ctx;
use crate::auth::history;
use crate::error::Result;
use crate::ops::load;
use crate::store::documents::{self, Document, Kind, Scope};

/// DescribeRiskConfigurationRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    client_id: Option<String>,
}

/// Describes the configuration in force.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    if let Some(id) = &req.client_id {
        load::pool_client(ctx, &pool.id, id)?;
    }
    history::require_collecting(&pool)?;
    let found: Option<(bool, Document<Map<String, Value>>)> = ctx.app.store.read(|c| {
        if let Some(id) = &req.client_id {
            if let Some(d) = documents::get(c, &pool.id, Kind::RiskConfiguration, Scope::Client(id))? {
                return Ok(Some((true, d)));
            }
        }
        Ok(documents::get(c, &pool.id, Kind::RiskConfiguration, Scope::Pool)?.map(|d| (false, d)))
    })?;
    let mut out = Map::new();
    out.insert("UserPoolId".into(), json!(pool.id));
    if let Some((client_level, doc)) = found {
        if client_level {
            out.insert("ClientId".into(), json!(req.client_id));
        }
        out.extend(doc.body);
        out.insert("LastModifiedDate".into(), json!(doc.updated_at));
    }
    Ok(json!({"RiskConfiguration": out}))
}
