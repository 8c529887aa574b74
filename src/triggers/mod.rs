//! Lambda triggers: a call out of the request. Build AWS's event, invoke the pool's function over the
//! Lambda Invoke API (`invoke`) without holding the database or a handler slot, map its answer or
//! failure to AWS's exceptions, log it (`log`), and only then let the caller write. The events of each
//! trigger source live in `events`.

pub mod custom_auth;
pub mod events;
pub mod federation;
pub mod invoke;
pub mod log;
pub mod pre_token;

use std::collections::HashMap;
use std::time::Instant;

use serde_json::{Map, Value, json};

use crate::app::Ctx;
use crate::domain::attributes::{self, Attributes};
use crate::domain::ids;
pub use crate::domain::lambda::Trigger;
use crate::err;
use crate::error::{CognitoError, Result};
use crate::store::pools::PoolRow;
use crate::store::users::UserRow;
use invoke::Answer;

/// ClientMetadata of the API call that caused an event.
pub type ClientMetadata = HashMap<String, String>;

/// The app client an event names in `callerContext.clientId`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// The request's ClientId.
    Client(String),
    /// AdminCreateUser's events: the string `CLIENT_ID_NOT_APPLICABLE`.
    NotApplicable,
    /// Other admin operations without a client: `null`.
    None,
}

impl Caller {
    /// The client `id`.
    pub fn client(id: &str) -> Caller {
        Caller::Client(id.to_string())
    }

    fn value(&self) -> Value {
        match self {
            Caller::Client(id) => json!(id),
            Caller::NotApplicable => json!("CLIENT_ID_NOT_APPLICABLE"),
            Caller::None => Value::Null,
        }
    }
}

/// The envelope of one event: who it is about and why.
pub struct Envelope<'a> {
    /// The pool.
    pub pool: &'a PoolRow,
    /// The trigger invoked.
    pub trigger: Trigger,
    /// `triggerSource` (`PreSignUp_SignUp`...).
    pub source: &'a str,
    /// `version` (`"1"`, or the pre-token-generation version).
    pub version: &'static str,
    /// `userName`: the internal username (what was typed, for a user not yet created).
    pub user_name: &'a str,
    /// `callerContext.clientId`.
    pub caller: Caller,
}

impl Envelope<'_> {
    fn event(&self, ctx: &Ctx, request: Value, response: Value) -> Value {
        json!({
            "version": self.version,
            "triggerSource": self.source,
            "region": ids::pool_region(&self.pool.id),
            "userPoolId": self.pool.id,
            "userName": self.user_name,
            "callerContext": {"awsSdkVersion": ctx.sdk, "clientId": self.caller.value()},
            "request": request,
            "response": response,
        })
    }
}

/// One line per configured trigger of every pool: where it will be invoked (for the start-up summary).
pub fn summary(app: &crate::app::App) -> Result<Vec<String>> {
    let pools = app
        .store
        .read(|c| crate::store::pools::list(c, 0, usize::MAX >> 1))?;
    let mut lines = Vec::new();
    for pool in pools {
        for (trigger, function) in pool.config.lambda_config.configured() {
            let target = match app.lambda.target(function) {
                Some(t) => t.url(),
                None => "NO HOST: calls fail with UnexpectedLambdaException (set --lambda-endpoint or --lambda-function)".into(),
            };
            lines.push(format!(
                "{} {} {function} -> {target}",
                pool.id,
                trigger.as_str()
            ));
        }
    }
    Ok(lines)
}

/// Whether the pool runs `trigger`.
pub fn configured(pool: &PoolRow, trigger: Trigger) -> bool {
    pool.config.lambda_config.function(trigger).is_some()
}

/// A stored user's attributes as events carry them: every attribute as a string, plus
/// `cognito:user_status` and the `cognito:email_alias` / `cognito:phone_number_alias` markers.
pub fn user_attributes(pool: &PoolRow, user: &UserRow) -> Value {
    let mut out = Map::new();
    for (name, value) in &user.attributes {
        let text = value
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| value.to_string());
        out.insert(name.clone(), Value::String(text));
        if name == "sub" {
            out.insert("cognito:user_status".into(), json!(user.status.as_str()));
        }
    }
    for attr in ["email", "phone_number"] {
        let identifier = pool.config.username_attribute(attr)
            || (pool.config.alias_attribute(attr)
                && attributes::is_verified(&user.attributes, attr));
        if identifier {
            if let Some(v) = attributes::get(&user.attributes, attr) {
                out.insert(format!("cognito:{attr}_alias"), json!(v));
            }
        }
    }
    Value::Object(out)
}

