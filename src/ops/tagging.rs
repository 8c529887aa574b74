//! The user pool a tagging request's ResourceArn names, and AWS's limit of 50 tags per pool.

use serde_json::{Map, Value};

use crate::app::Ctx;
use crate::err;
use crate::error::Result;
use crate::ops::{load, shapes};
use crate::store::pools::PoolRow;

pub use crate::domain::pool::MAX_TAGS;

/// The pool of `arn:aws:cognito-idp:<region>:<account>:userpool/<id>`: another service's or resource
/// type's ARN is an invalid parameter; a pool this emulator (this account) does not have is not found.
pub fn pool_of_arn(ctx: &Ctx, arn: &str) -> Result<PoolRow> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let id = match parts.as_slice() {
        ["arn", _, "cognito-idp", _, _, resource] => resource.strip_prefix("userpool/"),
        _ => None,
    };
    let Some(id) = id.filter(|id| !id.is_empty()) else {
        return Err(err!(
            InvalidParameterException,
            "{arn} is not the ARN of a user pool (arn:aws:cognito-idp:<region>:<account>:userpool/<id>)."
        ));
    };
    let pool = load::pool(ctx, id)?;
    if shapes::pool_arn(ctx, &pool.id) != arn {
        return Err(load::pool_not_found(id));
    }
    Ok(pool)
}

/// Refuses more than [`MAX_TAGS`] tags (AWS's wording is not known).
pub fn check_count(tags: &Map<String, Value>) -> Result<()> {
    if tags.len() > MAX_TAGS {
        return Err(err!(
            InvalidParameterException,
            "A user pool can have at most {MAX_TAGS} tags; this request would leave {}.",
            tags.len()
        ));
    }
    Ok(())
}
