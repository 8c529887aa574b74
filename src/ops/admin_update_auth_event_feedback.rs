//! AdminUpdateAuthEventFeedback: an administrator marks a user's auth event Valid or Invalid (the
//! feedback shows in AdminListUserAuthEvents with provider `Admin`).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::auth::history;
use crate::error::Result;
use crate::ops::load;
use crate::store::auth_events;
use crate::err;

/// AdminUpdateAuthEventFeedbackRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
    event_id: String,
    feedback_value: String,
}

/// Records the feedback.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (pool, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    history::require_collecting(&pool)?;
    let feedback = json!({"FeedbackValue": req.feedback_value, "Provider": "Admin", "FeedbackDate": ctx.now()});
    ctx.app.store.write(|c| {
        if auth_events::get(c, user.pk, &req.event_id)?.is_none() {
            return Err(err!(ResourceNotFoundException, "Auth event {} does not exist.", req.event_id));
        }
        auth_events::set_feedback(c, user.pk, &req.event_id, &feedback)
    })?;
    Ok(json!({}))
}
