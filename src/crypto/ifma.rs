//! Modular exponentiation for moduli up to 3,118 bits (SRP's 3072-bit group) with AVX-512 IFMA, the
//! 52-bit multiply-add instructions of Intel Ice Lake and later and AMD Zen 4 and later. A Montgomery
//! multiplication of 3072-bit numbers is 60 × 60 multiply-adds of 52-bit limbs, eight at a time here,
//! against 48 × 48 64-bit `mulx` for AWS-LC's assembly: on the 2-core bench machine a 3072-bit
//! exponentiation with a 256-bit exponent takes ~0.3 ms this way against ~0.68 ms through AWS-LC.
//! [`super::modexp::Modulus`] uses it when the CPU has the instructions and AWS-LC otherwise.
//!
//! Numbers are 64 little-endian limbs of 52 bits (60 used: R = 2^3120), held in eight 512-bit
//! vectors. The multiplication is Montgomery's word-serial one ("almost Montgomery": inputs and
//! outputs below 2N, valid as 4N < R), with the limbs' carries left in the 64-bit lanes during the
//! 60 steps (each lane gains less than 2^54 a step, so it stays below 2^61) and propagated once at
//! the end. The exponentiation is constant time in the exponent: 5-bit fixed windows, every table
//! entry read for each window and one kept by masking, the same multiplications for any exponent of
//! the same length in 64-bit words.

use std::arch::x86_64::*;

use num_bigint::BigUint;

/// 52-bit limbs of a number (60 used, the rest zero).
const LANES: usize = 64;
const LIMBS: usize = 60;
const MASK: u64 = (1 << 52) - 1;
const WINDOW: usize = 5;
const ENTRIES: usize = 1 << WINDOW;

type Limbs = [u64; LANES];

/// An odd modulus prepared for IFMA exponentiation.
pub struct IfmaModulus {
    n: Limbs,
    /// `-n^-1 mod 2^52`.
    k0: u64,
    /// `R^2 mod n`, which takes a number into Montgomery form.
    r2: Limbs,
}

/// Whether this CPU has the instructions (checked once; the result is cached by std).
pub fn available() -> bool {
    is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512ifma")
}

