//! The two RSA-2048 signing keys (ID tokens and access tokens, different `kid`, as AWS), generated on
//! first start into the keys directory and reused after. Each private key is parsed once at start:
//! a generated key has four primes and signs through [`MultiPrimeKey`] (~2.5x faster, same public key
//! and signatures for verifiers); a two-prime key put in the directory signs through aws-lc-rs.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, RsaKeyPair,
};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rsa::pkcs1::{DecodeRsaPublicKey, EncodeRsaPublicKey};
use rsa::pkcs8::der::pem::PemLabel;
use rsa::pkcs8::{EncodePublicKey, PrivateKeyInfoRef, SecretDocument};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::multiprime::MultiPrimeKey;

/// Which token a key signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUse {
    /// ID tokens.
    Id,
    /// Access tokens.
    Access,
}

/// One signing key: the parsed private key, its `kid` and its public JWK.
pub struct SigningKey {
    /// Key id in the JWT header and the JWKS.
    pub kid: String,
    signer: Signer,
    /// The public key as a JWK.
    pub jwk: Value,
    /// The verification key for incoming tokens, parsed once (AWS-LC keeps its Montgomery context
    /// between verifications instead of rebuilding it for each token).
    verifier: ParsedPublicKey,
    /// Tokens whose signature verified with this key, by their exact text (see
    /// [`SigningKey::verifies_token`]).
    verified: Mutex<HashSet<Box<str>>>,
}

/// Most tokens remembered as verified per key (about 1 KiB each); the set is emptied when full.
const VERIFIED_TOKENS: usize = 1024;

impl SigningKey {
    /// Whether `token` carries this key's RS256 signature of its signing input `token[..signed_len]`
    /// (`signature`: its third part, decoded). The check is a pure function of the token's text and
    /// the key, so a token that verified once is remembered by its exact text and not put through the
    /// RSA operation again (~25 µs on the bench VM) when it comes back, as an access token does on
    /// every call of a test suite. A token that differs in any byte is verified.
    pub fn verifies_token(&self, token: &str, signed_len: usize, signature: &[u8]) -> bool {
        let lock = || self.verified.lock().unwrap_or_else(|p| p.into_inner());
        if lock().contains(token) {
            return true;
        }
        let Some(signed) = token.get(..signed_len) else {
            return false;
        };
        if self
            .verifier
            .verify_sig(signed.as_bytes(), signature)
            .is_err()
        {
            return false;
        }
        let mut verified = lock();
        if verified.len() >= VERIFIED_TOKENS {
            verified.clear();
        }
        verified.insert(token.into());
        true
    }
}

/// What signs with a key.
enum Signer {
    /// A two-prime key.
    TwoPrime(RsaKeyPair),
    /// A key with more primes.
    MultiPrime(MultiPrimeKey),
}

/// Both keys.
pub struct Keys {
    /// Signs ID tokens.
    pub id: SigningKey,
    /// Signs access tokens.
    pub access: SigningKey,
    rng: SystemRandom,
    /// Where the keys live.
    pub dir: PathBuf,
}

/// Errors loading or creating keys (start-up only).
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// File-system trouble.
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    /// The PEM file is not an RSA PKCS#8 private key (or a new key could not be made).
    #[error("{0} is not an RSA private key in PKCS#8 PEM form: {1}")]
    Format(String, String),
}

impl Keys {
    /// Loads `id.pem` and `access.pem` from `dir`, generating whichever is missing with `primes`
    /// primes (2 to 4).
    pub fn load_or_generate(dir: &Path, primes: u8) -> Result<Keys, KeyError> {
        std::fs::create_dir_all(dir).map_err(|e| KeyError::Io(dir.display().to_string(), e))?;
        Ok(Keys {
            id: load_or_generate_one(&dir.join("id.pem"), primes)?,
            access: load_or_generate_one(&dir.join("access.pem"), primes)?,
            rng: SystemRandom::new(),
            dir: dir.to_path_buf(),
        })
    }

    /// The key for `use_`.
    pub fn key(&self, use_: KeyUse) -> &SigningKey {
        match use_ {
            KeyUse::Id => &self.id,
            KeyUse::Access => &self.access,
        }
    }

    /// The key whose kid is `kid`.
    pub fn by_kid(&self, kid: &str) -> Option<(KeyUse, &SigningKey)> {
        [(KeyUse::Id, &self.id), (KeyUse::Access, &self.access)]
            .into_iter()
            .find(|(_, k)| k.kid == kid)
    }

    /// Signs `message` with RS256 (RSASSA-PKCS1-v1_5 with SHA-256).
    pub fn sign(&self, use_: KeyUse, message: &[u8]) -> Vec<u8> {
        match &self.key(use_).signer {
            Signer::TwoPrime(pair) => {
                let mut sig = vec![0u8; pair.public_modulus_len()];
                pair.sign(&RSA_PKCS1_SHA256, &self.rng, message, &mut sig)
                    .expect("RSA signing with a valid key");
                sig
            }
            Signer::MultiPrime(key) => key
                .sign_digest(&Sha256::digest(message).into())
                .expect("RSA signing with a valid key"),
        }
    }

    /// The JWKS document served at `/<poolId>/.well-known/jwks.json`.
    pub fn jwks(&self) -> Value {
        json!({"keys": [self.id.jwk, self.access.jwk]})
    }
}

