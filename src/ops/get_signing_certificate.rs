//! GetSigningCertificate: the pool's SAML signing certificate, a real self-signed X.509 certificate
//! (RSA-2048, valid 10 years as AWS's are), made on first request and kept in the database so it is the
//! same after a restart.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::app::Ctx;
use crate::crypto::x509;
use crate::error::{CognitoError, Result};
use crate::ops::load;
use crate::store::documents::{self, Kind, Scope};

/// GetSigningCertificateRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
}

/// The stored certificate.
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    /// Base64 of the DER certificate.
    certificate: String,
}

/// Ten years, the validity AWS documents for these certificates.
const VALIDITY_SECS: i64 = 10 * 365 * 86_400 + 2 * 86_400;

/// Returns the certificate (base64 of its DER, as AWS returns it).
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let stored: Option<documents::Document<Stored>> = ctx.app.store.read(|c| {
        documents::get(c, &pool.id, Kind::SigningCertificate, Scope::Pool)
    })?;
    if let Some(doc) = stored {
        return Ok(json!({"Certificate": doc.body.certificate}));
    }
    // Key generation happens outside any transaction; if two requests race, the first write wins.
    let serial = Sha256::digest(format!("{}:{}", pool.id, pool.created_at).as_bytes());
    let der = x509::self_signed(&pool.id, &serial[..16], ctx.app.clock.now_secs(), VALIDITY_SECS)
        .map_err(CognitoError::internal)?;
    let fresh = Stored {
        certificate: STANDARD.encode(der),
    };
    let now = ctx.now();
    let kept = ctx.app.store.write(|c| {
        if let Some(doc) =
            documents::get::<Stored>(c, &pool.id, Kind::SigningCertificate, Scope::Pool)?
        {
            return Ok(doc.body.certificate);
        }
        documents::put(c, &pool.id, Kind::SigningCertificate, Scope::Pool, &fresh, now)?;
        Ok(fresh.certificate.clone())
    })?;
    Ok(json!({"Certificate": kept}))
}
