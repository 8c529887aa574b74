//! DeleteUserPool: removes the pool with its clients, users, codes and tokens (unless deletion
//! protection is on).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::ops::load;
use crate::app::Ctx;
use crate::{err, store};

/// DeleteUserPoolRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
}

/// Deletes the pool.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    if pool.config.deletion_protection == "ACTIVE" {
        return Err(err!(
            InvalidParameterException,
            "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first."
        ));
    }
    ctx.app.store.write(|c| store::pools::delete(c, &pool.id))?;
    Ok(json!({}))
}
