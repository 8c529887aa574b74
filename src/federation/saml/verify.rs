//! The checks a user pool makes on a SAML Response at `/saml2/idpresponse`: one signed Response and/or
//! Assertion (every signature present must verify, at least one must be there), Destination, Status,
//! Issuer, NameID, a bearer SubjectConfirmation for our ACS, InResponseTo (the request's ID, or none for
//! IdP-initiated sign-in), the time window, the audience (`urn:amazon:cognito:sp:<poolId>`) and, for
//! IdP-initiated sign-in, an assertion issued within the previous 6 minutes. Replay is the caller's
//! (the IDs are returned). Also the LogoutResponse of single sign-out.
//!
//! Against signature wrapping: IDs are unique in the document, the Response holds exactly one
//! Assertion, a Signature signs its parent, values are read from the verified elements only.

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use roxmltree::{Document, Node, ParsingOptions};

use super::SamlError;
use super::dsig::{NS_DSIG, child, children, is, text, verify_enveloped};
use super::time;

/// SAML 2.0 protocol namespace.
pub const NS_PROTOCOL: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
/// SAML 2.0 assertion namespace.
pub const NS_ASSERTION: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const STATUS_SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
const BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
/// AWS: the `saml2/idpresponse` endpoint accepts SAML assertions of up to 100,000 characters.
pub const MAX_RESPONSE_CHARS: usize = 100_000;
/// The NameID format when the IdP gives none.
pub const UNSPECIFIED: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

/// What the pool expects of a response.
pub struct Expect<'a> {
    /// The IdP's entityID from its metadata.
    pub idp_entity_id: &'a str,
    /// DER X.509 signing certificates from the IdP metadata (any may sign).
    pub idp_certs: &'a [Vec<u8>],
    /// `urn:amazon:cognito:sp:<poolId>`.
    pub sp_entity_id: &'a str,
    /// The ACS URLs the IdP may address (`/saml2/idpresponse` and `/<poolId>/saml2/idpresponse`).
    pub acs_urls: &'a [String],
    /// The AuthnRequest ID for SP-initiated sign-in; `None` for IdP-initiated (then no InResponseTo).
    pub request_id: Option<&'a str>,
    /// Unix seconds.
    pub now: i64,
    /// Clock skew allowed on each time bound.
    pub skew_secs: i64,
}

/// The verified assertion's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Response ID.
    pub response_id: String,
    /// Assertion ID.
    pub assertion_id: String,
    /// The IdP's entity id.
    pub issuer: String,
    /// NameID (all its text).
    pub name_id: String,
    /// NameID Format (`…:unspecified` when the IdP gave none, as AWS does).
    pub name_id_format: String,
    /// SessionIndex of the first AuthnStatement (single sign-out).
    pub session_index: Option<String>,
    /// Attribute Name → values, in document order.
    pub attributes: Vec<(String, Vec<String>)>,
    /// When this assertion stops being usable (for the replay records).
    pub not_on_or_after: i64,
    /// Whether the Response carried a verified signature.
    pub signed_response: bool,
    /// Whether the Assertion carried a verified signature.
    pub signed_assertion: bool,
}

fn time_attr(node: Node, name: &str) -> Result<Option<i64>, SamlError> {
    match node.attribute(name) {
        None => Ok(None),
        Some(v) => time::parse(v)
            .map(Some)
            .ok_or_else(|| SamlError::Malformed(format!("{name} is not a UTC xs:dateTime: {v}"))),
    }
}

/// Decodes a base64 form value (whitespace tolerated) to UTF-8 XML.
pub fn decode(b64: &str) -> Result<String, SamlError> {
    if b64.len() > MAX_RESPONSE_CHARS {
        return Err(SamlError::TooLarge);
    }
    let compact: String = b64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| SamlError::NotBase64)?;
    String::from_utf8(bytes).map_err(|_| SamlError::Malformed("not UTF-8".into()))
}

/// Parses without DTD (no entity expansion, no external entities), at most 50,000 nodes.
pub fn parse(xml: &str) -> Result<Document<'_>, SamlError> {
    let opts = ParsingOptions {
        allow_dtd: false,
        nodes_limit: 50_000,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(xml, opts).map_err(|e| SamlError::Malformed(e.to_string()))
}

fn unique_ids(doc: &Document) -> Result<(), SamlError> {
    let mut ids = HashSet::new();
    for n in doc.descendants().filter(|n| n.is_element()) {
        for name in ["ID", "Id", "AssertionID"] {
            if let Some(id) = n.attribute(name) {
                if !ids.insert(id) {
                    return Err(SamlError::DuplicateId(id.to_string()));
                }
            }
        }
    }
    Ok(())
}

