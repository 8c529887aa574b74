//! CreateResourceServer: custom scopes `<identifier>/<scope>` for app clients and client credentials.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::load;
use crate::ops::oauth_settings::{ResourceServerType, Scope};
use crate::{err, store};

/// Resource servers a pool may have (AWS's default quota).
const PER_POOL: i64 = 25;

/// CreateResourceServerRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    identifier: String,
    name: String,
    #[serde(default)]
    scopes: Vec<Scope>,
}

/// Creates the resource server.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let scopes = serde_json::to_string(&req.scopes)?;
    let now = ctx.now();
    let row = ctx.app.store.write(|c| {
        if store::resource_servers::count(c, &pool.id)? >= PER_POOL {
            return Err(err!(
                LimitExceededException,
                "The user pool has reached its limit of {PER_POOL} resource servers."
            ));
        }
        match store::resource_servers::insert(c, &pool.id, &req.identifier, &req.name, &scopes, now)
        {
            Ok(()) => {}
            Err(e) if store::is_unique_violation(&e) => {
                return Err(err!(
                    InvalidParameterException,
                    "{} already exists in user pool {}.",
                    req.identifier,
                    pool.id
                ));
            }
            Err(e) => return Err(e.into()),
        }
        store::resource_servers::get(c, &pool.id, &req.identifier)?
            .ok_or_else(|| err!(InternalErrorException, "resource server vanished after insert"))
    })?;
    Ok(json!({"ResourceServer": ResourceServerType::of(&row)?}))
}
