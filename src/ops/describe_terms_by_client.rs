//! DescribeTermsByClient: an app client's terms document of one name.

use serde::Deserialize;
use serde_json::Value;

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::{load, terms};
use crate::{err, store};

/// DescribeTermsByClientRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    client_id: String,
    user_pool_id: String,
    terms_name: String,
}

/// Describes the terms.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, _) = load::pool_client(ctx, &req.user_pool_id, &req.client_id)?;
    let row = ctx
        .app
        .store
        .read(|c| store::terms::by_client(c, &client.id, &req.terms_name))?
        .ok_or_else(|| {
            err!(
                ResourceNotFoundException,
                "Terms {} do not exist for client {}.",
                req.terms_name,
                client.id
            )
        })?;
    terms::TermsType::answer(&row)
}