fn status(root: Node) -> Result<(), SamlError> {
    let status = child(root, NS_PROTOCOL, "Status")
        .and_then(|s| child(s, NS_PROTOCOL, "StatusCode"))
        .and_then(|c| c.attribute("Value"))
        .unwrap_or("");
    if status == STATUS_SUCCESS {
        Ok(())
    } else {
        Err(SamlError::Status(status.to_string()))
    }
}

/// Checks a SAML Response (the base64 `SAMLResponse` form value) and returns its trusted assertion.
pub fn verify_response(saml_response_b64: &str, expect: &Expect) -> Result<Verified, SamlError> {
    verify_xml(&decode(saml_response_b64)?, expect)
}

/// [`verify_response`] on the decoded XML.
pub fn verify_xml(xml: &str, expect: &Expect) -> Result<Verified, SamlError> {
    let doc = parse(xml)?;
    let response = doc.root_element();
    if !is(response, NS_PROTOCOL, "Response") {
        return Err(SamlError::NotAResponse);
    }
    unique_ids(&doc)?;
    let response_id = response
        .attribute("ID")
        .ok_or_else(|| SamlError::Malformed("Response has no ID".into()))?
        .to_string();
    if let Some(dest) = response.attribute("Destination") {
        if !expect.acs_urls.iter().any(|a| a == dest) {
            return Err(SamlError::Destination(dest.to_string()));
        }
    }
    status(response)?;
    if child(response, NS_ASSERTION, "EncryptedAssertion").is_some() {
        return Err(SamlError::EncryptedAssertion);
    }
    let assertions: Vec<_> = children(response, NS_ASSERTION, "Assertion").collect();
    if assertions.len() != 1 {
        return Err(SamlError::AssertionCount(assertions.len()));
    }
    let assertion = assertions[0];
    let assertion_id = assertion
        .attribute("ID")
        .ok_or_else(|| SamlError::Malformed("Assertion has no ID".into()))?
        .to_string();

    let response_sig = child(response, NS_DSIG, "Signature");
    let assertion_sig = child(assertion, NS_DSIG, "Signature");
    if response_sig.is_none() && assertion_sig.is_none() {
        return Err(SamlError::Unsigned);
    }
    if let Some(sig) = response_sig {
        verify_enveloped(xml, sig, response, expect.idp_certs).map_err(SamlError::on_response)?;
    }
    if let Some(sig) = assertion_sig {
        verify_enveloped(xml, sig, assertion, expect.idp_certs)?;
    }

    if let Some(i) = child(response, NS_ASSERTION, "Issuer") {
        let v = text(i).trim().to_string();
        if v != expect.idp_entity_id {
            return Err(SamlError::Issuer(v));
        }
    }
    let issuer = child(assertion, NS_ASSERTION, "Issuer")
        .map(|i| text(i).trim().to_string())
        .unwrap_or_default();
    if issuer != expect.idp_entity_id {
        return Err(SamlError::Issuer(issuer));
    }
    check_in_response_to(response.attribute("InResponseTo"), expect.request_id)?;

    let subject = child(assertion, NS_ASSERTION, "Subject").ok_or(SamlError::NoSubject)?;
    let name_id_node = child(subject, NS_ASSERTION, "NameID").ok_or(SamlError::NoSubject)?;
    let name_id = text(name_id_node).trim().to_string();
    if name_id.is_empty() {
        return Err(SamlError::NoSubject);
    }
    let name_id_format = name_id_node
        .attribute("Format")
        .unwrap_or(UNSPECIFIED)
        .to_string();
    let mut not_on_or_after = confirmation(subject, expect)?;

    let Some(cond) = child(assertion, NS_ASSERTION, "Conditions") else {
        return Err(SamlError::Audience);
    };
    if let Some(nb) = time_attr(cond, "NotBefore")? {
        if expect.now + expect.skew_secs < nb {
            return Err(SamlError::NotYetValid);
        }
    }
    if let Some(noa) = time_attr(cond, "NotOnOrAfter")? {
        if expect.now - expect.skew_secs >= noa {
            return Err(SamlError::Expired);
        }
        not_on_or_after = not_on_or_after.min(noa);
    }
    let restrictions: Vec<_> = children(cond, NS_ASSERTION, "AudienceRestriction").collect();
    if restrictions.is_empty() {
        return Err(SamlError::Audience);
    }
    for r in restrictions {
        if !children(r, NS_ASSERTION, "Audience").any(|a| text(a).trim() == expect.sp_entity_id) {
            return Err(SamlError::Audience);
        }
    }

    if expect.request_id.is_none() {
        let issued = time_attr(assertion, "IssueInstant")?
            .ok_or_else(|| SamlError::Malformed("Assertion without IssueInstant".into()))?;
        if expect.now - issued > 360 + expect.skew_secs {
            return Err(SamlError::TooOld);
        }
    }

    let session_index = child(assertion, NS_ASSERTION, "AuthnStatement")
        .and_then(|a| a.attribute("SessionIndex"))
        .map(str::to_string);
    let mut attributes = Vec::new();
    for stmt in children(assertion, NS_ASSERTION, "AttributeStatement") {
        for attr in children(stmt, NS_ASSERTION, "Attribute") {
            let Some(name) = attr.attribute("Name") else {
                continue;
            };
            let values = children(attr, NS_ASSERTION, "AttributeValue")
                .map(text)
                .collect();
            attributes.push((name.to_string(), values));
        }
    }
    Ok(Verified {
        response_id,
        assertion_id,
        issuer,
        name_id,
        name_id_format,
        session_index,
        attributes,
        not_on_or_after,
        signed_response: response_sig.is_some(),
        signed_assertion: assertion_sig.is_some(),
    })
}

