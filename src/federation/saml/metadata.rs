//! IdP metadata as a user pool reads it: the entity id, the signing certificates (a KeyDescriptor with
//! `use="signing"` or no `use`; any may sign; none may be expired, each at most 4,096 characters), and
//! the HTTP-Redirect SingleSignOnService (required) and SingleLogoutService locations.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use x509_cert::der::Decode;

use super::dsig::{NS_DSIG, child, children, is, text};
use super::verify::parse;

const NS_MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
const REDIRECT: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";

/// What the pool keeps of an IdP's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdpMetadata {
    /// entityID.
    pub entity_id: String,
    /// Signing certificates, base64 DER.
    pub certificates: Vec<String>,
    /// The HTTP-Redirect SingleSignOnService location.
    pub sso_redirect: String,
    /// The HTTP-Redirect SingleLogoutService location, if any.
    pub slo_redirect: Option<String>,
}

impl IdpMetadata {
    /// The signing certificates as DER.
    pub fn certificates_der(&self) -> Vec<Vec<u8>> {
        self.certificates
            .iter()
            .filter_map(|c| STANDARD.decode(c).ok())
            .collect()
    }
}

/// Why metadata is refused: AWS's texts where known.
pub fn parse_metadata(xml: &str, now: i64) -> Result<IdpMetadata, String> {
    let unmarshal = || "Unable to unmarshall metadata".to_string();
    let doc = parse(xml).map_err(|_| unmarshal())?;
    let mut root = doc.root_element();
    if is(root, NS_MD, "EntitiesDescriptor") {
        root = children(root, NS_MD, "EntityDescriptor")
            .find(|e| child(*e, NS_MD, "IDPSSODescriptor").is_some())
            .ok_or_else(unmarshal)?;
    }
    if !is(root, NS_MD, "EntityDescriptor") {
        return Err(unmarshal());
    }
    let entity_id = root
        .attribute("entityID")
        .filter(|e| !e.is_empty())
        .ok_or_else(unmarshal)?
        .to_string();
    let idp = child(root, NS_MD, "IDPSSODescriptor").ok_or_else(unmarshal)?;
    let mut certificates = Vec::new();
    for kd in children(idp, NS_MD, "KeyDescriptor") {
        if kd.attribute("use").is_some_and(|u| u != "signing") {
            continue;
        }
        for c in kd
            .descendants()
            .filter(|n| is(*n, NS_DSIG, "X509Certificate"))
        {
            let b64: String = text(c)
                .chars()
                .filter(|c| !c.is_ascii_whitespace())
                .collect();
            if b64.len() > 4096 {
                return Err(
                    "The signing certificate in the metadata is longer than 4096 characters."
                        .into(),
                );
            }
            let der = STANDARD.decode(&b64).map_err(|_| unmarshal())?;
            let cert = x509_cert::Certificate::from_der(&der).map_err(|_| unmarshal())?;
            let not_after = cert
                .tbs_certificate()
                .validity()
                .not_after
                .to_unix_duration()
                .as_secs() as i64;
            if not_after < now {
                return Err("The signing certificate in the metadata has expired.".into());
            }
            certificates.push(b64);
        }
    }
    if certificates.is_empty() {
        return Err("No signing certificate found in metadata.".into());
    }
    let location = |name: &'static str| {
        children(idp, NS_MD, name)
            .find(|s| s.attribute("Binding") == Some(REDIRECT))
            .and_then(|s| s.attribute("Location"))
            .map(str::to_string)
    };
    let sso_redirect = location("SingleSignOnService")
        .ok_or("No SingleSignOn Http redirect binding location found in metadata.")?;
    Ok(IdpMetadata {
        entity_id,
        certificates,
        sso_redirect,
        slo_redirect: location("SingleLogoutService"),
    })
}