impl IfmaModulus {
    /// `None` without the instructions, or for an even or too large modulus.
    pub fn new(n: &BigUint) -> Option<IfmaModulus> {
        if !available() || !n.bit(0) || n.bits() > (52 * LIMBS - 2) as u64 {
            return None;
        }
        let limbs = to_limbs(n);
        // Newton's iteration doubles the correct low bits of the inverse: 1 -> 64 in six steps.
        let n0 = limbs[0];
        let mut inv: u64 = 1;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(n0.wrapping_mul(inv)));
        }
        let r2 = (BigUint::from(1u32) << (2 * 52 * LIMBS)) % n;
        Some(IfmaModulus {
            n: limbs,
            k0: inv.wrapping_neg() & MASK,
            r2: to_limbs(&r2),
        })
    }

    /// `base^e mod n` for `base < n`.
    pub fn pow(&self, base: &BigUint, e: &BigUint) -> BigUint {
        // SAFETY: `new` only succeeds when the CPU has AVX-512F and IFMA.
        unsafe { self.pow_ifma(base, e) }
    }

    #[target_feature(enable = "avx512f,avx512ifma")]
    fn pow_ifma(&self, base: &BigUint, e: &BigUint) -> BigUint {
        let mut one = [0u64; LANES];
        one[0] = 1;
        // table[j] = base^j · R mod n (below 2n).
        let mut table = vec![[0u64; LANES]; ENTRIES];
        table[0] = self.mul(&one, &self.r2);
        table[1] = self.mul(&to_limbs(base), &self.r2);
        for j in 2..ENTRIES {
            table[j] = self.mul(&table[j - 1], &table[1]);
        }
        // The exponent's bits, most significant window first; the length in whole words only.
        let words = e.to_u64_digits();
        let bits = words.len() * 64;
        let bit = |i: usize| -> u64 {
            if i < bits {
                (words[i / 64] >> (i % 64)) & 1
            } else {
                0
            }
        };
        let mut acc = table[0];
        let mut top = bits.div_ceil(WINDOW) * WINDOW;
        while top > 0 {
            top -= WINDOW;
            for _ in 0..WINDOW {
                acc = self.mul(&acc, &acc);
            }
            let digit = (0..WINDOW).fold(0u64, |d, k| d | (bit(top + k) << k));
            acc = self.mul(&acc, &select(&table, digit));
        }
        // Out of Montgomery form: acc · 1 · R^-1, at most n; n itself becomes 0.
        let r = self.mul(&acc, &one);
        from_limbs(&subtract_if_not_below(&r, &self.n))
    }

    /// Montgomery product `a · b · R^-1 mod n`, below 2n for inputs below 2n.
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn mul(&self, a: &Limbs, b: &Limbs) -> Limbs {
        let zero = _mm512_setzero_si512();
        let (mut bv, mut nv) = ([zero; 8], [zero; 8]);
        for k in 0..8 {
            // SAFETY: lanes 8k..8k+8 of 64-lane arrays; unaligned loads.
            unsafe {
                bv[k] = _mm512_loadu_si512(b.as_ptr().add(8 * k).cast());
                nv[k] = _mm512_loadu_si512(self.n.as_ptr().add(8 * k).cast());
            }
        }
        let mut t = [zero; 8];
        let n0 = self.n[0];
        for &ai in &a[..LIMBS] {
            let av = _mm512_set1_epi64(ai as i64);
            for k in 0..8 {
                t[k] = _mm512_madd52lo_epu64(t[k], av, bv[k]);
            }
            // The lowest limb decides m, which makes it a multiple of 2^52 once m·n is added.
            let t0 = _mm_cvtsi128_si64(_mm512_castsi512_si128(t[0])) as u64;
            let m = t0.wrapping_mul(self.k0) & MASK;
            let carry = (t0 + (m.wrapping_mul(n0) & MASK)) >> 52;
            let mv = _mm512_set1_epi64(m as i64);
            for k in 0..8 {
                t[k] = _mm512_madd52lo_epu64(t[k], mv, nv[k]);
            }
            // Divide by 2^52: every lane moves down one; the dropped limb leaves its carry.
            for k in 0..7 {
                t[k] = _mm512_alignr_epi64::<1>(t[k + 1], t[k]);
            }
            t[7] = _mm512_alignr_epi64::<1>(zero, t[7]);
            t[0] = _mm512_add_epi64(t[0], _mm512_set_epi64(0, 0, 0, 0, 0, 0, 0, carry as i64));
            // The high halves of this step's products belong one limb up: after the shift, here.
            for k in 0..8 {
                t[k] = _mm512_madd52hi_epu64(t[k], av, bv[k]);
                t[k] = _mm512_madd52hi_epu64(t[k], mv, nv[k]);
            }
        }
        let mut out = [0u64; LANES];
        for (k, v) in t.iter().enumerate() {
            // SAFETY: lanes 8k..8k+8 of a 64-lane array; unaligned store.
            unsafe { _mm512_storeu_si512(out.as_mut_ptr().add(8 * k).cast(), *v) };
        }
        let mut c = 0u64;
        for limb in &mut out {
            c += *limb;
            *limb = c & MASK;
            c >>= 52;
        }
        out
    }
}

/// Entry `digit` of the table, every entry read and one kept by masking.
#[target_feature(enable = "avx512f")]
fn select(table: &[Limbs], digit: u64) -> Limbs {
    let want = _mm512_set1_epi64(digit as i64);
    let mut r = [_mm512_setzero_si512(); 8];
    for (j, entry) in table.iter().enumerate() {
        let keep = _mm512_cmpeq_epi64_mask(_mm512_set1_epi64(j as i64), want);
        for (k, v) in r.iter_mut().enumerate() {
            // SAFETY: lanes 8k..8k+8 of a 64-lane array; unaligned load.
            let x = unsafe { _mm512_loadu_si512(entry.as_ptr().add(8 * k).cast()) };
            *v = _mm512_mask_mov_epi64(*v, keep, x);
        }
    }
    let mut out = [0u64; LANES];
    for (k, v) in r.iter().enumerate() {
        // SAFETY: as above; unaligned store.
        unsafe { _mm512_storeu_si512(out.as_mut_ptr().add(8 * k).cast(), *v) };
    }
    out
}

