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
use subtle::ConstantTimeEq;

use crate::app::Ctx;
use crate::config::Config;
use crate::domain::attributes::{self, Attributes};
use crate::err;
use crate::error::{CognitoError, Result};
use crate::mail::{Delivery, Medium};
use crate::store::codes::{self as code_store, CodeRow};
use crate::store::pools::PoolRow;
use crate::store::users::UserRow;

mod message;

pub use message::{Context, Message, Prepared, new_code, prepare, prepare_code, queue, sent};

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
