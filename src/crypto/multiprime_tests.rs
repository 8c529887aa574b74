use std::sync::Arc;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::RsaPublicKeyComponents;
use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, RsaKeyPair};
use rsa::pkcs8::der::Decode;
use sha2::{Digest, Sha256};

use super::*;

fn public(key: &MultiPrimeKey) -> RsaPublicKeyComponents<Vec<u8>> {
    RsaPublicKeyComponents {
        n: key.modulus_bytes(),
        e: key.exponent_bytes(),
    }
}

fn signs(key: &MultiPrimeKey, message: &[u8]) -> Vec<u8> {
    key.sign_digest(&Sha256::digest(message).into())
        .expect("signature")
}

fn pkcs1_of(pem: &str) -> Vec<u8> {
    let (_, doc) = SecretDocument::from_pem(pem).unwrap();
    let info = PrivateKeyInfoRef::try_from(doc.as_bytes()).unwrap();
    info.private_key.as_bytes().to_vec()
}

#[test]
fn four_prime_signatures_verify_as_rsa_2048() {
    let key = MultiPrimeKey::generate(4).unwrap();
    assert_eq!(key.modulus_bytes().len(), 256);
    assert_eq!(key.primes.len(), 4);
    let public = public(&key);
    // More signatures than one blinding pair serves: the squared pairs and a fresh one all work.
    for i in 0..(BLINDING_USES * 2 + 3) {
        let message = format!("header.payload-{i}");
        let sig = signs(&key, message.as_bytes());
        assert_eq!(sig.len(), 256);
        public
            .verify(&RSA_PKCS1_2048_8192_SHA256, message.as_bytes(), &sig)
            .unwrap_or_else(|_| panic!("signature {i} verifies"));
        // PKCS#1 v1.5 is deterministic: the blinding never shows in the result.
        assert_eq!(sig, signs(&key, message.as_bytes()));
    }
    let sig = signs(&key, b"one message");
    assert!(
        public
            .verify(&RSA_PKCS1_2048_8192_SHA256, b"another message", &sig)
            .is_err()
    );
}

#[test]
fn two_prime_keys_sign_exactly_as_aws_lc_does() {
    // Our PEM, CRT and padding against AWS-LC's own signer, which also validates the key on load.
    let key = MultiPrimeKey::generate(2).unwrap();
    let pem = key.to_pkcs8_pem().unwrap();
    let (_, doc) = SecretDocument::from_pem(&pem).unwrap();
    let pair = RsaKeyPair::from_pkcs8(doc.as_bytes()).expect("AWS-LC accepts the two-prime key");
    for message in [&b""[..], b"a", b"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0"] {
        let mut theirs = vec![0u8; pair.public_modulus_len()];
        pair.sign(
            &RSA_PKCS1_SHA256,
            &SystemRandom::new(),
            message,
            &mut theirs,
        )
        .unwrap();
        assert_eq!(signs(&key, message), theirs);
    }
    let der = pkcs1_of(&pem);
    let parsed = pkcs1::RsaPrivateKeyRef::from_der(&der).unwrap();
    assert!(parsed.other_prime_infos.is_none());
    assert!(MultiPrimeKey::from_pkcs1(&parsed).unwrap().is_none());
}

#[test]
fn the_pem_round_trips_and_the_crt_agrees_with_the_plain_exponent() {
    for count in [3u8, 4] {
        let key = MultiPrimeKey::generate(count).unwrap();
        let pem = key.to_pkcs8_pem().unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let der = pkcs1_of(&pem);
        let parsed = pkcs1::RsaPrivateKeyRef::from_der(&der).unwrap();
        assert_eq!(parsed.version(), pkcs1::Version::Multi);
        assert_eq!(
            parsed.other_prime_infos.as_ref().map(Vec::len),
            Some(count as usize - 2)
        );
        let back = MultiPrimeKey::from_pkcs1(&parsed)
            .unwrap()
            .expect("multi-prime");
        let ctx = Ctx::new().unwrap();
        for message in [&b"x"[..], b"header.payload"] {
            let sig = signs(&key, message);
            assert_eq!(signs(&back, message), sig, "{count} primes");
            // The same value computed without the factors: s = m^d mod n.
            let digest: [u8; 32] = Sha256::digest(message).into();
            let mut em = vec![0xffu8; BYTES];
            em[..2].copy_from_slice(&[0, 1]);
            em[BYTES - 52] = 0;
            em[BYTES - 51..BYTES - 32].copy_from_slice(&SHA256_DIGEST_INFO);
            em[BYTES - 32..].copy_from_slice(&digest);
            let m = Bn::from_bytes(&em).unwrap();
            let s = Bn::new().unwrap();
            // SAFETY: live BIGNUMs, context and Montgomery context of n.
            let ok = unsafe {
                BN_mod_exp_mont_consttime(s.0, m.0, key.d.0, key.n.0, ctx.0, key.n_mont.0)
            };
            assert_eq!(ok, 1);
            assert_eq!(s.to_bytes(BYTES).unwrap(), sig);
        }
    }
}

#[test]
fn a_key_whose_primes_do_not_make_its_modulus_is_refused() {
    let one = MultiPrimeKey::generate(4).unwrap();
    let other = MultiPrimeKey::generate(4).unwrap();
    let der = pkcs1_of(&one.to_pkcs8_pem().unwrap());
    let mut parsed = pkcs1::RsaPrivateKeyRef::from_der(&der).unwrap();
    let foreign_n = other.modulus_bytes();
    parsed.modulus = pkcs1::UintRef::new(&foreign_n).unwrap();
    let err = MultiPrimeKey::from_pkcs1(&parsed).err().expect("refused");
    assert!(err.contains("do not make"), "{err}");
}

#[test]
fn threads_sign_with_one_key_at_once() {
    let key = Arc::new(MultiPrimeKey::generate(4).unwrap());
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let key = Arc::clone(&key);
            std::thread::spawn(move || {
                let public = public(&key);
                for i in 0..50 {
                    let message = format!("{t}-{i}");
                    let sig = signs(&key, message.as_bytes());
                    public
                        .verify(&RSA_PKCS1_2048_8192_SHA256, message.as_bytes(), &sig)
                        .expect("verifies");
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert!(key.blindings.lock().unwrap().len() <= 4);
}
