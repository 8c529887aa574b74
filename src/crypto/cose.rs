//! COSE public keys of WebAuthn credentials (RFC 9052/9053 as WebAuthn uses them): ES256 (EC2 on P-256)
//! and RS256 (RSASSA-PKCS1-v1_5 with SHA-256), parsed from their CBOR map and verified with AWS-LC; a
//! minimal CBOR map reader shared with the attestation parser.

use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_ASN1, ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents,
    UnparsedPublicKey,
};
use ciborium::Value;

/// COSE algorithm ES256 (ECDSA P-256 with SHA-256).
pub const ES256: i64 = -7;
/// COSE algorithm RS256 (RSASSA-PKCS1-v1_5 with SHA-256).
pub const RS256: i64 = -257;

/// Why a key or a CBOR structure was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// Not the CBOR structure the spec describes.
    Malformed(String),
    /// Well-formed, but an algorithm or key type this verifier does not accept.
    Unsupported(String),
}

/// A credential public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    /// EC2 P-256: the uncompressed point 0x04 || x || y.
    Es256 {
        /// 65 bytes.
        point: Vec<u8>,
    },
    /// RSA: modulus and exponent (big-endian).
    Rs256 {
        /// n.
        n: Vec<u8>,
        /// e.
        e: Vec<u8>,
    },
}

impl PublicKey {
    /// The COSE algorithm.
    pub fn alg(&self) -> i64 {
        match self {
            PublicKey::Es256 { .. } => ES256,
            PublicKey::Rs256 { .. } => RS256,
        }
    }

    /// Whether `sig` is this key's signature of `msg` (ES256 signatures are ASN.1 DER, as WebAuthn sends
    /// them).
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        match self {
            PublicKey::Es256 { point } => UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, point)
                .verify(msg, sig)
                .is_ok(),
            PublicKey::Rs256 { n, e } => RsaPublicKeyComponents { n, e }
                .verify(&RSA_PKCS1_2048_8192_SHA256, msg, sig)
                .is_ok(),
        }
    }

    /// Parses a COSE_Key (the CBOR bytes stored with a credential).
    pub fn from_cose(bytes: &[u8]) -> Result<PublicKey, KeyError> {
        let mut rest = bytes;
        let value = decode_one(&mut rest)?;
        if !rest.is_empty() {
            return Err(malformed("trailing bytes after the COSE key"));
        }
        PublicKey::from_value(&value)
    }

    /// Reads a COSE_Key map: kty 2 / crv 1 / alg -7, or kty 3 / alg -257.
    pub fn from_value(value: &Value) -> Result<PublicKey, KeyError> {
        let map = as_map(value, "COSE key")?;
        let kty = int(map, 1)?.ok_or_else(|| malformed("COSE key without kty"))?;
        let alg = int(map, 3)?.ok_or_else(|| malformed("COSE key without alg"))?;
        match (kty, alg) {
            (2, ES256) => {
                let crv = int(map, -1)?.ok_or_else(|| malformed("EC2 key without crv"))?;
                if crv != 1 {
                    return Err(KeyError::Unsupported(format!(
                        "EC2 curve {crv} (only P-256 is supported)"
                    )));
                }
                let x = bytes_of(map, -2, "x")?;
                let y = bytes_of(map, -3, "y")?;
                if x.len() != 32 || y.len() != 32 {
                    return Err(malformed("P-256 coordinates must be 32 bytes"));
                }
                let mut point = Vec::with_capacity(65);
                point.push(4);
                point.extend_from_slice(x);
                point.extend_from_slice(y);
                // Refuses points that are not on the curve now, not at the first sign-in.
                if ParsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, &point).is_err() {
                    return Err(malformed("invalid P-256 point"));
                }
                Ok(PublicKey::Es256 { point })
            }
            (3, RS256) => {
                let n = strip_zeros(bytes_of(map, -1, "n")?);
                let e = strip_zeros(bytes_of(map, -2, "e")?);
                if n.len() < 256 || e.is_empty() {
                    return Err(KeyError::Unsupported(
                        "RSA keys must have at least 2048 bits".into(),
                    ));
                }
                Ok(PublicKey::Rs256 {
                    n: n.to_vec(),
                    e: e.to_vec(),
                })
            }
            (kty, alg) => Err(KeyError::Unsupported(format!(
                "COSE key type {kty} with algorithm {alg} (only ES256 and RS256 are supported)"
            ))),
        }
    }
}

fn strip_zeros(b: &[u8]) -> &[u8] {
    let first = b.iter().position(|x| *x != 0).unwrap_or(b.len());
    &b[first..]
}

/// A `Malformed` error.
pub fn malformed(what: &str) -> KeyError {
    KeyError::Malformed(what.to_string())
}

