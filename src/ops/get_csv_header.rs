//! GetCSVHeader: the columns of a user import file for this pool.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::load;
use crate::user_import;

/// GetCSVHeaderRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
}

/// Returns the header.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    Ok(json!({"UserPoolId": pool.id, "CSVHeader": user_import::csv_header(&pool.config)}))
}
