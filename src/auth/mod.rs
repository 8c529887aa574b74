//! Sign-in: the flows of InitiateAuth / AdminInitiateAuth, RespondToAuthChallenge's state machine,
//! their outcome (tokens or a challenge), the checks every flow makes (`checks`: SECRET_HASH, user
//! look-up, disabled users), and token issuing/verification in `tokens`.

pub mod checks;
pub mod custom;
pub mod email_setup;
pub mod flow;
pub mod history;
pub mod migration;
pub mod passkey_registration;
pub mod passkeys;
pub mod password;
pub mod refresh;
pub mod request;
pub mod respond;
pub mod session;
pub mod sessions;
pub mod srp_auth;
pub mod srp_challenge;
pub mod start;
pub mod tokens;
pub mod user_auth;

use std::collections::HashMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::app::Ctx;
use crate::domain::challenge::{ChallengeName, FirstFactor};
use crate::error::{CognitoError, Result};
use crate::store::devices::{self, DeviceRow};

pub use tokens::TokenSet;

/// Who started a sign-in: AWS answers a few things differently for the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// InitiateAuth / RespondToAuthChallenge (a public client).
    Client,
    /// AdminInitiateAuth / AdminRespondToAuthChallenge (an IAM-authorised back end).
    Admin,
}

impl Caller {
    /// True for the Admin* operations.
    pub fn is_admin(self) -> bool {
        self == Caller::Admin
    }
}

// Stored in session state as the boolean `admin`, as before `Caller` existed.
impl Serialize for Caller {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_bool(self.is_admin())
    }
}

impl<'de> Deserialize<'de> for Caller {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Caller, D::Error> {
        Ok(if bool::deserialize(d)? {
            Caller::Admin
        } else {
            Caller::Client
        })
    }
}

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
        name: ChallengeName,
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
        available: Vec<FirstFactor>,
    },
}

/// The InitiateAuth / RespondToAuthChallenge answer (also their Admin* twins).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthResponse {
    /// The next challenge.
    pub challenge_name: Option<ChallengeName>,
    /// Session for the next step.
    pub session: Option<String>,
    /// ChallengeParameters (empty once signed in).
    pub challenge_parameters: HashMap<String, String>,
    /// The tokens, once signed in.
    pub authentication_result: Option<tokens::AuthenticationResult>,
    /// SELECT_CHALLENGE's choices.
    pub available_challenges: Option<Vec<FirstFactor>>,
}

impl Outcome {
    /// The InitiateAuth / RespondToAuthChallenge response body.
    pub fn response(self) -> AuthResponse {
        match self {
            Outcome::Tokens(t) => AuthResponse {
                challenge_name: None,
                session: None,
                challenge_parameters: HashMap::new(),
                authentication_result: Some(t.authentication_result()),
                available_challenges: None,
            },
            Outcome::Challenge {
                name,
                session,
                parameters,
            } => AuthResponse {
                challenge_name: Some(name),
                session: Some(session),
                challenge_parameters: parameters,
                authentication_result: None,
                available_challenges: None,
            },
            Outcome::Select { session, available } => AuthResponse {
                challenge_name: Some(ChallengeName::SelectChallenge),
                session: Some(session),
                challenge_parameters: HashMap::new(),
                authentication_result: None,
                available_challenges: Some(available),
            },
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
