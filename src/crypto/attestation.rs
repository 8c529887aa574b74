//! WebAuthn attestation objects (§6.5, §8): `fmt`, `attStmt` and `authData` in CBOR, with the `none`
//! and `packed` statement formats verified (packed: self attestation with the credential key, or an
//! x5c certificate checked against §8.2.1). No trust anchors are consulted: a packed certificate proves
//! the statement was signed by that certificate's key, not that a vendor made the authenticator.

use ciborium::Value;
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::certificate::Version;
use x509_cert::der::Decode;
use x509_cert::der::asn1::ObjectIdentifier;
use x509_cert::ext::pkix::BasicConstraints;

use crate::crypto::cose::{self, PublicKey};
use crate::crypto::webauthn::{AttestedCredential, AuthData, Error};

const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// id-fido-gen-ce-aaguid: the authenticator model in an attestation certificate.
const FIDO_AAGUID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.45724.1.1.4");

/// A verified registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// The attestation statement format (`none`, `packed`).
    pub fmt: String,
    /// The authenticator data.
    pub auth_data: AuthData,
    /// The new credential.
    pub credential: AttestedCredential,
}

fn malformed(what: &str) -> Error {
    Error::Malformed(what.to_string())
}

fn text(label: &str) -> Value {
    Value::Text(label.to_string())
}

/// Parses an attestation object and verifies its statement over `authData || clientDataHash`.
pub fn verify(attestation_object: &[u8], client_data_json: &[u8]) -> Result<Registration, Error> {
    let mut rest = attestation_object;
    let value = cose::decode_one(&mut rest)?;
    if !rest.is_empty() {
        return Err(malformed("trailing bytes after the attestation object"));
    }
    let map = cose::as_map(&value, "attestationObject")?;
    let fmt = match cose::get(map, &text("fmt"))? {
        Some(Value::Text(f)) => f.clone(),
        _ => return Err(malformed("attestationObject has no fmt")),
    };
    let raw_auth_data = match cose::get(map, &text("authData"))? {
        Some(Value::Bytes(b)) => b.as_slice(),
        _ => return Err(malformed("attestationObject has no authData")),
    };
    let statement = cose::get(map, &text("attStmt"))?
        .ok_or_else(|| malformed("attestationObject has no attStmt"))?;
    let statement = cose::as_map(statement, "attStmt")?;
    let auth_data = AuthData::parse(raw_auth_data)?;
    let credential = auth_data
        .credential
        .clone()
        .ok_or_else(|| malformed("authenticator data has no attested credential"))?;
    let mut signed = raw_auth_data.to_vec();
    signed.extend_from_slice(&Sha256::digest(client_data_json));
    match fmt.as_str() {
        "none" => {
            if !statement.is_empty() {
                return Err(malformed("a none attestation statement must be empty"));
            }
        }
        "packed" => packed(statement, &signed, &credential)?,
        other => {
            return Err(Error::Unsupported(format!(
                "attestation format {other} (none and packed are supported)"
            )));
        }
    }
    Ok(Registration {
        fmt,
        auth_data,
        credential,
    })
}

/// §8.2: `alg`, `sig`, and optionally `x5c`.
fn packed(
    statement: &[(Value, Value)],
    signed: &[u8],
    credential: &AttestedCredential,
) -> Result<(), Error> {
    let alg = match cose::get(statement, &text("alg"))? {
        Some(Value::Integer(i)) => {
            i64::try_from(i128::from(*i)).map_err(|_| malformed("packed alg is out of range"))?
        }
        _ => return Err(malformed("packed attestation has no alg")),
    };
    let sig = match cose::get(statement, &text("sig"))? {
        Some(Value::Bytes(b)) => b.as_slice(),
        _ => return Err(malformed("packed attestation has no sig")),
    };
    match cose::get(statement, &text("x5c"))? {
        None => {
            // Self attestation: signed by the credential's own key, with its algorithm.
            if alg != credential.key.alg() {
                return Err(malformed(
                    "packed self attestation alg differs from the credential's",
                ));
            }
            if !credential.key.verify(signed, sig) {
                return Err(Error::BadSignature);
            }
        }
        Some(Value::Array(chain)) => {
            let leaf = match chain.first() {
                Some(Value::Bytes(der)) => der,
                _ => return Err(malformed("x5c must hold DER certificates")),
            };
            let key = certificate_key(leaf, &credential.aaguid)?;
            if key.alg() != alg {
                return Err(malformed("packed alg does not match the certificate's key"));
            }
            if !key.verify(signed, sig) {
                return Err(Error::BadSignature);
            }
        }
        Some(_) => return Err(malformed("x5c is not an array")),
    }
    Ok(())
}

