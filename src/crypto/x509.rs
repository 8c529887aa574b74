//! A self-signed X.509 v3 certificate (RSA-2048, sha256WithRSAEncryption), DER-encoded by hand: the
//! SAML signing certificate GetSigningCertificate returns. Only the few DER types a certificate needs
//! are written here.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey};

/// sha256WithRSAEncryption (1.2.840.113549.1.1.11) with NULL parameters.
const SHA256_WITH_RSA: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00,
];
/// id-at-countryName, id-at-organizationName, id-at-organizationalUnitName, id-at-commonName.
const COUNTRY: &[u8] = &[0x55, 0x04, 0x06];
const ORGANIZATION: &[u8] = &[0x55, 0x04, 0x0a];
const UNIT: &[u8] = &[0x55, 0x04, 0x0b];
const COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// A positive INTEGER from big-endian bytes.
fn positive_integer(bytes: &[u8]) -> Vec<u8> {
    let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    let mut content = if trimmed.is_empty() { vec![0] } else { trimmed };
    if content[0] & 0x80 != 0 {
        content.insert(0, 0);
    }
    tlv(0x02, &content)
}

/// One RDN of a Name: SET { SEQUENCE { type, value } }.
fn rdn(oid: &[u8], value: &str, printable: bool) -> Vec<u8> {
    let value = tlv(if printable { 0x13 } else { 0x0c }, value.as_bytes());
    tlv(0x31, &seq(&[&tlv(0x06, oid), &value]))
}

/// UTCTime before 2050, GeneralizedTime from then on (RFC 5280 §4.1.2.5).
fn time(epoch_secs: i64) -> Vec<u8> {
    let (y, mo, d) = crate::clock::civil_from_days(epoch_secs.div_euclid(86_400));
    let s = epoch_secs.rem_euclid(86_400);
    let (h, mi, se) = (s / 3600, (s % 3600) / 60, s % 60);
    if (1950..2050).contains(&y) {
        let text = format!("{:02}{mo:02}{d:02}{h:02}{mi:02}{se:02}Z", y % 100);
        tlv(0x17, text.as_bytes())
    } else {
        let text = format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{se:02}Z");
        tlv(0x18, text.as_bytes())
    }
}

/// A new RSA-2048 key and a certificate for it, signed by itself: subject and issuer
/// `C=US, O=Amazon Web Services, OU=Cognito, CN=<common_name>` (the emulator's stand-in for AWS's
/// signer), valid from `not_before` for `valid_secs` seconds. Returns the certificate's DER.
pub fn self_signed(
    common_name: &str,
    serial: &[u8],
    not_before: i64,
    valid_secs: i64,
) -> Result<Vec<u8>, String> {
    self_signed_with_key(common_name, serial, not_before, valid_secs).map(|(der, _)| der)
}

/// [`self_signed`], also returning the private key (PKCS#8 DER) that signs with the certificate (the
/// pool's SAML requests).
pub fn self_signed_with_key(
    common_name: &str,
    serial: &[u8],
    not_before: i64,
    valid_secs: i64,
) -> Result<(Vec<u8>, Vec<u8>), String> {
    let key = rsa::PrivateKey::new(&mut rand::rng(), 2048).map_err(|e| e.to_string())?;
    let spki = key
        .to_public_key()
        .to_public_key_der()
        .map_err(|e| e.to_string())?;
    let pkcs8 = key.to_pkcs8_der().map_err(|e| e.to_string())?;
    let pair = RsaKeyPair::from_pkcs8(pkcs8.as_bytes()).map_err(|e| e.to_string())?;
    let der = build(
        &pair,
        spki.as_bytes(),
        common_name,
        serial,
        not_before,
        valid_secs,
    )?;
    Ok((der, pkcs8.as_bytes().to_vec()))
}

/// The certificate of `pair` (whose SubjectPublicKeyInfo is `spki`), signed by it.
fn build(
    pair: &RsaKeyPair,
    spki: &[u8],
    common_name: &str,
    serial: &[u8],
    not_before: i64,
    valid_secs: i64,
) -> Result<Vec<u8>, String> {
    let name = seq(&[
        &rdn(COUNTRY, "US", true),
        &rdn(ORGANIZATION, "Amazon Web Services", false),
        &rdn(UNIT, "Cognito", false),
        &rdn(COMMON_NAME, common_name, false),
    ]);
    let validity = seq(&[&time(not_before), &time(not_before + valid_secs)]);
    let version = tlv(0xa0, &positive_integer(&[2]));
    let tbs = seq(&[
        &version,
        &positive_integer(serial),
        SHA256_WITH_RSA,
        &name,
        &validity,
        &name,
        spki,
    ]);
    let mut signature = vec![0u8; pair.public_modulus_len()];
    pair.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        &tbs,
        &mut signature,
    )
    .map_err(|e| e.to_string())?;
    let mut bits = vec![0u8];
    bits.extend(signature);
    Ok(seq(&[&tbs, SHA256_WITH_RSA, &tlv(0x03, &bits)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_the_calendar() {
        assert_eq!(time(1_700_000_000), tlv(0x17, b"231114221320Z"));
        assert_eq!(time(2_600_000_000), tlv(0x18, b"20520522141320Z"));
    }

    #[test]
    fn integers_are_positive_and_minimal() {
        assert_eq!(positive_integer(&[0x00, 0x05]), vec![0x02, 0x01, 0x05]);
        assert_eq!(positive_integer(&[0x80]), vec![0x02, 0x02, 0x00, 0x80]);
        assert_eq!(tlv(0x04, &[0; 200])[..3], [0x04, 0x81, 200]);
    }

    #[test]
    fn the_certificate_verifies_with_its_own_key() {
        use aws_lc_rs::signature::{KeyPair, RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
        let key = rsa::PrivateKey::new(&mut rand::rng(), 2048).unwrap();
        let spki = key.to_public_key().to_public_key_der().unwrap();
        let pair = RsaKeyPair::from_pkcs8(key.to_pkcs8_der().unwrap().as_bytes()).unwrap();
        let der = build(
            &pair,
            spki.as_bytes(),
            "us-east-1_Example",
            &[1, 2, 3],
            1_700_000_000,
            315_360_000,
        )
        .unwrap();
        // (header length, content length) of the DER element at the start of `b`.
        let read = |b: &[u8]| -> (usize, usize) {
            if b[1] & 0x80 == 0 {
                (2, b[1] as usize)
            } else {
                let n = (b[1] & 0x7f) as usize;
                (
                    2 + n,
                    b[2..2 + n].iter().fold(0, |a, x| a * 256 + *x as usize),
                )
            }
        };
        // Certificate = SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }.
        let (h, len) = read(&der);
        assert_eq!(h + len, der.len());
        let body = &der[h..];
        let (th, tlen) = read(body);
        let tbs = &body[..th + tlen];
        assert!(
            tbs.windows(spki.as_bytes().len())
                .any(|w| w == spki.as_bytes())
        );
        let rest = &body[th + tlen..];
        assert!(rest.starts_with(SHA256_WITH_RSA));
        let bits = &rest[SHA256_WITH_RSA.len()..];
        let (bh, blen) = read(bits);
        assert_eq!(bits[bh], 0, "no unused bits");
        let signature = &bits[bh + 1..bh + blen];
        UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, pair.public_key().as_ref())
            .verify(tbs, signature)
            .expect("the certificate is signed by its own key");
    }
}
