//! The auth events of users (AdminListUserAuthEvents): sign-ins and password events recorded as they
//! happen while the pool's threat protection (`UserPoolAddOns.AdvancedSecurityMode`) is `AUDIT` or
//! `ENFORCED`, as AWS collects them only then. The emulator assesses no risk: every event is `NoRisk`.
//! Recording never fails the operation that triggers it (a failed write is logged).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::domain::ids;
use crate::domain::pool::PoolConfig;
use crate::err;
use crate::error::Result;
use crate::store::auth_events::{self, NewEvent};
use crate::store::pools::PoolRow;

/// `EventType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    /// A sign-in (any flow).
    SignIn,
    /// SignUp.
    SignUp,
    /// ForgotPassword.
    ForgotPassword,
    /// ChangePassword, ConfirmForgotPassword, a new password at sign-in.
    PasswordChange,
    /// ResendConfirmationCode.
    ResendCode,
}

impl EventType {
    fn as_str(self) -> &'static str {
        match self {
            EventType::SignIn => "SignIn",
            EventType::SignUp => "SignUp",
            EventType::ForgotPassword => "ForgotPassword",
            EventType::PasswordChange => "PasswordChange",
            EventType::ResendCode => "ResendCode",
        }
    }
}

/// `ChallengeName` of `ChallengeResponseType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Challenge {
    /// The password (or SRP proof).
    Password,
    /// An MFA code.
    Mfa,
}

/// True when the pool collects auth events (threat protection in AUDIT or ENFORCED mode).
pub fn collects(pool: &PoolConfig) -> bool {
    pool.user_pool_add_ons
        .as_ref()
        .and_then(|a| a.get("AdvancedSecurityMode"))
        .and_then(Value::as_str)
        .is_some_and(|m| m == "AUDIT" || m == "ENFORCED")
}

/// UserPoolAddOnNotEnabledException unless the pool collects auth events (the operations that read or
/// annotate them, and the risk configuration).
pub fn require_collecting(pool: &PoolRow) -> Result<()> {
    if collects(&pool.config) {
        return Ok(());
    }
    Err(err!(
        UserPoolAddOnNotEnabledException,
        "Threat protection is not enabled for user pool {}.",
        pool.id
    ))
}

/// Records an event of user `user_pk` when the pool collects them: `passed` is the outcome (`Pass` /
/// `Fail`), `challenges` the challenges answered and whether each succeeded.
pub fn record(
    ctx: &Ctx,
    pool: &PoolRow,
    user_pk: i64,
    event: EventType,
    passed: bool,
    challenges: &[(Challenge, bool)],
) {
    if !collects(&pool.config) {
        return;
    }
    let challenges: Vec<Value> = challenges
        .iter()
        .map(|(c, ok)| {
            json!({
                "ChallengeName": match c { Challenge::Password => "Password", Challenge::Mfa => "Mfa" },
                "ChallengeResponse": if *ok { "Success" } else { "Failure" },
            })
        })
        .collect();
    let mut context = serde_json::Map::new();
    if let Some(ip) = &ctx.origin.ip {
        context.insert("IpAddress".into(), json!(ip));
    }
    if let Some(ua) = &ctx.origin.user_agent {
        context.insert("DeviceName".into(), json!(ua));
    }
    let id = ids::uuid();
    let token = URL_SAFE_NO_PAD.encode(ids::random_bytes(32));
    let now = ctx.now();
    let written = ctx.app.store.write(|c| {
        auth_events::insert(
            c,
            &NewEvent {
                id: &id,
                user_pk,
                event_type: event.as_str(),
                response: if passed { "Pass" } else { "Fail" },
                challenges: &Value::Array(challenges),
                context: &Value::Object(context),
                feedback_token: &token,
                now,
            },
        )
    });
    if let Err(e) = written {
        tracing::warn!(error = %e, pool = %pool.id, "auth event not recorded");
    }
}

/// Looks up the pool of a user and records an event (for code paths that hold only the user).
pub fn record_for_pool_id(
    ctx: &Ctx,
    pool_id: &str,
    user_pk: i64,
    event: EventType,
    passed: bool,
    challenges: &[(Challenge, bool)],
) {
    match ctx.app.store.read(|c| crate::store::pools::get(c, pool_id)) {
        Ok(Some(pool)) => record(ctx, &pool, user_pk, event, passed, challenges),
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "auth event not recorded"),
    }
}
