//! TOTP (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) and the base32 secrets authenticator apps read.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use subtle::ConstantTimeEq;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    for chunk in bytes.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let n = u64::from_be_bytes([0, 0, 0, buf[0], buf[1], buf[2], buf[3], buf[4]]);
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..chars {
            out.push(BASE32[((n >> (35 - i * 5)) & 31) as usize] as char);
        }
    }
    out
}

/// Decodes base32 (case-insensitive, padding and spaces ignored).
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut bits = 0u64;
    let mut nbits = 0;
    let mut out = Vec::new();
    for c in s.chars().filter(|c| *c != '=' && !c.is_whitespace()) {
        let v = BASE32
            .iter()
            .position(|b| *b as char == c.to_ascii_uppercase())? as u64;
        bits = (bits << 5) | v;
        nbits += 5;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
            bits &= (1 << nbits) - 1;
        }
    }
    Some(out)
}

/// A new 160-bit secret as base32 (32 characters, what authenticator apps expect).
pub fn new_secret() -> String {
    base32_encode(&crate::domain::ids::random_bytes(20))
}

/// The 6-digit code of `secret` for 30-second step `step`.
pub fn code_at(secret: &[u8], step: i64) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes any key");
    mac.update(&(step as u64).to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = (h[19] & 0x0f) as usize;
    let bin = u32::from_be_bytes([
        h[offset] & 0x7f,
        h[offset + 1],
        h[offset + 2],
        h[offset + 3],
    ]);
    format!("{:06}", bin % 1_000_000)
}

/// The step a valid `code` belongs to, accepting one step of clock drift either way.
pub fn verify(secret_b32: &str, code: &str, now_secs: i64) -> Option<i64> {
    let secret = base32_decode(secret_b32)?;
    let now = now_secs.div_euclid(30);
    (now - 1..=now + 1)
        .find(|step| bool::from(code_at(&secret, *step).as_bytes().ct_eq(code.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vectors() {
        // RFC 6238 appendix B, 8-digit codes truncated to the 6 digits apps show.
        let secret = b"12345678901234567890";
        assert_eq!(code_at(secret, 59 / 30), "287082");
        assert_eq!(code_at(secret, 1111111109 / 30), "081804");
        assert_eq!(code_at(secret, 1234567890 / 30), "005924");
        assert_eq!(code_at(secret, 2000000000 / 30), "279037");
    }

    #[test]
    fn base32_round_trip_and_drift() {
        assert_eq!(
            base32_encode(b"12345678901234567890"),
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        );
        assert_eq!(
            base32_decode("gezdgnbvgy3tqojqgezdgnbvgy3tqojq").unwrap(),
            b"12345678901234567890"
        );
        let s = new_secret();
        assert_eq!(s.len(), 32);
        let key = base32_decode(&s).unwrap();
        let now = 1_800_000_000;
        assert_eq!(
            verify(&s, &code_at(&key, now / 30 - 1), now),
            Some(now / 30 - 1)
        );
        assert_eq!(
            verify(&s, &code_at(&key, now / 30 + 1), now),
            Some(now / 30 + 1)
        );
        assert_eq!(verify(&s, &code_at(&key, now / 30 + 2), now), None);
    }
}
