//! ListUserPools: `UserPoolDescriptionType` pages in creation order.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::paging;
use crate::app::Ctx;
use crate::store;

/// ListUserPoolsRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    next_token: Option<String>,
    max_results: usize,
}

/// Lists up to MaxResults pools after NextToken.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let after = paging::start(ctx, req.next_token.as_deref())?;
    let rows = ctx.app.store.read(|c| store::pools::list(c, after, req.max_results + 1))?;
    let (rows, next) = paging::split(rows, req.max_results, |p| p.pk);
    let pools: Vec<Value> = rows
        .iter()
        .map(|p| {
            json!({
                "Id": p.id,
                "Name": p.name,
                "LambdaConfig": p.config.lambda_config,
                "LastModifiedDate": p.updated_at,
                "CreationDate": p.created_at,
            })
        })
        .collect();
    Ok(json!({"UserPools": pools, "NextToken": next}))
}
