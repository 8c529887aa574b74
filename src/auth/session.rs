//! Challenge sessions: opaque, bound to client and user, single-use, expiring after the
//! client's AuthSessionValidity, with AWS's messages for expired and reused sessions.
//!
//! A session is 48 random bytes. The client holds them as `Session` (`AYABe` + base64url, the shape of
//! real sessions) and, for PASSWORD_VERIFIER, as SECRET_BLOCK (standard base64): pycognito answers that
//! challenge without a Session, so the secret block finds the same row.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::app::Ctx;
use crate::auth::Caller;
use crate::domain::challenge::{ChallengeName, FirstFactor};
use crate::domain::ids;
use crate::err;
use crate::error::{CognitoError, Result};
use crate::store::clients::ClientRow;
use crate::store::sessions;
use crate::triggers::custom_auth::ChallengeResult;

const PREFIX: &str = "AYABe";

fn client_caller() -> Caller {
    Caller::Client
}

/// What a session is for: answering a challenge, or one of the emulator's own hand-overs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// RespondToAuthChallenge with this challenge name.
    Challenge(ChallengeName),
    /// SignUp's session, exchanged by ConfirmSignUp.
    ConfirmSignUp,
    /// ConfirmSignUp's session, exchanged by InitiateAuth USER_AUTH.
    SignInAfterConfirmation,
}

impl Kind {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Challenge(name) => name.as_str(),
            Kind::ConfirmSignUp => "CONFIRM_SIGN_UP",
            Kind::SignInAfterConfirmation => "SIGN_IN_AFTER_CONFIRMATION",
        }
    }
}

impl From<ChallengeName> for Kind {
    fn from(name: ChallengeName) -> Kind {
        Kind::Challenge(name)
    }
}

/// What a pending challenge step remembers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct State {
    /// The internal username.
    pub username: String,
    /// The USERNAME the client sent at the start.
    pub typed: String,
    /// Who started the sign-in (stored as the boolean `admin`).
    #[serde(rename = "admin", default = "client_caller")]
    pub caller: Caller,
    /// DEVICE_KEY sent at the start.
    pub device_key: Option<String>,
    /// The step itself.
    pub step: Step,
    /// The OAuth grant of a sign-in through the hosted pages; such sessions are answered by the hosted
    /// pages only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted: Option<crate::auth::tokens::Grant>,
}

/// The pending step.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Step {
    /// SRP: the proof the answer must carry.
    PasswordVerifier {
        /// The session key and the verifier it was computed with.
        #[serde(default)]
        proof: SrpProof,
        /// True for a simulated challenge of an unknown user (PreventUserExistenceErrors).
        #[serde(default)]
        fake: bool,
        /// The custom-auth rounds this password step belongs to (CUSTOM_AUTH started with SRP_A).
        #[serde(default)]
        custom: Option<CustomState>,
    },
    /// A new password is required.
    NewPasswordRequired,
    /// An MFA or one-time code is expected.
    Code {
        /// SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP, SMS_OTP.
        challenge: ChallengeName,
        /// The code sent (SMS/email).
        code: Option<String>,
        /// When the code stops being valid.
        code_expires_at: Option<f64>,
        /// Wrong answers so far.
        #[serde(default)]
        attempts: u32,
        /// True for passwordless sign-in (USER_AUTH): the code is the first factor.
        #[serde(default)]
        first_factor: bool,
        /// MFA_SETUP with EMAIL: the address the code went to, the user's email MFA once answered.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        setup_email: Option<String>,
    },
    /// The user picks an MFA factor.
    SelectMfaType {
        /// MFAS_CAN_CHOOSE.
        options: Vec<ChallengeName>,
    },
    /// The user sets up a factor.
    MfaSetup {
        /// MFAS_CAN_SETUP.
        options: Vec<ChallengeName>,
        /// TOTP secret from AssociateSoftwareToken.
        secret: Option<String>,
        /// VerifySoftwareToken succeeded.
        #[serde(default)]
        verified: bool,
        /// FriendlyDeviceName.
        name: Option<String>,
    },
    /// The client is to prove the remembered device.
    DeviceSrpAuth,
    /// Device SRP: the proof the answer must carry.
    DevicePasswordVerifier {
        /// The session key and the device verifier it was computed with.
        #[serde(default)]
        proof: SrpProof,
    },
    /// USER_AUTH: the user picks a first factor.
    SelectChallenge {
        /// AvailableChallenges.
        available: Vec<FirstFactor>,
    },
    /// USER_AUTH: a passkey assertion for this challenge (base64url) is expected.
    WebAuthn {
        /// The challenge sent in CREDENTIAL_REQUEST_OPTIONS.
        challenge: String,
        /// The relying party the assertion must be scoped to.
        rp_id: String,
        /// The UV flag is required.
        user_verification: bool,
    },
    /// CUSTOM_AUTH: a challenge of the pool's CreateAuthChallenge trigger.
    Custom(CustomState),
    /// SignUp's session, exchanged by ConfirmSignUp for a sign-in session.
    SignedUp,
    /// ConfirmSignUp's session: InitiateAuth USER_AUTH with it signs in without another factor.
    Confirmed,
}

