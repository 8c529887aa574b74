//! USER_SRP_AUTH -> PASSWORD_VERIFIER and DEVICE_SRP_AUTH -> DEVICE_PASSWORD_VERIFIER:
//! real SRP-6a against the verifier stored at every password set; the client's TIMESTAMP is used exactly
//! as received; the signature is compared in constant time.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use num_bigint::BigUint;
use sha2::Sha256;

use crate::app::Ctx;
use crate::auth::checks::{Wording, incorrect, require_secret_hash, unknown_user};
use crate::auth::flow::Attempt;
use crate::auth::password::{check_lockout, record_failure, record_success};
use crate::auth::request::InitiateRequest;
use crate::auth::session::{self, Handle, SrpProof, State, Step};
use crate::auth::srp_challenge::{
    expected_proof, hex, parse_a, password_verifier, verifier_challenge, verifier_digest,
};
use crate::auth::{Outcome, Params, custom, required, user_device};
use crate::crypto::srp;
use crate::domain::challenge::ChallengeName;
use crate::domain::{UserStatus, ids};
use crate::err;
use crate::error::Result;
use crate::triggers::pre_token::TokenSource;

/// A salt and user id that stay the same for an unknown username, so probing reveals nothing.
fn simulated(ctx: &Ctx, pool_id: &str, username: &str) -> (BigUint, String) {
    let mut m =
        Hmac::<Sha256>::new_from_slice(ctx.app.keys.id.kid.as_bytes()).expect("HMAC takes any key");
    m.update(pool_id.as_bytes());
    m.update(username.as_bytes());
    let d = m.finalize().into_bytes();
    let uuid =
        uuid::Builder::from_random_bytes(d[16..32].try_into().expect("16 bytes")).into_uuid();
    (BigUint::from_bytes_be(&d[..16]), uuid.to_string())
}

/// InitiateAuth USER_SRP_AUTH: answers PASSWORD_VERIFIER with SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP
/// and USERNAME.
pub fn start(req: &InitiateRequest<'_>) -> Result<Outcome> {
    let (ctx, pool, client, caller) = (req.ctx, req.pool, req.client, req.caller);
    let username = required(req.params, "USERNAME")?;
    let a_hex = required(req.params, "SRP_A")?;
    let secret_hash = req.param("SECRET_HASH");
    require_secret_hash(client, secret_hash, Wording::AuthParameters)?;
    let a = parse_a(a_hex)?;
    let user = match req.identify(username)? {
        Some(u) => u,
        None => {
            if !client.config.prevents_user_existence_errors() {
                return Err(unknown_user(client));
            }
            req.pre_authentication(None, username)?;
            // A plausible challenge whose answer will always be "Incorrect username or password.".
            // SRP_B = k·v + g^b is uniformly spread whatever v is, so any stand-in verifier does; not
            // computing one (a 3072-bit exponentiation) keeps this answer as fast as a real user's.
            // Its proof is computed the same way, so the answer takes as long as a real user's.
            let (salt, user_id) = simulated(ctx, &pool.id, username);
            let stand_in = salt.to_bytes_be();
            let eph = srp::server_ephemeral(&stand_in);
            let state = State {
                username: user_id.clone(),
                typed: username.into(),
                caller,
                device_key: None,
                step: Step::PasswordVerifier {
                    proof: expected_proof(&a, &eph, &stand_in),
                    fake: true,
                    custom: None,
                },
                hosted: None,
            };
            let handle =
                session::create(ctx, client, None, ChallengeName::PasswordVerifier, &state)?;
            return Ok(verifier_challenge(&handle, &salt, &eph, &user_id));
        }
    };
    if user.status == UserStatus::Unconfirmed {
        return Err(err!(UserNotConfirmedException, "User is not confirmed."));
    }
    req.pre_authentication(Some(&user), username)?;
    password_verifier(req.attempt(user, username), &a)
}

