//! Compact JWS with RS256: signing with the pre-parsed keys, and signature verification of incoming
//! tokens. Claim checks (expiry against the emulator's clock, token_use, pool, revocation) are the
//! caller's: see `auth::tokens`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, Validation};
use serde_json::{Map, Value, json};

use crate::crypto::keys::{KeyUse, Keys};

/// Signs `claims` with the key for `use_`: `base64url(header).base64url(claims).base64url(signature)`.
pub fn sign(keys: &Keys, use_: KeyUse, claims: &Map<String, Value>) -> String {
    let header = json!({"kid": keys.key(use_).kid, "alg": "RS256"});
    let mut token = URL_SAFE_NO_PAD.encode(header.to_string());
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).expect("claims serialise")));
    let signature = keys.sign(use_, token.as_bytes());
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(signature));
    token
}

/// Verifies the RS256 signature of a token made by one of our keys; returns which key signed it and
/// the claims. Any malformation, unknown kid or bad signature is `None`.
pub fn verify(keys: &Keys, token: &str) -> Option<(KeyUse, Map<String, Value>)> {
    let header = jsonwebtoken::decode_header(token).ok()?;
    if header.alg != Algorithm::RS256 {
        return None;
    }
    let (use_, key) = keys.by_kid(header.kid.as_deref()?)?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let data =
        jsonwebtoken::decode::<Map<String, Value>>(token, &key.decoding, &validation).ok()?;
    Some((use_, data.claims))
}
