//! Codes the pool sends and checks — one place for all of them: choose a code, pick where it goes,
//! render the pool's template for it, count the sends and checks against AWS's limits, queue the
//! message, and check an answer in constant time.
//!
//! Every message a pool sends passes through [`prepare`]: sign-up and resent confirmation codes,
//! password-reset codes, attribute verification codes, invitations with a temporary password, and
//! MFA / passwordless sign-in codes. Rendering happens before any transaction (it is where a
//! CustomMessage trigger runs); the rendered message is then queued inside the caller's transaction,
//! next to the code it carries, and [`sent`] wakes the relay (or calls the pool's custom sender) once
//! that transaction committed.

use rusqlite::Connection;
use serde_json::{Map, Value, json};
use subtle::ConstantTimeEq;

use crate::app::Ctx;
use crate::config::Config;
use crate::domain::UserStatus;
use crate::domain::attributes::{self, Attributes};
use crate::domain::ids;
use crate::err;
use crate::error::{CognitoError, Result};
use crate::mail::{self, Delivery, Kind, Medium, Outgoing};
use crate::store::codes::{self as code_store, CodeRow};
use crate::store::pools::PoolRow;
use crate::store::users::UserRow;
use crate::triggers::events::{self, MessageEvent};
use crate::triggers::{self, Caller, ClientMetadata};

/// How long a sign-up confirmation or attribute verification code is valid (24 hours).
pub const SIGN_UP_CODE_TTL: f64 = 24.0 * 3600.0;

/// How long a password-reset code is valid (one hour).
pub const RESET_CODE_TTL: f64 = 3600.0;

/// What a stored code confirms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The sign-up (ConfirmSignUp).
    SignUp,
    /// A password reset (ConfirmForgotPassword).
    ForgotPassword,
    /// An email address or phone number (VerifyUserAttribute).
    Verify(Medium),
}

impl Purpose {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::SignUp => "sign_up",
            Purpose::ForgotPassword => "forgot_password",
            Purpose::Verify(Medium::Email) => "verify_email",
            Purpose::Verify(Medium::Sms) => "verify_phone_number",
        }
    }

    /// How long a code for this purpose lives.
    pub fn ttl(self) -> f64 {
        match self {
            Purpose::ForgotPassword => RESET_CODE_TTL,
            Purpose::SignUp | Purpose::Verify(_) => SIGN_UP_CODE_TTL,
        }
    }
}

/// An action counted against a per-user hourly limit (AWS's "Attempt limit exceeded").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// ConfirmSignUp.
    ConfirmSignUp,
    /// ResendConfirmationCode.
    ResendCode,
    /// ForgotPassword.
    ForgotPassword,
    /// ConfirmForgotPassword.
    ConfirmForgotPassword,
    /// ChangePassword.
    ChangePassword,
    /// GetUserAttributeVerificationCode.
    SendVerificationCode,
    /// VerifyUserAttribute.
    VerifyAttribute,
}

impl Action {
    fn key(self) -> &'static str {
        match self {
            Action::ConfirmSignUp => "confirm_sign_up",
            Action::ResendCode => "resend_confirmation_code",
            Action::ForgotPassword => "forgot_password",
            Action::ConfirmForgotPassword => "confirm_forgot_password",
            Action::ChangePassword => "change_password",
            Action::SendVerificationCode => "verification_code",
            Action::VerifyAttribute => "verify_attribute",
        }
    }

    fn per_hour(self, config: &Config) -> u32 {
        match self {
            Action::ConfirmSignUp | Action::VerifyAttribute => config.code_checks_per_hour,
            Action::ResendCode | Action::ForgotPassword | Action::SendVerificationCode => {
                config.code_sends_per_hour
            }
            Action::ConfirmForgotPassword | Action::ChangePassword => {
                config.password_changes_per_hour
            }
        }
    }
}

/// A fresh six-digit code (or `--fixed-code`).
pub fn new_code(ctx: &Ctx) -> String {
    ids::code(ctx.app.config.fixed_code.as_deref())
}

/// Where sign-up codes go: the phone when phone_number is auto-verified (AWS sends only the SMS when both
/// are), else the email when email is.
pub fn sign_up_delivery(pool: &PoolRow, attrs: &Attributes) -> Option<Delivery> {
    for medium in [Medium::Sms, Medium::Email] {
        if pool.config.auto_verifies(medium.attribute()) {
            if let Some(value) =
                attributes::get(attrs, medium.attribute()).filter(|v| !v.is_empty())
            {
                return Some(Delivery::to(medium, value));
            }
        }
    }
    None
}

