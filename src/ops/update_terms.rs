//! UpdateTerms: changes the name, source, enforcement or links of a terms document; members the
//! request omits stay.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::terms;
use crate::store;

/// UpdateTermsRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    terms_id: String,
    user_pool_id: String,
    terms_name: Option<String>,
    terms_source: Option<String>,
    enforcement: Option<String>,
    links: Option<Map<String, Value>>,
}

/// Updates the terms.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let mut row = terms::load(ctx, &req.user_pool_id, &req.terms_id)?;
    if let Some(n) = req.terms_name {
        row.name = n;
    }
    if let Some(s) = req.terms_source {
        row.source = s;
    }
    if let Some(e) = req.enforcement {
        row.enforcement = e;
    }
    if let Some(l) = req.links {
        row.links = l;
    }
    row.updated_at = ctx.now();
    ctx.app.store.write(|c| {
        store::terms::save(c, &row).map_err(|e| {
            if store::is_unique_violation(&e) {
                terms::exists(&row.name, &row.client_id)
            } else {
                e.into()
            }
        })
    })?;
    terms::TermsType::answer(&row)
}
