//! RS256 signing with multi-prime RSA-2048 keys (RFC 8017 §3.2, §5.1.2): the signing keys the
//! emulator generates have four 512-bit primes instead of two 1024-bit ones. A verifier sees an
//! ordinary RSA-2048 public key (the same `n` and `e = 65537` in the JWKS, the same signatures: a
//! PKCS#1 v1.5 signature is `m^d mod n` however `n` factors), but signing exponentiates modulo four
//! 512-bit primes, for which AWS-LC's Montgomery assembly is at its best: ~0.25 ms a signature on the
//! bench machine against ~0.7 ms with two primes. Signing is most of a sign-in's or refresh's CPU.
//!
//! The cost is a smaller margin against factoring by ECM, which finds a prime factor in time
//! depending on the factor's size: roughly 2^90 operations for a 512-bit one, against the ~2^112 of
//! the number field sieve on any 2048-bit modulus. Both are far out of reach, and these are local
//! development keys kept in a plain file; a two-prime key put in the keys directory is used as it is.
//!
//! Each signature is computed on a blinded message (`m·r^e`, unblinded by `r^-1`; `r` random, each
//! pair serving 32 signatures, squared after each), the exponentiations run in AWS-LC's constant-time
//! `BN_mod_exp_mont_consttime`, and the result is checked against the public key before it is
//! returned, so a fault or a bug can never let a wrong signature (or one that leaks a factor) out.

use std::ffi::c_int;
use std::ptr;
use std::sync::Mutex;

use aws_lc_sys::{
    BN_add, BN_cmp, BN_copy, BN_generate_prime_ex, BN_mod_exp_mont, BN_mod_exp_mont_consttime,
    BN_mod_inverse_blinded, BN_mod_mul, BN_mod_sub, BN_mod_word, BN_mul, BN_nnmod, BN_num_bits,
    BN_one, BN_rand_range_ex, BN_set_word, BN_sub_word,
};
use rsa::pkcs1::{self, der, der::Encode};
use rsa::pkcs8::{self, LineEnding, PrivateKeyInfoRef, SecretDocument};

use super::bn::{Bn, Ctx, Mont, ok};

const MODULUS_BITS: u32 = 2048;
const PUBLIC_EXPONENT: u64 = 65537;
const BYTES: usize = MODULUS_BITS as usize / 8;

/// DER prefix of a SHA-256 `DigestInfo` (RFC 8017 §9.2, note 1).
const SHA256_DIGEST_INFO: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// One prime factor with what signing needs of it.
struct Prime {
    p: Bn,
    /// `d mod (p - 1)`.
    exponent: Bn,
    mont: Mont,
    /// How the result modulo this prime joins those of the primes before it (`None` for the first).
    garner: Option<Garner>,
}

/// Garner's recombination step of a prime `p` after the first.
struct Garner {
    /// The product of the primes before `p`.
    before: Bn,
    /// `before^-1 mod p`.
    coefficient: Bn,
}

/// A blinding pair `(r^e, r^-1) mod n`. Inverting a fresh `r` costs more than a signature, so a pair
/// serves [`BLINDING_USES`] signatures, both halves squared after each (`r` becomes `r^2`), as
/// OpenSSL and AWS-LC do.
struct Blinding {
    r_e: Bn,
    r_inverse: Bn,
    uses: u32,
}

// SAFETY: a Blinding owns its BIGNUMs and is used by one thread at a time (taken out of the key's
// mutex-guarded list while in use).
unsafe impl Send for Blinding {}

const BLINDING_USES: u32 = 32;

/// A multi-prime RSA private key, read-only after construction except for its spare blinding pairs.
pub struct MultiPrimeKey {
    n: Bn,
    e: Bn,
    d: Bn,
    n_mont: Mont,
    primes: Vec<Prime>,
    blindings: Mutex<Vec<Blinding>>,
}

// SAFETY: after construction every BIGNUM and Montgomery context is only read (AWS-LC takes them as
// `const`); each signature uses its own BN_CTX and temporaries.
unsafe impl Send for MultiPrimeKey {}
unsafe impl Sync for MultiPrimeKey {}

/// Runs an AWS-LC call that answers 1 on success.
macro_rules! call {
    ($e:expr) => {
        // SAFETY: every BIGNUM, BN_CTX and BN_MONT_CTX passed is live (owned by a `Bn`, `Ctx` or
        // `Mont` in scope), outputs are distinct from inputs unless AWS-LC documents aliasing as
        // allowed, and moduli are odd primes or their product.
        ok(unsafe { $e })?
    };
}