/// The attestation certificate's key, after the checks of §8.2.1: version 3, subject OU
/// "Authenticator Attestation", not a CA, and the AAGUID extension (when present) matching.
fn certificate_key(der: &[u8], aaguid: &[u8; 16]) -> Result<PublicKey, Error> {
    let cert = Certificate::from_der(der)
        .map_err(|_| malformed("the attestation certificate is not valid DER"))?;
    let tbs = cert.tbs_certificate();
    if tbs.version() != Version::V3 {
        return Err(malformed("the attestation certificate is not version 3"));
    }
    let subject = tbs.subject().to_string();
    if !subject
        .split([',', '+'])
        .any(|part| part.trim() == "OU=Authenticator Attestation")
    {
        return Err(malformed(
            "the attestation certificate's subject OU is not \"Authenticator Attestation\"",
        ));
    }
    let constraints = tbs
        .get_extension::<BasicConstraints>()
        .map_err(|_| malformed("the attestation certificate's basic constraints are invalid"))?;
    if constraints.is_some_and(|(_, c)| c.ca) {
        return Err(malformed("the attestation certificate is a CA certificate"));
    }
    for ext in tbs.extensions().into_iter().flatten() {
        if ext.extn_id == FIDO_AAGUID {
            // An OCTET STRING holding the 16-byte AAGUID; it must be marked non-critical.
            let v = ext.extn_value.as_bytes();
            if ext.critical || v.len() != 18 || v[..2] != [0x04, 0x10] || &v[2..] != aaguid {
                return Err(malformed(
                    "the attestation certificate's AAGUID does not match the authenticator data",
                ));
            }
        }
    }
    let spki = tbs.subject_public_key_info();
    let bits = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| malformed("the certificate's public key is not whole bytes"))?;
    if spki.algorithm.oid == EC_PUBLIC_KEY {
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        if curve != Some(P256) || bits.len() != 65 || bits[0] != 4 {
            return Err(Error::Unsupported(
                "attestation certificates on curves other than P-256".into(),
            ));
        }
        return Ok(PublicKey::Es256 {
            point: bits.to_vec(),
        });
    }
    if spki.algorithm.oid == RSA_ENCRYPTION {
        let rsa = rsa_components(bits)
            .ok_or_else(|| malformed("the certificate's RSA key is not valid DER"))?;
        return Ok(rsa);
    }
    Err(Error::Unsupported(
        "attestation certificate key type (P-256 and RSA are supported)".into(),
    ))
}

/// RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }.
fn rsa_components(der: &[u8]) -> Option<PublicKey> {
    use x509_cert::der::asn1::UintRef;
    use x509_cert::der::{Reader, SliceReader};
    let mut reader = SliceReader::new(der).ok()?;
    let (n, e) = reader
        .sequence(|r| -> Result<_, x509_cert::der::Error> {
            Ok((UintRef::decode(r)?, UintRef::decode(r)?))
        })
        .ok()?;
    reader.finish().ok()?;
    Some(PublicKey::Rs256 {
        n: n.as_bytes().to_vec(),
        e: e.as_bytes().to_vec(),
    })
}
