//! Modular exponentiation modulo the 3072-bit SRP group through AWS-LC (already linked for RS256
//! signing): `BN_mod_exp_mont_consttime` runs the x86-64/ARM assembly Montgomery code, constant time
//! in the exponent, with the modulus's Montgomery context computed once. On the 2-core bench machine a
//! 3072-bit exponentiation with a 256-bit exponent takes ~0.50 ms this way against ~1.05 ms for
//! num-bigint's `modpow`; an SRP sign-in does three of them. On a CPU with AVX-512 IFMA, release
//! builds take [`super::ifma`] instead (~0.29 ms against ~0.68 ms through AWS-LC on such a machine).
//!
//! Callers keep `BigUint` for everything else (padding, hashing, parsing); only the exponentiation
//! crosses into C. Should AWS-LC ever fail (it only can on allocation failure), the num-bigint result
//! is returned instead.

use aws_lc_sys::{
    BIGNUM, BN_from_montgomery, BN_le2bn, BN_mod_exp_mont_consttime, BN_mod_mul_montgomery,
    BN_to_montgomery, BN_value_one,
};
use num_bigint::BigUint;

use super::bn::{Bn, Ctx, Mont};

/// An odd modulus with its Montgomery context, shared read-only by all threads.
pub struct Modulus {
    n: BigUint,
    bn: Bn,
    mont: Mont,
    len: usize,
    /// The AVX-512 IFMA exponentiation, when the CPU has it (~2x faster than AWS-LC's).
    #[cfg(target_arch = "x86_64")]
    ifma: Option<super::ifma::IfmaModulus>,
}

// SAFETY: after construction the BIGNUM is only read (AWS-LC takes it as `const` in
// BN_mod_exp_mont_consttime), so sharing it between threads is sound; `Mont` is Sync.
unsafe impl Send for Modulus {}
unsafe impl Sync for Modulus {}

