//! Password hashes: argon2id with tunable parameters, plus an in-memory cache of recently verified
//! credentials so repeated sign-ins do not pay ~18 ms of argon2 each time.
//!
//! The cache stores, per user, `HMAC-SHA256(process secret, stored hash ‖ 0 ‖ password)` of the last
//! password that verified. The process secret is random and never leaves memory, the stored hash changes
//! on every password change (new salt), so a cached entry can only ever confirm the current password, and
//! it dies with the process. Stored hashes stay full-strength argon2id.

use std::collections::HashMap;
use std::sync::Mutex;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::error::CognitoError;

const CACHE_LIMIT: usize = 200_000;

/// Hashes and verifies passwords.
pub struct Passwords {
    argon: Argon2<'static>,
    secret: [u8; 32],
    cache: Mutex<HashMap<i64, [u8; 32]>>,
}

impl Passwords {
    /// Argon2id with `memory_kib` KiB and `iterations` passes, one lane.
    pub fn new(memory_kib: u32, iterations: u32) -> Result<Passwords, String> {
        let params = Params::new(memory_kib, iterations, 1, None).map_err(|e| e.to_string())?;
        let mut secret = [0u8; 32];
        rand::fill(&mut secret[..]);
        Ok(Passwords {
            argon: Argon2::new(Algorithm::Argon2id, Version::V0x13, params),
            secret,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// A PHC-format argon2id hash of `password` with a fresh salt.
    pub fn hash(&self, password: &str) -> Result<String, CognitoError> {
        self.argon
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| CognitoError::internal(format_args!("argon2: {e}")))
    }

    fn tag(&self, stored: &str, password: &str) -> [u8; 32] {
        let mut m = Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes any key");
        m.update(stored.as_bytes());
        m.update(&[0]);
        m.update(password.as_bytes());
        m.finalize().into_bytes().into()
    }

    /// Whether `password` matches the stored hash of user `user_pk`.
    pub fn verify(&self, user_pk: i64, stored: &str, password: &str) -> bool {
        let tag = self.tag(stored, password);
        let cached = self
            .cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&user_pk)
            .copied();
        if let Some(cached) = cached {
            if bool::from(cached.ct_eq(&tag)) {
                return true;
            }
        }
        let ok = self.matches(stored, password);
        if ok {
            let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            if cache.len() >= CACHE_LIMIT {
                cache.clear();
            }
            cache.insert(user_pk, tag);
        }
        ok
    }

    /// Whether `password` matches `stored`, without the cache (password-history checks).
    pub fn matches(&self, stored: &str, password: &str) -> bool {
        PasswordHash::new(stored)
            .map(|parsed| {
                self.argon
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    }

    /// Drops every cached credential (control API reset).
    pub fn forget_all(&self) {
        self.cache.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// Drops the cached credential of a user (password changed, user deleted).
    pub fn forget(&self, user_pk: i64) {
        self.cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&user_pk);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_and_caches_only_the_right_password() {
        let p = Passwords::new(1024, 1).unwrap();
        let h = p.hash("Passw0rd!").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(!p.verify(1, &h, "wrong"));
        assert!(p.verify(1, &h, "Passw0rd!"));
        assert!(p.verify(1, &h, "Passw0rd!"), "cached");
        assert!(
            !p.verify(1, &h, "wrong"),
            "cache never confirms another password"
        );
        let h2 = p.hash("Other0ne!").unwrap();
        assert!(
            !p.verify(1, &h2, "Passw0rd!"),
            "a new hash invalidates the cached entry"
        );
        assert!(!p.verify(1, "not a hash", "Passw0rd!"));
    }
}
