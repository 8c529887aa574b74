//! DescribeManagedLoginBrandingByClient: the managed login style assigned to an app client.

use serde::Deserialize;
use serde_json::Value;

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::{branding, load};
use crate::{err, store};

/// DescribeManagedLoginBrandingByClientRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    client_id: String,
    #[allow(dead_code)]
    return_merged_resources: Option<bool>,
}

/// Describes the client's style.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, _) = load::pool_client(ctx, &req.user_pool_id, &req.client_id)?;
    let row = ctx
        .app
        .store
        .read(|c| store::branding::by_client(c, &client.id))?
        .ok_or_else(|| {
            err!(
                ResourceNotFoundException,
                "App client {} has no managed login branding style.",
                client.id
            )
        })?;
    Ok(branding::answer(&row))
}