fn load_or_generate_one(path: &Path, primes: u8) -> Result<SigningKey, KeyError> {
    let shown = path.display().to_string();
    let pem = match std::fs::read_to_string(path) {
        Ok(pem) => pem,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let pem = MultiPrimeKey::generate(primes)
                .ok_or_else(|| "RSA key generation failed".to_string())
                .and_then(|key| key.to_pkcs8_pem())
                .map_err(|e| KeyError::Format(shown.clone(), e))?;
            write_private(path, &pem).map_err(|e| KeyError::Io(shown.clone(), e))?;
            tracing::info!(path = %shown, primes, "generated a new RSA-2048 signing key");
            pem
        }
        Err(e) => return Err(KeyError::Io(shown, e)),
    };
    parse(&pem).map_err(|e| KeyError::Format(shown, e))
}

/// Writes a private key readable by the owner only, atomically (a crash never leaves half a key).
fn write_private(path: &Path, pem: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("pem.tmp");
    {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut f = options.open(&tmp)?;
        f.write_all(pem.as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

fn parse(pem: &str) -> Result<SigningKey, String> {
    let (label, doc) = SecretDocument::from_pem(pem).map_err(|e| e.to_string())?;
    PrivateKeyInfoRef::validate_pem_label(label).map_err(|e| e.to_string())?;
    let info = PrivateKeyInfoRef::try_from(doc.as_bytes()).map_err(|e| e.to_string())?;
    if info.algorithm.oid != rsa::pkcs1::ALGORITHM_OID {
        return Err("not an RSA key".into());
    }
    let key =
        rsa::pkcs1::RsaPrivateKeyRef::try_from(info.private_key).map_err(|e| e.to_string())?;
    let (n, e) = (key.modulus.as_bytes(), key.public_exponent.as_bytes());
    let public = rsa::pkcs1::RsaPublicKeyRef {
        modulus: key.modulus,
        public_exponent: key.public_exponent,
    };
    let pkcs1_public = public.to_pkcs1_der().map_err(|e| e.to_string())?;
    // The SubjectPublicKeyInfo DER, through the rsa crate (which also checks n and e).
    let public_der = rsa::PublicKey::from_pkcs1_der(pkcs1_public.as_bytes())
        .map_err(|e| e.to_string())?
        .to_public_key_der()
        .map_err(|e| e.to_string())?;
    let verifier = ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, pkcs1_public.as_bytes())
        .map_err(|e| e.to_string())?;
    let signer = match MultiPrimeKey::from_pkcs1(&key)? {
        Some(multi) => Signer::MultiPrime(multi),
        None => {
            Signer::TwoPrime(RsaKeyPair::from_pkcs8(doc.as_bytes()).map_err(|e| e.to_string())?)
        }
    };
    let n = URL_SAFE_NO_PAD.encode(n);
    let e = URL_SAFE_NO_PAD.encode(e);
    // AWS kids are base64 strings such as "1234example=": a digest of the public key looks the same.
    let kid = STANDARD.encode(Sha256::digest(public_der.as_bytes()));
    let jwk = json!({"alg": "RS256", "e": e, "kid": kid, "kty": "RSA", "n": n, "use": "sig"});
    Ok(SigningKey {
        kid,
        signer,
        jwk,
        verifier,
        verified: Mutex::default(),
    })
}

#[cfg(test)]
mod tests {
    use rsa::pkcs8::DecodePrivateKey;

    use super::*;

    #[test]
    fn generated_keys_have_the_asked_primes_and_sign_tokens_the_jwks_verifies() {
        for primes in [2u8, 4] {
            let dir = tempfile::tempdir().unwrap();
            let keys = Keys::load_or_generate(dir.path(), primes).unwrap();
            let pem = std::fs::read_to_string(dir.path().join("id.pem")).unwrap();
            let multi = matches!(keys.id.signer, Signer::MultiPrime(_));
            assert_eq!(multi, primes > 2, "{primes} primes");
            // The kid is the digest of the public key, computed as it always was for two-prime keys.
            if primes == 2 {
                let old = rsa::PrivateKey::from_pkcs8_pem(&pem).unwrap();
                let der = old.to_public_key().to_public_key_der().unwrap();
                assert_eq!(keys.id.kid, STANDARD.encode(Sha256::digest(der.as_bytes())));
            }
            let mut claims = serde_json::Map::new();
            claims.insert("sub".into(), json!("someone"));
            let token = super::super::jwt::sign(&keys, KeyUse::Access, &claims);
            let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
            validation.required_spec_claims.clear();
            validation.validate_exp = false;
            let decoding = |key: &SigningKey| {
                let (n, e) = (
                    key.jwk["n"].as_str().unwrap(),
                    key.jwk["e"].as_str().unwrap(),
                );
                jsonwebtoken::DecodingKey::from_rsa_components(n, e).unwrap()
            };
            let data = jsonwebtoken::decode::<Value>(&token, &decoding(&keys.access), &validation)
                .expect("verifies with the JWK");
            assert_eq!(data.claims["sub"], "someone");
            assert!(
                jsonwebtoken::decode::<Value>(&token, &decoding(&keys.id), &validation).is_err()
            );
            // And with the emulator's own verification.
            let (use_, claims) = super::super::jwt::verify(&keys, &token).expect("verifies");
            assert_eq!(
                (use_, claims["sub"].as_str()),
                (KeyUse::Access, Some("someone"))
            );
            // A restart reads the same keys back.
            let again = Keys::load_or_generate(dir.path(), 2).unwrap();
            assert_eq!(again.jwks(), keys.jwks());
        }
    }

    #[test]
    fn a_file_that_is_not_an_rsa_private_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("id.pem"),
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        )
        .unwrap();
        assert!(matches!(
            Keys::load_or_generate(dir.path(), 4),
            Err(KeyError::Format(..))
        ));
    }
}
