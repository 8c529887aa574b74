//! UpdateResourceServer: a new name and the whole scope list (omitted scopes are removed; tokens stop
//! carrying them, clients keep naming them).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::load;
use crate::ops::oauth_settings::{ResourceServerType, Scope};
use crate::store;

/// UpdateResourceServerRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    identifier: String,
    name: String,
    #[serde(default)]
    scopes: Vec<Scope>,
}

/// Updates the resource server.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let mut row = load::resource_server(ctx, &req.user_pool_id, &req.identifier)?;
    let scopes = serde_json::to_string(&req.scopes)?;
    let now = ctx.now();
    ctx.app.store.write(|c| {
        store::resource_servers::update(c, &row.pool_id, &row.identifier, &req.name, &scopes, now)
    })?;
    row.name = req.name;
    row.scopes = scopes;
    Ok(json!({"ResourceServer": ResourceServerType::of(&row)?}))
}
