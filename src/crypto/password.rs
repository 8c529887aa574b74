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

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Mutex;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
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

/// The default: ~0.12 ms per hash on one core of the 2-core bench machine (256 KiB took ~0.26 ms; with
/// the SRP verifier and the row it was most of a seed user's CPU, and a 10,000-user seed needed 2.7-3.0 s
/// against 1.8-2.0 s with 128 KiB).
pub const LOCAL: Cost = Cost {
    memory_kib: 128,
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

/// Each thread keeps the argon2 memory of its last hash, up to this many blocks of 1 KiB (the default
/// cost needs 128), and reuses it: allocating it fresh costs an mmap, a page fault per page and an
/// munmap with its TLB shootdown on every hash, about a fifth of a seed user's CPU. Larger memory
/// (OWASP's 19 MiB) is freed after use.
const KEPT_BLOCKS: usize = 1024;

thread_local! {
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` on `blocks` blocks of this thread's argon2 memory. The blocks hold the previous hash's
/// state: argon2 writes every block in its first pass before reading it, so nothing carries over.
fn with_memory<T>(blocks: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        let out = f(&mut memory[..blocks]);
        if memory.len() > KEPT_BLOCKS {
            *memory = Vec::new();
        }
        out
    })
}

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
        let mut salt = [0u8; 16];
        rand::fill(&mut salt[..]);
        self.hash_with_salt(password, &salt)
    }

    fn hash_with_salt(&self, password: &str, salt: &[u8]) -> Result<String, CognitoError> {
        let fail = |e: &dyn std::fmt::Display| CognitoError::internal(format_args!("argon2: {e}"));
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        let params = self.argon.params();
        with_memory(params.block_count(), |memory| {
            self.argon
                .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, memory)
        })
        .map_err(|e| fail(&e))?;
        let phc = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(params).map_err(|e| fail(&e))?,
            salt: Some(Salt::new(salt).map_err(|e| fail(&e))?),
            hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
        };
        Ok(phc.to_string())
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
        let Ok(parsed) = PasswordHash::new(stored) else {
            return false;
        };
        if !verifiable(&parsed) {
            return false;
        }
        let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
            return false;
        };
        let (Ok(algorithm), Ok(params)) = (
            Algorithm::try_from(parsed.algorithm.as_str()),
            Params::try_from(&parsed),
        ) else {
            return false;
        };
        let version = match parsed.version.map(Version::try_from) {
            None => Version::default(),
            Some(Ok(v)) => v,
            Some(Err(_)) => return false,
        };
        let blocks = params.block_count();
        let argon = Argon2::new(algorithm, version, params);
        let mut out = vec![0u8; expected.len()];
        let hashed = with_memory(blocks, |memory| {
            argon.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, memory)
        });
        hashed.is_ok() && bool::from(out.as_slice().ct_eq(expected.as_ref()))
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

    #[test]
    fn reused_memory_gives_the_argon2_crates_own_hashes() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let p = Passwords::new(LOCAL).unwrap();
        let salt = *b"0123456789abcdef";
        let reference = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(LOCAL.memory_kib, LOCAL.iterations, 1, None).unwrap(),
        );
        // Several hashes on one thread: each starts from the memory the previous one left.
        for pw in ["Passw0rd!", "another one", "Passw0rd!"] {
            let ours = p.hash_with_salt(pw, &salt).unwrap();
            let theirs = reference
                .hash_password_with_salt(pw.as_bytes(), &salt)
                .unwrap();
            assert_eq!(ours, theirs.to_string());
            assert!(
                reference
                    .verify_password(pw.as_bytes(), ours.as_str())
                    .is_ok()
            );
        }
        // Hashes of other parameters and of argon2i / argon2d, made by the crate, verify here.
        for (alg, m, t) in [
            (Algorithm::Argon2i, 64, 3),
            (Algorithm::Argon2d, 2048, 1),
            (Algorithm::Argon2id, 8, 1),
        ] {
            let other = Argon2::new(alg, Version::V0x13, Params::new(m, t, 1, None).unwrap());
            let stored = other
                .hash_password_with_salt(b"pw-123456", &salt)
                .unwrap()
                .to_string();
            assert!(p.matches(&stored, "pw-123456"), "{stored}");
            assert!(!p.matches(&stored, "pw-123457"), "{stored}");
        }
        // A memory larger than the kept size is released after use.
        let big = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(4096, 1, 1, None).unwrap(),
        );
        let stored = big
            .hash_password_with_salt(b"pw", &salt)
            .unwrap()
            .to_string();
        assert!(p.matches(&stored, "pw"));
        assert_eq!(MEMORY.with(|m| m.borrow().len()), 0);
        assert!(p.matches(&p.hash("pw").unwrap(), "pw"));
        assert_eq!(MEMORY.with(|m| m.borrow().len()), LOCAL.memory_kib as usize);
    }
}
