//! Modular exponentiation modulo the 3072-bit SRP group through AWS-LC (already linked for RS256
//! signing): `BN_mod_exp_mont_consttime` runs the x86-64/ARM assembly Montgomery code, constant time
//! in the exponent, with the modulus's Montgomery context computed once. On the 2-core bench machine a
//! 3072-bit exponentiation with a 256-bit exponent takes ~0.50 ms this way against ~1.05 ms for
//! num-bigint's `modpow`; an SRP sign-in does three of them.
//!
//! Callers keep `BigUint` for everything else (padding, hashing, parsing); only the exponentiation
//! crosses into C. Should AWS-LC ever fail (it only can on allocation failure), the num-bigint result
//! is returned instead.

use std::ptr;

use aws_lc_sys::{
    BIGNUM, BN_CTX, BN_CTX_free, BN_CTX_new, BN_MONT_CTX, BN_MONT_CTX_free,
    BN_MONT_CTX_new_for_modulus, BN_bin2bn, BN_bn2bin_padded, BN_free, BN_mod_exp_mont_consttime,
    BN_new,
};
use num_bigint::BigUint;

/// An owned AWS-LC `BIGNUM`.
struct Bn(*mut BIGNUM);

impl Bn {
    fn new() -> Option<Bn> {
        // SAFETY: BN_new has no preconditions; a null answer is handled.
        let p = unsafe { BN_new() };
        (!p.is_null()).then_some(Bn(p))
    }

    fn from_biguint(x: &BigUint) -> Option<Bn> {
        let bytes = x.to_bytes_be();
        // SAFETY: `bytes` is valid for `len` bytes; a null `ret` asks for a new BIGNUM.
        let p = unsafe { BN_bin2bn(bytes.as_ptr(), bytes.len(), ptr::null_mut()) };
        (!p.is_null()).then_some(Bn(p))
    }
}

impl Drop for Bn {
    fn drop(&mut self) {
        // SAFETY: the pointer came from BN_new/BN_bin2bn and is freed once.
        unsafe { BN_free(self.0) }
    }
}

/// An owned `BN_CTX` (scratch space of one exponentiation; not shared between threads).
struct Ctx(*mut BN_CTX);

impl Drop for Ctx {
    fn drop(&mut self) {
        // SAFETY: the pointer came from BN_CTX_new and is freed once.
        unsafe { BN_CTX_free(self.0) }
    }
}

/// An odd modulus with its Montgomery context, shared read-only by all threads.
pub struct Modulus {
    n: BigUint,
    bn: Bn,
    mont: *mut BN_MONT_CTX,
    len: usize,
}

// SAFETY: after construction the BIGNUM and the BN_MONT_CTX are only read (AWS-LC takes them as
// `const` in BN_mod_exp_mont_consttime), so sharing them between threads is sound.
unsafe impl Send for Modulus {}
unsafe impl Sync for Modulus {}

impl Modulus {
    /// The context for `n`, which must be odd. `None` if AWS-LC cannot build it.
    pub fn new(n: &BigUint) -> Option<Modulus> {
        let bn = Bn::from_biguint(n)?;
        let ctx = new_ctx()?;
        // SAFETY: both pointers are valid; a null answer (even modulus, allocation failure) is handled.
        let mont = unsafe { BN_MONT_CTX_new_for_modulus(bn.0, ctx.0) };
        if mont.is_null() {
            return None;
        }
        Some(Modulus {
            n: n.clone(),
            bn,
            mont,
            len: n.to_bytes_be().len(),
        })
    }

    /// The modulus.
    pub fn n(&self) -> &BigUint {
        &self.n
    }

    /// `base^e mod n`.
    pub fn pow(&self, base: &BigUint, e: &BigUint) -> BigUint {
        // AWS-LC wants the base reduced.
        let reduced;
        let base = if base >= &self.n {
            reduced = base % &self.n;
            &reduced
        } else {
            base
        };
        self.pow_aws_lc(base, e)
            .unwrap_or_else(|| base.modpow(e, &self.n))
    }

    fn pow_aws_lc(&self, base: &BigUint, e: &BigUint) -> Option<BigUint> {
        let a = Bn::from_biguint(base)?;
        let p = Bn::from_biguint(e)?;
        let r = Bn::new()?;
        let ctx = new_ctx()?;
        // SAFETY: every pointer is a live BIGNUM/BN_CTX/BN_MONT_CTX; `a` is below the modulus, which
        // is odd, and `mont` was built for it.
        let ok = unsafe { BN_mod_exp_mont_consttime(r.0, a.0, p.0, self.bn.0, ctx.0, self.mont) };
        if ok != 1 {
            return None;
        }
        let mut out = vec![0u8; self.len];
        // SAFETY: `out` holds `len` bytes and the result is below n, so it fits.
        let ok = unsafe { BN_bn2bin_padded(out.as_mut_ptr(), out.len(), r.0) };
        (ok == 1).then(|| BigUint::from_bytes_be(&out))
    }
}

impl Drop for Modulus {
    fn drop(&mut self) {
        // SAFETY: the pointer came from BN_MONT_CTX_new_for_modulus and is freed once.
        unsafe { BN_MONT_CTX_free(self.mont) }
    }
}

fn new_ctx() -> Option<Ctx> {
    // SAFETY: BN_CTX_new has no preconditions; a null answer is handled.
    let p = unsafe { BN_CTX_new() };
    (!p.is_null()).then_some(Ctx(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_num_bigint() {
        let n =
            BigUint::parse_bytes(b"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1", 16).unwrap();
        let m = Modulus::new(&n).unwrap();
        let e = BigUint::from_bytes_be(&[0x9d; 32]);
        for base in [
            BigUint::from(2u32),
            BigUint::from(0u32),
            BigUint::from_bytes_be(&[0x5a; 20]),
            // Not reduced: larger than n.
            &n + BigUint::from(7u32),
            BigUint::from_bytes_be(&[0xff; 40]),
        ] {
            assert_eq!(m.pow(&base, &e), base.modpow(&e, &n), "base {base:x}");
        }
        assert_eq!(
            m.pow(&BigUint::from(5u32), &BigUint::ZERO),
            BigUint::from(1u32)
        );
    }

    #[test]
    fn even_modulus_is_refused() {
        assert!(Modulus::new(&BigUint::from(10u32)).is_none());
    }
}
