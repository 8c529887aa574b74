//! UpdateUserPoolClient: replaces the client's settings (omitted members go back to their defaults, as
//! on AWS); the id and secret stay.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::client::{ClientConfig, normalise_flows};
use crate::error::Result;
use crate::ops::{load, oauth_settings, shapes};
use crate::app::Ctx;
use crate::store;

/// UpdateUserPoolClientRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    client_id: String,
    client_name: Option<String>,
    #[serde(flatten)]
    config: ClientConfig,
}

/// Updates the client.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (mut client, pool) = load::pool_client(ctx, &req.user_pool_id, &req.client_id)?;
    let mut config = req.config;
    config.explicit_auth_flows = normalise_flows(config.explicit_auth_flows);
    config.validate(&pool.config, "updating")?;
    oauth_settings::check_client(ctx, &pool, &config, client.secret.is_some())?;
    let name = req.client_name.unwrap_or(client.name.clone());
    let now = ctx.now();
    ctx.app.store.write(|c| store::clients::update(c, &client.id, &name, &config, now))?;
    client.name = name;
    client.config = std::sync::Arc::new(config);
    client.updated_at = now;
    Ok(json!({"UserPoolClient": shapes::UserPoolClientType::of(&client)}))
}
