//! GetLogDeliveryConfiguration: a pool's log export settings (none until set).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::load;
use crate::store::documents::{self, Kind, Scope};

/// GetLogDeliveryConfigurationRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
}

/// Returns the settings.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let doc = ctx
        .app
        .store
        .read(|c| documents::get::<Value>(c, &pool.id, Kind::LogDelivery, Scope::Pool))?;
    let body = doc
        .map(|d| d.body)
        .unwrap_or_else(|| json!({"UserPoolId": pool.id, "LogConfigurations": []}));
    Ok(json!({"LogDeliveryConfiguration": body}))
}
