//! Passkeys in a pool: the settings that let them work (or AWS's refusals), and the WEB_AUTHN step of
//! choice-based sign-in — CREDENTIAL_REQUEST_OPTIONS out, the assertion in CREDENTIAL verified (client
//! data type, challenge and origin, rpIdHash, user presence and verification, the signature with the
//! stored key, a sign counter that only moves forward, the credential belonging to the user).
//! Registration is StartWebAuthnRegistration / CompleteWebAuthnRegistration in ops.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::app::Ctx;
use crate::auth::checks::check_can_sign_in;
use crate::auth::flow::Attempt;
use crate::auth::session::Step;
use crate::auth::{Outcome, Params, required};
use crate::crypto::cose::PublicKey;
use crate::crypto::webauthn::{self, AuthData, ClientData, b64url, b64url_decode};
use crate::domain::challenge::ChallengeName;
use crate::domain::ids;
use crate::domain::webauthn::{self as rules, UserVerification, WebAuthnConfig};
use crate::err;
use crate::error::{CognitoError, Result};
use crate::store::passkeys::{self, CredentialRow};
use crate::store::pools::PoolRow;
use crate::store::sessions;
use crate::store::users::UserRow;

/// Challenges are 16 random bytes, as AWS's.
pub const CHALLENGE_BYTES: usize = 16;

/// A pool whose passkeys can work: enabled and with a relying party.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The relying party id.
    pub rp_id: String,
    /// The rest of WebAuthnConfiguration.
    pub config: WebAuthnConfig,
}

impl Settings {
    /// The pool's passkey settings, or WebAuthnNotEnabledException (WEB_AUTHN is not an allowed first
    /// factor) / WebAuthnConfigurationMissingException (no relying party id: the emulator has no user
    /// pool domain to fall back on).
    pub fn of(pool: &PoolRow) -> Result<Settings> {
        if !rules::enabled(&pool.config.policies) {
            return Err(err!(
                WebAuthnNotEnabledException,
                "Passkeys are not enabled for this user pool: SignInPolicy.AllowedFirstAuthFactors does not include WEB_AUTHN."
            ));
        }
        let config = WebAuthnConfig::of(pool.mfa.web_authn_configuration.as_ref());
        let rp_id = config.relying_party_id.clone().ok_or_else(|| {
            err!(
                WebAuthnConfigurationMissingException,
                "The user pool has no passkey relying party: set WebAuthnConfiguration.RelyingPartyId with SetUserPoolMfaConfig."
            )
        })?;
        Ok(Settings { rp_id, config })
    }

    /// Whether a ceremony must have verified the user.
    pub fn uv_required(&self) -> bool {
        self.config.user_verification == UserVerification::Required
    }
}

/// The WebAuthn user handle of a user: the base64url of their `sub`, as AWS's `user.id`.
pub fn user_handle(user: &UserRow) -> String {
    b64url(user.sub.as_bytes())
}

/// A fresh challenge.
pub fn new_challenge() -> Vec<u8> {
    ids::random_bytes(CHALLENGE_BYTES)
}

/// The user's passkeys for relying party `rp_id` (at most the per-user limit exists).
pub fn credentials(ctx: &Ctx, user_pk: i64, rp_id: &str) -> Result<Vec<CredentialRow>> {
    let limit = rules::MAX_CREDENTIALS_PER_USER as usize + 1;
    let rows = ctx
        .app
        .store
        .read(|c| passkeys::list(c, user_pk, 0, limit))?;
    Ok(rows.into_iter().filter(|r| r.rp_id == rp_id).collect())
}

/// Whether the user can sign in with a passkey in this pool now.
pub fn usable(ctx: &Ctx, pool: &PoolRow, user: &UserRow) -> Result<bool> {
    match Settings::of(pool) {
        Ok(s) => Ok(!credentials(ctx, user.pk, &s.rp_id)?.is_empty()),
        Err(_) => Ok(false),
    }
}

/// The auth_sessions `challenge` of a pending registration.
const REGISTRATION: &str = "WEB_AUTHN_REGISTRATION";

/// A registration StartWebAuthnRegistration began.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingRegistration {
    /// The relying party of the creation options.
    pub rp_id: String,
    /// The UV flag is required.
    pub user_verification: bool,
}