/// Attributes of a user not created yet (PreSignUp): only what the request supplied.
pub fn plain_attributes(attrs: &Attributes) -> Value {
    Value::Object(
        attrs
            .iter()
            .filter(|(name, _)| name.as_str() != "sub")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

/// A ClientMetadata-like map as JSON (`null` when absent).
pub fn string_map(map: Option<&ClientMetadata>) -> Value {
    map.map_or(Value::Null, |m| json!(m))
}

/// Inserts `clientMetadata` when the API call carried it (classic events leave the key out otherwise).
pub fn with_client_metadata(mut request: Value, metadata: Option<&ClientMetadata>) -> Value {
    if let (Some(m), Some(obj)) = (metadata, request.as_object_mut()) {
        obj.insert("clientMetadata".into(), json!(m));
    }
    request
}

/// The exception an invocation's failure becomes on the API.
fn failure(trigger: Trigger, answer: &Answer) -> CognitoError {
    let name = trigger.as_str();
    let unexpected = |code: &str| {
        err!(
            UnexpectedLambdaException,
            "{name} invocation failed due to error {code}"
        )
    };
    match answer {
        Answer::FunctionError(message) if trigger == Trigger::UserMigration => {
            err!(UserNotFoundException, "{name} failed with error {message}.")
        }
        Answer::FunctionError(message) => err!(
            UserLambdaValidationException,
            "{name} failed with error {message}."
        ),
        Answer::Returned(_) => err!(
            InvalidLambdaResponseException,
            "Unrecognizable lambda output"
        ),
        Answer::NotFound => unexpected("ResourceNotFoundException"),
        Answer::Status(_, code) => unexpected(code),
        Answer::Timeout => unexpected("Socket timeout while invoking Lambda function."),
        Answer::Unreachable(_) => unexpected("ServiceException"),
        Answer::Accepted => unexpected("ServiceException"),
    }
}

/// Invokes the pool's `trigger` synchronously with the event `env` + `request` + initial `response`,
/// and reads the function's `response` object with `read` (whose error, AWS's "Unrecognizable lambda
/// output" for a member of the wrong type, is logged as the outcome too). `None` when the pool does not
/// configure the trigger.
pub fn run<T>(
    ctx: &Ctx,
    env: &Envelope<'_>,
    request: Value,
    response: Value,
    read: impl FnOnce(&Map<String, Value>) -> Result<T>,
) -> Result<Option<T>> {
    let Some(function) = env.pool.config.lambda_config.function(env.trigger) else {
        return Ok(None);
    };
    let event = env.event(ctx, request, response);
    let (answer, entry) = call(ctx, env, function, &event, false);
    let outcome = match &answer {
        // `null` (a handler returning nothing) is no JSON document to Cognito.
        Answer::Returned(Ok(Value::Null)) => Err(err!(
            InvalidLambdaResponseException,
            "Invalid lambda function output : Invalid JSON"
        )),
        Answer::Returned(Ok(returned)) => match returned.get("response") {
            Some(Value::Object(r)) => read(r),
            Some(Value::Null) => read(&Map::new()),
            _ => Err(failure(env.trigger, &answer)),
        },
        Answer::Returned(Err(_)) => Err(err!(
            InvalidLambdaResponseException,
            "Invalid lambda function output : Invalid JSON"
        )),
        other => Err(failure(env.trigger, other)),
    };
    let answer_json = match &answer {
        Answer::Returned(Ok(v)) => Some(v.clone()),
        Answer::Returned(Err(text)) => Some(Value::String(text.clone())),
        _ => None,
    };
    finish(ctx, entry, answer_json, outcome.as_ref().err(), &answer);
    outcome.map(Some)
}

/// Invokes the pool's `trigger` asynchronously (the custom senders): the function's answer and errors
/// never reach the caller, as on AWS. Returns false when the pool does not configure it.
pub fn run_async(ctx: &Ctx, env: &Envelope<'_>, request: Value) -> bool {
    let Some(function) = env.pool.config.lambda_config.function(env.trigger) else {
        return false;
    };
    let event = env.event(ctx, request, json!({}));
    let (answer, entry) = call(ctx, env, function, &event, true);
    let error = match &answer {
        Answer::Accepted | Answer::Returned(Ok(_)) => None,
        other => Some(failure(env.trigger, other)),
    };
    finish(ctx, entry, None, error.as_ref(), &answer);
    true
}

fn call(
    ctx: &Ctx,
    env: &Envelope<'_>,
    function: &str,
    event: &Value,
    asynchronous: bool,
) -> (Answer, log::Invocation) {
    let target = ctx.app.lambda.target(function);
    let region = invoke::parse_arn(function)
        .map(|(r, _)| r.to_string())
        .unwrap_or_else(|| ids::pool_region(&env.pool.id).to_string());
    let started_at = ctx.now();
    let started = Instant::now();
    let answer = match &target {
        // No host: the function cannot be found, as AWS answers for a deleted one.
        None => Answer::NotFound,
        Some(t) => ctx.waiting(|| {
            ctx.app
                .lambda
                .invoke(t, &region, event, asynchronous, ctx.app.clock.now_secs())
        }),
    };
    let entry = log::Invocation {
        id: 0,
        started_at,
        pool_id: env.pool.id.clone(),
        trigger: env.trigger.as_str().into(),
        trigger_source: env.source.into(),
        function: function.into(),
        url: target.as_ref().map(invoke::Target::url),
        invocation_type: if asynchronous {
            "Event"
        } else {
            "RequestResponse"
        }
        .into(),
        duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        outcome: String::new(),
        error: None,
        event: event.clone(),
        answer: None,
    };
    (answer, entry)
}

fn finish(
    ctx: &Ctx,
    mut entry: log::Invocation,
    answer: Option<Value>,
    error: Option<&CognitoError>,
    raw: &Answer,
) {
    entry.answer = answer;
    entry.outcome = error.map_or("ok", |e| e.name()).to_string();
    let detail = match raw {
        Answer::Unreachable(d) => Some(format!("host unreachable: {d}")),
        Answer::NotFound if entry.url.is_none() => {
            Some("no Lambda host: set --lambda-endpoint or --lambda-function".to_string())
        }
        Answer::NotFound => Some("the host does not know this function (404)".to_string()),
        _ => None,
    };
    entry.error = error.map(|e| match &detail {
        Some(d) => format!("{} ({d})", e.message()),
        None => e.message().to_string(),
    });
    // The log line never carries the event's secrets (UserMigration's password, custom-auth answers),
    // even when the function quotes them in its error; the invocation log keeps the event as sent.
    let secrets = event_secrets(&entry.event);
    let logged_error = entry.error.as_deref().map(|e| {
        secrets
            .iter()
            .fold(e.to_string(), |text, s| text.replace(s.as_str(), "***"))
    });
    tracing::info!(
        pool = entry.pool_id,
        trigger = entry.trigger,
        trigger_source = entry.trigger_source,
        function = entry.function,
        url = entry.url.as_deref().unwrap_or("(none)"),
        duration_ms = entry.duration_ms,
        outcome = entry.outcome,
        error = logged_error.as_deref().unwrap_or(""),
        "trigger invoked"
    );
    ctx.app.invocations.record(entry);
}

/// Secret values an event carries under `request`: passwords, custom-auth answers and private
/// challenge parameters, codes (of at least 6 characters, so that replacing them cannot garble text).
fn event_secrets(event: &Value) -> Vec<String> {
    const KEYS: [&str; 5] = [
        "password",
        "challengeAnswer",
        "privateChallengeParameters",
        "code",
        "oldPassword",
    ];
    fn strings(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) if s.chars().count() >= 6 => out.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
            Value::Object(map) => map.values().for_each(|i| strings(i, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Some(request) = event.get("request").and_then(Value::as_object) {
        for key in KEYS {
            if let Some(v) = request.get(key) {
                strings(v, &mut out);
            }
        }
    }
    out
}
