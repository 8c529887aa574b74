//! AdminListUserAuthEvents: a user's sign-in and password events, newest first, recorded while the
//! pool's threat protection is on (UserPoolAddOnNotEnabledException otherwise, as AWS).

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::app::Ctx;
use crate::auth::history;
use crate::error::Result;
use crate::ops::{load, paging};
use crate::store::auth_events::{self, EventRow};

/// AdminListUserAuthEventsRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
    username: String,
    max_results: Option<usize>,
    next_token: Option<String>,
}

/// `AuthEventType` of a stored event (the emulator assesses no risk).
pub fn event(e: &EventRow) -> Value {
    let mut out = Map::new();
    out.insert("EventId".into(), json!(e.id));
    out.insert("EventType".into(), json!(e.event_type));
    out.insert("CreationDate".into(), json!(e.created_at));
    out.insert("EventResponse".into(), json!(e.response));
    out.insert(
        "EventRisk".into(),
        json!({"RiskDecision": "NoRisk", "CompromisedCredentialsDetected": false}),
    );
    out.insert("ChallengeResponses".into(), e.challenges.clone());
    out.insert("EventContextData".into(), e.context.clone());
    if let Some(f) = &e.feedback {
        out.insert("EventFeedback".into(), f.clone());
    }
    Value::Object(out)
}

/// Lists the events (MaxResults 0 or absent: 60).
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (pool, user) = load::admin_user(ctx, &req.user_pool_id, &req.username)?;
    history::require_collecting(&pool)?;
    let limit = req.max_results.filter(|m| *m > 0).unwrap_or(60);
    let before = paging::start(ctx, req.next_token.as_deref())?;
    let rows = ctx
        .app
        .store
        .read(|c| auth_events::list(c, user.pk, before, limit + 1))?;
    let (rows, next) = paging::split(rows, limit, |e| e.rowid);
    let events: Vec<Value> = rows.iter().map(event).collect();
    Ok(json!({"AuthEvents": events, "NextToken": next}))
}
