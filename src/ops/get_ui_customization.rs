//! GetUICustomization: the classic hosted UI branding of an app client, else the pool's (`ALL`), else
//! an empty shape.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::load;
use crate::ops::ui_customization as ui;

/// GetUICustomizationRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    client_id: Option<String>,
}

/// Returns the customization in force.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let client = req.client_id.as_deref().filter(|c| *c != "ALL");
    if let Some(id) = client {
        load::pool_client(ctx, &pool.id, id)?;
    }
    let found = ctx.app.store.read(|c| ui::lookup(c, &pool.id, client))?;
    Ok(match found {
        Some((scope, doc)) => {
            json!({"UICustomization": ui::shape(&ctx.issuer_base, &pool.id, &scope, &doc)})
        }
        None => json!({"UICustomization": {}}),
    })
}