/// What an SRP challenge's session keeps to check the answer: the session key `K`, computed as soon as
/// the challenge is sent (the client's `A` and the server's `B` are both known then), and a digest of
/// the verifier it was computed with, so an answer after the password (or device secret) changed fails
/// as it would against the new verifier. 48 characters in the session row instead of `b`, `B` and `A`
/// (~1.6 KB of hexadecimal, which put every SRP session on an overflow page of its own). Sessions
/// written before it have neither (empty strings) and are no longer usable.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SrpProof {
    /// K, base64.
    pub key: String,
    /// The first 16 bytes of SHA-256 of the verifier, base64.
    pub verifier: String,
}

/// The custom-auth loop so far.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CustomState {
    /// DefineAuthChallenge's `session`: every round and its result.
    pub rounds: Vec<ChallengeResult>,
    /// The pending challenge's name (CUSTOM_CHALLENGE).
    pub challenge: Option<String>,
    /// CreateAuthChallenge's private parameters, for VerifyAuthChallengeResponse.
    pub private: serde_json::Map<String, serde_json::Value>,
    /// CreateAuthChallenge's challengeMetadata.
    pub metadata: Option<String>,
    /// The client's SRP_A, when the loop started with SRP.
    pub srp_a: Option<String>,
    /// True for an unknown user the client hides (the triggers see `userNotFound`).
    #[serde(default)]
    pub user_not_found: bool,
}

/// The random bytes behind a session.
#[derive(Debug, Clone)]
pub struct Handle {
    /// The random bytes (known for sessions created or named by the client).
    raw: Vec<u8>,
    /// Their SHA-256: the storage key.
    key: [u8; 32],
}

impl Handle {
    fn from_raw(raw: Vec<u8>) -> Handle {
        let key = Sha256::digest(&raw).into();
        Handle { raw, key }
    }

    /// The `Session` string.
    pub fn session(&self) -> String {
        format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(&self.raw))
    }

    /// The SECRET_BLOCK string.
    pub fn secret_block(&self) -> String {
        STANDARD.encode(&self.raw)
    }

    fn key(&self) -> [u8; 32] {
        self.key
    }

    /// Whether a PASSWORD_CLAIM_SECRET_BLOCK (decoded) belongs to this session.
    pub fn is_secret_block(&self, block: &[u8]) -> bool {
        let digest: [u8; 32] = Sha256::digest(block).into();
        digest == self.key
    }

    /// Parses a `Session` string.
    pub fn from_session(s: &str) -> Option<Handle> {
        URL_SAFE_NO_PAD
            .decode(s.strip_prefix(PREFIX)?)
            .ok()
            .filter(|b| b.len() == 48)
            .map(Handle::from_raw)
    }

    /// Parses a PASSWORD_CLAIM_SECRET_BLOCK.
    pub fn from_secret_block(s: &str) -> Option<Handle> {
        STANDARD
            .decode(s)
            .ok()
            .filter(|b| b.len() == 48)
            .map(Handle::from_raw)
    }

    /// The newest unused, unexpired session of `user_pk` at `client` answering `challenge`: pycognito
    /// answers DEVICE_SRP_AUTH without the Session it was given.
    pub fn pending(
        ctx: &Ctx,
        client: &ClientRow,
        user_pk: i64,
        challenge: ChallengeName,
    ) -> Result<Option<Handle>> {
        let now = ctx.now();
        let key = ctx
            .app
            .store
            .read(|c| sessions::pending(c, &client.id, user_pk, challenge.as_str(), now))?;
        Ok(key.map(|key| Handle {
            raw: Vec::new(),
            key,
        }))
    }
}