impl MultiPrimeKey {
    /// A new RSA-2048 key of `count` (2 to 4) distinct primes of 2048/count bits, none ≡ 1 mod e,
    /// whose product has exactly 2048 bits.
    pub fn generate(count: u8) -> Option<MultiPrimeKey> {
        let count = u32::from(count.clamp(2, 4));
        let sizes: Vec<u32> = (0..count)
            .map(|i| MODULUS_BITS / count + u32::from(i < MODULUS_BITS % count))
            .collect();
        loop {
            let mut primes: Vec<Bn> = Vec::with_capacity(sizes.len());
            while primes.len() < sizes.len() {
                let p = Bn::new()?;
                let bits = sizes[primes.len()] as c_int;
                call!(BN_generate_prime_ex(
                    p.0,
                    bits,
                    0,
                    ptr::null(),
                    ptr::null(),
                    ptr::null_mut()
                ));
                // SAFETY: live BIGNUMs.
                let fresh = primes.iter().all(|q| unsafe { BN_cmp(q.0, p.0) } != 0);
                // gcd(e, p - 1) = 1 since e is prime: p mod e must not be 1.
                // SAFETY: a live BIGNUM; a nonzero word.
                if fresh && unsafe { BN_mod_word(p.0, PUBLIC_EXPONENT as _) } != 1 {
                    primes.push(p);
                }
            }
            let key = MultiPrimeKey::from_primes(primes, PUBLIC_EXPONENT)?;
            // SAFETY: a live BIGNUM.
            if unsafe { BN_num_bits(key.n.0) } == MODULUS_BITS {
                return Some(key);
            }
        }
    }

    /// The key with these primes and public exponent; every private value is derived here.
    fn from_primes(primes: Vec<Bn>, e: u64) -> Option<MultiPrimeKey> {
        let ctx = Ctx::new()?;
        let e_bn = Bn::new()?;
        call!(BN_set_word(e_bn.0, e as _));
        let n = Bn::new()?;
        call!(BN_one(n.0));
        let phi = Bn::new()?;
        call!(BN_one(phi.0));
        let mut out = Vec::with_capacity(primes.len());
        for p in primes {
            let p_minus_1 = p.try_clone()?;
            call!(BN_sub_word(p_minus_1.0, 1));
            // None when e and p - 1 share a factor: no valid key.
            let exponent = e_bn.inverse_mod(&p_minus_1, &ctx)?;
            let garner = match out.is_empty() {
                true => None,
                // None if the primes repeat.
                false => Some(Garner {
                    coefficient: n.inverse_mod(&p, &ctx)?,
                    before: n.try_clone()?,
                }),
            };
            call!(BN_mul(n.0, n.0, p.0, ctx.0));
            call!(BN_mul(phi.0, phi.0, p_minus_1.0, ctx.0));
            let mont = Mont::new(&p, &ctx)?;
            out.push(Prime {
                p,
                exponent,
                mont,
                garner,
            });
        }
        let d = e_bn.inverse_mod(&phi, &ctx)?;
        let n_mont = Mont::new(&n, &ctx)?;
        Some(MultiPrimeKey {
            n,
            e: e_bn,
            d,
            n_mont,
            primes: out,
            blindings: Mutex::new(Vec::new()),
        })
    }

    /// The key in a PKCS#1 structure with more than two primes, or `Ok(None)` for a two-prime one.
    /// Only the primes and `e` are taken from the file (everything else is recomputed), and they must
    /// multiply to its `n`.
    pub fn from_pkcs1(key: &pkcs1::RsaPrivateKeyRef) -> Result<Option<MultiPrimeKey>, String> {
        let Some(others) = &key.other_prime_infos else {
            return Ok(None);
        };
        let bad = || "invalid multi-prime RSA key".to_string();
        let mut primes = vec![
            Bn::from_bytes(key.prime1.as_bytes()).ok_or_else(bad)?,
            Bn::from_bytes(key.prime2.as_bytes()).ok_or_else(bad)?,
        ];
        for other in others {
            primes.push(Bn::from_bytes(other.prime.as_bytes()).ok_or_else(bad)?);
        }
        let e = key.public_exponent.as_bytes();
        if e.len() > 8 {
            return Err(bad());
        }
        let e = e.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let parsed = MultiPrimeKey::from_primes(primes, e).ok_or_else(bad)?;
        let n = Bn::from_bytes(key.modulus.as_bytes()).ok_or_else(bad)?;
        // SAFETY: live BIGNUMs.
        let same = unsafe { BN_cmp(n.0, parsed.n.0) } == 0;
        if !same || parsed.modulus_bytes().len() != BYTES {
            return Err("multi-prime RSA key: the primes do not make a 2048-bit modulus".into());
        }
        parsed
            .sign_digest(&[0x5a; 32])
            .ok_or("multi-prime RSA key: its signature does not verify")?;
        Ok(Some(parsed))
    }

