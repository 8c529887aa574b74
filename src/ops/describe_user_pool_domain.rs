//! DescribeUserPoolDomain: the domain's description; an unknown domain is `{"DomainDescription": {}}`,
//! not an error (Terraform reads that as "gone").

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::oauth_settings::DomainDescription;
use crate::store;

/// DescribeUserPoolDomainRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    domain: String,
}

/// Describes the domain.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let row = ctx
        .app
        .store
        .read(|c| store::domains::get(c, &req.domain))?;
    match row {
        Some(row) => Ok(json!({"DomainDescription": DomainDescription::of(ctx, &row)?})),
        None => Ok(json!({"DomainDescription": {}})),
    }
}