/// A user with a temporary password (FORCE_CHANGE_PASSWORD) cannot reset it: ForgotPassword and
/// AdminResetUserPassword refuse (AWS's answer, as an AWS-verified moto test records it).
pub fn check_resettable(user: &UserRow) -> Result<()> {
    if user.status == crate::domain::UserStatus::ForceChangePassword {
        return Err(err!(
            NotAuthorizedException,
            "User password cannot be reset in the current state."
        ));
    }
    Ok(())
}

/// The verified channel a reset code goes to, by the pool's AccountRecoverySetting priorities.
pub fn recovery_delivery(pool: &PoolRow, user: &UserRow) -> Result<Delivery> {
    let mut mechanisms = pool
        .config
        .account_recovery_setting
        .clone()
        .unwrap_or_else(crate::domain::pool::AccountRecoverySetting::legacy)
        .recovery_mechanisms;
    mechanisms.sort_by_key(|m| m.priority);
    for m in &mechanisms {
        let medium = match m.name.as_str() {
            "verified_email" => Medium::Email,
            "verified_phone_number" => Medium::Sms,
            "admin_only" => {
                return Err(err!(
                    NotAuthorizedException,
                    "Contact administrator to reset password."
                ));
            }
            _ => continue,
        };
        if attributes::is_verified(&user.attributes, medium.attribute()) {
            if let Some(v) = attributes::get(&user.attributes, medium.attribute()) {
                return Ok(Delivery::to(medium, v));
            }
        }
    }
    Err(err!(
        InvalidParameterException,
        "Cannot reset password for the user as there is no registered/verified email or phone_number"
    ))
}

/// What the triggers of a message learn about its cause: the client, the call's ClientMetadata and the
/// recipient's attributes as events carry them.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// `callerContext.clientId`.
    pub caller: Caller,
    /// ClientMetadata of the API call.
    pub client_metadata: Option<&'a ClientMetadata>,
    /// `userAttributes`.
    pub user_attributes: Value,
}

impl<'a> Context<'a> {
    /// A context without user attributes.
    pub fn new(caller: Caller, client_metadata: Option<&'a ClientMetadata>) -> Context<'a> {
        Context {
            caller,
            client_metadata,
            user_attributes: json!({}),
        }
    }

    /// The same context with the stored `user`'s attributes.
    pub fn with_user(mut self, pool: &PoolRow, user: &UserRow) -> Context<'a> {
        self.user_attributes = triggers::user_attributes(pool, user);
        self
    }

    /// The same context with the attributes of a user about to exist in `status`.
    pub fn with_attributes(mut self, attrs: &Attributes, status: UserStatus) -> Context<'a> {
        let mut v = triggers::plain_attributes(attrs);
        if let (Some(obj), Some(sub)) = (v.as_object_mut(), attributes::get(attrs, "sub")) {
            let mut out = Map::new();
            out.insert("sub".into(), json!(sub));
            out.insert("cognito:user_status".into(), json!(status.as_str()));
            out.extend(std::mem::take(obj));
            v = Value::Object(out);
        }
        self.user_attributes = v;
        self
    }
}

/// A message the pool is about to send.
pub struct Message<'a> {
    /// The sending pool (its templates and triggers).
    pub pool: &'a PoolRow,
    /// The recipient's internal username.
    pub username: &'a str,
    /// What `{username}` shows (invitations show the name the administrator typed).
    pub shown_username: &'a str,
    /// Why it is sent.
    pub kind: Kind,
    /// Channel and address.
    pub delivery: Delivery,
    /// The code, or the temporary password of an invitation.
    pub code: String,
    /// What the message's triggers learn.
    pub context: Context<'a>,
}

