//! DeleteUserPoolDomain: removes the domain (its hosted pages stop answering on that host).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::load;
use crate::{err, store};

/// DeleteUserPoolDomainRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    domain: String,
    user_pool_id: String,
}

/// Deletes the domain.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let deleted = ctx
        .app
        .store
        .write(|c| store::domains::delete(c, &pool.id, &req.domain))?;
    if !deleted {
        return Err(err!(
            InvalidParameterException,
            "No such domain or user pool exists."
        ));
    }
    Ok(json!({}))
}
