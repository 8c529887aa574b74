//! Passkey rules of a pool: its `WebAuthnConfiguration` (relying party, user verification, factor
//! configuration), whether passkeys are enabled (`WEB_AUTHN` among the allowed first factors), which
//! origins may speak for a relying party, and the shapes AWS gives credential options.

use serde_json::{Value, json};

use crate::domain::pool::Policies;
use crate::err;
use crate::error::Result;

/// The most passkeys one user may register (ListWebAuthnCredentials pages hold at most 20 as well).
pub const MAX_CREDENTIALS_PER_USER: i64 = 20;
/// `timeout` of CredentialCreationOptions, in milliseconds (AWS's value).
pub const CREATION_TIMEOUT_MS: u64 = 60_000;
/// `timeout` of the CREDENTIAL_REQUEST_OPTIONS challenge parameter, in milliseconds (AWS's value).
pub const REQUEST_TIMEOUT_MS: u64 = 180_000;
/// How long a StartWebAuthnRegistration challenge may be completed.
pub const REGISTRATION_VALIDITY_SECS: f64 = 300.0;

/// `UserVerificationType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserVerification {
    /// Only authenticators that verify the user (UV flag) may register and sign in.
    Required,
    /// User verification is asked for but not demanded.
    Preferred,
}

impl UserVerification {
    /// As AWS and WebAuthn spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            UserVerification::Required => "required",
            UserVerification::Preferred => "preferred",
        }
    }
}

/// A pool's `WebAuthnConfigurationType`, with AWS's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebAuthnConfig {
    /// RelyingPartyId (without a user pool domain in the emulator, passkeys need one set).
    pub relying_party_id: Option<String>,
    /// UserVerification (default `preferred`).
    pub user_verification: UserVerification,
    /// FactorConfiguration `MULTI_FACTOR_WITH_USER_VERIFICATION`: a verified passkey satisfies MFA.
    pub multi_factor: bool,
}

impl WebAuthnConfig {
    /// Reads the stored configuration (absent = defaults).
    pub fn of(value: Option<&Value>) -> WebAuthnConfig {
        let text = |k: &str| value.and_then(|v| v.get(k)).and_then(Value::as_str);
        let multi_factor =
            text("FactorConfiguration") == Some("MULTI_FACTOR_WITH_USER_VERIFICATION");
        WebAuthnConfig {
            relying_party_id: text("RelyingPartyId").map(str::to_string),
            // A passkey that counts as MFA must have verified the user.
            user_verification: if text("UserVerification") == Some("required") || multi_factor {
                UserVerification::Required
            } else {
                UserVerification::Preferred
            },
            multi_factor,
        }
    }

    /// Checks a `WebAuthnConfiguration` given to SetUserPoolMfaConfig (the model checks the enums).
    pub fn check(value: &Value) -> Result<()> {
        if let Some(rp) = value.get("RelyingPartyId").and_then(Value::as_str) {
            if !valid_rp_id(rp) {
                return Err(err!(
                    InvalidParameterException,
                    "Invalid RelyingPartyId: {rp}. It must be a domain name such as example.com or localhost, without a scheme, port or path."
                ));
            }
        }
        Ok(())
    }
}

/// Whether the pool lets users sign in with passkeys (`WEB_AUTHN` in `AllowedFirstAuthFactors`).
pub fn enabled(policies: &Policies) -> bool {
    policies
        .sign_in_policy
        .as_ref()
        .and_then(|p| p.get("AllowedFirstAuthFactors"))
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|f| f.as_str() == Some("WEB_AUTHN")))
}

/// A relying party id: a lower-case domain name (letters, digits, hyphens; labels of 1..63), such as
/// `example.com`, `auth.example.com` or `localhost`.
pub fn valid_rp_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 127
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// Whether `origin` may use credentials of `rp_id` (WebAuthn §5.1.3 and §13.4.9): HTTPS on the relying
/// party's domain or a subdomain of it, any port; plain HTTP only on `localhost` (and `*.localhost`),
/// which browsers treat as a secure context.
pub fn origin_allowed(origin: &str, rp_id: &str) -> bool {
    let Some((scheme, rest)) = origin.split_once("://") else {
        return false;
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (rest, None),
    };
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 5)
        || !valid_rp_id(host)
    {
        return false;
    }
    let localhost = host == "localhost" || host.ends_with(".localhost");
    let secure = scheme == "https" || (scheme == "http" && localhost);
    secure && (host == rp_id || host.ends_with(&format!(".{rp_id}")))
}

