//! CompleteWebAuthnRegistration: verifies a RegistrationResponseJSON against the challenge of
//! StartWebAuthnRegistration (client data type, challenge and origin, the attestation statement, rpIdHash,
//! user presence and verification, an ES256 or RS256 key) and stores the passkey.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::auth::passkeys::{self, Settings};
use crate::crypto::attestation;
use crate::crypto::webauthn::{self, ClientData, Error, b64url};
use crate::domain::webauthn as rules;
use crate::err;
use crate::error::{CognitoError, Result};
use crate::ops::load;
use crate::store::passkeys::{self as stored, NewCredential};

/// CompleteWebAuthnRegistrationRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    access_token: String,
    credential: Value,
}

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

/// Stores the passkey.
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let (claims, pool, user) = load::token_user(ctx, &req.access_token)?;
    Settings::of(&pool)?;
    let v = &req.credential;
    let id = passkeys::credential_id(v, WHAT)?;
    let client_data_json = passkeys::bytes_member(v, "response.clientDataJSON", WHAT)?;
    let attestation_object = passkeys::bytes_member(v, "response.attestationObject", WHAT)?;
    let client = ClientData::parse(&client_data_json).map_err(invalid)?;
    if client.kind != "webauthn.create" {
        return Err(invalid("clientDataJSON.type must be webauthn.create"));
    }
    let pending = passkeys::take_registration(ctx, &claims.client_id, user.pk, &client.challenge)?;
    let rp_id = pending.rp_id.as_str();
    if !rules::origin_allowed(&client.origin, rp_id) {
        return Err(err!(
            WebAuthnOriginNotAllowedException,
            "Origin {} is not allowed for relying party {rp_id}.",
            client.origin
        ));
    }
    let registration = attestation::verify(&attestation_object, &client_data_json).map_err(refused)?;
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
        return Err(invalid("rawId is not the credential id in the authenticator data"));
    }
    let transports: Vec<String> = passkeys::member(v, "response.transports")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
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
            return Err(err!(
                LimitExceededException,
                "The user already has {} passkeys, the most a user may register.",
                rules::MAX_CREDENTIALS_PER_USER
            ));
        }
        if !stored::insert(c, &new, now)? {
            return Err(invalid("this passkey is already registered in the user pool"));
        }
        Ok(())
    })?;
    Ok(json!({}))
}

/// FriendlyCredentialName: AWS generates one; the emulator names a passkey after its credential id.
fn friendly_name(id: &[u8]) -> String {
    let short: String = b64url(id).chars().take(8).collect();
    format!("Passkey {short}")
}
