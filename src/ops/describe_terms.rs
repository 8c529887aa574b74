//! DescribeTerms: one terms document by id.

use serde::Deserialize;
use serde_json::Value;

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::terms;

/// DescribeTermsRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    terms_id: String,
    user_pool_id: String,
}

/// Describes the terms.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let row = terms::load(ctx, &req.user_pool_id, &req.terms_id)?;
    terms::TermsType::answer(&row)
}