/// `PublicKeyCredentialDescriptorJSON` entries for the given credential ids (base64url).
pub fn descriptors(ids: &[String]) -> Vec<Value> {
    ids.iter()
        .map(|id| json!({"type": "public-key", "id": id}))
        .collect()
}

/// CredentialCreationOptions as AWS shapes them (members in AWS's order): both ES256 and RS256,
/// discoverable credentials required, the pool's user verification; `user.id` is the base64url of the
/// user's `sub`.
pub fn creation_options(
    rp_id: &str,
    user_handle: &str,
    username: &str,
    challenge: &str,
    exclude: &[String],
    uv: UserVerification,
) -> Value {
    json!({
        "rp": {"id": rp_id, "name": rp_id},
        "user": {"id": user_handle, "name": username, "displayName": ""},
        "challenge": challenge,
        "pubKeyCredParams": [
            {"type": "public-key", "alg": -7},
            {"type": "public-key", "alg": -257}
        ],
        "timeout": CREATION_TIMEOUT_MS,
        "excludeCredentials": descriptors(exclude),
        "authenticatorSelection": {
            "requireResidentKey": true,
            "residentKey": "required",
            "userVerification": uv.as_str()
        }
    })
}

/// The CREDENTIAL_REQUEST_OPTIONS challenge parameter: PublicKeyCredentialRequestOptionsJSON as AWS
/// serialises it (with its empty `hints` and `attestationFormats`).
pub fn request_options(
    rp_id: &str,
    challenge: &str,
    allow: &[String],
    uv: UserVerification,
) -> Value {
    json!({
        "hints": [],
        "attestation": "none",
        "attestationFormats": [],
        "challenge": challenge,
        "timeout": REQUEST_TIMEOUT_MS,
        "rpId": rp_id,
        "allowCredentials": descriptors(allow),
        "userVerification": uv.as_str()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_must_be_https_on_the_rp_domain_except_localhost() {
        assert!(origin_allowed("https://example.com", "example.com"));
        assert!(origin_allowed(
            "https://login.example.com:8443",
            "example.com"
        ));
        assert!(origin_allowed("http://localhost:3000", "localhost"));
        assert!(origin_allowed("http://localhost", "localhost"));
        assert!(!origin_allowed("http://example.com", "example.com"));
        assert!(!origin_allowed("https://evil-example.com", "example.com"));
        assert!(!origin_allowed(
            "https://example.com.evil.org",
            "example.com"
        ));
        assert!(!origin_allowed("https://example.com", "login.example.com"));
        assert!(!origin_allowed("http://127.0.0.1:3000", "localhost"));
        assert!(!origin_allowed("http://localhost:3000", "example.com"));
        assert!(!origin_allowed("https://localhost:", "localhost"));
        assert!(!origin_allowed("https://example.com/path", "example.com"));
        assert!(!origin_allowed("android:apk-key-hash:abc", "example.com"));
    }

    #[test]
    fn relying_party_ids_are_domain_names() {
        for ok in ["localhost", "example.com", "auth.my-app.example.com"] {
            assert!(valid_rp_id(ok), "{ok}");
        }
        for bad in [
            "",
            "https://example.com",
            "example.com:443",
            "Example.com",
            "-a.com",
            "a..b",
            "a/b",
        ] {
            assert!(!valid_rp_id(bad), "{bad}");
        }
    }

    #[test]
    fn configuration_defaults_and_multi_factor_requires_verification() {
        let c = WebAuthnConfig::of(None);
        assert_eq!(
            (c.relying_party_id, c.user_verification, c.multi_factor),
            (None, UserVerification::Preferred, false)
        );
        let c = WebAuthnConfig::of(Some(
            &json!({"RelyingPartyId": "localhost", "FactorConfiguration": "MULTI_FACTOR_WITH_USER_VERIFICATION"}),
        ));
        assert_eq!(c.user_verification, UserVerification::Required);
        assert!(c.multi_factor);
    }

    #[test]
    fn options_keep_aws_member_order() {
        let o = creation_options(
            "localhost",
            "dQ",
            "james",
            "Y2g",
            &["aWQ".into()],
            UserVerification::Required,
        );
        let keys: Vec<&String> = o.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "rp",
                "user",
                "challenge",
                "pubKeyCredParams",
                "timeout",
                "excludeCredentials",
                "authenticatorSelection"
            ]
        );
        let r = request_options("localhost", "Y2g", &[], UserVerification::Preferred).to_string();
        assert!(r.starts_with(r#"{"hints":[],"attestation":"none","attestationFormats":[],"challenge":"Y2g","timeout":180000,"rpId":"localhost""#), "{r}");
    }
}
