//! UpdateAuthEventFeedback: a user marks an auth event Valid or Invalid with the feedback token a risk
//! notification email carries (the emulator shows each event's token at `GET /_emulator/auth-events`).

use serde::Deserialize;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use crate::app::Ctx;
use crate::auth::history;
use crate::error::Result;
use crate::ops::load;
use crate::store::auth_events;
use crate::err;

/// UpdateAuthEventFeedbackRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
    event_id: String,
    feedback_token: String,
    feedback_value: String,
}

/// Records the feedback.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (pool, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    history::require_collecting(&pool)?;
    let feedback = json!({"FeedbackValue": req.feedback_value, "Provider": "User", "FeedbackDate": ctx.now()});
    ctx.app.store.write(|c| {
        let event = auth_events::get(c, user.pk, &req.event_id)?
            .ok_or_else(|| err!(ResourceNotFoundException, "Auth event {} does not exist.", req.event_id))?;
        let matches: bool = event
            .feedback_token
            .as_bytes()
            .ct_eq(req.feedback_token.as_bytes())
            .into();
        if !matches {
            return Err(err!(NotAuthorizedException, "Invalid feedback token for auth event {}.", req.event_id));
        }
        auth_events::set_feedback(c, user.pk, &req.event_id, &feedback)
    })?;
    Ok(json!({}))
}