/// The answer to a session that is unknown, or cannot be used.
pub fn invalid() -> CognitoError {
    err!(NotAuthorizedException, "Invalid session for the user.")
}

/// Stores a new session for `challenge`, valid for the client's AuthSessionValidity.
pub fn create(
    ctx: &Ctx,
    client: &ClientRow,
    user_pk: Option<i64>,
    kind: impl Into<Kind>,
    state: &State,
) -> Result<Handle> {
    create_for(
        ctx,
        client,
        user_pk,
        kind,
        state,
        client.config.auth_session_validity as f64 * 60.0,
    )
}

/// Stores a new session for `challenge`, valid for `secs`.
pub fn create_for(
    ctx: &Ctx,
    client: &ClientRow,
    user_pk: Option<i64>,
    kind: impl Into<Kind>,
    state: &State,
    secs: f64,
) -> Result<Handle> {
    let kind = kind.into();
    let handle = Handle::from_raw(ids::random_bytes(48));
    let now = ctx.now();
    let expires = now + secs;
    let json = serde_json::to_string(state)?;
    ctx.app.store.write(|c| {
        sessions::insert(
            c,
            &handle.key(),
            &client.id,
            user_pk,
            kind.as_str(),
            &json,
            now,
            expires,
        )
    })?;
    Ok(handle)
}

/// Takes a session for one use: it must exist, belong to `client`, answer `challenge`, be unused and
/// unexpired. Returns the handle, the user and the state.
pub fn take(
    ctx: &Ctx,
    client: &ClientRow,
    kind: impl Into<Kind>,
    handle: Option<Handle>,
) -> Result<(Handle, Option<i64>, State)> {
    let kind = kind.into();
    let handle = handle.ok_or_else(invalid)?;
    let key = handle.key();
    let now = ctx.now();
    let (user_pk, state) = ctx.app.store.write(|c| {
        let row = sessions::get(c, &key)?.ok_or_else(invalid)?;
        if row.client_id != client.id || row.challenge != kind.as_str() {
            return Err(invalid());
        }
        if row.used_at.is_some() {
            return Err(err!(
                NotAuthorizedException,
                "Invalid session for the user, session can only be used once."
            ));
        }
        if row.expires_at <= now {
            return Err(err!(
                NotAuthorizedException,
                "Invalid session for the user, session is expired."
            ));
        }
        if !sessions::mark_used(c, &key, now)? {
            return Err(err!(
                NotAuthorizedException,
                "Invalid session for the user, session can only be used once."
            ));
        }
        let state: State = serde_json::from_str(&row.state)?;
        Ok((row.user_pk, state))
    })?;
    Ok((handle, user_pk, state))
}

/// Gives a taken session back with new state (a wrong MFA code may be retried).
pub fn reopen(ctx: &Ctx, handle: &Handle, state: &State) -> Result<()> {
    let json = serde_json::to_string(state)?;
    let key = handle.key();
    ctx.app.store.write(|c| sessions::reopen(c, &key, &json))
}

/// Takes an MFA_SETUP session named only by its string (AssociateSoftwareToken and VerifySoftwareToken
/// get no ClientId): returns its client with the taken session.
pub fn take_mfa_setup(ctx: &Ctx, session: &str) -> Result<(ClientRow, Handle, Option<i64>, State)> {
    let handle = Handle::from_session(session).ok_or_else(invalid)?;
    let key = handle.key();
    let client = ctx.app.store.read(|c| {
        let Some(row) = sessions::get(c, &key)? else {
            return Ok(None);
        };
        crate::store::clients::get(c, &row.client_id)
    })?;
    let client = client.ok_or_else(invalid)?;
    let (handle, user_pk, state) = take(ctx, &client, ChallengeName::MfaSetup, Some(handle))?;
    Ok((client, handle, user_pk, state))
}
