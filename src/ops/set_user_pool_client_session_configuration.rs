//! SetUserPoolClientSessionConfiguration: how long an app client silently reuses an SSO session (a full
//! replacement; session tracking must be on for the pool).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::ops::{load, session_config};
use crate::store::documents::{self, Kind, Scope};
use crate::err;

/// SetUserPoolClientSessionConfigurationRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    client_id: String,
    #[serde(rename = "SSOSession")]
    sso_session: Value,
}

/// Sets the configuration.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (client, pool) = load::pool_client(ctx, &req.user_pool_id, &req.client_id)?;
    session_config::check_tier(&pool)?;
    let now = ctx.now();
    ctx.app.store.write(|c| {
        if !session_config::pool_sessions(c, &pool.id)?.enabled() {
            return Err(err!(
                InvalidParameterException,
                "Session tracking is not enabled for user pool {}; enable it with SetUserPoolSessionConfiguration first.",
                pool.id
            ));
        }
        documents::put(
            c,
            &pool.id,
            Kind::SessionConfiguration,
            Scope::Client(&client.id),
            &req.sso_session,
            now,
        )
    })?;
    Ok(json!({"UserPoolId": pool.id, "ClientId": client.id, "SSOSession": req.sso_session}))
}
