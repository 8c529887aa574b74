//! Cryptography: signing keys and the JWKS, JWT signing/verification, SECRET_HASH, password hashes,
//! SRP-6a, SigV4 signing, TOTP, WebAuthn (COSE keys, attestation, assertions).

pub mod attestation;
mod bn;
pub mod cose;
#[cfg(target_arch = "x86_64")]
pub mod ifma;
pub mod jwt;
pub mod keys;
pub mod modexp;
pub mod multiprime;
pub mod password;
pub mod secret_hash;
pub mod sigv4;
pub mod srp;
pub mod tls;
pub mod totp;
pub mod webauthn;
pub mod x509;
pub mod xml_c14n;
