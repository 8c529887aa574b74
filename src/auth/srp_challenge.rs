//! The PASSWORD_VERIFIER challenge: the client's `SRP_A` checked, the server's ephemeral, and the
//! challenge parameters (SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP, USERNAME). Issued by
//! USER_SRP_AUTH, USER_AUTH's PASSWORD_SRP and custom auth started with SRP; answered in `srp_auth`.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use num_bigint::BigUint;
use sha2::{Digest, Sha256};

use crate::auth::Outcome;
use crate::auth::checks::incorrect;
use crate::auth::flow::Attempt;
use crate::auth::password::check_lockout;
use crate::auth::session::{self, Handle, SrpProof, Step};
use crate::crypto::srp::{self, ServerEphemeral};
use crate::domain::UserStatus;
use crate::domain::challenge::ChallengeName;
use crate::err;
use crate::error::Result;

/// The client's SRP_A, checked (hexadecimal, not a multiple of N).
pub fn parse_a(hex: &str) -> Result<BigUint> {
    let a = srp::parse_hex(hex).ok_or_else(|| {
        err!(
            InvalidParameterException,
            "SRP_A is not a hexadecimal number"
        )
    })?;
    srp::check_a(&a).map_err(|_| {
        err!(
            InvalidParameterException,
            "SRP_A is invalid: it is a multiple of N"
        )
    })?;
    Ok(a)
}

pub fn hex(x: &BigUint) -> String {
    x.to_str_radix(16)
}

/// The PASSWORD_VERIFIER challenge for a user already identified (USER_SRP_AUTH, or USER_AUTH's
/// PASSWORD_SRP) with the client's checked `A`.
pub fn password_verifier(attempt: Attempt<'_>, a: &BigUint) -> Result<Outcome> {
    let ctx = attempt.ctx;
    if attempt.user.status == UserStatus::Unconfirmed {
        return Err(err!(UserNotConfirmedException, "User is not confirmed."));
    }
    check_lockout(ctx, &attempt.user)?;
    let (Some(salt), Some(verifier)) = (&attempt.user.srp_salt, &attempt.user.srp_verifier) else {
        return Err(incorrect());
    };
    let eph = srp::server_ephemeral(verifier);
    let salt = BigUint::from_bytes_be(salt);
    let state = attempt.state(Step::PasswordVerifier {
        proof: expected_proof(a, &eph, verifier),
        fake: false,
        custom: attempt.custom.clone(),
    });
    let handle = session::create(
        ctx,
        attempt.client,
        Some(attempt.user.pk),
        ChallengeName::PasswordVerifier,
        &state,
    )?;
    Ok(verifier_challenge(
        &handle,
        &salt,
        &eph,
        &attempt.user.username,
    ))
}

/// The proof the answer to a challenge with `A` and `eph` must carry: the session key
/// (`S = (A·v^u)^b`, see [`srp::server_key`]) and the verifier's digest. When `u` is 0 no proof can
/// be right: the key is then random bytes.
pub fn expected_proof(a: &BigUint, eph: &ServerEphemeral, verifier: &[u8]) -> SrpProof {
    let key = srp::server_key(a, eph, verifier)
        .map(|k| k.to_vec())
        .unwrap_or_else(|| crate::domain::ids::random_bytes(16));
    SrpProof {
        key: STANDARD.encode(key),
        verifier: verifier_digest(verifier),
    }
}

/// The digest of a verifier an [`SrpProof`] names.
pub fn verifier_digest(verifier: &[u8]) -> String {
    STANDARD.encode(&Sha256::digest(verifier)[..16])
}

pub fn verifier_challenge(
    handle: &Handle,
    salt: &BigUint,
    eph: &ServerEphemeral,
    user_id: &str,
) -> Outcome {
    let parameters = HashMap::from([
        ("SALT".to_string(), srp::pad_hex(salt)),
        ("SRP_B".to_string(), hex(&eph.big_b)),
        ("SECRET_BLOCK".to_string(), handle.secret_block()),
        ("USER_ID_FOR_SRP".to_string(), user_id.to_string()),
        ("USERNAME".to_string(), user_id.to_string()),
    ]);
    Outcome::Challenge {
        name: ChallengeName::PasswordVerifier,
        session: handle.session(),
        parameters,
    }
}
