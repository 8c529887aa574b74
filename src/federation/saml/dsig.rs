//! XML-DSig as SAML IdPs use it: one enveloped signature over its parent element (a same-document
//! `#ID` reference), exclusive C14N with or without comments, RSA PKCS#1 v1.5 with SHA-1/256/512, and
//! keys taken from the IdP metadata only (the signature's own KeyInfo is ignored).
//!
//! Against signature wrapping, the callers require the Signature to be a direct child of the element
//! it signs; here its single Reference must name that element's ID.

use aws_lc_rs::signature::{self, UnparsedPublicKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use roxmltree::Node;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use x509_cert::der::{Decode, Encode};

use super::SamlError;
use crate::crypto::xml_c14n::{self, Options};

/// The XML-DSig namespace.
pub const NS_DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const EXC_C14N_COMMENTS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
/// `rsa-sha256`, the signature algorithm of the requests the pool signs.
pub const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

/// Whether `node` is the element `ns`:`name`.
pub fn is(node: Node, ns: &str, name: &str) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(ns) && node.tag_name().name() == name
}

/// The first child element `ns`:`name`.
pub fn child<'a, 'i>(node: Node<'a, 'i>, ns: &str, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| is(*c, ns, name))
}

/// Every child element `ns`:`name`.
pub fn children<'a, 'i>(
    node: Node<'a, 'i>,
    ns: &'static str,
    name: &'static str,
) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(move |c| is(*c, ns, name))
}

/// All text of an element, comments skipped (never only the first text node: CVE-2017-11427).
pub fn text(node: Node) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

#[derive(Clone, Copy)]
enum Hash {
    Sha1,
    Sha256,
    Sha512,
}

impl Hash {
    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha1 => Sha1::digest(data).to_vec(),
            Hash::Sha256 => Sha256::digest(data).to_vec(),
            Hash::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    fn rsa(self) -> &'static signature::RsaParameters {
        match self {
            Hash::Sha1 => &signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
            Hash::Sha256 => &signature::RSA_PKCS1_2048_8192_SHA256,
            Hash::Sha512 => &signature::RSA_PKCS1_2048_8192_SHA512,
        }
    }
}

fn c14n_options(method: Node) -> Result<Options, SamlError> {
    let with_comments = match method.attribute("Algorithm") {
        Some(EXC_C14N) => false,
        Some(EXC_C14N_COMMENTS) => true,
        other => {
            return Err(SamlError::BadSignature(format!(
                "canonicalization {other:?}"
            )));
        }
    };
    let inclusive_prefixes = method
        .children()
        .find(|c| {
            c.is_element()
                && c.tag_name().name() == "InclusiveNamespaces"
                && c.tag_name().namespace() == Some(EXC_C14N)
        })
        .and_then(|c| c.attribute("PrefixList"))
        .map(|l| l.split_ascii_whitespace().map(str::to_string).collect())
        .unwrap_or_default();
    Ok(Options {
        inclusive_prefixes,
        with_comments,
    })
}

/// Verifies the enveloped `sig`, a direct child of `signed`, against the metadata certificates (DER).
pub fn verify_enveloped(
    source: &str,
    sig: Node,
    signed: Node,
    certs: &[Vec<u8>],
) -> Result<(), SamlError> {
    let bad = |m: &str| SamlError::BadSignature(m.to_string());
    let signed_info = child(sig, NS_DSIG, "SignedInfo").ok_or_else(|| bad("no SignedInfo"))?;
    if children(sig, NS_DSIG, "SignedInfo").count() != 1 {
        return Err(bad("several SignedInfo"));
    }
    let si_opts = c14n_options(
        child(signed_info, NS_DSIG, "CanonicalizationMethod")
            .ok_or_else(|| bad("no CanonicalizationMethod"))?,
    )?;
    let sig_hash = match child(signed_info, NS_DSIG, "SignatureMethod")
        .and_then(|m| m.attribute("Algorithm"))
    {
        Some(RSA_SHA256) => Hash::Sha256,
        Some("http://www.w3.org/2000/09/xmldsig#rsa-sha1") => Hash::Sha1,
        Some("http://www.w3.org/2001/04/xmldsig-more#rsa-sha512") => Hash::Sha512,
        other => {
            return Err(SamlError::BadSignature(format!(
                "signature method {other:?}"
            )));
        }
    };
    let refs: Vec<_> = children(signed_info, NS_DSIG, "Reference").collect();
    if refs.len() != 1 {
        return Err(bad("exactly one Reference expected"));
    }
    let reference = refs[0];
    let id = signed
        .attribute("ID")
        .ok_or_else(|| bad("signed element has no ID"))?;
    if reference.attribute("URI") != Some(&format!("#{id}")) {
        return Err(bad("Reference does not point at the signed element"));
    }
    let mut enveloped = false;
    let mut ref_opts = Options::default();
    if let Some(transforms) = child(reference, NS_DSIG, "Transforms") {
        for t in children(transforms, NS_DSIG, "Transform") {
            match t.attribute("Algorithm") {
                Some(ENVELOPED) => enveloped = true,
                Some(EXC_C14N) | Some(EXC_C14N_COMMENTS) => ref_opts = c14n_options(t)?,
                other => return Err(SamlError::BadSignature(format!("transform {other:?}"))),
            }
        }
    }
    if !enveloped {
        return Err(bad("enveloped-signature transform missing"));
    }
    let digest_hash =
        match child(reference, NS_DSIG, "DigestMethod").and_then(|m| m.attribute("Algorithm")) {
            Some("http://www.w3.org/2001/04/xmlenc#sha256") => Hash::Sha256,
            Some("http://www.w3.org/2000/09/xmldsig#sha1") => Hash::Sha1,
            Some("http://www.w3.org/2001/04/xmlenc#sha512") => Hash::Sha512,
            other => return Err(SamlError::BadSignature(format!("digest method {other:?}"))),
        };
    let b64 = |n: Option<Node>| -> Result<Vec<u8>, SamlError> {
        let t: String = n
            .map(text)
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        STANDARD.decode(t).map_err(|_| bad("bad base64"))
    };
    let digest_value = b64(child(reference, NS_DSIG, "DigestValue"))?;
    let signature_value = b64(child(sig, NS_DSIG, "SignatureValue"))?;

    let canonical = xml_c14n::canonicalize(source, signed, Some(sig.id()), &ref_opts);
    if digest_hash.digest(canonical.as_bytes()) != digest_value {
        return Err(SamlError::DigestMismatch);
    }
    let signed_info_c14n = xml_c14n::canonicalize(source, signed_info, None, &si_opts);
    for der in certs {
        let Some(spki) = public_key(der) else {
            continue;
        };
        let key = UnparsedPublicKey::new(sig_hash.rsa(), spki);
        if key
            .verify(signed_info_c14n.as_bytes(), &signature_value)
            .is_ok()
        {
            return Ok(());
        }
    }
    Err(SamlError::SignatureInvalid)
}

/// The SubjectPublicKeyInfo (DER) of a DER X.509 certificate.
pub fn public_key(cert_der: &[u8]) -> Option<Vec<u8>> {
    let cert = x509_cert::Certificate::from_der(cert_der).ok()?;
    cert.tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .ok()
}