/// The pool's (subject, body) template for a message.
fn template(pool: &PoolRow, kind: Kind, medium: Medium) -> (Option<String>, String) {
    let cfg = &pool.config;
    match (kind, medium) {
        (Kind::Invitation, _) => {
            let t = cfg
                .admin_create_user_config
                .invite_message_template
                .clone()
                .unwrap_or_default();
            let default =
                || "Your username is {username} and temporary password is {####}. ".into();
            match medium {
                Medium::Email => (
                    Some(
                        t.email_subject
                            .unwrap_or_else(|| "Your temporary password".into()),
                    ),
                    t.email_message.unwrap_or_else(default),
                ),
                Medium::Sms => (None, t.sms_message.unwrap_or_else(default)),
            }
        }
        (Kind::Mfa | Kind::SignInCode, Medium::Sms) => (None, pool.mfa.sms_message(cfg)),
        (Kind::Mfa | Kind::SignInCode, Medium::Email) => {
            let (subject, body) = pool.mfa.email_message();
            (Some(subject), body)
        }
        // AWS uses the verification template for sign-up, attribute and reset codes alike.
        (_, Medium::Sms) => (None, cfg.verification_sms()),
        (_, Medium::Email) => {
            let (subject, body) = cfg.verification_email();
            (Some(subject), body)
        }
    }
}

/// A CustomMessage body is used only when it carries the placeholders AWS requires (`{####}`, and
/// `{username}` too for invitations); otherwise the pool's own message is sent, as AWS does.
fn usable(body: &str, kind: Kind) -> bool {
    body.contains("{####}") && (kind != Kind::Invitation || body.contains("{username}"))
}

/// The trigger source suffix of a message kind (`CustomMessage_<suffix>`).
fn trigger_suffix(kind: Kind) -> &'static str {
    match kind {
        Kind::SignUp => "SignUp",
        Kind::ResendCode => "ResendCode",
        Kind::ForgotPassword => "ForgotPassword",
        Kind::Invitation => "AdminCreateUser",
        Kind::UpdateAttribute => "UpdateUserAttribute",
        Kind::VerifyAttribute => "VerifyUserAttribute",
        Kind::Mfa | Kind::SignInCode => "Authentication",
    }
}

/// A custom sender call to make once the message's transaction committed.
#[derive(Debug, Clone)]
struct SenderCall {
    pool: PoolRow,
    caller: Caller,
    client_metadata: Option<ClientMetadata>,
    user_attributes: Value,
}

/// A message rendered and ready to be queued (or handed to the pool's custom sender).
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The rendered message.
    pub message: Outgoing,
    sender: Option<SenderCall>,
}

impl Prepared {
    /// Channel and address.
    pub fn delivery(&self) -> &Delivery {
        &self.message.delivery
    }

    /// The code it carries.
    pub fn code(&self) -> &str {
        &self.message.code
    }
}

/// Renders a message: the pool's templates, or its CustomMessage trigger's answer; a pool with a
/// custom sender for the medium gets no rendering (the sender is called once the caller commits).
/// Runs outside any transaction.
pub fn prepare(ctx: &Ctx, m: Message<'_>) -> Result<Prepared> {
    let medium = m.delivery.medium;
    let (mut subject, mut body) = template(m.pool, m.kind, medium);
    let event = MessageEvent {
        suffix: trigger_suffix(m.kind),
        user_name: m.username,
        caller: m.context.caller.clone(),
        user_attributes: m.context.user_attributes.clone(),
        client_metadata: m.context.client_metadata,
    };
    let sender = events::has_sender(m.pool, medium).then(|| SenderCall {
        pool: m.pool.clone(),
        caller: m.context.caller.clone(),
        client_metadata: m.context.client_metadata.cloned(),
        user_attributes: m.context.user_attributes.clone(),
    });
    if sender.is_none() {
        if let Some(custom) = events::custom_message(ctx, m.pool, &event)? {
            let given = match medium {
                Medium::Sms => custom.sms,
                Medium::Email => custom.email,
            };
            match given {
                Some(b) if usable(&b, m.kind) => body = b,
                Some(_) => tracing::warn!(
                    pool = m.pool.id,
                    "CustomMessage returned a message without its placeholders: the pool's message is sent"
                ),
                None => {}
            }
            if medium == Medium::Email {
                if let Some(s) = custom.subject {
                    subject = Some(s);
                }
            }
        }
    }
    Ok(Prepared {
        message: Outgoing {
            pool_id: m.pool.id.clone(),
            username: m.username.to_string(),
            kind: m.kind,
            subject,
            body: mail::render(&body, &m.code, m.shown_username),
            delivery: m.delivery,
            code: m.code,
        },
        sender,
    })
}