/// Checks PASSWORD_CLAIM_SIGNATURE over `poolName ‖ userId ‖ secretBlock ‖ TIMESTAMP` with the
/// session key the challenge computed, if `verifier` is still the one it was computed with.
fn signature_ok(
    responses: &Params,
    handle: &Handle,
    name: &str,
    user_id: &str,
    proof: &SrpProof,
    verifier: &[u8],
) -> Result<bool> {
    let signature = required(responses, "PASSWORD_CLAIM_SIGNATURE")?;
    let block = required(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?;
    let timestamp = required(responses, "TIMESTAMP")?;
    let Ok(key) = <[u8; 16]>::try_from(STANDARD.decode(&proof.key).unwrap_or_default()) else {
        // A session stored by a version that kept b, B and A instead.
        return Err(session::invalid());
    };
    let Ok(block_bytes) = STANDARD.decode(block) else {
        return Ok(false);
    };
    if !handle.is_secret_block(&block_bytes) || proof.verifier != verifier_digest(verifier) {
        return Ok(false);
    }
    let expected = srp::claim_signature(&key, name, user_id, &block_bytes, timestamp);
    Ok(srp::signature_matches(&expected, signature))
}

/// RespondToAuthChallenge PASSWORD_VERIFIER: a wrong proof is a wrong password (and counts toward the
/// lockout); a right one continues the sign-in.
pub fn verify_password(
    mut attempt: Attempt<'_>,
    responses: &Params,
    handle: &Handle,
    step: &Step,
) -> Result<Outcome> {
    let Step::PasswordVerifier { proof, custom, .. } = step else {
        return Err(incorrect());
    };
    attempt.custom = custom.clone();
    let ctx = attempt.ctx;
    check_lockout(ctx, &attempt.user)?;
    let Some(verifier) = attempt.user.srp_verifier.clone() else {
        return Err(incorrect());
    };
    let pool_name = ids::pool_name(&attempt.pool.id);
    if !signature_ok(
        responses,
        handle,
        pool_name,
        &attempt.user.username,
        proof,
        &verifier,
    )? {
        return record_failure(ctx, &attempt.user).and(Err(incorrect()));
    }
    record_success(ctx, &attempt.user)?;
    match attempt.custom.take() {
        Some(state) => custom::after_password(attempt, state),
        None => attempt.after_first_factor(),
    }
}

/// RespondToAuthChallenge DEVICE_SRP_AUTH: the device's SRP_A; answers DEVICE_PASSWORD_VERIFIER.
pub fn start_device(attempt: Attempt<'_>, responses: &Params) -> Result<Outcome> {
    let key = required(responses, "DEVICE_KEY")?;
    let a = parse_a(required(responses, "SRP_A")?)?;
    let device = user_device(attempt.ctx, attempt.user.pk, key)?;
    let (Some(salt), Some(verifier)) = (&device.salt, &device.verifier) else {
        return Err(err!(NotAuthorizedException, "Device is not confirmed."));
    };
    let eph = srp::server_ephemeral(verifier);
    let mut attempt = attempt;
    attempt.device_key = Some(device.device_key.clone());
    let state = attempt.state(Step::DevicePasswordVerifier {
        proof: expected_proof(&a, &eph, verifier),
    });
    let handle = session::create(
        attempt.ctx,
        attempt.client,
        Some(attempt.user.pk),
        ChallengeName::DevicePasswordVerifier,
        &state,
    )?;
    let parameters = HashMap::from([
        (
            "SALT".to_string(),
            srp::pad_hex(&BigUint::from_bytes_be(salt)),
        ),
        ("SRP_B".to_string(), hex(&eph.big_b)),
        ("SECRET_BLOCK".to_string(), handle.secret_block()),
        ("USERNAME".to_string(), attempt.user.username.clone()),
        ("DEVICE_KEY".to_string(), device.device_key.clone()),
    ]);
    Ok(Outcome::Challenge {
        name: ChallengeName::DevicePasswordVerifier,
        session: handle.session(),
        parameters,
    })
}

/// RespondToAuthChallenge DEVICE_PASSWORD_VERIFIER: the same proof with poolName := DeviceGroupKey,
/// userId := DeviceKey; a remembered device then replaces MFA.
pub fn verify_device(
    mut attempt: Attempt<'_>,
    responses: &Params,
    handle: &Handle,
    step: &Step,
) -> Result<Outcome> {
    let Step::DevicePasswordVerifier { proof } = step else {
        return Err(incorrect());
    };
    let key = attempt.device_key.clone().ok_or_else(incorrect)?;
    let device = user_device(attempt.ctx, attempt.user.pk, &key)?;
    let Some(verifier) = &device.verifier else {
        return Err(incorrect());
    };
    if !signature_ok(
        responses,
        handle,
        &device.group_key,
        &device.device_key,
        proof,
        verifier,
    )? {
        return Err(incorrect());
    }
    attempt.source = TokenSource::AuthenticateDevice;
    attempt.mfa(device.remembered)
}