/// Decodes one CBOR item from the front of `input`, advancing it past the item.
pub fn decode_one(input: &mut &[u8]) -> Result<Value, KeyError> {
    ciborium::de::from_reader::<Value, _>(&mut *input).map_err(|e| malformed(&format!("CBOR: {e}")))
}

/// The entries of a CBOR map.
pub fn as_map<'a>(value: &'a Value, what: &str) -> Result<&'a [(Value, Value)], KeyError> {
    value
        .as_map()
        .map(Vec::as_slice)
        .ok_or_else(|| malformed(&format!("{what} is not a CBOR map")))
}

fn key_eq(k: &Value, label: &Value) -> bool {
    match (k, label) {
        (Value::Integer(a), Value::Integer(b)) => i128::from(*a) == i128::from(*b),
        (Value::Text(a), Value::Text(b)) => a == b,
        _ => false,
    }
}

/// The value of `label` in a CBOR map (a label given twice is refused).
pub fn get<'a>(map: &'a [(Value, Value)], label: &Value) -> Result<Option<&'a Value>, KeyError> {
    let mut found = map.iter().filter(|(k, _)| key_eq(k, label));
    let first = found.next().map(|(_, v)| v);
    if found.next().is_some() {
        return Err(malformed("a CBOR map repeats a key"));
    }
    Ok(first)
}

fn int(map: &[(Value, Value)], label: i64) -> Result<Option<i64>, KeyError> {
    match get(map, &Value::Integer(label.into()))? {
        None => Ok(None),
        Some(Value::Integer(i)) => i64::try_from(i128::from(*i))
            .map(Some)
            .map_err(|_| malformed("integer out of range")),
        Some(_) => Err(malformed(&format!("COSE label {label} is not an integer"))),
    }
}

fn bytes_of<'a>(map: &'a [(Value, Value)], label: i64, name: &str) -> Result<&'a [u8], KeyError> {
    match get(map, &Value::Integer(label.into()))? {
        Some(Value::Bytes(b)) => Ok(b),
        Some(_) => Err(malformed(&format!(
            "COSE key member {name} is not a byte string"
        ))),
        None => Err(malformed(&format!("COSE key without {name}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cose(entries: Vec<(i64, Value)>) -> Vec<u8> {
        let map = Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (Value::Integer(k.into()), v))
                .collect(),
        );
        let mut out = Vec::new();
        ciborium::ser::into_writer(&map, &mut out).unwrap();
        out
    }

    #[test]
    fn es256_keys_sign_and_verify_with_aws_lc() {
        use aws_lc_rs::rand::SystemRandom;
        use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
        let pair =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref()).unwrap();
        let point = pair.public_key().as_ref().to_vec();
        let bytes = cose(vec![
            (1, Value::Integer(2.into())),
            (3, Value::Integer((-7).into())),
            (-1, Value::Integer(1.into())),
            (-2, Value::Bytes(point[1..33].to_vec())),
            (-3, Value::Bytes(point[33..].to_vec())),
        ]);
        let key = PublicKey::from_cose(&bytes).unwrap();
        let sig = pair.sign(&rng, b"message").unwrap();
        assert!(key.verify(b"message", sig.as_ref()));
        assert!(!key.verify(b"messagf", sig.as_ref()));
    }

    #[test]
    fn other_algorithms_curves_and_broken_keys_are_refused() {
        let eddsa = cose(vec![
            (1, Value::Integer(1.into())),
            (3, Value::Integer((-8).into())),
        ]);
        assert!(matches!(
            PublicKey::from_cose(&eddsa),
            Err(KeyError::Unsupported(_))
        ));
        let p384 = cose(vec![
            (1, Value::Integer(2.into())),
            (3, Value::Integer((-7).into())),
            (-1, Value::Integer(2.into())),
            (-2, Value::Bytes(vec![1; 48])),
            (-3, Value::Bytes(vec![1; 48])),
        ]);
        assert!(matches!(
            PublicKey::from_cose(&p384),
            Err(KeyError::Unsupported(_))
        ));
        let off_curve = cose(vec![
            (1, Value::Integer(2.into())),
            (3, Value::Integer((-7).into())),
            (-1, Value::Integer(1.into())),
            (-2, Value::Bytes(vec![1; 32])),
            (-3, Value::Bytes(vec![1; 32])),
        ]);
        assert!(matches!(
            PublicKey::from_cose(&off_curve),
            Err(KeyError::Malformed(_))
        ));
        let small_rsa = cose(vec![
            (1, Value::Integer(3.into())),
            (3, Value::Integer((-257).into())),
            (-1, Value::Bytes(vec![0xc5; 128])),
            (-2, Value::Bytes(vec![1, 0, 1])),
        ]);
        assert!(matches!(
            PublicKey::from_cose(&small_rsa),
            Err(KeyError::Unsupported(_))
        ));
        assert!(matches!(
            PublicKey::from_cose(&[0xa1, 0x01]),
            Err(KeyError::Malformed(_))
        ));
    }
}
