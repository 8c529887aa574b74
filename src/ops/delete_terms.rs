//! DeleteTerms: removes a terms document.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::terms;
use crate::store;

/// DeleteTermsRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    terms_id: String,
    user_pool_id: String,
}

/// Deletes the terms.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let row = terms::load(ctx, &req.user_pool_id, &req.terms_id)?;
    ctx.app
        .store
        .write(|c| store::terms::delete(c, &row.pool_id, &row.id))?;
    Ok(json!({}))
}
