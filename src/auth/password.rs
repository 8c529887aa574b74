//! USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH, with Cognito's order of checks:
//! client and flow (by the caller), SECRET_HASH, user look-up, confirmation, lockout, password, disabled,
//! reset-required, then the rest of the sign-in. Also the lockout shared with SRP.

use crate::app::Ctx;
use crate::auth::checks::{incorrect, unknown_user};
use crate::auth::history;
use crate::auth::request::InitiateRequest;
use crate::auth::{Outcome, migration, required};
use crate::domain::UserStatus;
use crate::err;
use crate::error::Result;
use crate::store::users::{self, UserRow};

/// Quiet time after which failures are forgotten.
const FAILURE_MEMORY_SECS: f64 = 900.0;

/// "Password attempts exceeded".
fn locked() -> crate::error::CognitoError {
    err!(NotAuthorizedException, "Password attempts exceeded")
}

/// Refuses a sign-in while the user is locked out (from the row the request read: a cheap first check
/// that spares the password check; the decision that counts is taken again atomically with the result).
pub fn check_lockout(ctx: &Ctx, user: &UserRow) -> Result<()> {
    if user.locked_until.is_some_and(|t| t > ctx.now()) {
        return Err(locked());
    }
    Ok(())
}

/// Counts a wrong password: after `--lockout-after` (5) failures the user is locked for 1 s, doubling
/// with each further failure up to `--lockout-max-seconds` (15 minutes); failures are forgotten after 15
/// quiet minutes (AWS's documented lockout: 1 s after five failures, doubling). The count is read and
/// the lockout checked inside the write transaction, so wrong passwords sent in parallel each count
/// and none answered after the lockout began is judged: with 100 concurrent wrong passwords, exactly
/// `--lockout-after` get "Incorrect username or password." and the rest "Password attempts exceeded".
pub fn record_failure(ctx: &Ctx, user: &UserRow) -> Result<()> {
    let failed = [(history::Challenge::Password, false)];
    history::record_for_pool_id(
        ctx,
        &user.pool_id,
        user.pk,
        history::EventType::SignIn,
        false,
        &failed,
    );
    let now = ctx.now();
    let after = ctx.app.config.lockout_after as i64;
    let max = ctx.app.config.lockout_max_seconds as f64;
    let pk = user.pk;
    ctx.app.store.write(|c| {
        let Some(current) = users::by_pk(c, pk)? else {
            return Ok(Err(incorrect()));
        };
        if current.locked_until.is_some_and(|t| t > now) {
            // Locked out while this guess was being checked: it is not an answer to the guess.
            return Ok(Err(locked()));
        }
        let recent = current
            .last_failed_sign_in
            .is_some_and(|t| now - t < FAILURE_MEMORY_SECS);
        let failed = if recent {
            current.failed_sign_ins + 1
        } else {
            1
        };
        let locked_until = (after > 0 && failed >= after)
            .then(|| now + 2f64.powi((failed - after).min(30) as i32).min(max));
        users::set_lockout(c, pk, failed, Some(now), locked_until)?;
        Ok(Err(incorrect()))
    })?
}

/// After a correct password: refused if a lockout began while it was being checked (read again now,
/// so that a right password is never let through once wrong ones locked the user), else the failure
/// count is cleared (no write when there is nothing to clear).
pub fn record_success(ctx: &Ctx, user: &UserRow) -> Result<()> {
    let now = ctx.now();
    let pk = user.pk;
    // The state of this moment (the row read at the start may be older than concurrent failures).
    let Some((failed, locked_until)) = ctx.app.store.read(|c| users::lockout_state(c, pk))? else {
        return Ok(());
    };
    if locked_until.is_some_and(|t| t > now) {
        return Err(locked());
    }
    if failed == 0 && locked_until.is_none() {
        return Ok(());
    }
    ctx.app.store.write(|c| {
        let Some(current) = users::by_pk(c, pk)? else {
            return Ok(());
        };
        if current.locked_until.is_some_and(|t| t > now) {
            return Err(locked());
        }
        if current.failed_sign_ins != 0 || current.locked_until.is_some() {
            users::set_lockout(c, pk, 0, None, None)?;
        }
        Ok(())
    })
}

/// Checks a password with the lockout: refused while locked, a failure counted, a success clearing it.
pub fn verify(ctx: &Ctx, user: &UserRow, password: &str) -> Result<()> {
    check_lockout(ctx, user)?;
    let verified = user
        .password_hash
        .as_deref()
        .is_some_and(|hash| ctx.app.passwords.verify(user.pk, hash, password));
    if !verified {
        return record_failure(ctx, user);
    }
    record_success(ctx, user)
}

/// Signs a user in with a password (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH): UserMigration for an
/// unknown user, PreAuthentication, then the password.
pub fn sign_in(req: &InitiateRequest<'_>) -> Result<Outcome> {
    let (ctx, client) = (req.ctx, req.client);
    let username = required(req.params, "USERNAME")?;
    let password = required(req.params, "PASSWORD")?;
    let found = req.identify(username)?;
    let user = match found {
        Some(u) => u,
        None => match migration::on_sign_in(req, username, password)? {
            Some(u) => u,
            None => {
                if client.config.prevents_user_existence_errors() {
                    req.pre_authentication(None, username)?;
                }
                return Err(unknown_user(client));
            }
        },
    };
    if user.status == UserStatus::Unconfirmed {
        return Err(err!(UserNotConfirmedException, "User is not confirmed."));
    }
    req.pre_authentication(Some(&user), username)?;
    verify(ctx, &user, password)?;
    req.attempt(user, username).after_first_factor()
}