    /// `n`, big-endian without leading zeros.
    pub fn modulus_bytes(&self) -> Vec<u8> {
        self.n.to_minimal_bytes().unwrap_or_default()
    }

    /// `e`, big-endian without leading zeros.
    pub fn exponent_bytes(&self) -> Vec<u8> {
        self.e.to_minimal_bytes().unwrap_or_default()
    }

    /// The RSASSA-PKCS1-v1_5 signature (256 bytes) of a SHA-256 digest, or `None` if AWS-LC fails
    /// (allocation) or the result does not verify.
    pub fn sign_digest(&self, digest: &[u8; 32]) -> Option<Vec<u8>> {
        let mut em = vec![0xffu8; BYTES];
        em[0] = 0;
        em[1] = 1;
        let info_at = BYTES - SHA256_DIGEST_INFO.len() - digest.len();
        em[info_at - 1] = 0;
        em[info_at..BYTES - digest.len()].copy_from_slice(&SHA256_DIGEST_INFO);
        em[BYTES - digest.len()..].copy_from_slice(digest);
        let m = Bn::from_bytes(&em)?;
        let ctx = Ctx::new()?;
        let signature = self
            .sign_crt(&m, &ctx)
            .filter(|s| self.verifies(s, &m, &ctx).is_some())
            .or_else(|| {
                // Without the factors: slower, same result.
                let s = Bn::new()?;
                call!(BN_mod_exp_mont_consttime(
                    s.0,
                    m.0,
                    self.d.0,
                    self.n.0,
                    ctx.0,
                    self.n_mont.0
                ));
                self.verifies(&s, &m, &ctx).map(|_| s)
            })?;
        signature.to_bytes(BYTES)
    }

    /// `m^d mod n` by the Chinese remainder theorem on a blinded `m` (Garner's recombination).
    fn sign_crt(&self, m: &Bn, ctx: &Ctx) -> Option<Bn> {
        let spare = self.blindings.lock().ok().and_then(|mut list| list.pop());
        let mut blinding = match spare {
            Some(b) => b,
            None => self.new_blinding(ctx)?,
        };
        let blinded = Bn::new()?;
        call!(BN_mod_mul(blinded.0, m.0, blinding.r_e.0, self.n.0, ctx.0));

        let s = Bn::new()?;
        let reduced = Bn::new()?;
        let s_i = Bn::new()?;
        let h = Bn::new()?;
        for prime in &self.primes {
            call!(BN_nnmod(reduced.0, blinded.0, prime.p.0, ctx.0));
            call!(BN_mod_exp_mont_consttime(
                s_i.0,
                reduced.0,
                prime.exponent.0,
                prime.p.0,
                ctx.0,
                prime.mont.0
            ));
            match &prime.garner {
                Some(g) => {
                    // s += before · ((s_i - s) · before^-1 mod p)
                    call!(BN_nnmod(reduced.0, s.0, prime.p.0, ctx.0));
                    call!(BN_mod_sub(h.0, s_i.0, reduced.0, prime.p.0, ctx.0));
                    call!(BN_mod_mul(h.0, h.0, g.coefficient.0, prime.p.0, ctx.0));
                    call!(BN_mul(h.0, h.0, g.before.0, ctx.0));
                    call!(BN_add(s.0, s.0, h.0));
                }
                None => {
                    // SAFETY: live, distinct BIGNUMs.
                    if unsafe { BN_copy(s.0, s_i.0) }.is_null() {
                        return None;
                    }
                }
            }
        }
        let signature = Bn::new()?;
        call!(BN_mod_mul(
            signature.0,
            s.0,
            blinding.r_inverse.0,
            self.n.0,
            ctx.0
        ));
        blinding.uses += 1;
        if blinding.uses < BLINDING_USES {
            let (r_e, r_inverse) = (blinding.r_e.0, blinding.r_inverse.0);
            call!(BN_mod_mul(r_e, r_e, r_e, self.n.0, ctx.0));
            call!(BN_mod_mul(r_inverse, r_inverse, r_inverse, self.n.0, ctx.0));
            if let Ok(mut list) = self.blindings.lock() {
                list.push(blinding);
            }
        }
        Some(signature)
    }

