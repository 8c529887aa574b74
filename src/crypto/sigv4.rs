//! AWS Signature Version 4 (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html):
//! the canonical request, the string to sign and the derived signing key. The emulator signs its Lambda
//! Invoke calls with it, so that hosts which check signatures accept them.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = HmacSha256::new_from_slice(key).expect("HMAC takes any key");
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Lower-case hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// Percent-encodes as SigV4 wants: everything but `A-Z a-z 0-9 - _ . ~`, and `/` too unless
/// `keep_slash`.
pub fn uri_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b'/' if keep_slash => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Who signs, and for which scope.
#[derive(Debug, Clone)]
pub struct Credentials<'a> {
    /// Access key id.
    pub access_key: &'a str,
    /// Secret access key.
    pub secret_key: &'a str,
    /// Region of the scope.
    pub region: &'a str,
    /// Service of the scope (`lambda`, `cognito-idp`).
    pub service: &'a str,
}

/// One request to sign: method, canonical path (already encoded as the service expects), query pairs
/// (unencoded), headers (name, value) and the body.
pub struct Request<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// The canonical URI (Lambda signs its path encoded once more than it is sent).
    pub canonical_uri: &'a str,
    /// Query parameters.
    pub query: &'a [(String, String)],
    /// Headers to sign (lower-cased names are used); `host` and `x-amz-date` must be among them.
    pub headers: &'a [(String, String)],
    /// The payload.
    pub body: &'a [u8],
}

/// The canonical request and the list of signed header names.
pub fn canonical_request(r: &Request<'_>) -> (String, String) {
    let mut query: Vec<(String, String)> = r
        .query
        .iter()
        .map(|(k, v)| (uri_encode(k, false), uri_encode(v, false)))
        .collect();
    query.sort();
    let query = query
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let mut headers: Vec<(String, String)> = r
        .headers
        .iter()
        .map(|(k, v)| {
            let value = v.split_whitespace().collect::<Vec<_>>().join(" ");
            (k.to_ascii_lowercase(), value)
        })
        .collect();
    headers.sort();
    let canonical_headers: String = headers.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed = headers
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        r.method,
        r.canonical_uri,
        query,
        canonical_headers,
        signed,
        sha256_hex(r.body)
    );
    (canonical, signed)
}

/// The signature of `r` at `amz_date` (`YYYYMMDDTHHMMSSZ`) with `creds`, and the signed header list.
pub fn signature(r: &Request<'_>, creds: &Credentials<'_>, amz_date: &str) -> (String, String) {
    let (canonical, signed) = canonical_request(r);
    let date = &amz_date[..8.min(amz_date.len())];
    let scope = format!("{date}/{}/{}/aws4_request", creds.region, creds.service);
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical.as_bytes())
    );
    let k_date = hmac(
        format!("AWS4{}", creds.secret_key).as_bytes(),
        date.as_bytes(),
    );
    let k_region = hmac(&k_date, creds.region.as_bytes());
    let k_service = hmac(&k_region, creds.service.as_bytes());
    let k_signing = hmac(&k_service, b"aws4_request");
    (hex(&hmac(&k_signing, to_sign.as_bytes())), signed)
}

/// The `Authorization` header value for `r`.
pub fn authorization(r: &Request<'_>, creds: &Credentials<'_>, amz_date: &str) -> String {
    let (sig, signed) = signature(r, creds, amz_date);
    let date = &amz_date[..8.min(amz_date.len())];
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{date}/{}/{}/aws4_request, SignedHeaders={signed}, Signature={sig}",
        creds.access_key, creds.region, creds.service
    )
}

/// `YYYYMMDDTHHMMSSZ` for epoch seconds `secs`.
pub fn amz_date(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = crate::clock::civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's published example (GET with a query, IAM ListUsers), from the SigV4 documentation.
    #[test]
    fn reproduces_the_iam_example_signature() {
        let headers = vec![
            (
                "Content-Type".to_string(),
                "application/x-www-form-urlencoded; charset=utf-8".to_string(),
            ),
            ("Host".to_string(), "iam.amazonaws.com".to_string()),
            ("X-Amz-Date".to_string(), "20150830T123600Z".to_string()),
        ];
        let query = vec![
            ("Action".to_string(), "ListUsers".to_string()),
            ("Version".to_string(), "2010-05-08".to_string()),
        ];
        let r = Request {
            method: "GET",
            canonical_uri: "/",
            query: &query,
            headers: &headers,
            body: b"",
        };
        let creds = Credentials {
            access_key: "AKIDEXAMPLE",
            secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            region: "us-east-1",
            service: "iam",
        };
        let (sig, signed) = signature(&r, &creds, "20150830T123600Z");
        assert_eq!(signed, "content-type;host;x-amz-date");
        assert_eq!(
            sig,
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        );
    }

    #[test]
    fn dates_and_encoding() {
        assert_eq!(amz_date(1_440_938_160), "20150830T123600Z");
        assert_eq!(amz_date(0), "19700101T000000Z");
        assert_eq!(
            uri_encode("arn:aws:lambda:us-east-1:1:function:f", false),
            "arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af"
        );
        assert_eq!(uri_encode("a b/c", true), "a%20b/c");
    }
}
