//! Session tracking settings (Set/GetUserPoolSessionConfiguration, Set/GetUserPoolClientSessionConfiguration)
//! with AWS's defaults: tracking DISABLED, 20 token sessions per user, 60 minutes of SSO-session reuse.

use serde_json::Value;

use crate::err;
use crate::error::Result;
use crate::store::documents::{self, Kind, Scope};
use crate::store::pools::PoolRow;

pub use crate::auth::sessions::{PoolSessions, pool_sessions};

/// Session configuration needs the Essentials or Plus feature plan.
pub fn check_tier(pool: &PoolRow) -> Result<()> {
    if pool.config.user_pool_tier == "LITE" {
        return Err(err!(
            FeatureUnavailableInTierException,
            "Session configuration is not available in the LITE tier; use ESSENTIALS or PLUS."
        ));
    }
    Ok(())
}

/// "If you have never called SetUserPoolClientSessionConfiguration for the app client, this operation
/// returns the default SSO session maximum validity of 60 minutes."
pub const DEFAULT_SSO_MINUTES: i64 = 60;

/// The client-level settings (`{"MaxValidityMinutes": n}`).
pub fn client_sso(c: &rusqlite::Connection, pool_id: &str, client_id: &str) -> Result<Value> {
    Ok(documents::get::<Value>(
        c,
        pool_id,
        Kind::SessionConfiguration,
        Scope::Client(client_id),
    )?
    .map(|d| d.body)
    .unwrap_or_else(|| serde_json::json!({"MaxValidityMinutes": DEFAULT_SSO_MINUTES})))
}
