//! SetUICustomization: the classic hosted UI's CSS and logo for the pool (ClientId `ALL` or absent) or
//! one app client, which then no longer falls back to the pool's.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::load;
use crate::ops::ui_customization::{self as ui, Stored};
use crate::store::documents::{self, Kind};

/// SetUICustomizationRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    client_id: Option<String>,
    #[serde(rename = "CSS")]
    css: Option<String>,
    image_file: Option<String>,
}

/// Sets the customization (the request replaces the previous one of the same scope).
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let client = req.client_id.as_deref().filter(|c| *c != "ALL");
    if let Some(id) = client {
        load::pool_client(ctx, &pool.id, id)?;
    }
    if let Some(css) = &req.css {
        ui::check_css(css).map_err(ui::invalid)?;
    }
    let (image, image_type) = match &req.image_file {
        None => (None, None),
        Some(b64) => {
            let bytes = STANDARD
                .decode(b64)
                .map_err(|_| ui::invalid("ImageFile is not valid base64.".into()))?;
            let kind = ui::image_type(&bytes).ok_or_else(|| {
                ui::invalid("ImageFile must be a PNG or JPEG image.".into())
            })?;
            (Some(b64.clone()), Some(kind.to_string()))
        }
    };
    let now = ctx.now();
    let stored = Stored {
        css: req.css,
        image,
        image_type,
        version: format!("{}", (now * 1000.0) as i64),
    };
    let scope = ui::scope_of(client);
    let doc = ctx.app.store.write(|c| {
        documents::put(c, &pool.id, Kind::UiCustomization, scope, &stored, now)?;
        documents::get::<Stored>(c, &pool.id, Kind::UiCustomization, scope)
    })?;
    let doc = doc.ok_or_else(|| crate::error::CognitoError::internal("customization vanished"))?;
    let shown = client.unwrap_or("ALL");
    Ok(json!({"UICustomization": ui::shape(&ctx.issuer_base, &pool.id, shown, &doc)}))
}
