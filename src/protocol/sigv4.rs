//! Optional SigV4 verification (`--require-sigv4`): the operations AWS authorizes with IAM credentials
//! (the model's `auth: sigv4`: Admin*, pool and client management, ListUsers...) must carry a valid
//! signature by one of the configured access keys; the others (SignUp, InitiateAuth...) stay open, as
//! on AWS. The math is crypto::sigv4's (the canonical request of AWS's published example).
//!
//! Answers, as AWS's front end gives them: no signature at all is `MissingAuthenticationTokenException`
//! (403, "Request is missing Authentication Token"); an Authorization header that is not a SigV4 one is
//! `IncompleteSignatureException`; an unknown access key `UnrecognizedClientException` ("The security
//! token included in the request is invalid."); a wrong signature, another service's scope or a date
//! more than 5 minutes away from now `InvalidSignatureException`.

use hyper::{HeaderMap, Method, Uri};
use subtle::ConstantTimeEq;

use crate::config::SigV4Credential;
use crate::crypto::sigv4;
use crate::err;
use crate::error::{CognitoError, Result};

/// The service name in a credential scope.
const SERVICE: &str = "cognito-idp";
/// How far the signing time may be from now, in seconds (AWS: 5 minutes).
const MAX_SKEW_SECS: i64 = 300;

/// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
struct Authorization<'a> {
    access_key: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn parse(value: &str) -> Result<Authorization<'_>> {
    let Some(rest) = value.strip_prefix("AWS4-HMAC-SHA256 ") else {
        return Err(err!(
            IncompleteSignatureException,
            "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. \
             Authorization header requires 'SignedHeaders' parameter. Authorization={}",
            crate::error::quoted(value)
        ));
    };
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix("Credential=") {
            credential = Some(v);
        } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
            signed = Some(v);
        } else if let Some(v) = part.strip_prefix("Signature=") {
            signature = Some(v);
        }
    }
    let mut missing = Vec::new();
    for (name, v) in [
        ("Credential", credential),
        ("Signature", signature),
        ("SignedHeaders", signed),
    ] {
        if v.is_none_or(str::is_empty) {
            missing.push(format!("Authorization header requires '{name}' parameter."));
        }
    }
    if !missing.is_empty() {
        return Err(CognitoError::IncompleteSignatureException(format!(
            "{} Authorization={}",
            missing.join(" "),
            crate::error::quoted(value)
        )));
    }
    let credential = credential.unwrap_or_default();
    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key, date, region, service, terminator] = scope[..] else {
        return Err(err!(
            IncompleteSignatureException,
            "Credential should be of the form <access key>/<date>/<region>/<service>/aws4_request, got {}",
            crate::error::quoted(credential)
        ));
    };
    if terminator != "aws4_request" {
        return Err(err!(
            InvalidSignatureException,
            "Credential should be scoped with a valid terminator: 'aws4_request', not '{}'.",
            crate::error::quoted(terminator)
        ));
    }
    Ok(Authorization {
        access_key,
        date,
        region,
        service,
        signed_headers: signed.unwrap_or_default().split(';').collect(),
        signature: signature.unwrap_or_default(),
    })
}

