//! The pool's SAML signing key and certificate (GetSigningCertificate): made on first use, kept in the
//! database so it is the same after a restart. The key signs the pool's AuthnRequests (when the IdP's
//! `RequestSigningAlgorithm` is set) and its LogoutRequests.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::app::Ctx;
use crate::crypto::x509;
use crate::error::{CognitoError, Result};
use crate::store::documents::{self, Kind, Scope};
use crate::store::pools::PoolRow;

/// The stored certificate (and its key; documents written before federation have none).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Stored {
    /// Base64 of the DER certificate.
    certificate: String,
    /// Base64 of the PKCS#8 DER private key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    private_key: Option<String>,
}

/// Ten years, the validity AWS documents for these certificates.
const VALIDITY_SECS: i64 = 10 * 365 * 86_400 + 2 * 86_400;

/// The pool's signing certificate (base64 DER) and private key (PKCS#8 DER).
pub struct SigningKey {
    /// Base64 of the DER certificate, as GetSigningCertificate returns it.
    pub certificate: String,
    /// PKCS#8 DER.
    pub pkcs8: Vec<u8>,
}

impl SigningKey {
    /// RSA-SHA256 (PKCS#1 v1.5) signature of `message`.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        let pair = RsaKeyPair::from_pkcs8(&self.pkcs8)
            .map_err(|e| CognitoError::internal(format!("SAML signing key: {e}")))?;
        let mut sig = vec![0u8; pair.public_modulus_len()];
        pair.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), message, &mut sig)
            .map_err(|e| CognitoError::internal(format!("SAML signing: {e}")))?;
        Ok(sig)
    }
}

/// The pool's key, made (outside any transaction) when it has none yet; if two requests race, the
/// first write wins.
pub fn pool_key(ctx: &Ctx, pool: &PoolRow) -> Result<SigningKey> {
    let read = |doc: &Stored| -> Option<SigningKey> {
        let pkcs8 = STANDARD.decode(doc.private_key.as_ref()?).ok()?;
        Some(SigningKey {
            certificate: doc.certificate.clone(),
            pkcs8,
        })
    };
    let stored: Option<documents::Document<Stored>> = ctx
        .app
        .store
        .read(|c| documents::get(c, &pool.id, Kind::SigningCertificate, Scope::Pool))?;
    if let Some(key) = stored.as_ref().and_then(|d| read(&d.body)) {
        return Ok(key);
    }
    let serial = Sha256::digest(format!("{}:{}", pool.id, ctx.now()).as_bytes());
    let (der, pkcs8) = x509::self_signed_with_key(
        &pool.id,
        &serial[..16],
        ctx.app.clock.now_secs(),
        VALIDITY_SECS,
    )
    .map_err(CognitoError::internal)?;
    let fresh = Stored {
        certificate: STANDARD.encode(der),
        private_key: Some(STANDARD.encode(pkcs8)),
    };
    let now = ctx.now();
    let kept = ctx.app.store.write(|c| {
        if let Some(doc) =
            documents::get::<Stored>(c, &pool.id, Kind::SigningCertificate, Scope::Pool)?
        {
            if doc.body.private_key.is_some() {
                return Ok(doc.body);
            }
        }
        documents::put(
            c,
            &pool.id,
            Kind::SigningCertificate,
            Scope::Pool,
            &fresh,
            now,
        )?;
        Ok(fresh.clone())
    })?;
    read(&kept).ok_or_else(|| CognitoError::internal("stored SAML key unreadable"))
}