/// A fresh code for the user `username` in a message of `kind` to `delivery`, rendered.
pub fn prepare_code(
    ctx: &Ctx,
    pool: &PoolRow,
    username: &str,
    kind: Kind,
    delivery: Delivery,
    context: Context<'_>,
) -> Result<Prepared> {
    prepare(
        ctx,
        Message {
            pool,
            username,
            shown_username: username,
            kind,
            delivery,
            code: new_code(ctx),
            context,
        },
    )
}

/// Queues a prepared message in the caller's transaction (then call [`sent`] once it commits). A
/// message for a custom sender is not queued: the sender delivers it.
pub fn queue(c: &Connection, m: &Prepared, now: f64) -> Result<()> {
    if m.sender.is_some() {
        return Ok(());
    }
    mail::queue(c, &m.message, now).map(drop)
}

/// Stores the code of a prepared message for `purpose` (replacing an earlier one) and queues the
/// message, in the caller's transaction. `value` is a new attribute value that takes effect once the
/// code verifies it.
pub fn store_and_queue(
    c: &Connection,
    m: &Prepared,
    user_pk: i64,
    purpose: Purpose,
    value: Option<&str>,
    now: f64,
) -> Result<()> {
    code_store::put(
        c,
        user_pk,
        purpose.as_str(),
        &m.message.code,
        Some(m.message.delivery.medium.attribute()),
        value,
        now,
        purpose.ttl(),
    )?;
    queue(c, m, now)
}

/// After the messages' transaction committed: wakes the SMTP relay, and hands the messages of pools
/// with a custom sender to it (asynchronously, as AWS invokes senders).
pub fn sent(ctx: &Ctx, messages: &[Prepared]) {
    let mut relay = false;
    for m in messages {
        match &m.sender {
            None => relay = true,
            Some(s) => {
                let event = MessageEvent {
                    suffix: trigger_suffix(m.message.kind),
                    user_name: &m.message.username,
                    caller: s.caller.clone(),
                    user_attributes: s.user_attributes.clone(),
                    client_metadata: s.client_metadata.as_ref(),
                };
                events::custom_sender(
                    ctx,
                    &s.pool,
                    m.message.delivery.medium,
                    &event,
                    &m.message.code,
                );
            }
        }
    }
    if relay {
        ctx.app.mail.wake();
    }
}

/// "Attempt limit exceeded, please try after some time."
pub fn attempt_limit() -> CognitoError {
    err!(
        LimitExceededException,
        "Attempt limit exceeded, please try after some time."
    )
}

/// Counts one `action` of the user against its hourly limit; `Err` once the limit is passed.
pub fn limit(ctx: &Ctx, c: &Connection, user_pk: i64, action: Action) -> Result<()> {
    let per_hour = action.per_hour(&ctx.app.config);
    if code_store::hit(c, user_pk, action.key(), ctx.now(), 3600.0)? > per_hour as i64 {
        return Err(attempt_limit());
    }
    Ok(())
}

/// "Invalid code provided, please request a code again."
pub fn expired() -> CognitoError {
    err!(
        ExpiredCodeException,
        "Invalid code provided, please request a code again."
    )
}

/// The user's live code for `purpose`, if any.
pub fn pending(c: &Connection, user_pk: i64, purpose: Purpose) -> Result<Option<CodeRow>> {
    code_store::get(c, user_pk, purpose.as_str())
}

/// Removes the code for `purpose` (used, or superseded).
pub fn discard(c: &Connection, user_pk: i64, purpose: Purpose) -> Result<()> {
    code_store::delete(c, user_pk, purpose.as_str())
}

/// The user's live code for `purpose`, if `given` is it (compared in constant time). No live code is
/// [`expired`]; a wrong one is counted and CodeMismatchException.
pub fn check(
    c: &Connection,
    user_pk: i64,
    purpose: Purpose,
    given: &str,
    now: f64,
) -> Result<CodeRow> {
    let code = pending(c, user_pk, purpose)?
        .filter(|code| code.expires_at > now)
        .ok_or_else(expired)?;
    if !matches(&code.code, given) {
        code_store::record_failure(c, user_pk, purpose.as_str())?;
        return Err(err!(
            CodeMismatchException,
            "Invalid verification code provided, please try again."
        ));
    }
    Ok(code)
}

/// Whether `given` is `code` (constant time).
pub fn matches(code: &str, given: &str) -> bool {
    bool::from(code.as_bytes().ct_eq(given.as_bytes()))
}
