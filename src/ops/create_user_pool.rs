//! CreateUserPool: a pool with AWS's defaults for everything the request omits.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::ids;
use crate::domain::pool::{PoolConfig, SchemaInput, UsernameConfiguration};
use crate::domain::pool_input::{PoolIdentity, PoolSettingsInput};
use crate::error::Result;
use crate::ops::{load, shapes};
use crate::store::pools::PoolRow;
use crate::app::Ctx;
use crate::{err, store};

/// CreateUserPoolRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    pool_name: String,
    #[serde(flatten)]
    settings: PoolSettingsInput,
    alias_attributes: Option<Vec<String>>,
    username_attributes: Option<Vec<String>>,
    schema: Option<Vec<SchemaInput>>,
    username_configuration: Option<UsernameConfiguration>,
}

/// Creates the pool with a fresh `<region>_<9 alnum>` id.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = create(ctx, req, None)?;
    Ok(json!({"UserPool": shapes::user_pool(ctx, &pool)?}))
}

/// Creates the pool, with the id `fixed_id` when given (seed files).
pub fn create(ctx: &Ctx, req: Request, fixed_id: Option<&str>) -> Result<PoolRow> {
    let config = PoolConfig::create(
        req.settings,
        PoolIdentity {
            alias_attributes: req.alias_attributes,
            username_attributes: req.username_attributes,
            schema: req.schema.unwrap_or_default(),
            username_configuration: req.username_configuration,
        },
    )?;
    let now = ctx.now();
    let id = ctx.app.store.write(|c| loop {
        let id = fixed_id.map_or_else(|| ids::pool_id(&ctx.region), str::to_string);
        match store::pools::insert(c, &id, &req.pool_name, &config, now) {
            Ok(()) => return Ok(id),
            Err(e) if store::is_unique_violation(&e) && fixed_id.is_none() => continue,
            Err(e) if store::is_unique_violation(&e) => {
                return Err(err!(InvalidParameterException, "User pool {id} already exists."));
            }
            Err(e) => return Err(e.into()),
        }
    })?;
    load::pool(ctx, &id)
}
