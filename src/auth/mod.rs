//! Sign-in: the flows of InitiateAuth / AdminInitiateAuth (password, refresh), their outcome (tokens or
//! a challenge), SECRET_HASH checks, and token issuing/verification in `tokens`.

pub mod flow;
pub mod password;
pub mod refresh;
pub mod respond;
pub mod session;
pub mod srp_auth;
pub mod start;
pub mod tokens;
pub mod user_auth;

use std::collections::HashMap;

use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use crate::Ctx;
use crate::crypto::secret_hash;
use crate::error::{CognitoError, Result};
use crate::store::clients::ClientRow;
use crate::store::devices::{self, DeviceRow};

pub use tokens::TokenSet;

/// `AuthParameters` / `ChallengeResponses`.
pub type Params = HashMap<String, String>;

/// What a sign-in step produces.
#[derive(Debug)]
pub enum Outcome {
    /// Signed in.
    Tokens(TokenSet),
    /// Another step is needed.
    Challenge {
        /// ChallengeName.
        name: String,
        /// Session for the next step.
        session: String,
        /// ChallengeParameters.
        parameters: HashMap<String, String>,
    },
    /// USER_AUTH's SELECT_CHALLENGE: the first factors to choose from.
    Select {
        /// Session for the next step.
        session: String,
        /// AvailableChallenges.
        available: Vec<String>,
    },
}

impl Outcome {
    /// The InitiateAuth / RespondToAuthChallenge response body.
    pub fn response(self) -> Value {
        match self {
            Outcome::Tokens(t) => {
                json!({"ChallengeParameters": {}, "AuthenticationResult": t.authentication_result()})
            }
            Outcome::Challenge {
                name,
                session,
                parameters,
            } => {
                json!({"ChallengeName": name, "Session": session, "ChallengeParameters": parameters})
            }
            Outcome::Select { session, available } => json!({
                "ChallengeName": "SELECT_CHALLENGE", "Session": session, "ChallengeParameters": {},
                "AvailableChallenges": available,
            }),
        }
    }
}

/// The device `key` of the user `user_pk`, or ResourceNotFoundException (device operations and
/// DEVICE_SRP_AUTH).
pub fn user_device(ctx: &Ctx, user_pk: i64, key: &str) -> Result<DeviceRow> {
    ctx.app
        .store
        .read(|c| devices::of_user(c, key, user_pk))?
        .ok_or_else(|| crate::err!(ResourceNotFoundException, "Device does not exist."))
}

/// A required entry of `AuthParameters` / `ChallengeResponses`.
pub fn required<'a>(params: &'a Params, name: &str) -> Result<&'a str> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            CognitoError::InvalidParameterException(format!("Missing required parameter {name}"))
        })
}

/// Fails when a client with a secret received no SECRET_HASH in AuthParameters / ChallengeResponses
/// (checked before any user look-up). AWS words this differently from the top-level `SecretHash`.
pub fn require_secret_hash(client: &ClientRow, provided: Option<&str>) -> Result<()> {
    if client.secret.is_some() && provided.is_none_or(str::is_empty) {
        return Err(CognitoError::NotAuthorizedException(format!(
            "Client {} is configured with secret but SECRET_HASH was not received",
            client.id
        )));
    }
    Ok(())
}

/// Fails when a client with a secret received no top-level `SecretHash` (SignUp, ConfirmSignUp,
/// ResendConfirmationCode, ForgotPassword, ConfirmForgotPassword).
pub fn require_member_secret_hash(client: &ClientRow, provided: Option<&str>) -> Result<()> {
    if client.secret.is_some() && provided.is_none_or(str::is_empty) {
        return Err(CognitoError::NotAuthorizedException(format!(
            "Client {} is configured for secret but secret was not received",
            client.id
        )));
    }
    Ok(())
}

/// Checks a client secret sent as is (GetTokensFromRefreshToken, RevokeToken) in constant time: missing
/// is [`require_member_secret_hash`]'s answer, wrong is "Unable to verify client secret for client …"
/// (AWS's wording for these two is not confirmed).
pub fn check_client_secret(client: &ClientRow, given: Option<&str>) -> Result<()> {
    require_member_secret_hash(client, given)?;
    match (&client.secret, given) {
        (Some(secret), Some(given)) if !bool::from(secret.as_bytes().ct_eq(given.as_bytes())) => {
            Err(CognitoError::NotAuthorizedException(format!(
                "Unable to verify client secret for client {}",
                client.id
            )))
        }
        _ => Ok(()),
    }
}

/// Checks SECRET_HASH for a client with a secret. Cognito computes it over the name the caller typed;
/// SDKs use the internal username after a challenge or for refresh, so any of `usernames` is accepted.
/// A hash sent to a client without a secret is ignored.
pub fn check_secret_hash(
    client: &ClientRow,
    provided: Option<&str>,
    usernames: &[&str],
) -> Result<()> {
    check_secret_hash_with(client, provided, usernames, || {
        format!("Unable to verify secret hash for client {}", client.id)
    })
}

/// [`check_secret_hash`] with the message the refresh path uses.
pub fn check_refresh_secret_hash(
    client: &ClientRow,
    provided: Option<&str>,
    usernames: &[&str],
) -> Result<()> {
    check_secret_hash_with(client, provided, usernames, || {
        format!("SecretHash does not match for the client: {}", client.id)
    })
}

fn check_secret_hash_with(
    client: &ClientRow,
    provided: Option<&str>,
    usernames: &[&str],
    mismatch: impl FnOnce() -> String,
) -> Result<()> {
    let Some(secret) = &client.secret else {
        return Ok(());
    };
    // Auth flows have already required SECRET_HASH with their own wording; this is the top-level form.
    require_member_secret_hash(client, provided)?;
    let provided = provided.unwrap_or_default();
    if usernames
        .iter()
        .any(|u| secret_hash::matches(secret, u, &client.id, provided))
    {
        Ok(())
    } else {
        Err(CognitoError::NotAuthorizedException(mismatch()))
    }
}
