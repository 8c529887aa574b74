//! Sign in with Apple's client secret: a short-lived ES256 JWT the pool signs with the provider's
//! `private_key` (a PKCS#8 PEM, Apple's `.p8` file), `kid` = `key_id`, `iss` = `team_id`,
//! `sub` = `client_id`, `aud` = the IdP's issuer (`https://appleid.apple.com`, or a stand-in's).

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::json;

use crate::oauth::Hosted;
use crate::ops::identity_providers::Provider;

/// The client secret for one token request.
pub fn client_secret(h: &Hosted, p: &Provider) -> Result<String, String> {
    let pem = p.detail("private_key").unwrap_or_default();
    let b64: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .flat_map(|l| l.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    let der = STANDARD
        .decode(b64)
        .map_err(|_| "SignInWithApple private_key is not a PEM key".to_string())?;
    let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der)
        .map_err(|_| "SignInWithApple private_key is not a P-256 PKCS#8 key".to_string())?;
    let now = h.ctx.app.clock.now_secs();
    let header = json!({"alg": "ES256", "kid": p.detail("key_id").unwrap_or_default()});
    let claims = json!({
        "iss": p.detail("team_id").unwrap_or_default(),
        "iat": now,
        "exp": now + 300,
        "aud": p.detail("oidc_issuer").unwrap_or("https://appleid.apple.com"),
        "sub": p.detail("client_id").unwrap_or_default(),
    });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let sig = key
        .sign(&SystemRandom::new(), signing_input.as_bytes())
        .map_err(|_| "signing the SignInWithApple client secret failed".to_string())?;
    Ok(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(sig.as_ref())
    ))
}
