//! CreateManagedLoginBranding: a managed login style for an app client (one per client), from
//! Cognito's defaults or from Settings and Assets.

use serde::Deserialize;
use serde_json::Value;

use crate::app::Ctx;
use crate::domain::ids;
use crate::error::Result;
use crate::ops::branding::{self, Style};
use crate::ops::load;
use crate::store::branding::BrandingRow;
use crate::{err, store};

/// CreateManagedLoginBrandingRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    client_id: String,
    #[serde(flatten)]
    style: Style,
}

/// Creates the style.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, pool) = load::pool_client(ctx, &req.user_pool_id, &req.client_id)?;
    req.style.check()?;
    let now = ctx.now();
    let mut row = BrandingRow {
        id: ids::uuid(),
        pool_id: pool.id.clone(),
        client_id: client.id.clone(),
        use_cognito_values: req.style.use_cognito_provided_values.unwrap_or(false),
        settings: None,
        assets: Vec::new(),
        created_at: now,
        updated_at: now,
    };
    req.style.apply(&mut row);
    ctx.app.store.write(|c| {
        store::branding::save(c, &row).map_err(|e| {
            if store::is_unique_violation(&e) {
                err!(
                    ManagedLoginBrandingExistsException,
                    "App client {} already has a managed login branding style.",
                    client.id
                )
            } else {
                e.into()
            }
        })
    })?;
    Ok(branding::answer(&row))
}