    /// A blinding pair from a fresh random `r` (the inverse computed blinded, in constant time).
    fn new_blinding(&self, ctx: &Ctx) -> Option<Blinding> {
        let r = Bn::new()?;
        call!(BN_rand_range_ex(r.0, 1, self.n.0));
        let r_e = Bn::new()?;
        call!(BN_mod_exp_mont(
            r_e.0,
            r.0,
            self.e.0,
            self.n.0,
            ctx.0,
            self.n_mont.0
        ));
        let r_inverse = Bn::new()?;
        let mut no_inverse: c_int = 0;
        call!(BN_mod_inverse_blinded(
            r_inverse.0,
            &mut no_inverse,
            r.0,
            self.n_mont.0,
            ctx.0
        ));
        Some(Blinding {
            r_e,
            r_inverse,
            uses: 0,
        })
    }

    /// `Some(())` when `s^e mod n == m`.
    fn verifies(&self, s: &Bn, m: &Bn, ctx: &Ctx) -> Option<()> {
        let back = Bn::new()?;
        call!(BN_mod_exp_mont(
            back.0,
            s.0,
            self.e.0,
            self.n.0,
            ctx.0,
            self.n_mont.0
        ));
        // SAFETY: live BIGNUMs.
        (unsafe { BN_cmp(back.0, m.0) } == 0).then_some(())
    }

    /// The key as PKCS#8 PEM (a PKCS#1 `RSAPrivateKey`; of version `multi` with `otherPrimeInfos`
    /// for more than two primes, which OpenSSL and Node read too).
    pub fn to_pkcs8_pem(&self) -> Result<String, String> {
        let ctx = Ctx::new().ok_or("out of memory")?;
        let fail = || "cannot encode the RSA key".to_string();
        let bytes = |b: &Bn| b.to_minimal_bytes().ok_or_else(fail);
        let [p, q, rest @ ..] = &self.primes[..] else {
            return Err(fail());
        };
        // PKCS#1's two-prime coefficient is q^-1 mod p (ours, for q, is p^-1 mod q).
        let q_inverse = q.p.inverse_mod(&p.p, &ctx).ok_or_else(fail)?;
        let n = bytes(&self.n)?;
        let e = bytes(&self.e)?;
        let d = bytes(&self.d)?;
        let (p_b, q_b, dp, dq, qi) = (
            bytes(&p.p)?,
            bytes(&q.p)?,
            bytes(&p.exponent)?,
            bytes(&q.exponent)?,
            bytes(&q_inverse)?,
        );
        let others: Vec<[Vec<u8>; 3]> = rest
            .iter()
            .map(|r| {
                let garner = r.garner.as_ref().ok_or_else(fail)?;
                Ok([
                    bytes(&r.p)?,
                    bytes(&r.exponent)?,
                    bytes(&garner.coefficient)?,
                ])
            })
            .collect::<Result<_, String>>()?;
        let key = pkcs1::RsaPrivateKeyRef {
            modulus: uint(&n)?,
            public_exponent: uint(&e)?,
            private_exponent: uint(&d)?,
            prime1: uint(&p_b)?,
            prime2: uint(&q_b)?,
            exponent1: uint(&dp)?,
            exponent2: uint(&dq)?,
            coefficient: uint(&qi)?,
            other_prime_infos: match others.is_empty() {
                true => None,
                false => Some(
                    others
                        .iter()
                        .map(|[prime, exponent, coefficient]| {
                            Ok(pkcs1::OtherPrimeInfo {
                                prime: uint(prime)?,
                                exponent: uint(exponent)?,
                                coefficient: uint(coefficient)?,
                            })
                        })
                        .collect::<Result<_, String>>()?,
                ),
            },
        };
        let pkcs1_der = der::zeroize::Zeroizing::new(key.to_der().map_err(|e| e.to_string())?);
        let octets = der::asn1::OctetStringRef::new(&pkcs1_der).map_err(|e| e.to_string())?;
        let info = PrivateKeyInfoRef::new(pkcs1::ALGORITHM_ID, octets);
        let doc = SecretDocument::encode_msg(&info).map_err(|e| e.to_string())?;
        let pem = doc
            .to_pem(
                <PrivateKeyInfoRef as pkcs8::der::pem::PemLabel>::PEM_LABEL,
                LineEnding::LF,
            )
            .map_err(|e| e.to_string())?;
        Ok(pem.to_string())
    }
}

fn uint(b: &[u8]) -> Result<pkcs1::UintRef<'_>, String> {
    pkcs1::UintRef::new(b).map_err(|e| e.to_string())
}

#[cfg(test)]
#[path = "multiprime_tests.rs"]
mod tests;
