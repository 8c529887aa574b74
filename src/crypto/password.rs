//! Password hashes: argon2id in PHC strings (`$argon2id$v=19$m=..,t=..,p=1$salt$hash`), so every stored
//! hash verifies with the parameters written in it whatever the emulator's current setting; plus an
//! in-memory cache of recently verified credentials so repeated sign-ins skip argon2.
//!
//! New hashes use [`LOCAL`] unless configured otherwise: a cost sized for a local tool, where argon2 is
//! a small part of a SignUp rather than nearly all of it. [`OWASP`] (`--argon2-owasp`) is OWASP's
//! recommended minimum, for an emulator that holds real people's passwords.
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

/// The cost of new argon2id hashes (one lane).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub iterations: u32,
}

/// The default: a few hundred microseconds per hash on one core of a laptop or CI machine.
pub const LOCAL: Cost = Cost {
    memory_kib: 256,
    iterations: 2,
};

/// OWASP's recommended argon2id minimum (19 MiB, 2 passes): ~18 ms per hash.
pub const OWASP: Cost = Cost {
    memory_kib: 19456,
    iterations: 2,
};

/// Stored hashes asking for more than this are not verified (a seed file or a corrupt row could
/// otherwise make one sign-in allocate gigabytes or run for minutes).
const MAX_VERIFY_MEMORY_KIB: u32 = 1024 * 1024;
const MAX_VERIFY_ITERATIONS: u32 = 64;

/// Hashes and verifies passwords.
pub struct Passwords {
    argon: Argon2<'static>,
    secret: [u8; 32],
    cache: Mutex<HashMap<i64, [u8; 32]>>,
}

impl Passwords {
    /// Argon2id with the given cost for new hashes, one lane.
    pub fn new(cost: Cost) -> Result<Passwords, String> {
        let params =
            Params::new(cost.memory_kib, cost.iterations, 1, None).map_err(|e| e.to_string())?;
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

    /// Whether `password` matches `stored`, without the cache (password-history checks). The hash's own
    /// parameters are used (a hash made under another setting keeps verifying).
    pub fn matches(&self, stored: &str, password: &str) -> bool {
        PasswordHash::new(stored)
            .ok()
            .filter(|parsed| verifiable(parsed))
            .is_some_and(|parsed| {
                self.argon
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
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

/// Whether a stored hash is an argon2 hash with parameters this process can afford to verify.
fn verifiable(parsed: &PasswordHash) -> bool {
    let Ok(params) = Params::try_from(parsed) else {
        return false;
    };
    params.m_cost() <= MAX_VERIFY_MEMORY_KIB && params.t_cost() <= MAX_VERIFY_ITERATIONS
}

/// Whether `stored` is a PHC string this emulator can verify (seed files are checked with it).
pub fn is_verifiable(stored: &str) -> bool {
    PasswordHash::new(stored)
        .is_ok_and(|parsed| parsed.algorithm.as_str().starts_with("argon2") && verifiable(&parsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_and_caches_only_the_right_password() {
        let p = Passwords::new(Cost {
            memory_kib: 1024,
            iterations: 1,
        })
        .unwrap();
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

    #[test]
    fn hashes_keep_verifying_with_their_own_parameters() {
        let owasp = Passwords::new(OWASP).unwrap();
        let local = Passwords::new(LOCAL).unwrap();
        let old = owasp.hash("Passw0rd!").unwrap();
        assert!(old.contains("m=19456,t=2,p=1"), "{old}");
        let new = local.hash("Passw0rd!").unwrap();
        assert!(
            new.contains(&format!(
                "m={},t={},p=1",
                LOCAL.memory_kib, LOCAL.iterations
            )),
            "{new}"
        );
        // Either setting verifies both: the parameters come from the stored string.
        for p in [&owasp, &local] {
            assert!(p.matches(&old, "Passw0rd!"));
            assert!(p.matches(&new, "Passw0rd!"));
            assert!(!p.matches(&old, "Passw0rd?"));
            assert!(!p.matches(&new, "Passw0rd?"));
        }
    }

    #[test]
    fn unaffordable_or_foreign_hashes_never_verify() {
        let p = Passwords::new(LOCAL).unwrap();
        // A syntactically valid argon2id string asking for 4 GiB is refused without running argon2.
        let huge = "$argon2id$v=19$m=4194304,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        assert!(!is_verifiable(huge));
        assert!(!p.matches(huge, "x"));
        assert!(!is_verifiable("$2b$12$abcdefghijklmnopqrstuv"));
        assert!(is_verifiable(&p.hash("x").unwrap()));
    }
}