/// Remembers a registration challenge of `user_pk` at `client_id`, single-use, for
/// [`rules::REGISTRATION_VALIDITY_SECS`]; stored under the SHA-256 of the challenge, which is how
/// CompleteWebAuthnRegistration finds it again (from clientDataJSON).
pub fn begin_registration(
    ctx: &Ctx,
    client_id: &str,
    user_pk: i64,
    challenge: &[u8],
    pending: &PendingRegistration,
) -> Result<()> {
    let key: [u8; 32] = Sha256::digest(challenge).into();
    let state = serde_json::to_string(pending)?;
    let now = ctx.now();
    let expires = now + rules::REGISTRATION_VALIDITY_SECS;
    ctx.app.store.write(|c| {
        sessions::insert(
            c,
            &key,
            client_id,
            Some(user_pk),
            REGISTRATION,
            &state,
            now,
            expires,
        )
    })
}

/// Takes the registration `challenge` of `user_pk` for one use: WebAuthnChallengeNotFoundException when
/// there is none for this user (unknown, expired, already used), WebAuthnClientMismatchException when
/// another app client started it.
pub fn take_registration(
    ctx: &Ctx,
    client_id: &str,
    user_pk: i64,
    challenge: &[u8],
) -> Result<PendingRegistration> {
    let key: [u8; 32] = Sha256::digest(challenge).into();
    let now = ctx.now();
    let not_found = || {
        err!(
            WebAuthnChallengeNotFoundException,
            "The passkey registration challenge was not found or has expired: call StartWebAuthnRegistration again."
        )
    };
    let state = ctx.app.store.write(|c| {
        let row = sessions::get(c, &key)?
            .filter(|r| r.challenge == REGISTRATION && r.user_pk == Some(user_pk))
            .ok_or_else(not_found)?;
        if row.used_at.is_some() || row.expires_at <= now {
            return Err(not_found());
        }
        if row.client_id != client_id {
            return Err(err!(
                WebAuthnClientMismatchException,
                "The access token is for another app client than the one that started the passkey registration."
            ));
        }
        if !sessions::mark_used(c, &key, now)? {
            return Err(not_found());
        }
        Ok(row.state)
    })?;
    Ok(serde_json::from_str(&state)?)
}

/// A member of a WebAuthn JSON document.
pub fn member<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |v, k| v.get(k))
}

/// A required base64url member of the `Credential` / `CREDENTIAL` document.
pub fn bytes_member(v: &Value, path: &str, what: &str) -> Result<Vec<u8>> {
    member(v, path)
        .and_then(Value::as_str)
        .and_then(b64url_decode)
        .ok_or_else(|| {
            err!(
                InvalidParameterException,
                "Invalid {what}: {path} must be a base64url string."
            )
        })
}

/// Checks `id`, `rawId` and `type` of a PublicKeyCredential JSON and returns the raw id.
pub fn credential_id(v: &Value, what: &str) -> Result<Vec<u8>> {
    if !v.is_object() {
        return Err(err!(
            InvalidParameterException,
            "Invalid {what}: expected a PublicKeyCredential JSON object."
        ));
    }
    if member(v, "type").and_then(Value::as_str) != Some("public-key") {
        return Err(err!(
            InvalidParameterException,
            "Invalid {what}: type must be public-key."
        ));
    }
    let raw = bytes_member(v, "rawId", what)?;
    if member(v, "id")
        .and_then(Value::as_str)
        .and_then(b64url_decode)
        .as_deref()
        != Some(raw.as_slice())
    {
        return Err(err!(
            InvalidParameterException,
            "Invalid {what}: id and rawId differ."
        ));
    }
    Ok(raw)
}

/// InitiateAuth / SELECT_CHALLENGE chose WEB_AUTHN: the request options for the user's passkeys.
pub fn challenge(attempt: Attempt<'_>) -> Result<Outcome> {
    let settings = Settings::of(attempt.pool)?;
    let allow: Vec<String> = credentials(attempt.ctx, attempt.user.pk, &settings.rp_id)?
        .iter()
        .map(|c| b64url(&c.credential_id))
        .collect();
    if allow.is_empty() {
        return Err(err!(
            InvalidParameterException,
            "The user has no passkey registered for this user pool."
        ));
    }
    let challenge = b64url(&new_challenge());
    let uv = settings.config.user_verification;
    let options = rules::request_options(&settings.rp_id, &challenge, &allow, uv);
    let params = HashMap::from([(
        "CREDENTIAL_REQUEST_OPTIONS".to_string(),
        options.to_string(),
    )]);
    let step = Step::WebAuthn {
        challenge,
        user_verification: settings.uv_required(),
        rp_id: settings.rp_id,
    };
    attempt.challenge(ChallengeName::WebAuthn, params, step)
}

