//! ListIdentityProviders: the pool's providers in creation order, paginated (MaxResults up to 60).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::{load, paging};
use crate::store::federation as fed;

/// ListIdentityProvidersRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    max_results: Option<usize>,
    next_token: Option<String>,
}

/// `ProviderDescription`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct ProviderDescription {
    provider_name: String,
    provider_type: String,
    last_modified_date: f64,
    creation_date: f64,
}

/// Lists the providers.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let limit = req.max_results.filter(|l| *l > 0).unwrap_or(50).min(60);
    let after = paging::start(ctx, req.next_token.as_deref())?;
    let rows = ctx
        .app
        .store
        .read(|c| fed::list_providers(c, &pool.id, after, limit + 1))?;
    let (rows, next) = paging::split(rows, limit, |r| r.pk);
    let providers: Vec<_> = rows
        .into_iter()
        .map(|r| ProviderDescription {
            provider_name: r.name,
            provider_type: r.kind,
            last_modified_date: r.updated_at,
            creation_date: r.created_at,
        })
        .collect();
    Ok(json!({"Providers": providers, "NextToken": next}))
}
