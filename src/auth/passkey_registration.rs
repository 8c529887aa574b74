//! Registering a passkey for a signed-in user, shared by StartWebAuthnRegistration /
//! CompleteWebAuthnRegistration (the API, with an access token) and the managed login page
//! `/passkeys/add` (with the hosted session): the creation options with a single-use challenge of the
//! app client, then the attestation verified (client data type, challenge and origin, the attestation
//! statement, rpIdHash, user presence and verification, an ES256 or RS256 key) and the passkey stored.

use serde_json::Value;

use crate::app::Ctx;
use crate::auth::passkeys::{self, PendingRegistration, Settings};
use crate::crypto::attestation;
use crate::crypto::webauthn::{self, ClientData, Error, b64url};
use crate::domain::webauthn as rules;
use crate::err;
use crate::error::{CognitoError, Result};
use crate::store::passkeys::{self as stored, NewCredential};
use crate::store::pools::PoolRow;
use crate::store::users::UserRow;

const WHAT: &str = "Credential";

fn invalid(why: impl std::fmt::Display) -> CognitoError {
    err!(InvalidParameterException, "Invalid Credential: {why}")
}

/// The AWS error for a refused attestation: what the emulator cannot verify is "not supported".
fn refused(e: Error) -> CognitoError {
    match e {
        Error::Unsupported(m) => err!(
            WebAuthnCredentialNotSupportedException,
            "The passkey is not supported: {m}."
        ),
        e => invalid(e),
    }
}

fn too_many() -> CognitoError {
    err!(
        LimitExceededException,
        "The user already has {} passkeys, the most a user may register.",
        rules::MAX_CREDENTIALS_PER_USER
    )
}

/// `CredentialCreationOptions` for a new passkey of `user`, registered from app client `client_id`.
pub fn start(ctx: &Ctx, pool: &PoolRow, client_id: &str, user: &UserRow) -> Result<Value> {
    let settings = Settings::of(pool)?;
    let existing = passkeys::credentials(ctx, user.pk, &settings.rp_id)?;
    let total = ctx
        .app
        .store
        .read(|c| crate::store::passkeys::count(c, user.pk))?;
    if total >= rules::MAX_CREDENTIALS_PER_USER {
        return Err(too_many());
    }
    let challenge = passkeys::new_challenge();
    let pending = PendingRegistration {
        rp_id: settings.rp_id.clone(),
        user_verification: settings.uv_required(),
    };
    passkeys::begin_registration(ctx, client_id, user.pk, &challenge, &pending)?;
    let exclude: Vec<String> = existing.iter().map(|c| b64url(&c.credential_id)).collect();
    Ok(rules::creation_options(
        &settings.rp_id,
        &passkeys::user_handle(user),
        &user.username,
        &b64url(&challenge),
        &exclude,
        settings.config.user_verification,
    ))
}

/// Verifies the RegistrationResponseJSON `v` against a challenge `client_id` started for `user`, and
/// stores the passkey.
pub fn complete(
    ctx: &Ctx,
    pool: &PoolRow,
    client_id: &str,
    user: &UserRow,
    v: &Value,
) -> Result<()> {
    Settings::of(pool)?;
    let id = passkeys::credential_id(v, WHAT)?;
    let client_data_json = passkeys::bytes_member(v, "response.clientDataJSON", WHAT)?;
    let attestation_object = passkeys::bytes_member(v, "response.attestationObject", WHAT)?;
    let client = ClientData::parse(&client_data_json).map_err(invalid)?;
    if client.kind != "webauthn.create" {
        return Err(invalid("clientDataJSON.type must be webauthn.create"));
    }
    let pending = passkeys::take_registration(ctx, client_id, user.pk, &client.challenge)?;
    let rp_id = pending.rp_id.as_str();
    if !rules::origin_allowed(&client.origin, rp_id) {
        return Err(err!(
            WebAuthnOriginNotAllowedException,
            "Origin {} is not allowed for relying party {rp_id}.",
            client.origin
        ));
    }
    let registration =
        attestation::verify(&attestation_object, &client_data_json).map_err(refused)?;
    let data = &registration.auth_data;
    if data.rp_id_hash != webauthn::rp_id_hash(rp_id) {
        return Err(err!(
            WebAuthnRelyingPartyMismatchException,
            "The passkey was created for another relying party than {rp_id}."
        ));
    }
    if !data.user_present() {
        return Err(invalid("the authenticator did not report user presence"));
    }
    if pending.user_verification && !data.user_verified() {
        return Err(err!(
            WebAuthnCredentialNotSupportedException,
            "The user pool requires user verification and the authenticator did not verify the user."
        ));
    }
    let credential = &registration.credential;
    if credential.id != id {
        return Err(invalid(
            "rawId is not the credential id in the authenticator data",
        ));
    }
    let transports: Vec<String> = passkeys::member(v, "response.transports")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let attachment = passkeys::member(v, "authenticatorAttachment")
        .and_then(Value::as_str)
        .filter(|a| ["platform", "cross-platform"].contains(a));
    let name = friendly_name(&id);
    let now = ctx.now();
    let new = NewCredential {
        pool_id: &pool.id,
        user_pk: user.pk,
        credential_id: &id,
        rp_id,
        public_key: &credential.public_key,
        sign_count: data.sign_count,
        transports: &transports,
        attachment,
        name: &name,
    };
    ctx.app.store.write(|c| {
        if stored::count(c, user.pk)? >= rules::MAX_CREDENTIALS_PER_USER {
            return Err(too_many());
        }
        if !stored::insert(c, &new, now)? {
            return Err(invalid(
                "this passkey is already registered in the user pool",
            ));
        }
        Ok(())
    })
}

/// FriendlyCredentialName: AWS generates one; the emulator names a passkey after its credential id.
fn friendly_name(id: &[u8]) -> String {
    let short: String = b64url(id).chars().take(8).collect();
    format!("Passkey {short}")
}