impl Modulus {
    /// The context for `n`, which must be odd. `None` if AWS-LC cannot build it.
    pub fn new(n: &BigUint) -> Option<Modulus> {
        let bn = Bn::from_biguint(n)?;
        let mont = Mont::new(&bn, &Ctx::new()?)?;
        Some(Modulus {
            n: n.clone(),
            bn,
            mont,
            len: n.to_bytes_be().len(),
            // Unoptimised (debug builds: `cargo test`'s server) the intrinsics are ~20x slower than
            // AWS-LC; the IFMA code's own tests check it against num-bigint there.
            #[cfg(target_arch = "x86_64")]
            ifma: if cfg!(debug_assertions) {
                None
            } else {
                super::ifma::IfmaModulus::new(n)
            },
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
        #[cfg(target_arch = "x86_64")]
        if let Some(ifma) = &self.ifma {
            return ifma.pow(base, e);
        }
        self.pow_aws_lc(base, e)
            .unwrap_or_else(|| base.modpow(e, &self.n))
    }

    fn pow_aws_lc(&self, base: &BigUint, e: &BigUint) -> Option<BigUint> {
        let a = Bn::from_biguint(base)?;
        let p = Bn::from_biguint(e)?;
        let r = Bn::new()?;
        let ctx = Ctx::new()?;
        // SAFETY: every pointer is a live BIGNUM/BN_CTX/BN_MONT_CTX; `a` is below the modulus, which
        // is odd, and `mont` was built for it.
        let ok = unsafe { BN_mod_exp_mont_consttime(r.0, a.0, p.0, self.bn.0, ctx.0, self.mont.0) };
        if ok != 1 {
            return None;
        }
        // The result is below n, so it fits in `len` bytes.
        r.to_bytes(self.len).map(|b| BigUint::from_bytes_be(&b))
    }
}

/// Exponent bits a [`FixedBase`] covers (SRP's private values are SHA-256 outputs or 32 random bytes).
const FIXED_BITS: usize = 256;
/// Bits per comb window: wider windows mean fewer multiplications but longer rows to select from in
/// constant time and a larger table. On the 2-core bench machine (examples timed back to back, the
/// host's speed moving by ±20%) a verifier took 216 µs with 4-bit windows and 64 allocations of a
/// BIGNUM, then without the allocations 142-197 µs with 5 bits, 128-155 with 6, 105-143 with 7 and
/// 99-134 with 8 (3 MiB of table); 7 bits keeps the table under 2 MiB.
const WINDOW: usize = 7;
const WINDOWS: usize = FIXED_BITS.div_ceil(WINDOW);
const ENTRIES: usize = 1 << WINDOW;

/// `g^e mod n` for one fixed base `g` and exponents below 2^256, from a table of precomputed powers
/// (`g^(j·128^i)` for each 7-bit window `i` and digit `j`, in Montgomery form): 36 multiplications
/// and no squaring, against ~300 multiplications for a general exponentiation, so several times
/// faster for SRP's `v = g^x` and `g^b`. Constant time in the exponent: every window reads all 128
/// entries of its row and keeps one by masking, and multiplies even for a zero digit. The table is
/// 37 × 128 values of the modulus's size (1.7 MiB for SRP's 3072-bit group), built on first use.
pub struct FixedBase {
    /// Entries of `words` little-endian 64-bit words (least significant first): window `i`, digit
    /// `j` at `(i * ENTRIES + j) * words`.
    table: Vec<u64>,
    words: usize,
    len: usize,
}

impl Modulus {
    /// The comb table of `g` for this modulus. `None` if AWS-LC fails (allocation).
    pub fn fixed_base(&self, g: &BigUint) -> Option<FixedBase> {
        let ctx = Ctx::new()?;
        let to_mont = |x: *const BIGNUM| -> Option<Bn> {
            let r = Bn::new()?;
            // SAFETY: live BIGNUMs, contexts built for this modulus.
            (unsafe { BN_to_montgomery(r.0, x, self.mont.0, ctx.0) } == 1).then_some(r)
        };
        let mul = |a: &Bn, b: &Bn| -> Option<Bn> {
            let r = Bn::new()?;
            // SAFETY: as above; both operands are reduced Montgomery values.
            (unsafe { BN_mod_mul_montgomery(r.0, a.0, b.0, self.mont.0, ctx.0) } == 1).then_some(r)
        };
        let reduced = g % &self.n;
        let g = Bn::from_biguint(&reduced)?;
        // SAFETY: BN_value_one returns a static constant.
        let one = to_mont(unsafe { BN_value_one() })?;
        let mut base = to_mont(g.0)?;
        let words = self.len.div_ceil(8);
        let mut table = vec![0u64; WINDOWS * ENTRIES * words];
        for i in 0..WINDOWS {
            // Row i: base^j for j in 0..ENTRIES, where base = g^(ENTRIES^i).
            let mut power = mul(&one, &one)?;
            for j in 0..ENTRIES {
                // `words * 8 >= len` bytes and the value is below n.
                let bytes = power.to_bytes(words * 8)?;
                let at = (i * ENTRIES + j) * words;
                for (w, chunk) in table[at..at + words].iter_mut().zip(bytes.rchunks_exact(8)) {
                    *w = u64::from_be_bytes(chunk.try_into().expect("8 bytes"));
                }
                power = mul(&power, &base)?;
            }
            // `power` is now base^ENTRIES = g^(ENTRIES^(i+1)).
            base = power;
        }
        Some(FixedBase {
            table,
            words,
            len: self.len,
        })
    }

    /// `g^e mod n` with `g`'s table (built by [`Modulus::fixed_base`] on this modulus); exponents of
    /// more than 256 bits take the general path.
    pub fn pow_fixed(&self, fixed: &FixedBase, g: &BigUint, e: &BigUint) -> BigUint {
        if e.bits() as usize > FIXED_BITS || fixed.len != self.len {
            return self.pow(g, e);
        }
        self.pow_comb(fixed, e).unwrap_or_else(|| self.pow(g, e))
    }

    fn pow_comb(&self, fixed: &FixedBase, e: &BigUint) -> Option<BigUint> {
        let ctx = Ctx::new()?;
        // Little-endian, with a spare byte so that every window can read two bytes.
        let mut digits = e.to_bytes_le();
        digits.resize(FIXED_BITS / 8 + 1, 0);
        let words = fixed.words;
        let mut entry = vec![0u64; words];
        let mut bytes = vec![0u8; words * 8];
        // The accumulator, the selected entry and the product: three BIGNUMs reused by every window.
        let (mut acc, value, mut product) = (Bn::new()?, Bn::new()?, Bn::new()?);
        for i in 0..WINDOWS {
            let bit = i * WINDOW;
            let pair = u16::from_le_bytes([digits[bit / 8], digits[bit / 8 + 1]]);
            let digit = ((pair >> (bit % 8)) as usize & (ENTRIES - 1)) as u8;
            // Constant-time selection of entry `digit` of row i.
            entry.iter_mut().for_each(|w| *w = 0);
            let row = &fixed.table[i * ENTRIES * words..(i + 1) * ENTRIES * words];
            for (j, candidate) in row.chunks_exact(words).enumerate() {
                let mask = ct_eq_mask(j as u8, digit);
                for (out, v) in entry.iter_mut().zip(candidate) {
                    *out |= v & mask;
                }
            }
            for (chunk, w) in bytes.chunks_exact_mut(8).zip(&entry) {
                chunk.copy_from_slice(&w.to_le_bytes());
            }
            let target = if i == 0 { &acc } else { &value };
            // SAFETY: `bytes` is valid for its length; BN_le2bn writes into the live `target`.
            if unsafe { BN_le2bn(bytes.as_ptr(), bytes.len(), target.0) }.is_null() {
                return None;
            }
            if i > 0 {
                // SAFETY: reduced Montgomery values of this modulus; `product` is distinct from both.
                let ok =
                    unsafe { BN_mod_mul_montgomery(product.0, acc.0, value.0, self.mont.0, ctx.0) };
                if ok != 1 {
                    return None;
                }
                std::mem::swap(&mut acc, &mut product);
            }
        }
        let out = Bn::new()?;
        // SAFETY: as above.
        if unsafe { BN_from_montgomery(out.0, acc.0, self.mont.0, ctx.0) } != 1 {
            return None;
        }
        out.to_bytes(self.len).map(|b| BigUint::from_bytes_be(&b))
    }
}

/// All ones when `a == b`, else 0, without a branch on the values.
fn ct_eq_mask(a: u8, b: u8) -> u64 {
    let x = (a ^ b) as u64;
    // x - 1 underflows (top bit set) only when x == 0.
    (x.wrapping_sub(1) >> 63).wrapping_neg()
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
    fn the_comb_agrees_with_the_general_exponentiation() {
        let n = BigUint::parse_bytes(crate::crypto::srp::N_HEX.as_bytes(), 16).unwrap();
        let m = Modulus::new(&n).unwrap();
        let g = BigUint::from(2u32);
        let fixed = m.fixed_base(&g).unwrap();
        let mut exponents = vec![
            BigUint::ZERO,
            BigUint::from(1u32),
            BigUint::from(16u32),
            BigUint::from_bytes_be(&[0xff; 32]),
            BigUint::from_bytes_be(&[0x80; 32]),
            BigUint::from_bytes_be(&[0x01, 0x00, 0x00]),
        ];
        for seed in 0..20u8 {
            let bytes: Vec<u8> = (0..32u8)
                .map(|i| seed.wrapping_mul(37).wrapping_add(i.wrapping_mul(11)))
                .collect();
            exponents.push(BigUint::from_bytes_be(&bytes));
        }
        for e in &exponents {
            assert_eq!(m.pow_fixed(&fixed, &g, e), m.pow(&g, e), "exponent {e:x}");
        }
        // Longer exponents take the general path.
        let long = BigUint::from_bytes_be(&[0x5a; 40]);
        assert_eq!(m.pow_fixed(&fixed, &g, &long), g.modpow(&long, &n));
        for (a, b) in [(0u8, 0u8), (3, 3), (15, 15), (0, 1), (7, 15), (15, 0)] {
            assert_eq!(ct_eq_mask(a, b), if a == b { u64::MAX } else { 0 });
        }
    }

    #[test]
    fn even_modulus_is_refused() {
        assert!(Modulus::new(&BigUint::from(10u32)).is_none());
    }
}
