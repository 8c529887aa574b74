//! USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH (reference §3.1-3.2), with Cognito's order of checks:
//! client and flow (by the caller), SECRET_HASH, user look-up, confirmation, lockout, password, disabled,
//! reset-required, then the rest of the sign-in. Also the lockout shared with SRP.

use crate::auth::flow::Attempt;
use crate::auth::{Outcome, Params, check_secret_hash, require_secret_hash, required};
use crate::domain::UserStatus;
use crate::error::{CognitoError, Result};
use crate::store::clients::ClientRow;
use crate::store::pools::PoolRow;
use crate::store::users::{self, UserRow};
use crate::{Ctx, err};

/// "Incorrect username or password." — also the answer for unknown users when the client prevents
/// user-existence errors.
pub fn incorrect() -> CognitoError {
    CognitoError::NotAuthorizedException("Incorrect username or password.".into())
}

/// Looks up the user a sign-in names, answering as the client's PreventUserExistenceErrors says.
pub fn find_user(ctx: &Ctx, pool: &PoolRow, client: &ClientRow, username: &str) -> Result<UserRow> {
    let user = ctx
        .app
        .store
        .read(|c| users::resolve(c, &pool.id, &pool.config, username))?;
    user.ok_or_else(|| {
        if client.config.prevents_user_existence_errors() {
            incorrect()
        } else {
            err!(UserNotFoundException, "User does not exist.")
        }
    })
}

/// The checks after a correct password: disabled users and pending resets.
pub fn check_can_sign_in(user: &UserRow) -> Result<()> {
    if !user.enabled {
        return Err(err!(NotAuthorizedException, "User is disabled."));
    }
    if user.status == UserStatus::ResetRequired {
        return Err(err!(
            PasswordResetRequiredException,
            "Password reset required for the user"
        ));
    }
    Ok(())
}

/// Failures before the first lockout (reference §9.1).
const FAILURES_BEFORE_LOCKOUT: i64 = 5;
/// The longest lockout.
const MAX_LOCKOUT_SECS: f64 = 900.0;
/// Quiet time after which failures are forgotten.
const FAILURE_MEMORY_SECS: f64 = 900.0;

/// Refuses a sign-in while the user is locked out.
pub fn check_lockout(ctx: &Ctx, user: &UserRow) -> Result<()> {
    if user.locked_until.is_some_and(|t| t > ctx.now()) {
        return Err(err!(NotAuthorizedException, "Password attempts exceeded"));
    }
    Ok(())
}

/// Counts a wrong password: after five, the user is locked for 1 s, doubling with each further failure
/// up to 15 minutes; failures are forgotten after 15 quiet minutes.
pub fn record_failure(ctx: &Ctx, user: &UserRow) -> Result<()> {
    let now = ctx.now();
    let recent = user
        .last_failed_sign_in
        .is_some_and(|t| now - t < FAILURE_MEMORY_SECS);
    let failed = if recent { user.failed_sign_ins + 1 } else { 1 };
    let locked_until = (failed >= FAILURES_BEFORE_LOCKOUT).then(|| {
        now + 2f64
            .powi((failed - FAILURES_BEFORE_LOCKOUT) as i32)
            .min(MAX_LOCKOUT_SECS)
    });
    ctx.app
        .store
        .write(|c| users::set_lockout(c, user.pk, failed, Some(now), locked_until))
}

/// Clears the failure count after a correct password (no write when there is nothing to clear).
pub fn record_success(ctx: &Ctx, user: &UserRow) -> Result<()> {
    if user.failed_sign_ins == 0 && user.locked_until.is_none() {
        return Ok(());
    }
    ctx.app
        .store
        .write(|c| users::set_lockout(c, user.pk, 0, None, None))
}

/// Checks a password with the lockout: refused while locked, a failure counted, a success clearing it.
pub fn verify(ctx: &Ctx, user: &UserRow, password: &str) -> Result<()> {
    check_lockout(ctx, user)?;
    let verified = user
        .password_hash
        .as_deref()
        .is_some_and(|hash| ctx.app.passwords.verify(user.pk, hash, password));
    if !verified {
        record_failure(ctx, user)?;
        return Err(incorrect());
    }
    record_success(ctx, user)
}

/// Signs a user in with a password.
pub fn sign_in(
    ctx: &Ctx,
    pool: &PoolRow,
    client: &ClientRow,
    params: &Params,
    admin: bool,
) -> Result<Outcome> {
    let username = required(params, "USERNAME")?;
    let password = required(params, "PASSWORD")?;
    let secret_hash = params.get("SECRET_HASH").map(String::as_str);
    require_secret_hash(client, secret_hash)?;
    let user = match find_user(ctx, pool, client, username) {
        Ok(u) => u,
        Err(e) => {
            // An unknown user with a wrong SECRET_HASH is a secret-hash failure first.
            check_secret_hash(client, secret_hash, &[username])?;
            return Err(e);
        }
    };
    check_secret_hash(client, secret_hash, &[username, &user.username])?;
    if user.status == UserStatus::Unconfirmed {
        return Err(err!(UserNotConfirmedException, "User is not confirmed."));
    }
    verify(ctx, &user, password)?;
    let attempt = Attempt {
        ctx,
        pool,
        client,
        typed: username.to_string(),
        admin,
        device_key: params.get("DEVICE_KEY").cloned(),
        user,
    };
    attempt.after_first_factor()
}
