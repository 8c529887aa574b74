//! The certificate of the `--https-port` listener. A local CA (`tls-ca.pem`, its key `tls-ca-key.pem`)
//! is generated on first start into the keys directory and kept: trust that file once. The server
//! certificate is issued by it at every start (for localhost, 127.0.0.1, ::1, the `--tls-host` names
//! and the pools' domains), valid about 800 days (macOS refuses longer ones from local CAs).

use std::path::Path;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, date_time_ymd,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The CA certificate file a user trusts.
pub const CA_FILE: &str = "tls-ca.pem";
const CA_KEY_FILE: &str = "tls-ca-key.pem";

/// Why the TLS listener cannot start.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// Reading or writing a file.
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    /// Generating or parsing a key or certificate.
    #[error("TLS certificate: {0}")]
    Cert(String),
}

fn cert_err(e: impl std::fmt::Display) -> TlsError {
    TlsError::Cert(e.to_string())
}

/// (year, month, day) of a day count since 1970-01-01, in the types rcgen's `date_time_ymd` takes.
fn civil(days: i64) -> (i32, u8, u8) {
    let (y, m, d) = crate::clock::civil_from_days(days);
    (y as i32, m as u8, d as u8)
}

/// The CA's parameters: the same every time, so a reloaded key issues under the saved certificate.
fn ca_params(today: i64) -> Result<CertificateParams, TlsError> {
    let day = |n: i64| {
        let (y, m, d) = civil(n);
        date_time_ymd(y, m, d)
    };
    let mut p = CertificateParams::new(Vec::<String>::new()).map_err(cert_err)?;
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.distinguished_name
        .push(DnType::CommonName, "cognito-emulator local CA");
    p.distinguished_name
        .push(DnType::OrganizationName, "cognito-emulator");
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    p.not_before = day(today - 1);
    p.not_after = day(today + 3650);
    Ok(p)
}

fn read(path: &Path) -> Result<Option<String>, TlsError> {
    match std::fs::read_to_string(path) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(TlsError::Io(path.display().to_string(), e)),
    }
}

fn write(path: &Path, text: &str) -> Result<(), TlsError> {
    std::fs::write(path, text).map_err(|e| TlsError::Io(path.display().to_string(), e))
}

/// The rustls configuration of the listener: the CA from `dir` (made on first start) and a fresh
/// server certificate for `hosts` (localhost and the loopback addresses are always in it).
pub fn server_config(
    dir: &Path,
    hosts: &[String],
    now_secs: i64,
) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    std::fs::create_dir_all(dir).map_err(|e| TlsError::Io(dir.display().to_string(), e))?;
    let today = now_secs.div_euclid(86_400);
    let (ca_path, key_path) = (dir.join(CA_FILE), dir.join(CA_KEY_FILE));
    let (ca_pem, ca_key) = match (read(&ca_path)?, read(&key_path)?) {
        (Some(cert), Some(key)) => (cert, KeyPair::from_pem(&key).map_err(cert_err)?),
        _ => {
            let key = KeyPair::generate().map_err(cert_err)?;
            let cert = ca_params(today)?.self_signed(&key).map_err(cert_err)?;
            write(&key_path, &key.serialize_pem())?;
            write(&ca_path, &cert.pem())?;
            tracing::info!(ca = %ca_path.display(), "generated the local CA of the HTTPS listener");
            (cert.pem(), key)
        }
    };
    let issuer = Issuer::new(ca_params(today)?, ca_key);
    let mut names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    for h in hosts {
        if !h.is_empty() && !names.contains(h) {
            names.push(h.clone());
        }
    }
    let day = |n: i64| {
        let (y, m, d) = civil(n);
        date_time_ymd(y, m, d)
    };
    let mut leaf = CertificateParams::new(names).map_err(cert_err)?;
    leaf.distinguished_name
        .push(DnType::CommonName, "cognito-emulator");
    leaf.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.not_before = day(today - 1);
    leaf.not_after = day(today + 800);
    let leaf_key = KeyPair::generate().map_err(cert_err)?;
    let cert = leaf.signed_by(&leaf_key, &issuer).map_err(cert_err)?;
    let ca_der =
        rustls::pki_types::pem::PemObject::from_pem_slice(ca_pem.as_bytes()).map_err(cert_err)?;
    let chain: Vec<CertificateDer<'static>> = vec![cert.der().clone(), ca_der];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(cert_err)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(cert_err)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(19_723), (2024, 1, 1));
        assert_eq!(civil(11_016), (2000, 2, 29));
    }

    #[test]
    fn ca_is_made_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        server_config(dir.path(), &["auth.example.com".into()], 1_750_000_000).unwrap();
        let first = std::fs::read_to_string(dir.path().join(CA_FILE)).unwrap();
        server_config(dir.path(), &[], 1_750_000_000).unwrap();
        let second = std::fs::read_to_string(dir.path().join(CA_FILE)).unwrap();
        assert_eq!(first, second);
    }
}
