//! The two RSA-2048 signing keys (ID tokens and access tokens, different `kid`, as AWS), generated on
//! first start into the keys directory and reused after. Each private key is parsed once at start into an
//! aws-lc-rs key pair that signs without re-parsing.

use std::path::{Path, PathBuf};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

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
    pair: RsaKeyPair,
    /// The public key as a JWK.
    pub jwk: Value,
    /// The verification key for incoming tokens.
    pub decoding: jsonwebtoken::DecodingKey,
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
    /// The PEM file is not an RSA PKCS#8 private key.
    #[error("{0} is not an RSA private key in PKCS#8 PEM form: {1}")]
    Format(String, String),
}

impl Keys {
    /// Loads `id.pem` and `access.pem` from `dir`, generating whichever is missing.
    pub fn load_or_generate(dir: &Path) -> Result<Keys, KeyError> {
        std::fs::create_dir_all(dir).map_err(|e| KeyError::Io(dir.display().to_string(), e))?;
        Ok(Keys {
            id: load_or_generate_one(&dir.join("id.pem"))?,
            access: load_or_generate_one(&dir.join("access.pem"))?,
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
        let key = &self.key(use_).pair;
        let mut sig = vec![0u8; key.public_modulus_len()];
        key.sign(&RSA_PKCS1_SHA256, &self.rng, message, &mut sig)
            .expect("RSA signing with a valid key");
        sig
    }

    /// The JWKS document served at `/<poolId>/.well-known/jwks.json`.
    pub fn jwks(&self) -> Value {
        json!({"keys": [self.id.jwk, self.access.jwk]})
    }
}

fn load_or_generate_one(path: &Path) -> Result<SigningKey, KeyError> {
    let shown = path.display().to_string();
    let pem = match std::fs::read_to_string(path) {
        Ok(pem) => pem,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = rsa::PrivateKey::new(&mut rand::rng(), 2048)
                .map_err(|e| KeyError::Format(shown.clone(), e.to_string()))?;
            let pem = key
                .to_pkcs8_pem(LineEnding::LF)
                .map_err(|e| KeyError::Format(shown.clone(), e.to_string()))?
                .to_string();
            write_private(path, &pem).map_err(|e| KeyError::Io(shown.clone(), e))?;
            tracing::info!(path = %shown, "generated a new RSA-2048 signing key");
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
    let key = rsa::PrivateKey::from_pkcs8_pem(pem).map_err(|e| e.to_string())?;
    let der = key.to_pkcs8_der().map_err(|e| e.to_string())?;
    let pair = RsaKeyPair::from_pkcs8(der.as_bytes()).map_err(|e| e.to_string())?;
    let strip = |b: &[u8]| {
        let start = b.iter().position(|&x| x != 0).unwrap_or(b.len());
        b[start..].to_vec()
    };
    let n = URL_SAFE_NO_PAD.encode(strip(&key.n().to_be_bytes()));
    let e = URL_SAFE_NO_PAD.encode(strip(&key.e().to_be_bytes()));
    let public_der = key
        .to_public_key()
        .to_public_key_der()
        .map_err(|e| e.to_string())?;
    // AWS kids are base64 strings such as "1234example=": a digest of the public key looks the same.
    let kid = STANDARD.encode(Sha256::digest(public_der.as_bytes()));
    let decoding =
        jsonwebtoken::DecodingKey::from_rsa_components(&n, &e).map_err(|e| e.to_string())?;
    let jwk = json!({"alg": "RS256", "e": e, "kid": kid, "kty": "RSA", "n": n, "use": "sig"});
    Ok(SigningKey {
        kid,
        pair,
        jwk,
        decoding,
    })
}
