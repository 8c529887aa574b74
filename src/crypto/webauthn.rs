//! WebAuthn verification (W3C Web Authentication Level 3, §6.1 and §7): client data, authenticator data
//! (rpIdHash, flags, sign counter, attested credential), and assertion signatures. Attestation
//! statements are verified in `crypto::attestation`. Pure functions; the policies (which origins,
//! which challenge, which errors) belong to the callers.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::crypto::cose::{self, KeyError, PublicKey};

/// User present.
pub const UP: u8 = 0x01;
/// User verified.
pub const UV: u8 = 0x04;
/// Backup eligible.
pub const BE: u8 = 0x08;
/// Backed up.
pub const BS: u8 = 0x10;
/// Attested credential data included.
pub const AT: u8 = 0x40;
/// Extension data included.
pub const ED: u8 = 0x80;

/// Why a WebAuthn structure was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Not the structure the spec describes (the message names the part).
    Malformed(String),
    /// Well-formed, but an algorithm, key or attestation format this verifier does not accept.
    Unsupported(String),
    /// A signature does not verify.
    BadSignature,
}

impl From<KeyError> for Error {
    fn from(e: KeyError) -> Error {
        match e {
            KeyError::Malformed(m) => Error::Malformed(m),
            KeyError::Unsupported(m) => Error::Unsupported(m),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Malformed(m) => write!(f, "malformed: {m}"),
            Error::Unsupported(m) => write!(f, "unsupported: {m}"),
            Error::BadSignature => f.write_str("the signature does not verify"),
        }
    }
}

fn malformed(what: &str) -> Error {
    Error::Malformed(what.to_string())
}

/// Base64url without padding, as WebAuthn's JSON forms carry binary values (trailing `=` tolerated).
pub fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok()
}

/// Base64url without padding.
pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of the relying party id: what authenticator data must start with.
pub fn rp_id_hash(rp_id: &str) -> [u8; 32] {
    Sha256::digest(rp_id.as_bytes()).into()
}

/// `CollectedClientData` (§5.8.1): what the browser says it signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientData {
    /// `webauthn.create` or `webauthn.get`.
    pub kind: String,
    /// The challenge, decoded.
    pub challenge: Vec<u8>,
    /// The caller's origin (`https://example.com`, `http://localhost:3000`).
    pub origin: String,
    /// True when the ceremony ran in a cross-origin iframe.
    pub cross_origin: bool,
}

impl ClientData {
    /// Parses clientDataJSON.
    pub fn parse(json: &[u8]) -> Result<ClientData, Error> {
        let v: Value = serde_json::from_slice(json)
            .map_err(|_| malformed("clientDataJSON is not a JSON object"))?;
        let text = |k: &str| v.get(k).and_then(Value::as_str);
        let kind = text("type").ok_or_else(|| malformed("clientDataJSON has no type"))?;
        let challenge = text("challenge")
            .and_then(b64url_decode)
            .ok_or_else(|| malformed("clientDataJSON has no base64url challenge"))?;
        let origin = text("origin").ok_or_else(|| malformed("clientDataJSON has no origin"))?;
        Ok(ClientData {
            kind: kind.to_string(),
            challenge,
            origin: origin.to_string(),
            cross_origin: v.get("crossOrigin").and_then(Value::as_bool) == Some(true),
        })
    }
}

/// Attested credential data (§6.5.2): present in registrations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttestedCredential {
    /// The authenticator model (all zero when the client anonymised it).
    pub aaguid: [u8; 16],
    /// The credential id.
    pub id: Vec<u8>,
    /// The COSE_Key bytes, as stored for later assertions.
    pub public_key: Vec<u8>,
    /// The parsed key.
    pub key: PublicKey,
}

/// Authenticator data (§6.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthData {
    /// SHA-256 of the RP id the authenticator scoped the credential to.
    pub rp_id_hash: [u8; 32],
    /// UP, UV, BE, BS, AT, ED.
    pub flags: u8,
    /// The signature counter (0 for authenticators that keep none).
    pub sign_count: u32,
    /// The new credential (registrations only).
    pub credential: Option<AttestedCredential>,
}

impl AuthData {
    /// Parses authenticator data, strictly: the attested credential data and extensions are there
    /// exactly when their flags say so, and nothing follows them.
    pub fn parse(bytes: &[u8]) -> Result<AuthData, Error> {
        if bytes.len() < 37 {
            return Err(malformed("authenticator data is shorter than 37 bytes"));
        }
        let rp_id_hash: [u8; 32] = bytes[..32].try_into().expect("32 bytes");
        let flags = bytes[32];
        let sign_count = u32::from_be_bytes(bytes[33..37].try_into().expect("4 bytes"));
        let mut rest = &bytes[37..];
        let credential = if flags & AT != 0 {
            if rest.len() < 18 {
                return Err(malformed("attested credential data is truncated"));
            }
            let aaguid: [u8; 16] = rest[..16].try_into().expect("16 bytes");
            let len = u16::from_be_bytes([rest[16], rest[17]]) as usize;
            rest = &rest[18..];
            if len == 0 || len > 1023 || rest.len() < len {
                return Err(malformed("invalid credential id length"));
            }
            let id = rest[..len].to_vec();
            rest = &rest[len..];
            let before = rest;
            let value = cose::decode_one(&mut rest)?;
            let public_key = before[..before.len() - rest.len()].to_vec();
            let key = PublicKey::from_value(&value)?;
            Some(AttestedCredential {
                aaguid,
                id,
                public_key,
                key,
            })
        } else {
            None
        };
        if flags & ED != 0 {
            let ext = cose::decode_one(&mut rest)?;
            cose::as_map(&ext, "extensions")?;
        }
        if !rest.is_empty() {
            return Err(malformed(
                "unexpected bytes at the end of authenticator data",
            ));
        }
        Ok(AuthData {
            rp_id_hash,
            flags,
            sign_count,
            credential,
        })
    }

    /// The UP flag.
    pub fn user_present(&self) -> bool {
        self.flags & UP != 0
    }

    /// The UV flag.
    pub fn user_verified(&self) -> bool {
        self.flags & UV != 0
    }
}

/// Whether a sign counter may follow the stored one (§6.1.1): both zero (an authenticator without a
/// counter), or strictly greater; anything else suggests a cloned authenticator.
pub fn counter_ok(stored: u32, received: u32) -> bool {
    (stored == 0 && received == 0) || received > stored
}

/// Verifies an assertion's signature over `authenticatorData || SHA-256(clientDataJSON)` with the
/// credential's key, then parses the authenticator data (§7.2 steps 19-21).
pub fn verify_assertion(
    key: &PublicKey,
    authenticator_data: &[u8],
    client_data_json: &[u8],
    signature: &[u8],
) -> Result<AuthData, Error> {
    let data = AuthData::parse(authenticator_data)?;
    let mut signed = authenticator_data.to_vec();
    signed.extend_from_slice(&Sha256::digest(client_data_json));
    if !key.verify(&signed, signature) {
        return Err(Error::BadSignature);
    }
    Ok(data)
}

#[cfg(test)]
#[path = "webauthn_tests.rs"]
mod tests;
