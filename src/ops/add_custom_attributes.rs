//! AddCustomAttributes: new `custom:` attributes for a pool (they cannot be removed or changed later).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::pool::{SchemaAttribute, build_schema};
use crate::error::Result;
use crate::ops::load;
use crate::app::Ctx;
use crate::{err, store};

/// AddCustomAttributesRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    custom_attributes: Vec<SchemaAttribute>,
}

/// AWS's limit of custom attributes per pool.
const CUSTOM_ATTRIBUTES: usize = 50;

/// Adds the attributes.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let mut config = pool.config.clone();
    for attr in &req.custom_attributes {
        if attr.required {
            return Err(err!(InvalidParameterException, "Required custom attributes are not supported currently."));
        }
        let name = format!("custom:{}", attr.name.trim_start_matches("custom:"));
        if config.schema_attribute(&name).is_some() {
            return Err(err!(InvalidParameterException, "{name}: Existing attribute already has name {name}."));
        }
        let mut added = build_schema(std::slice::from_ref(attr));
        config.schema_attributes.push(added.pop().expect("build_schema adds the custom attribute"));
    }
    if config.schema_attributes.iter().filter(|a| a.name.starts_with("custom:")).count() > CUSTOM_ATTRIBUTES {
        return Err(err!(LimitExceededException, "A user pool can have at most {CUSTOM_ATTRIBUTES} custom attributes."));
    }
    let now = ctx.now();
    ctx.app.store.write(|c| store::pools::update(c, &pool.id, &pool.name, &config, now))?;
    Ok(json!({}))
}
