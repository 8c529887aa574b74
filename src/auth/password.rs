//! USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH, with Cognito's order of checks:
//! client and flow (by the caller), SECRET_HASH, user look-up, confirmation, lockout, password, disabled,
//! reset-required, then the rest of the sign-in. Also the lockout shared with SRP.

use crate::app::Ctx;
use crate::auth::checks::{Wording, identify, incorrect, unknown_user};
use crate::auth::flow::Attempt;
use crate::auth::{Caller, Outcome, Params, required};
use crate::domain::UserStatus;
use crate::err;
use crate::error::Result;
use crate::store::clients::ClientRow;
use crate::store::pools::PoolRow;
use crate::store::users::{self, UserRow};

/// Quiet time after which failures are forgotten.
const FAILURE_MEMORY_SECS: f64 = 900.0;

/// Refuses a sign-in while the user is locked out.
pub fn check_lockout(ctx: &Ctx, user: &UserRow) -> Result<()> {
    if user.locked_until.is_some_and(|t| t > ctx.now()) {
        return Err(err!(NotAuthorizedException, "Password attempts exceeded"));
    }
    Ok(())
}

/// Counts a wrong password: after `--lockout-after` (5) failures the user is locked for 1 s, doubling
/// with each further failure up to `--lockout-max-seconds` (15 minutes); failures are forgotten after 15
/// quiet minutes (AWS's documented lockout: 1 s after five failures, doubling). The count is read inside the write transaction, so wrong passwords
/// sent in parallel each count.
pub fn record_failure(ctx: &Ctx, user: &UserRow) -> Result<()> {
    let now = ctx.now();
    let after = ctx.app.config.lockout_after as i64;
    let max = ctx.app.config.lockout_max_seconds as f64;
    ctx.app.store.write(|c| {
        let Some(current) = users::by_pk(c, user.pk)? else {
            return Ok(());
        };
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
        users::set_lockout(c, user.pk, failed, Some(now), locked_until)
    })
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
    caller: Caller,
) -> Result<Outcome> {
    let username = required(params, "USERNAME")?;
    let password = required(params, "PASSWORD")?;
    let secret_hash = params.get("SECRET_HASH").map(String::as_str);
    let user = identify(
        ctx,
        pool,
        client,
        username,
        secret_hash,
        Wording::AuthParameters,
    )?
    .ok_or_else(|| unknown_user(client))?;
    if user.status == UserStatus::Unconfirmed {
        return Err(err!(UserNotConfirmedException, "User is not confirmed."));
    }
    verify(ctx, &user, password)?;
    let attempt = Attempt {
        ctx,
        pool,
        client,
        typed: username.to_string(),
        caller,
        device_key: params.get("DEVICE_KEY").cloned(),
        user,
    };
    attempt.after_first_factor()
}

/// A new password, checked and hashed, ready to store.
pub struct NewPassword {
    /// argon2id hash.
    pub hash: String,
    /// SRP verifier over the internal username.
    pub srp: crate::crypto::srp::Verifier,
}

impl NewPassword {
    /// Checks `password` against the pool's policy and the user's password history, then hashes it and
    /// computes its SRP verifier — the slow part, done outside any database lock.
    pub fn prepare(
        ctx: &Ctx,
        pool: &PoolRow,
        user: &UserRow,
        password: &str,
    ) -> Result<NewPassword> {
        let policy = &pool.config.policies.password_policy;
        crate::domain::password_policy::check(policy, password)?;
        let history = policy.password_history_size.unwrap_or(0) as usize;
        if history > 0 {
            // The current password counts as one of the remembered ones.
            let mut recent: Vec<&str> = user.password_hash.iter().map(String::as_str).collect();
            recent.extend(
                user.password_history
                    .iter()
                    .rev()
                    .take(history.saturating_sub(1))
                    .map(String::as_str),
            );
            if recent
                .iter()
                .any(|h| ctx.app.passwords.matches(h, password))
            {
                return Err(err!(
                    PasswordHistoryPolicyViolationException,
                    "The password has been used previously."
                ));
            }
        }
        NewPassword::compute(ctx, &pool.id, &user.username, password)
    }

    /// The hash and SRP verifier of `password` for `username`, without any policy or history check
    /// (temporary passwords, and callers that checked the policy themselves).
    pub fn compute(
        ctx: &Ctx,
        pool_id: &str,
        username: &str,
        password: &str,
    ) -> Result<NewPassword> {
        Ok(NewPassword {
            hash: ctx.app.passwords.hash(password)?,
            srp: crate::crypto::srp::make_verifier(
                crate::domain::ids::pool_name(pool_id),
                username,
                password,
            ),
        })
    }

    /// Stores it for user `pk` (the previous hash joins the history).
    pub fn store(&self, c: &rusqlite::Connection, pk: i64, now: f64) -> Result<()> {
        users::set_password(c, pk, &self.hash, &self.srp.salt, &self.srp.verifier, now)
    }
}