/// `r - n` if `r >= n`, else `r`, without a branch on the values (normalised limbs).
fn subtract_if_not_below(r: &Limbs, n: &Limbs) -> Limbs {
    let mut d = [0u64; LANES];
    let mut borrow = 0u64;
    for i in 0..LANES {
        let x = r[i].wrapping_sub(n[i]).wrapping_sub(borrow);
        d[i] = x & MASK;
        borrow = x >> 63;
    }
    // borrow = 1: r < n, keep r.
    let keep_r = borrow.wrapping_neg();
    std::array::from_fn(|i| (r[i] & keep_r) | (d[i] & !keep_r))
}

fn to_limbs(x: &BigUint) -> Limbs {
    let words = x.to_u64_digits();
    let word = |i: usize| words.get(i).copied().unwrap_or(0);
    std::array::from_fn(|i| {
        let (w, s) = (52 * i / 64, 52 * i % 64);
        let v = if s == 0 {
            word(w)
        } else {
            (word(w) >> s) | (word(w + 1) << (64 - s))
        };
        v & MASK
    })
}

fn from_limbs(x: &Limbs) -> BigUint {
    let mut words = [0u64; LANES * 52 / 64 + 1];
    for (i, &limb) in x.iter().enumerate() {
        let (w, s) = (52 * i / 64, 52 * i % 64);
        words[w] |= limb << s;
        if s > 12 {
            words[w + 1] |= limb >> (64 - s);
        }
    }
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    BigUint::from_bytes_le(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pseudo_random(seed: u64, bytes: usize) -> BigUint {
        let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let v: Vec<u8> = (0..bytes)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                s as u8
            })
            .collect();
        BigUint::from_bytes_be(&v)
    }

    #[test]
    fn limbs_round_trip() {
        for seed in 0..20 {
            let x = pseudo_random(seed, 390);
            assert_eq!(from_limbs(&to_limbs(&x)), x);
        }
    }

    #[test]
    fn agrees_with_num_bigint() {
        if !available() {
            eprintln!("no AVX-512 IFMA on this CPU: the IFMA exponentiation is not tested here");
            return;
        }
        let srp = BigUint::parse_bytes(crate::crypto::srp::N_HEX.as_bytes(), 16).unwrap();
        let small =
            BigUint::parse_bytes(b"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1", 16).unwrap();
        for n in [&srp, &small] {
            let m = IfmaModulus::new(n).unwrap();
            let below = |x: BigUint| x % n;
            let mut bases = vec![
                BigUint::ZERO,
                BigUint::from(1u32),
                BigUint::from(2u32),
                n - 1u32,
                n - 2u32,
            ];
            let mut exponents = vec![
                BigUint::ZERO,
                BigUint::from(1u32),
                BigUint::from(2u32),
                BigUint::from_bytes_be(&[0xff; 32]),
                BigUint::from_bytes_be(&[0xff; 64]),
            ];
            for seed in 0..8 {
                bases.push(below(pseudo_random(seed, 400)));
                exponents.push(pseudo_random(seed + 100, 24 + 5 * seed as usize));
            }
            for base in &bases {
                for e in &exponents {
                    assert_eq!(
                        m.pow(base, e),
                        base.modpow(e, n),
                        "base {base:x} exponent {e:x}"
                    );
                }
            }
            // An exponent as long as the modulus (slow unoptimised: two bases).
            let e = (n - 1u32) >> 1;
            for base in &bases[3..5] {
                assert_eq!(m.pow(base, &e), base.modpow(&e, n), "base {base:x}");
            }
        }
    }

    #[test]
    fn refuses_even_or_large_moduli() {
        assert!(IfmaModulus::new(&BigUint::from(10u32)).is_none());
        assert!(IfmaModulus::new(&((BigUint::from(1u32) << 3119) + 1u32)).is_none());
    }

    #[test]
    fn the_final_subtraction() {
        let n = to_limbs(&BigUint::from(1_000_003u32));
        let r = to_limbs(&BigUint::from(1_000_010u32));
        assert_eq!(
            from_limbs(&subtract_if_not_below(&r, &n)),
            BigUint::from(7u32)
        );
        let r = to_limbs(&BigUint::from(999u32));
        assert_eq!(
            from_limbs(&subtract_if_not_below(&r, &n)),
            BigUint::from(999u32)
        );
        assert_eq!(from_limbs(&subtract_if_not_below(&n, &n)), BigUint::ZERO);
    }
}
