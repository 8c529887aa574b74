//! USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH (reference §3.1-3.2), with Cognito's order of checks:
//! client and flow (by the caller), SECRET_HASH, user look-up, confirmation, password, disabled,
//! reset-required, then tokens.

use crate::auth::tokens::{self, Session};
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

/// Signs a user in with a password.
pub fn sign_in(ctx: &Ctx, pool: &PoolRow, client: &ClientRow, params: &Params) -> Result<Outcome> {
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
    let verified = user
        .password_hash
        .as_deref()
        .is_some_and(|hash| ctx.app.passwords.verify(user.pk, hash, password));
    if !verified {
        return Err(incorrect());
    }
    check_can_sign_in(&user)?;
    if user.status == UserStatus::ForceChangePassword {
        return Err(err!(
            UnsupportedOperationException,
            "The NEW_PASSWORD_REQUIRED challenge is not implemented by cognito-emulator yet."
        ));
    }
    if pool.config.mfa_configuration == "ON" {
        return Err(err!(
            UnsupportedOperationException,
            "MFA challenges are not implemented by cognito-emulator yet (the pool has MfaConfiguration ON)."
        ));
    }
    let session = Session::new(ctx);
    Ok(Outcome::Tokens(tokens::sign_in(
        ctx, client, &user, &session,
    )?))
}