/// The bearer SubjectConfirmation for our ACS: its NotOnOrAfter.
fn confirmation(subject: Node, expect: &Expect) -> Result<i64, SamlError> {
    let mut error = SamlError::Recipient("no bearer SubjectConfirmation".into());
    for sc in children(subject, NS_ASSERTION, "SubjectConfirmation") {
        if sc.attribute("Method") != Some(BEARER) {
            continue;
        }
        let Some(data) = child(sc, NS_ASSERTION, "SubjectConfirmationData") else {
            continue;
        };
        let result = (|| {
            let recipient = data.attribute("Recipient").unwrap_or("");
            if !expect.acs_urls.iter().any(|a| a == recipient) {
                return Err(SamlError::Recipient(recipient.to_string()));
            }
            check_in_response_to(data.attribute("InResponseTo"), expect.request_id)?;
            if let Some(nb) = time_attr(data, "NotBefore")? {
                if expect.now + expect.skew_secs < nb {
                    return Err(SamlError::NotYetValid);
                }
            }
            let noa = time_attr(data, "NotOnOrAfter")?.ok_or_else(|| {
                SamlError::Malformed("bearer SubjectConfirmationData without NotOnOrAfter".into())
            })?;
            if expect.now - expect.skew_secs >= noa {
                return Err(SamlError::Expired);
            }
            Ok(noa)
        })();
        match result {
            Ok(noa) => return Ok(noa),
            Err(e) => error = e,
        }
    }
    Err(error)
}

fn check_in_response_to(value: Option<&str>, expected: Option<&str>) -> Result<(), SamlError> {
    match (value, expected) {
        (None, None) => Ok(()),
        (Some(v), Some(e)) if v == e => Ok(()),
        (v, _) => Err(SamlError::InResponseTo(v.unwrap_or("").to_string())),
    }
}

/// Checks the IdP's LogoutResponse to our LogoutRequest `request_id`: signed by the IdP (an enveloped
/// signature on the response), from its entity, Success.
pub fn verify_logout_response(
    b64: &str,
    idp_entity_id: &str,
    idp_certs: &[Vec<u8>],
    request_id: &str,
) -> Result<(), SamlError> {
    let xml = decode(b64)?;
    let doc = parse(&xml)?;
    let root = doc.root_element();
    if !is(root, NS_PROTOCOL, "LogoutResponse") {
        return Err(SamlError::NotAResponse);
    }
    unique_ids(&doc)?;
    let sig = child(root, NS_DSIG, "Signature").ok_or(SamlError::Unsigned)?;
    verify_enveloped(&xml, sig, root, idp_certs).map_err(SamlError::on_response)?;
    let issuer = child(root, NS_ASSERTION, "Issuer")
        .map(|i| text(i).trim().to_string())
        .unwrap_or_default();
    if issuer != idp_entity_id {
        return Err(SamlError::Issuer(issuer));
    }
    check_in_response_to(root.attribute("InResponseTo"), Some(request_id))?;
    status(root)
}
