//! Owned AWS-LC big-number handles shared by the SRP exponentiation ([`super::modexp`]) and the
//! multi-prime RSA signer ([`super::multiprime`]): each frees its C object once, on drop.

use std::ffi::c_int;
use std::ptr;

use aws_lc_sys::{
    BIGNUM, BN_CTX, BN_CTX_free, BN_CTX_new, BN_MONT_CTX, BN_MONT_CTX_free,
    BN_MONT_CTX_new_for_modulus, BN_bin2bn, BN_bn2bin_padded, BN_copy, BN_free, BN_mod_inverse,
    BN_new, BN_num_bytes,
};
use num_bigint::BigUint;

/// An owned `BIGNUM`.
pub(crate) struct Bn(pub(crate) *mut BIGNUM);

impl Bn {
    pub(crate) fn new() -> Option<Bn> {
        // SAFETY: BN_new has no preconditions; a null answer is handled.
        let p = unsafe { BN_new() };
        (!p.is_null()).then_some(Bn(p))
    }

    /// The big-endian unsigned integer `bytes`.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<Bn> {
        // SAFETY: `bytes` is valid for `len` bytes; a null `ret` asks for a new BIGNUM.
        let p = unsafe { BN_bin2bn(bytes.as_ptr(), bytes.len(), ptr::null_mut()) };
        (!p.is_null()).then_some(Bn(p))
    }

    pub(crate) fn from_biguint(x: &BigUint) -> Option<Bn> {
        Bn::from_bytes(&x.to_bytes_be())
    }

    /// A copy of this value.
    pub(crate) fn try_clone(&self) -> Option<Bn> {
        let out = Bn::new()?;
        // SAFETY: live, distinct BIGNUMs.
        (!unsafe { BN_copy(out.0, self.0) }.is_null()).then_some(out)
    }

    /// `self^-1 mod m`; `None` when there is none (a shared factor) or on allocation failure.
    pub(crate) fn inverse_mod(&self, m: &Bn, ctx: &Ctx) -> Option<Bn> {
        let out = Bn::new()?;
        // SAFETY: live BIGNUMs and context; a null answer (no inverse) is handled.
        (!unsafe { BN_mod_inverse(out.0, self.0, m.0, ctx.0) }.is_null()).then_some(out)
    }

    /// Big-endian, left-padded with zeros to `len` bytes; `None` if the value does not fit.
    pub(crate) fn to_bytes(&self, len: usize) -> Option<Vec<u8>> {
        let mut out = vec![0u8; len];
        // SAFETY: `out` is valid for `len` bytes; BN_bn2bin_padded fails (0) if the value is longer.
        let ok = unsafe { BN_bn2bin_padded(out.as_mut_ptr(), out.len(), self.0) };
        (ok == 1).then_some(out)
    }

    /// Big-endian without leading zeros (one zero byte for 0, as DER integers want).
    pub(crate) fn to_minimal_bytes(&self) -> Option<Vec<u8>> {
        // SAFETY: a live BIGNUM.
        let len = unsafe { BN_num_bytes(self.0) } as usize;
        self.to_bytes(len.max(1))
    }
}

impl Drop for Bn {
    fn drop(&mut self) {
        // SAFETY: the pointer came from BN_new/BN_bin2bn and is freed once.
        unsafe { BN_free(self.0) }
    }
}

/// An owned `BN_CTX` (scratch space of one computation; not shared between threads).
pub(crate) struct Ctx(pub(crate) *mut BN_CTX);

impl Ctx {
    pub(crate) fn new() -> Option<Ctx> {
        // SAFETY: BN_CTX_new has no preconditions; a null answer is handled.
        let p = unsafe { BN_CTX_new() };
        (!p.is_null()).then_some(Ctx(p))
    }
}

impl Drop for Ctx {
    fn drop(&mut self) {
        // SAFETY: the pointer came from BN_CTX_new and is freed once.
        unsafe { BN_CTX_free(self.0) }
    }
}

/// An owned Montgomery context of an odd modulus. Only read after construction (AWS-LC takes it as
/// `const`), so it may be shared between threads.
pub(crate) struct Mont(pub(crate) *mut BN_MONT_CTX);

// SAFETY: see the type's documentation: no AWS-LC function used on it after construction writes it.
unsafe impl Send for Mont {}
unsafe impl Sync for Mont {}

impl Mont {
    /// The context for `n`; `None` for an even modulus or on allocation failure.
    pub(crate) fn new(n: &Bn, ctx: &Ctx) -> Option<Mont> {
        // SAFETY: both pointers are live; a null answer is handled.
        let p = unsafe { BN_MONT_CTX_new_for_modulus(n.0, ctx.0) };
        (!p.is_null()).then_some(Mont(p))
    }
}

impl Drop for Mont {
    fn drop(&mut self) {
        // SAFETY: the pointer came from BN_MONT_CTX_new_for_modulus and is freed once.
        unsafe { BN_MONT_CTX_free(self.0) }
    }
}

/// `Some(())` when an AWS-LC call answered 1 (success).
pub(crate) fn ok(status: c_int) -> Option<()> {
    (status == 1).then_some(())
}
