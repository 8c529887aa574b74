//! A SAML IdP for the Rust tests: its metadata (a fresh RSA key and certificate) and Responses /
//! LogoutResponses with an enveloped XML-DSig signature (exclusive C14N, RSA-SHA256), built with the
//! emulator's own C14N. Interoperability with real signers (pysaml2 / xmlsec1, samlify / xml-crypto) is
//! tested with their fixtures and in tests/e2e; this one drives the flows.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cognito_emulator::crypto::xml_c14n::{Options, canonicalize};
use cognito_emulator::federation::saml::time;
use sha2::{Digest, Sha256};

/// The IdP.
pub struct SamlIdp {
    /// Its entity id.
    pub entity_id: String,
    cert_b64: String,
    key: RsaKeyPair,
}

/// What a Response says.
pub struct Assertion<'a> {
    /// NameID.
    pub name_id: &'a str,
    /// Attributes (name, value).
    pub attributes: &'a [(&'a str, &'a str)],
    /// The ACS the IdP posts to (Destination, Recipient).
    pub acs: &'a str,
    /// The audience (the pool's SP entity id).
    pub audience: &'a str,
    /// InResponseTo (`None`: IdP-initiated).
    pub in_response_to: Option<&'a str>,
    /// Issue time (epoch seconds); valid for five minutes.
    pub now: i64,
    /// Sign the assertion.
    pub signed: bool,
}

fn esc(s: &str) -> String {
    cognito_emulator::html::escape(s)
}

impl SamlIdp {
    /// A new IdP with entity id `entity_id`.
    pub fn new(entity_id: &str) -> SamlIdp {
        let now =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
                as i64;
        let (der, pkcs8) = cognito_emulator::crypto::x509::self_signed_with_key(
            "test-idp",
            &[7, 7, 7],
            now - 86_400,
            10 * 365 * 86_400,
        )
        .unwrap();
        SamlIdp {
            entity_id: entity_id.to_string(),
            cert_b64: STANDARD.encode(der),
            key: RsaKeyPair::from_pkcs8(&pkcs8).unwrap(),
        }
    }

    /// Its metadata, SSO and SLO by HTTP-Redirect at `base`.
    pub fn metadata(&self, base: &str) -> String {
        format!(
            r#"<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{e}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>{c}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{base}/slo"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{base}/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"#,
            e = esc(&self.entity_id),
            c = self.cert_b64,
        )
    }

    /// Signs the element with ID `id` inside `xml` (inserting the Signature after its Issuer).
    fn sign(&self, xml: &str, id: &str) -> String {
        let doc = roxmltree::Document::parse(xml).unwrap();
        let node = doc.descendants().find(|n| n.attribute("ID") == Some(id)).unwrap();
        let digest = STANDARD
            .encode(Sha256::digest(canonicalize(xml, node, None, &Options::default()).as_bytes()));
        let signed_info = format!(
            r##"<ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#{id}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>{digest}</ds:DigestValue></ds:Reference></ds:SignedInfo>"##
        );
        let issuer_end = {
            let start = xml.find(&format!(r#"ID="{id}""#)).unwrap();
            start + xml[start..].find("</saml:Issuer>").unwrap() + "</saml:Issuer>".len()
        };
        let with = |sig_value: &str| {
            format!(
                r#"{}<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">{signed_info}<ds:SignatureValue>{sig_value}</ds:SignatureValue></ds:Signature>{}"#,
                &xml[..issuer_end],
                &xml[issuer_end..]
            )
        };
        let draft = with("");
        let doc = roxmltree::Document::parse(&draft).unwrap();
        let si = doc.descendants().find(|n| n.tag_name().name() == "SignedInfo").unwrap();
        let canonical = canonicalize(&draft, si, None, &Options::default());
        let mut sig = vec![0u8; self.key.public_modulus_len()];
        self.key
            .sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), canonical.as_bytes(), &mut sig)
            .unwrap();
        with(&STANDARD.encode(sig))
    }

    /// A Response (XML); the assertion signed when `a.signed`.
    pub fn response_xml(&self, a: &Assertion<'_>) -> String {
        let rid = format!("_r{}", cognito_emulator::domain::ids::uuid());
        let aid = format!("_a{}", cognito_emulator::domain::ids::uuid());
        let irt =
            a.in_response_to.map(|i| format!(r#" InResponseTo="{}""#, esc(i))).unwrap_or_default();
        let (at, until) = (time::format(a.now), time::format(a.now + 300));
        let attrs: String = a
            .attributes
            .iter()
            .map(|(n, v)| {
                format!(
                    r#"<saml:Attribute Name="{}"><saml:AttributeValue>{}</saml:AttributeValue></saml:Attribute>"#,
                    esc(n),
                    esc(v)
                )
            })
            .collect();
        let xml = format!(
            r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{rid}" Version="2.0" IssueInstant="{at}" Destination="{acs}"{irt}><saml:Issuer>{issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="{aid}" Version="2.0" IssueInstant="{at}"><saml:Issuer>{issuer}</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">{name}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{until}" Recipient="{acs}"{irt}/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{at}" NotOnOrAfter="{until}"><saml:AudienceRestriction><saml:Audience>{aud}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{at}" SessionIndex="idx-{aid}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement>{attrs}</saml:AttributeStatement></saml:Assertion></samlp:Response>"#,
            acs = esc(a.acs),
            issuer = esc(&self.entity_id),
            name = esc(a.name_id),
            aud = esc(a.audience),
        );
        if a.signed { self.sign(&xml, &aid) } else { xml }
    }

    /// The base64 form value of [`SamlIdp::response_xml`].
    pub fn response(&self, a: &Assertion<'_>) -> String {
        STANDARD.encode(self.response_xml(a))
    }

    /// A signed LogoutResponse to request `in_response_to` (base64).
    pub fn logout_response(&self, in_response_to: &str, destination: &str, now: i64) -> String {
        let id = format!("_l{}", cognito_emulator::domain::ids::uuid());
        let xml = format!(
            r#"<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{id}" Version="2.0" IssueInstant="{at}" Destination="{d}" InResponseTo="{irt}"><saml:Issuer>{issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>"#,
            at = time::format(now),
            d = esc(destination),
            irt = esc(in_response_to),
            issuer = esc(&self.entity_id),
        );
        STANDARD.encode(self.sign(&xml, &id))
    }
}

/// The XML of an HTTP-Redirect `SAMLRequest` value (base64 of raw DEFLATE in stored blocks, as the
/// emulator sends it).
pub fn inflate_request(value: &str) -> String {
    let bytes = STANDARD.decode(value).unwrap();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let last = bytes[i] & 1 == 1;
        assert_eq!(bytes[i] >> 1, 0, "stored blocks only");
        let len = u16::from_le_bytes([bytes[i + 1], bytes[i + 2]]) as usize;
        out.extend_from_slice(&bytes[i + 5..i + 5 + len]);
        i += 5 + len;
        if last {
            break;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The value of attribute `name` on the first element that has it.
pub fn xml_attribute(xml: &str, name: &str) -> String {
    let doc = roxmltree::Document::parse(xml).unwrap();
    doc.descendants().find_map(|n| n.attribute(name)).unwrap().to_string()
}
