//! CreateUserPoolClient: an app client with AWS's defaults, a 26-character id and, on request, a secret.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::client::{ClientConfig, normalise_flows};
use crate::domain::ids;
use crate::error::Result;
use crate::ops::{load, oauth_settings, shapes};
use crate::store::clients::ClientRow;
use crate::app::Ctx;
use crate::{err, store};

/// CreateUserPoolClientRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    client_name: String,
    #[serde(default)]
    generate_secret: bool,
    client_secret: Option<String>,
    #[serde(flatten)]
    config: ClientConfig,
}

/// Creates the client.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let client = create(ctx, req, None)?;
    Ok(json!({"UserPoolClient": shapes::UserPoolClientType::of(&client)}))
}

/// Creates the client, with the id `fixed_id` when given (seed files).
pub fn create(ctx: &Ctx, req: Request, fixed_id: Option<&str>) -> Result<ClientRow> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let mut config = req.config;
    config.explicit_auth_flows = normalise_flows(config.explicit_auth_flows);
    config.validate(&pool.config, "creating")?;
    if req.generate_secret && req.client_secret.is_some() {
        return Err(err!(
            InvalidParameterException,
            "You cannot specify both GenerateSecret as true and provide a ClientSecret value."
        ));
    }
    let secret = match (req.client_secret, req.generate_secret) {
        (Some(s), _) => Some(s),
        (None, true) => Some(ids::client_secret()),
        (None, false) => None,
    };
    oauth_settings::check_client(ctx, &pool, &config, secret.is_some())?;
    let now = ctx.now();
    let client_id = ctx.app.store.write(|c| loop {
        let id = fixed_id.map_or_else(ids::client_id, str::to_string);
        match store::clients::insert(c, &id, &pool.id, &req.client_name, secret.as_deref(), &config, now) {
            Ok(()) => return Ok(id),
            Err(e) if store::is_unique_violation(&e) && fixed_id.is_none() => continue,
            Err(e) if store::is_unique_violation(&e) => {
                return Err(err!(InvalidParameterException, "App client {id} already exists."));
            }
            Err(e) => return Err(e.into()),
        }
    })?;
    ctx.app
        .store
        .read(|c| store::clients::get(c, &client_id))?
        // Gone already: DeleteUserPool ran right after the insert.
        .ok_or_else(|| load::pool_not_found(&pool.id))
}
