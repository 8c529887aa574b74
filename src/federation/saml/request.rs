//! The messages the pool sends a SAML IdP over the HTTP-Redirect binding: an AuthnRequest (signed
//! only when the IdP's `RequestSigningAlgorithm` is set) and a LogoutRequest (always signed), both
//! DEFLATE-d, base64-encoded and URL-encoded with their RelayState, `SigAlg` and `Signature`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::dsig::RSA_SHA256;
use super::signing::SigningKey;
use super::time;
use crate::error::Result;
use crate::html::{escape, url_encode};

/// SAML's HTTP-POST binding.
pub const POST_BINDING: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

/// The SP entity id of a pool: `urn:amazon:cognito:sp:<poolId>`.
pub fn sp_entity_id(pool_id: &str) -> String {
    format!("urn:amazon:cognito:sp:{pool_id}")
}

/// A request ID as Cognito makes them: `_` + a UUID.
pub fn new_id() -> String {
    format!("_{}", crate::domain::ids::uuid())
}

/// The AuthnRequest `id` from the pool to the IdP's SSO `destination`, answered at `acs`.
pub fn authn_request(id: &str, pool_id: &str, destination: &str, acs: &str, now: i64) -> String {
    format!(
        r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{id}" Version="2.0" IssueInstant="{at}" Destination="{dest}" AssertionConsumerServiceURL="{acs}" ProtocolBinding="{POST_BINDING}"><saml:Issuer>{issuer}</saml:Issuer></samlp:AuthnRequest>"#,
        id = escape(id),
        at = time::format(now),
        dest = escape(destination),
        acs = escape(acs),
        issuer = escape(&sp_entity_id(pool_id)),
    )
}

/// The LogoutRequest `id` for the session of `name_id` (`format`) / `session_index`.
pub fn logout_request(
    id: &str,
    pool_id: &str,
    destination: &str,
    name_id: &str,
    format: &str,
    session_index: Option<&str>,
    now: i64,
) -> String {
    let index = session_index
        .map(|s| format!("<samlp:SessionIndex>{}</samlp:SessionIndex>", escape(s)))
        .unwrap_or_default();
    format!(
        r#"<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{id}" Version="2.0" IssueInstant="{at}" Destination="{dest}"><saml:Issuer>{issuer}</saml:Issuer><saml:NameID Format="{format}">{name_id}</saml:NameID>{index}</samlp:LogoutRequest>"#,
        id = escape(id),
        at = time::format(now),
        dest = escape(destination),
        issuer = escape(&sp_entity_id(pool_id)),
        format = escape(format),
        name_id = escape(name_id),
    )
}

/// Raw DEFLATE (RFC 1951) of `data` in stored blocks: what the HTTP-Redirect binding requires, without
/// a compressor (every inflater reads stored blocks).
pub fn deflate_stored(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 65_535 * 5 + 5);
    let mut chunks = data.chunks(65_535).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
        return out;
    }
    while let Some(chunk) = chunks.next() {
        out.push(u8::from(chunks.peek().is_none()));
        let len = chunk.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out
}

/// `<destination>?SAMLRequest=…&RelayState=…[&SigAlg=…&Signature=…]` for the HTTP-Redirect binding.
pub fn redirect_url(
    destination: &str,
    xml: &str,
    relay_state: Option<&str>,
    key: Option<&SigningKey>,
) -> Result<String> {
    let encoded = STANDARD.encode(deflate_stored(xml.as_bytes()));
    let mut query = format!("SAMLRequest={}", url_encode(&encoded));
    if let Some(r) = relay_state {
        query.push_str(&format!("&RelayState={}", url_encode(r)));
    }
    if let Some(key) = key {
        query.push_str(&format!("&SigAlg={}", url_encode(RSA_SHA256)));
        let sig = key.sign(query.as_bytes())?;
        query.push_str(&format!("&Signature={}", url_encode(&STANDARD.encode(sig))));
    }
    let sep = if destination.contains('?') { '&' } else { '?' };
    Ok(format!("{destination}{sep}{query}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_blocks_frame_the_data() {
        assert_eq!(deflate_stored(b"ab"), vec![1, 2, 0, 0xfd, 0xff, b'a', b'b']);
        let big = vec![7u8; 70_000];
        let d = deflate_stored(&big);
        assert_eq!(d[0], 0);
        assert_eq!(d[5 + 65_535], 1);
        assert_eq!(d.len(), 70_000 + 10);
    }
}