/// Epoch seconds of `YYYYMMDDTHHMMSSZ`.
fn parse_amz_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hh, mm, ss) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let days = crate::clock::days_from_civil(y, m, d);
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// Decodes `%XX` escapes of a query component (`+` stays `+`, as SigV4 signs it).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(v) = u8::from_str_radix(hex, 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Checks the request's signature; `now` is the machine's time in epoch seconds (SDKs sign with real
/// time, whatever the emulator's clock says).
pub fn verify(
    credentials: &[SigV4Credential],
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    now: i64,
) -> Result<()> {
    let Some(value) = headers.get(hyper::header::AUTHORIZATION) else {
        return Err(CognitoError::MissingAuthenticationTokenException(
            "Request is missing Authentication Token".into(),
        ));
    };
    let value = value.to_str().map_err(|_| {
        err!(
            IncompleteSignatureException,
            "The Authorization header is not valid ASCII."
        )
    })?;
    let auth = parse(value)?;
    let Some(known) = credentials.iter().find(|c| c.access_key == auth.access_key) else {
        return Err(err!(
            UnrecognizedClientException,
            "The security token included in the request is invalid."
        ));
    };
    if auth.service != SERVICE {
        return Err(err!(
            InvalidSignatureException,
            "Credential should be scoped to correct service: '{SERVICE}'. "
        ));
    }
    let header = |name: &str| {
        let values: Vec<String> = headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        (!values.is_empty()).then(|| values.join(","))
    };
    let amz_date = header("x-amz-date").ok_or_else(|| {
        err!(
            IncompleteSignatureException,
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization={}",
            crate::error::quoted(value)
        )
    })?;
    let signed_at = parse_amz_date(&amz_date).ok_or_else(|| {
        err!(
            IncompleteSignatureException,
            "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""
        )
    })?;
    if !amz_date.starts_with(auth.date) || auth.date.len() != 8 {
        return Err(err!(
            InvalidSignatureException,
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}', from '{}'.",
            crate::error::quoted(auth.date),
            &amz_date[..8],
            amz_date
        ));
    }
    if signed_at < now - MAX_SKEW_SECS {
        return Err(err!(
            InvalidSignatureException,
            "Signature expired: {amz_date} is now earlier than {} ({} - 5 min.)",
            sigv4::amz_date(now - MAX_SKEW_SECS),
            sigv4::amz_date(now)
        ));
    }
    if signed_at > now + MAX_SKEW_SECS {
        return Err(err!(
            InvalidSignatureException,
            "Signature not yet current: {amz_date} is still later than {} ({} + 5 min.)",
            sigv4::amz_date(now + MAX_SKEW_SECS),
            sigv4::amz_date(now)
        ));
    }
    if !auth.signed_headers.contains(&"host") {
        return Err(err!(
            InvalidSignatureException,
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
        ));
    }
    let mut signed = Vec::new();
    for name in &auth.signed_headers {
        let value = header(name).unwrap_or_default();
        signed.push((name.to_string(), value));
    }
    let query: Vec<(String, String)> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    let path = uri.path();
    let canonical_uri = if path.is_empty() { "/" } else { path };
    let request = sigv4::Request {
        method: method.as_str(),
        canonical_uri,
        query: &query,
        headers: &signed,
        body,
    };
    let creds = sigv4::Credentials {
        access_key: &known.access_key,
        secret_key: &known.secret_key,
        region: auth.region,
        service: SERVICE,
    };
    let (expected, _) = sigv4::signature(&request, &creds, &amz_date);
    if !bool::from(expected.as_bytes().ct_eq(auth.signature.as_bytes())) {
        return Err(err!(
            InvalidSignatureException,
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access \
             Key and signing method. Consult the service documentation for details."
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Vec<SigV4Credential> {
        vec![SigV4Credential {
            access_key: "AKIDEXAMPLE".into(),
            secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
        }]
    }

    /// A request signed as an SDK signs it, at `secs`.
    fn signed(secs: i64, secret: &str, body: &[u8]) -> HeaderMap {
        let date = sigv4::amz_date(secs);
        let headers = vec![
            (
                "content-type".to_string(),
                "application/x-amz-json-1.1".to_string(),
            ),
            ("host".to_string(), "localhost:9229".to_string()),
            ("x-amz-date".to_string(), date.clone()),
            (
                "x-amz-target".to_string(),
                "AWSCognitoIdentityProviderService.ListUserPools".to_string(),
            ),
        ];
        let r = sigv4::Request {
            method: "POST",
            canonical_uri: "/",
            query: &[],
            headers: &headers,
            body,
        };
        let c = sigv4::Credentials {
            access_key: "AKIDEXAMPLE",
            secret_key: secret,
            region: "eu-west-1",
            service: SERVICE,
        };
        let mut map = HeaderMap::new();
        for (k, v) in &headers {
            map.insert(
                hyper::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        map.insert(
            hyper::header::AUTHORIZATION,
            sigv4::authorization(&r, &c, &date).parse().unwrap(),
        );
        map
    }

    fn check(headers: &HeaderMap, body: &[u8], now: i64) -> Result<()> {
        verify(
            &creds(),
            &Method::POST,
            &Uri::from_static("/"),
            headers,
            body,
            now,
        )
    }

    #[test]
    fn right_wrong_missing_and_stale_signatures() {
        let now = 1_700_000_000;
        let body = br#"{"MaxResults":10}"#;
        let good = signed(now, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", body);
        assert_eq!(check(&good, body, now), Ok(()));
        assert_eq!(check(&good, body, now + 299), Ok(()));
        // Another body than the one signed.
        let e = check(&good, br#"{"MaxResults":60}"#, now).unwrap_err();
        assert_eq!(e.name(), "InvalidSignatureException");
        let bad = signed(now, "not the secret", body);
        assert_eq!(
            check(&bad, body, now).unwrap_err().name(),
            "InvalidSignatureException"
        );
        let e = check(&good, body, now + 301).unwrap_err();
        assert!(
            e.message().starts_with("Signature expired: "),
            "{}",
            e.message()
        );
        let e = check(&good, body, now - 301).unwrap_err();
        assert!(
            e.message().starts_with("Signature not yet current: "),
            "{}",
            e.message()
        );
        let mut unknown = good.clone();
        let value = good["authorization"]
            .to_str()
            .unwrap()
            .replace("AKIDEXAMPLE", "AKIDOTHER");
        unknown.insert(hyper::header::AUTHORIZATION, value.parse().unwrap());
        assert_eq!(
            check(&unknown, body, now).unwrap_err().name(),
            "UnrecognizedClientException"
        );
        let mut none = good.clone();
        none.remove(hyper::header::AUTHORIZATION);
        let e = check(&none, body, now).unwrap_err();
        assert_eq!(
            (e.name(), e.message(), e.status()),
            (
                "MissingAuthenticationTokenException",
                "Request is missing Authentication Token",
                403
            )
        );
        let mut bearer = good.clone();
        bearer.insert(hyper::header::AUTHORIZATION, "Bearer abc".parse().unwrap());
        assert_eq!(
            check(&bearer, body, now).unwrap_err().name(),
            "IncompleteSignatureException"
        );
    }

    #[test]
    fn amz_dates_round_trip() {
        for secs in [0, 951_782_400, 1_440_938_160, 1_700_000_000, 4_102_444_799] {
            assert_eq!(parse_amz_date(&sigv4::amz_date(secs)), Some(secs));
        }
        assert_eq!(parse_amz_date("20150830T1236Z"), None);
        assert_eq!(parse_amz_date("2015083aT123600Z"), None);
    }
}
