//! AddCustomAttributes: new `custom:` attributes for a pool (they cannot be removed or changed later).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::pool::{SchemaInput, bare_name, is_custom, resolve};
use crate::error::Result;
use crate::ops::{import_jobs, load};
use crate::app::Ctx;
use crate::{err, store};

/// AddCustomAttributesRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    custom_attributes: Vec<SchemaInput>,
}

/// AWS's limit of custom attributes per pool.
const CUSTOM_ATTRIBUTES: usize = 50;

/// Adds the attributes.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    import_jobs::check_not_importing(ctx, &pool.id)?;
    let mut config = (*pool.config).clone();
    for attr in resolve(&req.custom_attributes, true)? {
        let bare = bare_name(&attr.name);
        let existing = config
            .schema_attributes
            .iter()
            .find(|a| is_custom(&a.name) && bare_name(&a.name) == bare);
        if let Some(existing) = existing {
            return Err(err!(
                InvalidParameterException,
                "custom:{bare}: Existing attribute already has name {}.",
                existing.name
            ));
        }
        config.schema_attributes.push(attr);
    }
    if config.schema_attributes.iter().filter(|a| is_custom(&a.name)).count() > CUSTOM_ATTRIBUTES {
        return Err(err!(LimitExceededException, "A user pool can have at most {CUSTOM_ATTRIBUTES} custom attributes."));
    }
    let now = ctx.now();
    ctx.app.store.write(|c| store::pools::update(c, &pool.id, &pool.name, &config, now))?;
    Ok(json!({}))
}
