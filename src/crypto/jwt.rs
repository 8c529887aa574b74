//! Compact JWS with RS256: signing with the pre-parsed keys, and signature verification of incoming
//! tokens. Claim checks (expiry against the emulator's clock, token_use, pool, revocation) are the
//! caller's: see `auth::tokens`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
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
/// the claims. Any malformation (not three base64url parts, a header or claims that are not JSON
/// objects, an `alg` other than RS256), unknown kid or bad signature is `None`.
pub fn verify(keys: &Keys, token: &str) -> Option<(KeyUse, Map<String, Value>)> {
    let mut parts = token.split('.');
    let (header_part, claims_part, signature_part) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let object = |part: &str| -> Option<Map<String, Value>> {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).ok()?).ok()
    };
    let header = object(header_part)?;
    if header.get("alg")?.as_str()? != "RS256" {
        return None;
    }
    let (use_, key) = keys.by_kid(header.get("kid")?.as_str()?)?;
    let signature = URL_SAFE_NO_PAD.decode(signature_part).ok()?;
    // The signing input: `header.claims`, as sent.
    let signed_len = header_part.len() + 1 + claims_part.len();
    if !key.verifies_token(token, signed_len, &signature) {
        return None;
    }
    Some((use_, object(claims_part)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> (tempfile::TempDir, Keys) {
        let dir = tempfile::tempdir().unwrap();
        let keys = Keys::load_or_generate(dir.path(), 4).unwrap();
        (dir, keys)
    }

    fn b64(v: &Value) -> String {
        URL_SAFE_NO_PAD.encode(v.to_string())
    }

    #[test]
    fn only_our_untouched_rs256_tokens_verify() {
        let (_dir, keys) = keys();
        let mut claims = Map::new();
        claims.insert("sub".into(), json!("u1"));
        let token = sign(&keys, KeyUse::Id, &claims);
        let (use_, got) = verify(&keys, &token).expect("our token");
        assert_eq!((use_, got), (KeyUse::Id, claims.clone()));
        // Again, now remembered as verified: the forgeries below are checked against that too.
        assert_eq!(verify(&keys, &token).map(|(u, _)| u), Some(KeyUse::Id));

        let parts: Vec<&str> = token.split('.').collect();
        let other_claims = b64(&json!({"sub": "u2"}));
        let id_kid = keys.id.kid.clone();
        let access_kid = keys.access.kid.clone();
        let mut signature = parts[2].as_bytes().to_vec();
        signature[10] = if signature[10] == b'A' { b'B' } else { b'A' };
        let other_signature = String::from_utf8(signature).unwrap();
        let forged = [
            // The signature changed.
            format!("{}.{}.{other_signature}", parts[0], parts[1]),
            // Another payload under the same signature.
            format!("{}.{other_claims}.{}", parts[0], parts[2]),
            // No signature, alg none.
            format!(
                "{}.{}.",
                b64(&json!({"alg": "none", "kid": id_kid})),
                parts[1]
            ),
            // HS256 "signed" with anything: refused for its alg before any key is used.
            format!(
                "{}.{}.{}",
                b64(&json!({"alg": "HS256", "kid": id_kid})),
                parts[1],
                parts[2]
            ),
            // The ID key's signature presented under the access key's kid.
            format!(
                "{}.{}.{}",
                b64(&json!({"alg": "RS256", "kid": access_kid})),
                parts[1],
                parts[2]
            ),
            // An unknown kid.
            format!(
                "{}.{}.{}",
                b64(&json!({"alg": "RS256", "kid": "x"})),
                parts[1],
                parts[2]
            ),
            // Padded base64, a fourth part, a header that is not an object.
            format!("{token}="),
            format!("{token}.x"),
            format!(
                "{}.{}.{}",
                URL_SAFE_NO_PAD.encode("[1]"),
                parts[1],
                parts[2]
            ),
            String::new(),
            "a.b".into(),
        ];
        for bad in &forged {
            assert!(verify(&keys, bad).is_none(), "accepted {bad}");
        }
    }
}
