//! GetSigningCertificate: the pool's SAML signing certificate, a real self-signed X.509 certificate
//! (RSA-2048, valid 10 years as AWS's are), made on first request and kept in the database so it is the
//! same after a restart. Its key signs the pool's SAML requests (`federation::saml::signing`).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::Result;
use crate::federation::saml::signing;
use crate::ops::load;

/// GetSigningCertificateRequest.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    user_pool_id: String,
}

/// Returns the certificate (base64 of its DER, as AWS returns it).
pub fn handle(ctx: &Ctx, req: Request) -> Result<Value> {
    let pool = load::pool(ctx, &req.user_pool_id)?;
    let key = signing::pool_key(ctx, &pool)?;
    Ok(json!({"Certificate": key.certificate}))
}