fn refused(why: &str) -> CognitoError {
    err!(NotAuthorizedException, "Passkey sign-in failed: {why}")
}

/// RespondToAuthChallenge WEB_AUTHN: verifies the AuthenticationResponseJSON in CREDENTIAL.
pub fn answer(attempt: Attempt<'_>, responses: &Params, step: &Step) -> Result<Outcome> {
    let Step::WebAuthn {
        challenge,
        rp_id,
        user_verification,
    } = step
    else {
        return Err(refused("no passkey challenge is pending"));
    };
    let json = required(responses, "CREDENTIAL")?;
    let v: Value = serde_json::from_str(json).map_err(|_| {
        err!(
            InvalidParameterException,
            "Invalid CREDENTIAL: expected AuthenticationResponseJSON."
        )
    })?;
    let id = credential_id(&v, "CREDENTIAL")?;
    let client_data_json = bytes_member(&v, "response.clientDataJSON", "CREDENTIAL")?;
    let authenticator_data = bytes_member(&v, "response.authenticatorData", "CREDENTIAL")?;
    let signature = bytes_member(&v, "response.signature", "CREDENTIAL")?;
    let ctx = attempt.ctx;
    let user_pk = attempt.user.pk;
    let stored = ctx
        .app
        .store
        .read(|c| passkeys::of_user(c, user_pk, &id))?
        .filter(|c| &c.rp_id == rp_id)
        .ok_or_else(|| refused("the credential is not a passkey of this user"))?;
    let client = ClientData::parse(&client_data_json).map_err(|e| refused(&e.to_string()))?;
    if client.kind != "webauthn.get" {
        return Err(refused("clientDataJSON.type is not webauthn.get"));
    }
    if b64url_decode(challenge).as_deref() != Some(client.challenge.as_slice()) {
        return Err(refused("the challenge is not the one of this session"));
    }
    if !rules::origin_allowed(&client.origin, rp_id) {
        return Err(refused(&format!(
            "origin {} is not allowed for relying party {rp_id}",
            client.origin
        )));
    }
    let key = PublicKey::from_cose(&stored.public_key).map_err(|_| refused("stored key"))?;
    let data = webauthn::verify_assertion(&key, &authenticator_data, &client_data_json, &signature)
        .map_err(|e| refused(&e.to_string()))?;
    check_flags(&data, rp_id, *user_verification).map_err(|e| refused(&e))?;
    if let Some(handle) = member(&v, "response.userHandle").and_then(Value::as_str) {
        if !handle.is_empty() && b64url_decode(handle) != Some(attempt.user.sub.as_bytes().to_vec())
        {
            return Err(refused("the user handle is not this user's"));
        }
    }
    if !webauthn::counter_ok(stored.sign_count, data.sign_count) {
        return Err(refused(
            "the signature counter did not increase (a cloned authenticator?)",
        ));
    }
    let (pk, seen, new) = (stored.pk, stored.sign_count, data.sign_count);
    if !ctx
        .app
        .store
        .write(|c| passkeys::advance_counter(c, pk, seen, new))?
    {
        return Err(refused("the signature counter was already used"));
    }
    check_can_sign_in(&attempt.user)?;
    let settings = Settings::of(attempt.pool)?;
    if settings.config.multi_factor && data.user_verified() {
        // FactorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION: the passkey is the MFA too.
        return attempt.finish();
    }
    attempt.after_new_password()
}

/// rpIdHash, UP, and UV when required (§7.1 steps 13-16, §7.2 steps 15-18).
pub fn check_flags(data: &AuthData, rp_id: &str, uv_required: bool) -> Result<(), String> {
    if data.rp_id_hash != webauthn::rp_id_hash(rp_id) {
        return Err(format!(
            "the authenticator data is for another relying party than {rp_id}"
        ));
    }
    if !data.user_present() {
        return Err("the authenticator did not report user presence".into());
    }
    if uv_required && !data.user_verified() {
        return Err(
            "user verification is required and the authenticator did not verify the user".into(),
        );
    }
    Ok(())
}
