//! CreateTerms: a terms-of-use or privacy-policy document (links per language) for an app client; the
//! hosted sign-up page links them.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::app::Ctx;
use crate::domain::ids;
use crate::error::Result;
use crate::ops::{load, terms};
use crate::store::{self, terms::TermsRow};
use crate::err;

/// CreateTermsRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    client_id: String,
    terms_name: String,
    terms_source: String,
    enforcement: String,
    links: Option<Map<String, Value>>,
}

/// Creates the terms.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, pool) = load::pool_client(ctx, &req.user_pool_id, &req.client_id)?;
    // TermsType.Links is required: terms without a link have nothing to show.
    let links = req.links.ok_or_else(|| {
        err!(
            InvalidParameterException,
            "1 validation error detected: Value null at 'links' failed to satisfy constraint: Member must not be null"
        )
    })?;
    let now = ctx.now();
    let row = TermsRow {
        rowid: 0,
        id: ids::uuid(),
        pool_id: pool.id.clone(),
        client_id: client.id.clone(),
        name: req.terms_name,
        source: req.terms_source,
        enforcement: req.enforcement,
        links,
        created_at: now,
        updated_at: now,
    };
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
