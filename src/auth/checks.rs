//! The checks every sign-in and code operation makes: SECRET_HASH (one checker; AWS words its answer by
//! where the hash travels), finding the user a request names, the answer for an unknown user, and
//! whether a user may sign in at all.

use subtle::ConstantTimeEq;

use crate::app::Ctx;
use crate::crypto::secret_hash;
use crate::domain::UserStatus;
use crate::err;
use crate::error::{CognitoError, Result};
use crate::store::clients::ClientRow;
use crate::store::pools::PoolRow;
use crate::store::users::{self, UserRow};

/// Where a SECRET_HASH travels, which sets AWS's wording when it is missing or wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wording {
    /// In AuthParameters / ChallengeResponses of a sign-in.
    AuthParameters,
    /// As the top-level `SecretHash` member (SignUp, ConfirmSignUp, ResendConfirmationCode,
    /// ForgotPassword, ConfirmForgotPassword).
    Member,
    /// In AuthParameters of a refresh (REFRESH_TOKEN_AUTH).
    Refresh,
}

impl Wording {
    fn missing(self, client: &ClientRow) -> CognitoError {
        let id = &client.id;
        match self {
            Wording::AuthParameters | Wording::Refresh => err!(
                NotAuthorizedException,
                "Client {id} is configured with secret but SECRET_HASH was not received"
            ),
            Wording::Member => err!(
                NotAuthorizedException,
                "Client {id} is configured for secret but secret was not received"
            ),
        }
    }

    fn mismatch(self, client: &ClientRow) -> CognitoError {
        let id = &client.id;
        match self {
            Wording::AuthParameters | Wording::Member => err!(
                NotAuthorizedException,
                "Unable to verify secret hash for client {id}"
            ),
            Wording::Refresh => err!(
                NotAuthorizedException,
                "SecretHash does not match for the client: {id}"
            ),
        }
    }
}

/// Fails when a client with a secret received no SECRET_HASH (checked before any user look-up, so a
/// missing hash is reported first).
pub fn require_secret_hash(
    client: &ClientRow,
    provided: Option<&str>,
    wording: Wording,
) -> Result<()> {
    if client.has_secret() && provided.is_none_or(str::is_empty) {
        return Err(wording.missing(client));
    }
    Ok(())
}

/// Checks SECRET_HASH for a client with a secret. Cognito computes it over the name the caller typed;
/// SDKs use the internal username after a challenge or for refresh, so any of `usernames` is accepted,
/// computed with any current secret of the client (two during a rotation, AddUserPoolClientSecret).
/// A hash sent to a client without a secret is ignored.
pub fn check_secret_hash(
    client: &ClientRow,
    provided: Option<&str>,
    usernames: &[&str],
    wording: Wording,
) -> Result<()> {
    if !client.has_secret() {
        return Ok(());
    }
    require_secret_hash(client, provided, wording)?;
    let provided = provided.unwrap_or_default();
    let mut matched = false;
    // Every combination is computed (no early exit), so the time taken does not tell which matched.
    for secret in client.current_secrets() {
        for u in usernames {
            matched |= secret_hash::matches(secret, u, &client.id, provided);
        }
    }
    if matched {
        Ok(())
    } else {
        Err(wording.mismatch(client))
    }
}

/// Checks a client secret sent as is (GetTokensFromRefreshToken, RevokeToken, the token endpoint) in
/// constant time against every current secret of the client: missing is the top-level member's answer,
/// wrong is "Unable to verify client secret for client …" (AWS's wording for these two is not confirmed).
pub fn check_client_secret(client: &ClientRow, given: Option<&str>) -> Result<()> {
    require_secret_hash(client, given, Wording::Member)?;
    let Some(given) = given.filter(|_| client.has_secret()) else {
        return Ok(());
    };
    if secret_matches(client, given) {
        Ok(())
    } else {
        Err(err!(
            NotAuthorizedException,
            "Unable to verify client secret for client {}",
            client.id
        ))
    }
}

/// Whether `given` equals one of the client's current secrets (constant time for each, all compared).
pub fn secret_matches(client: &ClientRow, given: &str) -> bool {
    let mut matched = subtle::Choice::from(0);
    for secret in client.current_secrets() {
        matched |= secret.as_bytes().ct_eq(given.as_bytes());
    }
    bool::from(matched)
}

/// The user a request names, with SECRET_HASH required and checked over the name typed (and, once
/// found, the internal username; an unknown user with a wrong hash is a secret-hash failure first).
/// `None` for an unknown user: see [`unknown_user`].
pub fn identify(
    ctx: &Ctx,
    pool: &PoolRow,
    client: &ClientRow,
    username: &str,
    secret_hash: Option<&str>,
    wording: Wording,
) -> Result<Option<UserRow>> {
    require_secret_hash(client, secret_hash, wording)?;
    let user = ctx
        .app
        .store
        .read(|c| users::resolve(c, &pool.id, &pool.config, username))?;
    match &user {
        Some(u) => check_secret_hash(client, secret_hash, &[username, &u.username], wording)?,
        None => check_secret_hash(client, secret_hash, &[username], wording)?,
    }
    Ok(user)
}

/// "Incorrect username or password." — also the answer for unknown users when the client prevents
/// user-existence errors.
pub fn incorrect() -> CognitoError {
    CognitoError::NotAuthorizedException("Incorrect username or password.".into())
}

/// The answer to an unknown user, as the client's PreventUserExistenceErrors says.
pub fn unknown_user(client: &ClientRow) -> CognitoError {
    if client.config.prevents_user_existence_errors() {
        incorrect()
    } else {
        err!(UserNotFoundException, "User does not exist.")
    }
}

/// The checks after a correct first factor: disabled users and pending resets.
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
